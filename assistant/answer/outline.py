"""The document's own structure as an answer.

Two cases need the headings rather than a body sentence: questions about the outline
("这份报告分为哪两大部分？", "2022年工作回顾从哪几个方面总结？"), and a chosen sentence that
announces a list ("重点是抓好以下五方面工作：") whose items are the section headings after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.evidence import Evidence
from index.records import Chunk, Hit, Paragraph, Report
from index.textnorm import YEAR, normalize

_PART_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")


def _headings(report: Report, depth: int, under: tuple[str, ...] = ()) -> list[Paragraph]:
    return [p for p in report.paragraphs
            if p.kind == "heading" and len(p.section) == depth and p.section[: len(under)] == under]


def outline_items(report: Report, question: str) -> list[Paragraph]:
    """The sections of the part the question names (by its title without year), else the parts."""
    norm = normalize(question)
    parts = _headings(report, 1)
    for part in parts:
        name = YEAR.sub("", normalize(_PART_NUMBER.sub("", part.text)))
        if len(name) >= 2 and name in norm:
            return _headings(report, 2, part.section) or parts
    return parts


def announced_items(report: Report, paragraph_number: int) -> list[Paragraph]:
    """The headings one level below the paragraph, from it to the end of its section."""
    source = next((p for p in report.paragraphs if p.number == paragraph_number), None)
    if source is None:
        return []
    items = []
    for p in report.paragraphs[report.paragraphs.index(source) + 1 :]:
        if p.section[: len(source.section)] != source.section:
            break
        if p.kind == "heading" and len(p.section) == len(source.section) + 1:
            items.append(p)
    return items


def announces_list(sentence: str) -> bool:
    return sentence.rstrip().endswith((":", "："))


def as_evidence(paragraphs: Sequence[Paragraph], first_rank: int) -> tuple[list[Hit], list[Evidence]]:
    """Heading paragraphs as citable hits and evidence, numbered after the retrieval hits."""
    hits = [
        Hit(Chunk(f"heading:{p.doc_id}:{p.number}", p.doc_id, p.number, p.section, p.text, normalize(p.text)),
            0.0, p.text)
        for p in paragraphs
    ]
    chosen = [Evidence(first_rank + i, 0, p.text, 0.0, 1.0, False, None) for i, p in enumerate(paragraphs)]
    return hits, chosen
