"""The offline answerer: quote the sentences that answer, each cited to its paragraph."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.answer.evidence import Evidence
from assistant.records import Citation
from index.records import Hit
from index.textnorm import in_script_of

# A sentence already ended: its stop may sit inside a closing quote or bracket (…。”).
_ENDED = re.compile(r"[。！？:：][”’」』)）]*$")


def citation_for(n: int, hit: Hit, quote: str, doc_titles: Mapping[str, str]) -> Citation:
    return Citation(
        n=n,
        doc_id=hit.chunk.doc_id,
        doc_title=doc_titles.get(hit.chunk.doc_id, hit.chunk.doc_id),
        section=" › ".join(hit.chunk.section),
        paragraph=hit.chunk.paragraph,
        quote=quote,
        text=hit.paragraph_text,
    )


def compose(question: str, chosen: Sequence[Evidence], hits: Sequence[Hit],
            doc_titles: Mapping[str, str]) -> tuple[str, tuple[Citation, ...]]:
    """Answer text in the question's script, one [n] per paragraph quoted, and the citations."""
    numbers: dict[int, int] = {}  # hit rank → citation number
    quotes: dict[int, list[str]] = {}
    parts = []
    for evidence in chosen:
        n = numbers.setdefault(evidence.hit_rank, len(numbers) + 1)
        quotes.setdefault(evidence.hit_rank, []).append(evidence.sentence)
        parts.append(f"{in_script_of(question, evidence.sentence.rstrip('；;，,'))}[{n}]")
    citations = tuple(
        citation_for(n, hits[rank], "".join(quotes[rank]), doc_titles) for rank, n in numbers.items()
    )
    return "".join(_end_sentence(p) for p in parts), citations


def _end_sentence(part: str) -> str:
    """Each quoted sentence ends with its citation and a full stop, so quotes never run together."""
    body, marker = part.rsplit("[", 1)
    return f"{body}[{marker}" if _ENDED.search(body) else f"{body}[{marker}。"
