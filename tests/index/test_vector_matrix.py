"""Exact cosine search over a snapshot's vectors, against brute force on random vectors."""

import numpy as np
import pytest

from index.vector_matrix import assemble, rows_by_id


@pytest.fixture
def vectors():
    rng = np.random.default_rng(3)
    return {f"c{i}": rng.normal(size=16) for i in range(50)}


def _brute(vectors, query, ids):
    cos = {cid: float(np.dot(vectors[cid], query) / np.linalg.norm(vectors[cid]) / np.linalg.norm(query)) for cid in ids}
    return sorted(cos.items(), key=lambda pair: -pair[1])


@pytest.mark.parametrize("k", [1, 5, 50, 80])
def test_search_is_the_exact_cosine_ranking(vectors, k):
    ids = list(vectors)
    matrix = assemble(ids, vectors)
    query = np.random.default_rng(4).normal(size=16)
    found = matrix.search(query, k)
    expected = _brute(vectors, query, ids)[:k]
    assert [ids[i] for i, _ in found] == [cid for cid, _ in expected]
    assert np.allclose([c for _, c in found], [c for _, c in expected], atol=1e-5)


def test_search_among_positions_returns_only_those_and_never_a_missing_row(vectors):
    ids = [*vectors, "never-embedded"]
    held = {cid: v for cid, v in vectors.items() if cid != "c7"}
    matrix = assemble(ids, held)
    assert not matrix.complete and not matrix.present[ids.index("c7")]
    among = np.array([ids.index(c) for c in ("c3", "c7", "c9", "c11", "never-embedded")])
    query = vectors["c7"]  # the best match is the row that is missing
    found = matrix.search(query, 10, among)
    assert {ids[i] for i, _ in found} == {"c3", "c9", "c11"}
    assert [ids[i] for i, _ in found] == [cid for cid, _ in _brute(vectors, query, ["c3", "c9", "c11"])]
    assert matrix.search(query, 10, np.array([ids.index("c7")], dtype=int)) == []


@pytest.mark.parametrize("share", [0.1, 0.5, 0.96])  # rows copied out, or every row multiplied and the scope's picked
def test_search_among_a_small_or_large_scope_is_the_exact_ranking_within_it(vectors, share):
    ids = list(vectors)
    matrix = assemble(ids, vectors)
    among = np.sort(np.random.default_rng(5).choice(len(ids), int(len(ids) * share), replace=False))
    query = np.random.default_rng(6).normal(size=16)
    found = matrix.search(query, 8, among)
    expected = _brute(vectors, query, [ids[i] for i in among])[:8]
    assert [ids[i] for i, _ in found] == [cid for cid, _ in expected]
    assert np.allclose([c for _, c in found], [c for _, c in expected], atol=1e-5)


def test_rows_carry_over_by_chunk_id(vectors):
    ids = list(vectors)
    matrix = assemble(ids, vectors)
    carried = rows_by_id(matrix, ids)
    again = assemble(list(reversed(ids)), carried)
    assert np.allclose(again.rows, matrix.rows[::-1]) and again.complete
    assert rows_by_id(None, ids) == {}
