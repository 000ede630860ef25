"""The search snapshot saved next to the catalog: written at ingest, loaded at start, rebuilt when stale or
unreadable, never half-written. Real catalog and BM25, the fake embedder; no model."""

import pickle

import numpy as np
import pytest

import index.saved_snapshot as saved_snapshot
from assistant.service import Assistant
from assistant.settings import Settings
from index.catalog import Catalog
from index.chunking import chunk_report
from index.ingest import lexicon, read_report
from index.reading.sizes import ReadLimits
from index.retrieval import HybridRetriever
from index.saved_snapshot import SavedSnapshots
from tests.fakes import FICTIONAL_2024, SAMPLE, FakeEmbedder


def _store(catalog: Catalog, path, doc_id: str) -> None:
    report = read_report(path, ReadLimits(), doc_id=doc_id)
    chunks = chunk_report(report)
    [(terms, tokens)] = lexicon([(report, chunks)], catalog)
    catalog.replace_report(report, chunks, terms, tokens)


def _retriever(folder) -> HybridRetriever:
    return HybridRetriever(Catalog(folder / "catalog.sqlite3"), None, FakeEmbedder(), fusion="weighted", k_dense=5,
                           k_lexical=5, dense_weight=0.2, saved=SavedSnapshots(folder / "search"))


def _files(folder) -> list[str]:
    return sorted(p.name for p in (folder / "search").iterdir())


@pytest.fixture
def folder(tmp_path):
    _store(Catalog(tmp_path / "catalog.sqlite3"), SAMPLE, "kandun")
    return tmp_path


def _never_read(retriever, monkeypatch):
    monkeypatch.setattr(retriever.catalog, "consistent_read", lambda: pytest.fail("rebuilt from the catalog"))


def test_a_built_snapshot_is_saved_and_the_next_process_loads_it(folder, monkeypatch):
    built = _retriever(folder).snapshot()
    assert len(_files(folder)) == 1
    fresh = _retriever(folder)
    _never_read(fresh, monkeypatch)
    loaded = fresh.snapshot()
    assert loaded.generation == built.generation and loaded.chunks == built.chunks
    assert loaded.paragraph_text == built.paragraph_text and loaded.years_named == built.years_named
    query = fresh.query_tokens("坎墩街道地区生产总值", loaded)
    assert (loaded.lexical.scores(query) == built.lexical.scores(query)).all() and query
    assert loaded.lexical.tokenizer.terms == built.lexical.tokenizer.terms
    assert loaded.vocabulary(["kandun"]).knows("坎墩") and not loaded.lexical.knows("火星基地")


def test_a_changed_catalog_is_not_served_the_old_snapshot(folder):
    _retriever(folder).snapshot()
    _store(Catalog(folder / "catalog.sqlite3"), FICTIONAL_2024, "kandun-2024")
    snapshot = _retriever(folder).snapshot()
    assert {c.doc_id for c in snapshot.chunks} == {"kandun", "kandun-2024"}
    assert len(_files(folder)) == 1  # the stale one is gone


def test_a_catalog_made_anew_does_not_take_the_files_of_the_old_one(folder):
    old = _retriever(folder).snapshot()
    (folder / "catalog.sqlite3").unlink()
    _store(Catalog(folder / "catalog.sqlite3"), FICTIONAL_2024, "kandun-2024")  # the same generation, 1
    snapshot = _retriever(folder).snapshot()
    assert snapshot.generation == old.generation and {c.doc_id for c in snapshot.chunks} == {"kandun-2024"}


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"not a pickle", lambda b: b""])
def test_an_unreadable_snapshot_is_rebuilt_and_saved_again(folder, damage, monkeypatch):
    built = _retriever(folder).snapshot()
    [name] = _files(folder)
    path = folder / "search" / name
    path.write_bytes(damage(path.read_bytes()))
    assert _retriever(folder).snapshot().chunks == built.chunks
    fresh = _retriever(folder)
    _never_read(fresh, monkeypatch)
    assert fresh.snapshot().chunks == built.chunks


