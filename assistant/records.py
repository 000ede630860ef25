"""The records of an answer: citations and the answer itself (the index layer's records are in index.records)."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.records import Hit


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    doc_title: str
    section: str
    paragraph: int
    quote: str  # the cited sentence(s), in the report's text
    text: str  # the whole paragraph, in the report's text
    place: str = ""  # the issuing government of the cited report (index.identity)
    year: int | None = None  # the cited report's year


# Answer.kind: what kind of reply it is, when it is not taken from the reports.
FROM_REPORTS = "reports"  # an answer quoted from the reports, or a refusal after searching them
SMALLTALK = "smalltalk"  # a greeting, thanks or "你能做什么" answered with what the assistant does; no report consulted
SERVICE = "service"  # a service how-to (怎么办理居住证) sent to 12345; no report consulted


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
    also_in: tuple[str, ...] = ()  # titles of other reports that also speak to the question
    kind: str = FROM_REPORTS  # FROM_REPORTS, SMALLTALK or SERVICE

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
                    "report_title": c.doc_title,
                    "place": c.place,
                    "year": c.year,
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
            "also_in": list(self.also_in),
            "kind": self.kind,
            "latency_ms": round(self.latency_ms, 1),
        }
