"""Hybrid retrieval: dense (Chroma) and BM25, fused at paragraph level.

Ranking is per paragraph: a long paragraph's windows compete as one, so the ten hits are ten
different paragraphs, each represented by its best-matching window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from index.errors import GovQAError
from index.records import Chunk, Hit
from index.catalog import Catalog
from index.embedding import Embedder
from index.lexical import LexicalIndex, Tokenizer, Vocabulary
from index.saved_snapshot import SavedSnapshots
from index.textnorm import YEAR, normalize
from index.thesaurus import expand
from index.vector_store import VectorStore

log = logging.getLogger(__name__)
RRF_K = 60
# A filter this small is searched exactly over its chunks' vectors, fetched by id (4 ms for one
# sample-sized report; 26 ms for 500 chunks, 170 ms for 3,000, where Chroma's filtered query takes 70).
EXACT_SEARCH_MAX_CHUNKS = 1000
ParagraphKey = tuple[str, int]


@dataclass(frozen=True)
class Snapshot:
    """Everything searched, built once per catalog generation; public so answering judges against the
    same index state that was searched."""

    generation: int
    chunks: tuple[Chunk, ...]
    position: dict[str, int]
    doc_ids: np.ndarray
    lexical: LexicalIndex
    paragraph_text: dict[ParagraphKey, str]
    paragraph_roles: dict[ParagraphKey, str]  # each sentence's time role (index.time_role), where computed
    years_named: dict[str, frozenset[int]]  # per report: every year its text names (2025年 deadlines too)

    def mask(self, doc_ids: Sequence[str] | None) -> np.ndarray | None:
        """1.0 for the chunks of the given reports, 0.0 elsewhere; None when not filtered."""
        return np.isin(self.doc_ids, list(doc_ids)).astype(float) if doc_ids else None

    def vocabulary(self, doc_ids: Sequence[str] | None) -> Vocabulary:
        """The words of the given reports (all when None) with their idf, as if only they were indexed."""
        return self.lexical.scoped(self.mask(doc_ids))


def _years_named(chunks: Sequence[Chunk]) -> dict[str, frozenset[int]]:
    years: dict[str, set[int]] = {}
    for chunk in chunks:
        years.setdefault(chunk.doc_id, set()).update(int(y) for y in YEAR.findall(chunk.search_text))
    return {doc_id: frozenset(found) for doc_id, found in years.items()}


class HybridRetriever:
    def __init__(self, catalog: Catalog, vectors: VectorStore, embedder: Embedder, *, fusion: str,
                 k_dense: int, k_lexical: int, dense_weight: float, saved: SavedSnapshots | None = None) -> None:
        """fusion 'weighted' (min-max scores, dense_weight for the dense share) or 'rrf'; k_*: candidates
        taken from each search before fusion. The defaults live in assistant.settings. saved: where
        snapshots are kept between processes (None: built in memory only)."""
        self.catalog, self.vectors, self.embedder, self.saved = catalog, vectors, embedder, saved
        self.fusion, self.k_dense, self.k_lexical, self.dense_weight = fusion, k_dense, k_lexical, dense_weight
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        generation = self.catalog.generation()
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                if self.saved is None:
                    self._snapshot = self._build()
                else:
                    self._snapshot = self.saved.load_or_build(self.catalog.version(generation), self._build_versioned)
            return self._snapshot

    def _build_versioned(self) -> tuple[str, Snapshot]:
        snapshot = self._build()
        return self.catalog.version(snapshot.generation), snapshot

    def _build(self) -> Snapshot:
        generation, chunk_list, paragraph_text, roles, terms, tokens = self.catalog.consistent_read()
        # A paragraph of one window is its chunk's text: one string for both, not a copy each.
        chunks = tuple(replace(c, text=whole) if (whole := paragraph_text.get((c.doc_id, c.paragraph))) == c.text
                       else c for c in chunk_list)
        return Snapshot(
            generation=generation,
            chunks=chunks,
            position={c.chunk_id: i for i, c in enumerate(chunks)},
            doc_ids=np.array([c.doc_id for c in chunks]),
            lexical=LexicalIndex([c.search_text for c in chunks], Tokenizer(terms),
                                 [tokens.get(c.chunk_id) for c in chunks]),
            paragraph_text=paragraph_text,
            paragraph_roles=roles,
            years_named=_years_named(chunks),
        )

    def query_tokens(self, query: str, snapshot: Snapshot | None = None) -> list[str]:
        tokenizer = (snapshot or self.snapshot()).lexical.tokenizer
        return expand(tokenizer.tokens(normalize(query)), tokenizer.tokens)

    # --- the two searches, each a chunk-index → score map -------------------------------------
    def _dense(self, snap: Snapshot, query: str, doc_ids: Sequence[str] | None,
               mask: np.ndarray | None) -> dict[int, float]:
        vector = self.embedder.embed([normalize(query)])[0]
        inside = np.flatnonzero(mask) if mask is not None else None
        if inside is not None and len(inside) <= EXACT_SEARCH_MAX_CHUNKS:
            found = self.vectors.query_among(vector, self.k_dense, [snap.chunks[i].chunk_id for i in inside])
        else:
            found = self.vectors.query(vector, self.k_dense, doc_ids)
        # Vectors the catalog does not list are leftovers of an interrupted ingest: ignore them.
        return {snap.position[cid]: score for cid, score in found if cid in snap.position}

    def _lexical(self, snap: Snapshot, query: str, mask: np.ndarray | None) -> dict[int, float]:
        scores = snap.lexical.scores(self.query_tokens(query, snap), mask)
        top = np.argsort(-scores)[: self.k_lexical]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    # --- fusion at paragraph level --------------------------------------------------------------
    @staticmethod
    def _by_paragraph(snap: Snapshot, scores: dict[int, float]) -> dict[ParagraphKey, tuple[float, int]]:
        best: dict[ParagraphKey, tuple[float, int]] = {}
        for i, score in scores.items():
            key = (snap.chunks[i].doc_id, snap.chunks[i].paragraph)
            if key not in best or score > best[key][0]:
                best[key] = (score, i)
        return best

    def _fuse(self, rankings: list[dict[ParagraphKey, tuple[float, int]]],
              floors: list[float | None]) -> dict[ParagraphKey, float]:
        """floors: the score that counts as nothing in each ranking (0 for BM25); None = its lowest candidate,
        for cosines, which are never near 0 (a lone BM25 match must not be normalised to 0)."""
        fused: dict[ParagraphKey, float] = {}
        if self.fusion == "rrf":
            for ranking in rankings:
                ordered = sorted(ranking, key=lambda key: -ranking[key][0])
                for rank, key in enumerate(ordered):
                    fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
            return fused
        weights = (self.dense_weight, 1.0 - self.dense_weight) if len(rankings) == 2 else (1.0,)
        for weight, ranking, floor in zip(weights, rankings, floors):
            if not ranking:
                continue
            values = np.array([s for s, _ in ranking.values()])
            low = values.min() if floor is None else floor
            span = max(values.max() - low, 1e-9)
            for key, (score, _) in ranking.items():
                fused[key] = fused.get(key, 0.0) + weight * (score - low) / span
        return fused

    def search(self, query: str, k: int = 10, doc_ids: Sequence[str] | None = None, mode: str = "hybrid",
               snapshot: Snapshot | None = None) -> list[Hit]:
        """snapshot: pin the index state, so one question never mixes two versions of a report."""
        snap = snapshot or self.snapshot()
        if not snap.chunks:
            return []
        mask = snap.mask(doc_ids)
        rankings, floors = [], []
        if mode in ("hybrid", "dense"):
            try:
                dense = self._dense(snap, query, doc_ids, mask)
            except GovQAError as exc:
                if mode == "dense":
                    raise
                # The vector store is down even after retries: answer from BM25 alone rather than not at all.
                log.warning("dense search unavailable, BM25 only: %s", exc)
                dense = {}
            rankings.append(self._by_paragraph(snap, dense))
            floors.append(None)
        if mode in ("hybrid", "lexical"):
            rankings.append(self._by_paragraph(snap, self._lexical(snap, query, mask)))
            floors.append(0.0)
        fused = self._fuse(rankings, floors)
        ordered = sorted(fused, key=lambda key: -fused[key])[:k]
        hits = []
        for key in ordered:
            # The paragraph's representative window: its best in the most confident ranking that has it.
            chunk_index = next(r[key][1] for r in reversed(rankings) if key in r)
            hits.append(Hit(snap.chunks[chunk_index], fused[key], snap.paragraph_text[key],
                            snap.paragraph_roles.get(key, "")))
        return hits
