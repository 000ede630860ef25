"""--reuse-vectors: each synthetic report's chunks get the vectors of the sample's chunks they were made from.

A synthetic report differs from the sample only in names, years and figures (eval/synthetic.py), so its
chunk means what the sample's chunk means; embedding 1,000 of them would take ~40 minutes on 2 cores
and 10,000 many hours, for vectors that differ only in those details. This embedder keys each text by
its skeleton — digits masked, the corpus's government names, the places built on them (坎塘 → 民塘) and level words masked — and encodes
one text per skeleton, the first it is given (the sample's: report 0 is ingested first); the others
reuse that vector. A text whose skeleton is new (a split that falls elsewhere because a name is
longer) is simply encoded. A call with one text is a question and always pays its own encoding.
The figures of a run with it are about routing and answering, not embedding throughput.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from eval.synthetic import LEVEL_WORDS

if TYPE_CHECKING:
    from index.embedding import Embedder

MASK = "□"
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


class ReusedVectors:
    """An Embedder that encodes a text only when no text of the same skeleton was encoded before."""

    def __init__(self, inner: Embedder, names: Iterable[str]) -> None:
        self.inner = inner
        self.encoded = 0  # texts actually encoded, for the run's record
        self.reused = 0
        self._vectors: dict[str, list[float]] = {}
        # Names by first character, longest first: a text is scanned once, not once per name.
        self._names: dict[str, list[str]] = {}
        for name in sorted({*names, *LEVEL_WORDS}, key=len, reverse=True):
            if name:
                self._names.setdefault(name[0], []).append(name)

    def skeleton(self, text: str) -> str:
        text = _DIGITS.sub("#", text)
        out, i = [], 0
        while i < len(text):
            name = next((n for n in self._names.get(text[i], ()) if text.startswith(n, i)), None)
            out.append(MASK if name else text[i])
            i += len(name) if name else 1
        return "".join(out)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if len(texts) == 1:
            return self.inner.embed(texts)
        keys = [self.skeleton(t) for t in texts]
        new: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key not in self._vectors:
                new.setdefault(key, text)
        if new:
            self._vectors.update(zip(new, self.inner.embed(list(new.values()))))
        self.encoded += len(new)
        self.reused += len(texts) - len(new)
        return [self._vectors[key] for key in keys]
