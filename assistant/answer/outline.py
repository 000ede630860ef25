"""The document's own structure as an answer.

Three cases need the items rather than a body sentence: questions about the outline
("这份报告分为哪两大部分？", "2022年工作回顾从哪几个方面总结？"); a chosen sentence that
announces a list ("重点是抓好以下五方面工作：") whose items are the section headings after it; and a
list question answered by a sentence that counts what it announces ("继续办好10件实事。"), whose items
follow it numbered — in its own paragraph (一是…二是…) or as the paragraphs after it (一、… 二、…).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.evidence import Evidence
from index.numbers import figures
from index.records import Chunk, Hit, Paragraph, Report
from index.structure import heading_level
from index.textnorm import YEAR, bigrams, normalize, split_sentences

_PART_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
# "10件实事", "三大工程", "两段线路": a count of the things a sentence announces (the classifiers reports
# count tasks and projects with). Only numbered items right after it count as its items.
_COUNTED = re.compile(r"(?:\d{1,2}|[两二三四五六七八九十]{1,2})(?:件|项|大|个|条|类|方面|批|段|张)(?P<noun>[\u4e00-\u9fff]{0,4})")
_FIRST_ITEM = re.compile(r"^[(（]?(?:一|1)(?![\d〇一二三四五六七八九十])")  # a numbered run starts at one
MAX_LIST_ITEMS = 12  # a count that says no number of items ("以下几件") is cut here


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


def announced_count(sentence: str, asked: str) -> int | None:
    """How many of the things asked about the sentence announces (问 实事, 10件实事 → 10); None when it counts
    none of them (两个先行 counts slogans, not the 新项目 asked)."""
    for found in _COUNTED.finditer(normalize(sentence)):
        if bigrams(found["noun"]) & bigrams(normalize(asked)):
            values = figures(found.group(0).removesuffix(found["noun"]))
            return int(max(values)) if values else MAX_LIST_ITEMS
    return None


def numbered_after(report: Report, paragraph_number: int, position: int, count: int) -> list[tuple[Paragraph, str]]:
    """The numbered items after the sentence at `position` of the paragraph, at most `count`: the rest of
    its own paragraph's sentences that start a run at one (一是…二是…), else the paragraphs right after it
    that do (一、… 二、…), with what lies between items (their details) skipped, up to a higher heading."""
    source = next((p for p in report.paragraphs if p.number == paragraph_number), None)
    if source is None:
        return []
    later = split_sentences(source.text)[position + 1 :]
    inside = _run([(source, s) for s in later], count)
    if inside:
        return inside
    following = report.paragraphs[report.paragraphs.index(source) + 1 :]
    return _run([(p, p.text) for p in following], count)


def _run(candidates: Sequence[tuple[Paragraph, str]], count: int) -> list[tuple[Paragraph, str]]:
    """The items of one level starting with the first candidate, which must open the numbering at one."""
    if not candidates or not _FIRST_ITEM.match(normalize(candidates[0][1])):
        return []
    level = heading_level(candidates[0][1])
    if level is None:
        return []
    items = []
    for paragraph, text in candidates:
        found = heading_level(text)
        if found is not None and found < level or len(items) >= count:
            break
        if found == level:
            items.append((paragraph, split_sentences(text)[0]))
    return items


def as_evidence(paragraphs: Sequence[Paragraph], first_rank: int,
                quotes: Sequence[str] | None = None) -> tuple[list[Hit], list[Evidence]]:
    """Paragraphs as citable hits and evidence, numbered after the retrieval hits; each quoted whole, or
    by the sentence given for it (one hit per paragraph: items sharing one are cited by one number)."""
    quotes = quotes or [p.text for p in paragraphs]
    ranks: dict[tuple[str, int], int] = {}
    hits, chosen = [], []
    for p, quote in zip(paragraphs, quotes):
        if (p.doc_id, p.number) not in ranks:
            ranks[(p.doc_id, p.number)] = first_rank + len(hits)
            hits.append(Hit(Chunk(f"heading:{p.doc_id}:{p.number}", p.doc_id, p.number, p.section, p.text,
                                  normalize(p.text)), 0.0, p.text))
        chosen.append(Evidence(ranks[(p.doc_id, p.number)], 0, quote, 0.0, 1.0, False, None))
    return hits, chosen
