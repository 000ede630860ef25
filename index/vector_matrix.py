"""The chunks' vectors held with a search snapshot: exact cosine search over any subset, without Chroma.

A question scoped to some reports (a government, a year: the answer pipeline's second search is always
one report) was Chroma's metadata-filtered HNSW query (23–111 ms at 57,000 chunks, its recall falling with
the filter's size) or vectors fetched by id (~0.09 ms each). Held here in chunk order, a scope is a row
selection and one matrix product: 1.1 ms for 1,000 chunks, 5.6 ms for all 57,000 (float32; float16 rows
took 24× longer, numpy has no half-precision BLAS). Rows are unit length; a chunk the store had no vector
for is a zero row and never returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Above this share of the rows, multiplying every row and picking the scope's cosines beats copying the scope's rows
# out first (57,303 × 512 at 1,000 reports: the whole product 4.6-5.8 ms; the copy and product 1.95 ms for 10% of
# the rows, 5.8 ms for 25%, 17.6 ms for half, 32.8 ms for all).
GATHER_MAX_SHARE = 0.2


@dataclass(frozen=True)
class VectorMatrix:
    rows: np.ndarray  # float32 (chunks, dim), unit length, in snapshot chunk order; zeros where missing
    present: np.ndarray  # bool per chunk: the store had its vector

    @property
    def complete(self) -> bool:
        return bool(self.present.all())

    def search(self, vector: Sequence[float], k: int, among: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(chunk position, cosine) best first, over the chunk positions `among` (all when None)."""
        query = np.asarray(vector, dtype=np.float32)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        positions = np.flatnonzero(self.present) if among is None else among[self.present[among]]
        if not len(positions) or k <= 0:
            return []
        if among is None and self.complete:
            cosines = self.rows @ query
        elif len(positions) > GATHER_MAX_SHARE * len(self.rows):
            cosines = (self.rows @ query)[positions]
        else:
            cosines = self.rows[positions] @ query
        top = np.argpartition(-cosines, k - 1)[:k] if len(cosines) > k else np.arange(len(cosines))
        top = top[np.argsort(-cosines[top], kind="stable")]
        return [(int(positions[i]), float(cosines[i])) for i in top]


def assemble(chunk_ids: Sequence[str], known: Mapping[str, np.ndarray]) -> VectorMatrix:
    """The matrix of these chunks from the vectors `known` by chunk id (others become zero rows)."""
    dim = next((len(v) for v in known.values()), 0)
    rows = np.zeros((len(chunk_ids), dim), dtype=np.float32)
    present = np.zeros(len(chunk_ids), dtype=bool)
    for i, chunk_id in enumerate(chunk_ids):
        if (vector := known.get(chunk_id)) is not None and len(vector) == dim:
            rows[i], present[i] = vector, True
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)
    return VectorMatrix(rows, present)


def rows_by_id(matrix: VectorMatrix | None, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
    """The vectors a previous snapshot holds, by chunk id, so a new one fetches only what changed."""
    if matrix is None:
        return {}
    return {chunk_id: matrix.rows[i] for i, chunk_id in enumerate(chunk_ids) if matrix.present[i]}