def test_a_crash_while_saving_leaves_no_file_under_the_real_name(folder, monkeypatch):
    def dies_halfway(obj, file, **kwargs):
        file.write(b"\x80\x05half")
        raise OSError("no space left on device")

    monkeypatch.setattr(saved_snapshot.pickle, "dump", dies_halfway)
    assert _retriever(folder).snapshot().chunks  # served from memory all the same
    assert not [n for n in _files(folder) if n.endswith(".pickle")]
    monkeypatch.undo()
    (folder / "search" / "snapshot-0-0.pickle.999999999.partial").write_bytes(b"a killed writer's")
    _retriever(folder).snapshot()
    assert [n for n in _files(folder) if n.endswith(".pickle")] and not [n for n in _files(folder) if "partial" in n]


def test_ingest_and_delete_save_the_snapshot_the_next_start_loads(tmp_path, monkeypatch):
    assistant = Assistant(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder())
    assistant.ingest([SAMPLE])
    [saved] = _files(tmp_path / "index")
    restarted = Assistant(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder())
    _never_read(restarted.index, monkeypatch)
    assert restarted.ask("2022年坎墩街道地区生产总值是多少？").answered
    assistant.delete(assistant.reports()[0].doc_id)
    assert _files(tmp_path / "index") != [saved]


@pytest.mark.parametrize("damage", [lambda data: data, lambda data: data[: len(data) // 2]], ids=["whole", "cut"])
def test_the_garbage_collector_is_paused_while_loading_and_runs_again_after(folder, monkeypatch, damage):
    import gc

    _retriever(folder).snapshot()
    [name] = _files(folder)
    path = folder / "search" / name
    path.write_bytes(damage(path.read_bytes()))
    seen, load = [], pickle.load
    monkeypatch.setattr(saved_snapshot.pickle, "load", lambda file: seen.append(gc.isenabled()) or load(file))
    _retriever(folder).snapshot()
    assert seen == [False] and gc.isenabled()


def _big_snapshot():
    """A stand-in with a matrix large enough to be written beside the pickle, and small arrays that are not."""
    rows = np.random.default_rng(1).normal(size=(2048, 256)).astype(np.float32)  # 2 MB
    return {"rows": rows, "small": np.arange(10, dtype=np.float32).reshape(2, 5), "ints": np.arange(1000)}


def _mapped(array) -> bool:
    while array is not None and not isinstance(array, np.memmap):
        array = getattr(array, "base", None)
    return array is not None


def test_large_matrices_are_saved_beside_the_pickle_and_mapped_at_load(tmp_path):
    saved, snapshot = SavedSnapshots(tmp_path), _big_snapshot()
    saved.save("v-1", snapshot)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot-v-1.0.matrix", "snapshot-v-1.pickle"]
    assert (tmp_path / "snapshot-v-1.pickle").stat().st_size < snapshot["rows"].nbytes
    loaded = saved.load("v-1")
    assert _mapped(loaded["rows"]) and not loaded["rows"].flags.writeable
    assert not _mapped(loaded["small"]) and not _mapped(loaded["ints"])
    for key in snapshot:
        assert np.array_equal(loaded[key], snapshot[key])
    saved.save("v-2", snapshot)  # another version: the old one's files go, its pickle and its matrix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot-v-2.0.matrix", "snapshot-v-2.pickle"]


def test_a_snapshot_whose_matrix_is_gone_or_cut_is_not_loaded(tmp_path):
    saved = SavedSnapshots(tmp_path)
    saved.save("v-1", _big_snapshot())
    matrix = tmp_path / "snapshot-v-1.0.matrix"
    matrix.write_bytes(matrix.read_bytes()[:1000])
    assert saved.load("v-1") is None
    matrix.unlink()
    assert saved.load("v-1") is None


def test_another_models_vectors_are_another_snapshot(folder):
    class Store:
        def __init__(self, name):
            self.collection_name = name

        def vectors_of(self, ids):
            return {}

    def retriever(name):
        return HybridRetriever(Catalog(folder / "catalog.sqlite3"), Store(name), FakeEmbedder(), fusion="weighted",
                               k_dense=5, k_lexical=5, dense_weight=0.2, saved=SavedSnapshots(folder / "search"))

    retriever("govqa_chunks-m3e-small-onnx-int8").snapshot()
    first = _files(folder)
    retriever("govqa_chunks-bge-small-torch").snapshot()
    assert _files(folder) != first and len(_files(folder)) == 1
