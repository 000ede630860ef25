"""Section-aware chunking: one chunk per paragraph, sentence windows for long ones.

A chunk never crosses a paragraph (so never a section). Bare title lines are not chunks of
their own — short lines win dense search for anything vaguely related — their words reach the
index through the breadcrumb prefixed to every chunk's search text.
"""

from __future__ import annotations

import hashlib

from index.records import Chunk, Paragraph, Report
from index.textnorm import normalize, split_sentences
from index.time_role import section_year

MAX_CHUNK_CHARS = 300  # m3e-small reads at most 512 tokens; shorter windows also keep dense scores sharp
# Headings this long say something (——回顾过去一年，我们…); shorter ones are bare titles.
MIN_HEADING_CHARS = 15


def sentence_windows(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    """Greedy windows of whole sentences, each ≤ max_chars unless one sentence alone is longer."""
    if len(text) <= max_chars:
        return [text]
    windows: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        if current and len(current) + len(sentence) > max_chars:
            windows.append(current)
            current = ""
        current += sentence
    if current:
        windows.append(current)
    return windows


def chunk_id(doc_id: str, paragraph: int, window: int, text: str) -> str:
    return hashlib.sha256(f"{doc_id}\x1f{paragraph}\x1f{window}\x1f{text}".encode()).hexdigest()[:32]


def _context(paragraph: Paragraph) -> str:
    # The part and section titles, not the item title: the item title is the paragraph's first sentence.
    return " ".join(paragraph.section[:2]) if paragraph.kind == "body" else " ".join(paragraph.section[:1])


def chunk_paragraph(paragraph: Paragraph) -> list[Chunk]:
    if paragraph.kind == "heading" and len(paragraph.text) < MIN_HEADING_CHARS:
        return []
    context = normalize(_context(paragraph))
    year = section_year(paragraph.section)
    return [
        Chunk(
            chunk_id=chunk_id(paragraph.doc_id, paragraph.number, i, window),
            doc_id=paragraph.doc_id,
            paragraph=paragraph.number,
            section=paragraph.section,
            text=window,
            search_text=f"{context}|{normalize(window)}" if context else normalize(window),
            year=year,
        )
        for i, window in enumerate(sentence_windows(paragraph.text))
    ]


def chunk_report(report: Report) -> list[Chunk]:
    return [chunk for paragraph in report.paragraphs for chunk in chunk_paragraph(paragraph)]
