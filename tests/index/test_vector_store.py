import threading
import time

import numpy as np
import pytest

from index.records import Chunk
from index.vector_store import VectorStore


def test_vectors_of_hands_back_what_was_stored_and_skips_ids_it_lacks(tmp_path, monkeypatch):
    import index.vector_store as vector_store

    monkeypatch.setattr(vector_store, "_BATCH", 7)  # several calls, as at 58,000 chunks
    rng = np.random.default_rng(7)
    chunks = [Chunk(f"{doc}-{i}", doc, i, (), f"段落{i}", f"段落{i}") for doc in ("a", "b") for i in range(10)]
    vectors = rng.normal(size=(len(chunks), 32)).astype(np.float32)
    store = VectorStore(tmp_path / "chroma")
    store.add(chunks, vectors.tolist())
    got = store.vectors_of([c.chunk_id for c in chunks] + ["not-indexed"])
    assert set(got) == {c.chunk_id for c in chunks}
    assert all(np.allclose(got[c.chunk_id], v) for c, v in zip(chunks, vectors))
    assert store.vectors_of([]) == {} and store.vectors_of(["not-indexed"]) == {}


def test_threads_opening_the_store_at_once_open_it_once(tmp_path, monkeypatch):
    """The first question and the start-up warming both open the embedded store; two clients opening one
    path together made the first answer BM25-only ('RustBindingsAPI' object has no attribute 'bindings')."""
    import chromadb

    opened, real = [], chromadb.PersistentClient

    def slow_client(*args, **kwargs):
        opened.append(threading.current_thread().name)
        time.sleep(0.2)  # a real open takes ~1 s at 1,000 reports
        return real(*args, **kwargs)

    monkeypatch.setattr(chromadb, "PersistentClient", slow_client)
    store = VectorStore(tmp_path / "chroma")
    threads = [threading.Thread(target=lambda: store.collection.count()) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 1 and store.collection.count() == 0


def test_chunks_are_stored_as_vectors_and_metadata_without_their_text(tmp_path):
    store = VectorStore(tmp_path / "chroma")
    store.add([Chunk("a-0", "a", 0, (), "段落", "段落")], [[1.0, 0.0]])
    got = store.collection.get(ids=["a-0"], include=["documents", "metadatas"])
    assert got["documents"] == [None] and got["metadatas"][0]["doc_id"] == "a"


def test_whole_reports_are_stored_in_calls_under_the_servers_request_limit(tmp_path, sample_report, monkeypatch):
    import json
    from dataclasses import asdict, replace

    import index.vector_store as vector_store
    from index.reading import read_report_lines
    from index.structure import parse_report

    report = parse_report(read_report_lines(sample_report), doc_id="r0", source=sample_report.name)
    reports = [replace(report, doc_id=f"r{i}") for i in range(5)]
    one = len(json.dumps({**asdict(report), "paragraphs": [asdict(p) for p in report.paragraphs]},
                         ensure_ascii=False).encode())
    monkeypatch.setattr(vector_store, "_REPORT_CALL_BYTES", 2 * one + 100)  # two reports per call
    store = VectorStore(tmp_path / "chroma")
    sizes = []
    collection = store.report_collection
    upsert = collection.upsert
    monkeypatch.setattr(type(collection), "upsert", lambda self, **kw: sizes.append(len(kw["ids"])) or upsert(**kw))
    store.put_reports(reports)
    assert sizes == [2, 2, 1]
    assert sorted(store.stored_report_hashes()) == [f"r{i}" for i in range(5)]


def test_a_search_for_more_than_there_is_returns_what_there_is(tmp_path):
    store = VectorStore(tmp_path / "chroma")
    assert store.query([1.0, 0.0], 10) == []
    store.add([Chunk(f"a-{i}", "a", i, (), "段落", "段落") for i in range(3)], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert [cid for cid, _ in store.query([1.0, 0.0], 10)] == ["a-0", "a-2", "a-1"]
    assert [cid for cid, _ in store.query([1.0, 0.0], 10, ["b"])] == []


def test_a_search_the_embedded_store_cannot_run_is_store_unavailable(tmp_path, monkeypatch):
    # A vector index damaged on disk (a disk that filled while Chroma saved it) failed every question;
    # as StoreUnavailable, retrieval answers from BM25 alone.
    from index.errors import StoreUnavailable

    store = VectorStore(tmp_path / "chroma")
    store.add([Chunk("a-0", "a", 0, (), "段落", "段落")], [[1.0, 0.0]])
    collection = store.collection

    def damaged(*args, **kwargs):
        raise RuntimeError("Error creating hnsw segment reader: Error deserializing pickle file")

    monkeypatch.setattr(type(collection), "query", damaged)
    monkeypatch.setattr(type(collection), "get", damaged)
    with pytest.raises(StoreUnavailable, match="无法检索"):
        store.query([1.0, 0.0], 5)
    with pytest.raises(StoreUnavailable, match="无法检索"):
        store.vectors_of(["a-0"])
