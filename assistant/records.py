"""The typed records every layer passes around, defined once."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report, in the report's own text, with its place in the document."""

    doc_id: str
    number: int  # 1-based position among the report's paragraphs
    section: tuple[str, ...]  # breadcrumb: part › section › item
    text: str
    kind: str = "body"  # "body" or "metadata"

    @property
    def breadcrumb(self) -> str:
        return " › ".join(self.section)


@dataclass(frozen=True)
class Report:
    doc_id: str
    title: str
    source: str  # file name it was read from
    content_hash: str
    metadata: dict[str, str]
    years: tuple[int, ...]  # years the report speaks about (reviewed and planned)
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded and searched: a paragraph or a sentence window of a long one."""

    chunk_id: str  # content hash: same text in the same place gives the same id
    doc_id: str
    paragraph: int
    section: tuple[str, ...]
    text: str  # the report's own text of this window
    search_text: str  # normalised (Simplified, half-width) text with its breadcrumb, for both indexes
    year: int | None = None  # year this part of the report speaks about, when the section says


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    paragraph_text: str  # the whole paragraph the chunk belongs to


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    doc_title: str
    section: str
    paragraph: int
    quote: str  # the cited sentence(s), in the report's text
    text: str  # the whole paragraph, in the report's text


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    text: str
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    latency_ms: float = 0.0
    notice: str = ""  # e.g. "生成模型不可用，已改用摘录式回答"
    related: tuple[Citation, ...] = field(default=())  # closest paragraphs shown when refusing

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.text,
            "citations": [
                {
                    "n": c.n,
                    "doc_id": c.doc_id,
                    "doc_title": c.doc_title,
                    "section": c.section,
                    "paragraph": c.paragraph,
                    "quote": c.quote,
                    "text": c.text,
                }
                for c in self.citations
            ],
            "hits": [
                {
                    "doc_id": h.chunk.doc_id,
                    "section": " › ".join(h.chunk.section),
                    "paragraph": h.chunk.paragraph,
                    "score": round(h.score, 6),
                    "text": h.paragraph_text,
                }
                for h in self.hits
            ],
            "latency_ms": round(self.latency_ms, 1),
        }
