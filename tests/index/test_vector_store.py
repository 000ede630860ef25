import numpy as np

from index.records import Chunk
from index.vector_store import VectorStore


def test_exact_search_among_a_reports_chunks_equals_chromas_filtered_query(tmp_path):
    rng = np.random.default_rng(7)
    chunks = [Chunk(f"{doc}-{i}", doc, i, (), f"段落{i}", f"段落{i}") for doc in ("a", "b", "c") for i in range(40)]
    vectors = rng.normal(size=(len(chunks), 32))
    store = VectorStore(tmp_path / "chroma")
    store.add(chunks, vectors.tolist())
    query = rng.normal(size=32).tolist()
    in_b = [c.chunk_id for c in chunks if c.doc_id == "b"]

    exact = store.query_among(query, 10, in_b)
    filtered = store.query(query, 10, ["b"])

    assert [cid for cid, _ in exact] == [cid for cid, _ in filtered]
    assert np.allclose([s for _, s in exact], [s for _, s in filtered], atol=1e-4)
    # Ids Chroma does not hold (an interrupted ingest, a replica behind) are skipped, not an error.
    assert [cid for cid, _ in store.query_among(query, 10, ["not-indexed", in_b[0]])] == [in_b[0]]
    assert store.query_among(query, 10, []) == []


def test_chunks_are_stored_as_vectors_and_metadata_without_their_text(tmp_path):
    store = VectorStore(tmp_path / "chroma")
    store.add([Chunk("a-0", "a", 0, (), "段落", "段落")], [[1.0, 0.0]])
    got = store.collection.get(ids=["a-0"], include=["documents", "metadatas"])
    assert got["documents"] == [None] and got["metadatas"][0]["doc_id"] == "a"
