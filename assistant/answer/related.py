"""The closest paragraphs a refusal offers as reading: the report's body text, never its furniture.

Retrieval ranks long headings (——回顾过去一年，我们…), the metadata block (索引号：…；发布机构：…) and the
lines that open a report (its date and meeting, 各位代表：) high for anything vaguely related; none of them is
something to read instead of an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from index.chunking import MIN_HEADING_CHARS
from index.records import Hit, Paragraph, Report
from index.textnorm import split_sentences

_SENTENCE_ENDS = tuple("。！？；!?;")


def readable(paragraph: Paragraph, report: Report) -> bool:
    """Body text after the report's first heading (before it: title, date, meeting, 各位代表：), holding a
    whole sentence that says something (not a heading's broken-off second line, not "主要做了以下工作：")."""
    first_heading = next((p.number for p in report.paragraphs if p.kind == "heading"), 0)
    return (paragraph.kind == "body" and paragraph.number > first_heading
            and any(s.endswith(_SENTENCE_ENDS) and len(s) >= MIN_HEADING_CHARS for s in split_sentences(paragraph.text)))


def closest(hits: Sequence[Hit], report_of: Callable[[str], Report | None], n: int) -> list[Hit]:
    """The first n hits whose paragraphs are readable, in the order given."""
    reports: dict[str, Report | None] = {}
    picked: list[Hit] = []
    for hit in hits:
        if len(picked) == n:
            break
        doc_id = hit.chunk.doc_id
        if doc_id not in reports:
            reports[doc_id] = report_of(doc_id)
        report = reports[doc_id]
        paragraph = _paragraph(report, hit.chunk.paragraph) if report else None
        if paragraph is not None and readable(paragraph, report):
            picked.append(hit)
    return picked


def _paragraph(report: Report, number: int) -> Paragraph | None:
    return next((p for p in report.paragraphs if p.number == number), None)
