"""Greetings, thanks and questions about the assistant itself: messages that ask nothing of the reports.

A message is small talk when it is made only of courtesy phrases (index/lexicon/courtesy.tsv), modal
particles and punctuation ("您好！", "好的谢谢", "hi", "你能做什么？"); searched, such a message quotes a report
sentence at random or is told to "describe it in Chinese". A question that only opens with a greeting or
ends with thanks ("你好，请问…？谢谢") is answered without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.lexicon import table
from index.textnorm import normalize, to_traditional

GREETING, THANKS, ABOUT = "greeting", "thanks", "about"
_ACK = "ack"  # 好的, 收到: small talk with thanks, never taken off a question
_PHRASES = table("courtesy.tsv")
_KIND_OF = {phrase: kind for kind in (GREETING, _ACK, THANKS, ABOUT) for phrase in _PHRASES[kind]}  # later wins
_PARTICLES = frozenset(_PHRASES["particle"])
_LONGEST = max(map(len, (*_KIND_OF, *_PARTICLES)))
_WORD = re.compile(r"\w")
MAX_PHRASES = 4  # small talk is short ("你好，谢谢你的回答！"); a longer message is not segmented at all


def smalltalk(message: str) -> str | None:
    """GREETING, THANKS or ABOUT when the message is nothing but courtesy, else None."""
    text = normalize(message)
    if len(text) > _LONGEST * MAX_PHRASES:
        return None
    pieces = _segment(text)
    kinds = {_KIND_OF[p] for p in pieces or () if p in _KIND_OF}
    if not kinds:
        return None
    return ABOUT if ABOUT in kinds else THANKS if kinds & {THANKS, _ACK} else GREETING


def _segment(text: str) -> tuple[str, ...] | None:
    """The fewest phrases, particles and punctuation marks the text is made of; None when it holds anything else."""
    best: list[tuple[str, ...] | None] = [()] + [None] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - _LONGEST), end):
            piece, before = text[start:end], best[start]
            if before is None or not (piece in _KIND_OF or piece in _PARTICLES or not _WORD.search(piece)):
                continue
            if best[end] is None or len(before) + 1 < len(best[end]):
                best[end] = (*before, piece)
    return best[-1]


def _either_script(phrases: Iterable[str]) -> str:
    """An alternation of the phrases in both scripts, longest first, spaces allowed inside Latin ones."""
    forms = {form for p in phrases for form in (p, to_traditional(p))}
    return "|".join(r"\s*".join(map(re.escape, f)) for f in sorted(forms, key=len, reverse=True))


_PARTICLE = f"(?:{_either_script(_PHRASES['particle'])})*"
# A greeting ends at a mark or at 请问 (你好请问…); thanks follow a mark (…多少？谢谢).
_OPENING = re.compile(rf"^(?:(?:{_either_script(_PHRASES[GREETING])}){_PARTICLE}(?:[^\w]+|(?=请问|請問)))+", re.IGNORECASE)
_CLOSING = re.compile(rf"(?<=[^\w])(?:[^\w]*(?:{_either_script(_PHRASES[THANKS])}){_PARTICLE})+[^\w]*$", re.IGNORECASE)
_TRAILING_COMMA = " ，,、；;"


def without_courtesy(question: str) -> str:
    """The question without a greeting before it or thanks after it ("你好，请问…？谢谢" → "请问…？");
    unchanged when nothing else would be left."""
    stripped = _CLOSING.sub("", _OPENING.sub("", question)).rstrip(_TRAILING_COMMA)
    return stripped if _WORD.search(stripped) else question
