"""Hybrid retrieval: dense (the snapshot's vectors, else Chroma) and BM25, fused at paragraph level.

Ranking is per paragraph: a long paragraph's windows compete as one, so the ten hits are ten
different paragraphs, each represented by its best-matching window.
"""

from __future__ import annotations

import hashlib
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
from index.vector_matrix import VectorMatrix, assemble, rows_by_id
from index.vector_store import VectorStore

log = logging.getLogger(__name__)
RRF_K = 60
# An unfiltered question is searched exactly over the snapshot's vectors up to this many chunks, beyond it
# by Chroma's HNSW index: exact took 5.6 ms at 57,000 chunks (~0.1 µs a chunk), Chroma's query 1.3 ms.
WHOLE_INDEX_EXACT_MAX_CHUNKS = 200_000
ParagraphKey = tuple[str, int]


@dataclass(frozen=True)
class Snapshot:
    """Everything searched, built once per catalog generation; public so answering judges against the
    same index state that was searched."""

    generation: int
    chunks: tuple[Chunk, ...]
    position: dict[str, int]
    doc_numbers: dict[str, int]  # each report's number, by doc_id
    chunk_docs: np.ndarray  # per chunk, its report's number
    lexical: LexicalIndex
    paragraph_text: dict[ParagraphKey, str]
    paragraph_roles: dict[ParagraphKey, str]  # each sentence's time role (index.time_role), where computed
    years_named: dict[str, frozenset[int]]  # per report: every year its text names (2025年 deadlines too)
    vectors: VectorMatrix | None  # None: the store could not be read when this was built

    def mask(self, doc_ids: Sequence[str] | None) -> np.ndarray | None:
        """1.0 for the chunks of the given reports, 0.0 elsewhere; None when not filtered."""
        if not doc_ids:
            return None
        chosen = np.zeros(len(self.doc_numbers), dtype=float)
        chosen[[self.doc_numbers[d] for d in doc_ids if d in self.doc_numbers]] = 1.0
        return chosen[self.chunk_docs]  # a lookup per chunk: np.isin on 58,000 doc ids took 4 ms a call

    @property
    def holds_every_vector(self) -> bool:
        return self.vectors is not None and self.vectors.complete

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
        self._last_query: tuple[str, list[float]] | None = None

    def snapshot(self) -> Snapshot:
        generation = self.catalog.generation()
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                loaded = self.saved.load(self._version(generation)) if self.saved else None
                self._snapshot = loaded or self._build(self._snapshot)
                if loaded is None:
                    self._save(self._snapshot)
            return self._snapshot

    def refresh_vectors(self) -> None:
        """Take in the vectors of chunks the snapshot has none for (embedded by a repair, or a store that was
        down when it was built), so their questions are searched over the snapshot again."""
        current = self.snapshot()
        with self._lock:
            if self._snapshot is current and not current.holds_every_vector:
                self._snapshot = replace(current, vectors=self._matrix(current.chunks, current))
                self._save(self._snapshot)

    def holds_every_vector(self) -> bool:
        """Does the snapshot hold every chunk's vector (read from the store when it was built)?"""
        return self.snapshot().holds_every_vector

    def _version(self, generation: int) -> str:
        """The catalog's version and the vector collection's: another model's vectors are another snapshot."""
        collection = getattr(self.vectors, "collection_name", "")
        return f"{self.catalog.version(generation)}-{hashlib.sha1(collection.encode()).hexdigest()[:8]}"

    def _save(self, snapshot: Snapshot) -> None:
        if self.saved is not None:
            self.saved.save(self._version(snapshot.generation), snapshot)

    def _build(self, previous: Snapshot | None) -> Snapshot:
        generation, chunk_list, paragraph_text, roles, terms, tokens = self.catalog.consistent_read()
        # A paragraph of one window is its chunk's text: one string for both, not a copy each.
        chunks = tuple(replace(c, text=whole) if (whole := paragraph_text.get((c.doc_id, c.paragraph))) == c.text
                       else c for c in chunk_list)
        doc_numbers = {doc_id: i for i, doc_id in enumerate(dict.fromkeys(c.doc_id for c in chunks))}
        return Snapshot(
            generation=generation,
            chunks=chunks,
            position={c.chunk_id: i for i, c in enumerate(chunks)},
            doc_numbers=doc_numbers,
            chunk_docs=np.array([doc_numbers[c.doc_id] for c in chunks], dtype=np.int32),
            lexical=LexicalIndex([c.search_text for c in chunks], Tokenizer(terms),
                                 [tokens.get(c.chunk_id) for c in chunks]),
            paragraph_text=paragraph_text,
            paragraph_roles=roles,
            years_named=_years_named(chunks),
            vectors=self._matrix(chunks, previous),
        )

    def _matrix(self, chunks: Sequence[Chunk], previous: Snapshot | None) -> VectorMatrix | None:
        """The chunks' vectors: those the previous snapshot holds, the rest fetched from the store."""
        if self.vectors is None:
            return None
        known = rows_by_id(previous.vectors, [c.chunk_id for c in previous.chunks]) if previous else {}
        missing = [c.chunk_id for c in chunks if c.chunk_id not in known]
        try:
            known.update(self.vectors.vectors_of(missing) if missing else {})
        except GovQAError as exc:
            log.warning("向量库无法读取，本次检索直接查询向量库：%s", exc)
            return None
        return assemble([c.chunk_id for c in chunks], known)

    def query_tokens(self, query: str, snapshot: Snapshot | None = None) -> list[str]:
        tokenizer = (snapshot or self.snapshot()).lexical.tokenizer
        return expand(tokenizer.tokens(normalize(query)), tokenizer.tokens)

    # --- the two searches, each a chunk-index → score map -------------------------------------
    def _query_vector(self, query: str) -> list[float]:
        """The question's vector; the same text searched again (the pipeline's one-report search) reuses it."""
        text = normalize(query)
        last = self._last_query
        if last is None or last[0] != text:
            last = self._last_query = (text, self.embedder.embed([text])[0])
        return last[1]

    def _dense(self, snap: Snapshot, query: str, doc_ids: Sequence[str] | None,
               mask: np.ndarray | None) -> dict[int, float]:
        vector = self._query_vector(query)
        if snap.holds_every_vector and (mask is not None or len(snap.chunks) <= WHOLE_INDEX_EXACT_MAX_CHUNKS):
            return dict(snap.vectors.search(vector, self.k_dense, np.flatnonzero(mask) if mask is not None else None))
        found = self.vectors.query(vector, self.k_dense, doc_ids)
        # Vectors the catalog does not list are leftovers of an interrupted ingest: ignore them.
        return {snap.position[cid]: score for cid, score in found if cid in snap.position}

    def _lexical(self, snap: Snapshot, query: str, mask: np.ndarray | None) -> dict[int, float]:
        scores = snap.lexical.scores(self.query_tokens(query, snap), mask)
        top = np.argpartition(-scores, self.k_lexical - 1)[: self.k_lexical] if len(scores) > self.k_lexical \
            else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # best first, ties in chunk order: the same hits every run
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
