"""Chinese text normalisation shared by indexing, querying and evaluation.

Everything is searched in one canonical form — Simplified characters, half-width, no whitespace —
while citations keep the report's own characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from functools import lru_cache

from opencc import OpenCC

_WHITESPACE = re.compile(r"\s+")
# Zero-width and other format characters that survive NFKC but break matching.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]")
# A year as reports and questions write it (2023年); the one pattern every layer uses.
YEAR = re.compile(r"((?:19|20)\d{2})年")
# A follow-up may drop the 年 ("那2023呢？").
BARE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』)）]*|$)")


@lru_cache(maxsize=2)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s.json").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t.json").convert(text)


def is_traditional(text: str) -> bool:
    """True when the text has characters that OpenCC would simplify, i.e. it was typed in Traditional."""
    changed = sum(a != b for a, b in zip(text, to_simplified(text)))
    return changed > 0 and changed >= sum(a != b for a, b in zip(text, to_traditional(text)))


def clean(text: str) -> str:
    """Full-width → half-width, invisible characters removed; keeps script and spaces."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def normalize(text: str) -> str:
    """Canonical form for matching: Simplified, half-width, lower-case, whitespace removed."""
    return _WHITESPACE.sub("", to_simplified(clean(text))).lower()


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends (。！？；), keeping the punctuation and any closing quote with the sentence."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def in_script_of(question: str, text: str) -> str:
    """Render text in the script the question was typed in."""
    return to_traditional(text) if is_traditional(question) else to_simplified(text)


def years_named(text: str) -> tuple[int, ...]:
    """The distinct years a text names (2022年 …), in order."""
    return tuple(sorted({int(y) for y in YEAR.findall(text)}))


def bigrams(text: str) -> set[str]:
    """Character bigrams (a one-character text is its own): the overlap measure for Chinese text,
    where word boundaries are uncertain."""
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def coverage(needle: str, haystack: str) -> float:
    """Share of the needle's character bigrams found in the haystack (both normalize()d)."""
    return share(bigrams(needle), bigrams(haystack))


def share(wanted: Set[str], found: Set[str]) -> float:
    """Share of `wanted` in `found`: coverage() on bigram sets made once, when one text meets many."""
    return len(wanted & found) / len(wanted) if wanted else 0.0
