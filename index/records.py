"""The records the index layer produces: reports, their paragraphs, chunks and search hits."""

from __future__ import annotations

from dataclasses import dataclass

from index.identity import Identity


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report, in the report's own text, with its place in the document."""

    doc_id: str
    number: int  # 1-based position among the report's paragraphs
    section: tuple[str, ...]  # breadcrumb: part › section › item
    text: str
    kind: str = "body"  # "body", "heading" or "metadata"
    roles: str = ""  # each sentence's time role, one character each (index.time_role); "" when not computed

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
    identity: Identity = Identity()  # whose report, of which year (index.identity)


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
    paragraph_roles: str = ""  # its sentences' time roles (Paragraph.roles)
