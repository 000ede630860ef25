"""HybridRetriever with fakes: a catalog that hands out chunks, a vector store with fixed cosines.

BM25 is real (jieba, fast); the dense side is a fake whose scores each test sets, so fusion and
paragraph-level ranking are checked on known numbers (the store holds no vectors to hand the snapshot,
so every dense search asks it). The snapshot's own vectors are tested with stored ones at the end.
No model, no Chroma.
"""

import jieba
import numpy as np
import pytest

import index.retrieval as retrieval
from index.errors import GovQAError, StoreUnavailable
from index.records import Chunk
from index.retrieval import HybridRetriever
from index.textnorm import normalize
from tests.fakes import FakeEmbedder

# (chunk id, doc, paragraph, text): paragraph 1 of kandun is long, searched as two windows.
CHUNKS = [
    ("k1a", "kandun", 1, "坎墩街道新建停车位50只，停车位建设全面完成，停车难问题缓解。"),
    ("k1b", "kandun", 1, "同时推进老旧小区改造，新增绿地2000平方米。"),
    ("k2", "kandun", 2, "2022年坎墩街道实现地区生产总值58亿元，2025年力争达到70亿元。"),
    ("k3", "kandun", 3, "完成临水护栏建设2513米。"),
    ("h1", "hushan", 1, "浒山街道新建停车位55只。"),
    ("h2", "hushan", 2, "浒山街道安装智能排口20套。"),
]
HUSHAN = {cid for cid, doc, _, _ in CHUNKS if doc == "hushan"}


def _chunks():
    return [Chunk(cid, doc, p, ("一、2022年工作回顾",), text, normalize(text), 2022) for cid, doc, p, text in CHUNKS]


def _paragraph_texts():
    texts = {}
    for _, doc, p, text in CHUNKS:
        texts[(doc, p)] = texts.get((doc, p), "") + text
    return texts


class FakeCatalog:
    def __init__(self, chunks=None):
        self.chunks = _chunks() if chunks is None else chunks
        self.gen, self.reads = 1, 0

    def generation(self):
        return self.gen

    def consistent_read(self):
        self.reads += 1
        keys = {(c.doc_id, c.paragraph) for c in self.chunks}
        paragraphs = {key: text for key, text in _paragraph_texts().items() if key in keys}
        return self.gen, list(self.chunks), paragraphs, {}, [], {}


class FakeVectors:
    """Fixed cosine per chunk id, whatever the query vector; `fail` raises as a store down after retries.
    `stored`: the vectors it hands a snapshot, by chunk id (none by default)."""

    def __init__(self, scores=None, fail=False, stored=None):
        self.scores = scores or {}
        self.fail = fail
        self.stored = stored or {}
        self.calls = []
        self.doc_of = {cid: doc for cid, doc, _, _ in CHUNKS}

    def vectors_of(self, ids):
        self.calls.append(("vectors_of", tuple(ids)))
        if self.fail:
            raise StoreUnavailable("向量库不可用")
        return {i: np.asarray(self.stored[i], dtype=np.float32) for i in ids if i in self.stored}

    def _ranked(self, ids, k):
        return sorted(((i, self.scores[i]) for i in ids if i in self.scores), key=lambda x: -x[1])[:k]

    def query(self, vector, k, doc_ids=None):
        self.calls.append(("query", len(vector), tuple(doc_ids or ())))
        if self.fail:
            raise StoreUnavailable("向量库不可用")
        return self._ranked([i for i in self.scores if not doc_ids or self.doc_of.get(i) in doc_ids], k)


@pytest.fixture(scope="module")
def snap():
    """One snapshot for the module. Its tokenizer is jieba's process-wide default dictionary (the catalog
    adds no terms), so the dictionary is not loaded once more (~1 s each)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jieba, "Tokenizer", lambda *args, **kwargs: jieba.dt)
        return HybridRetriever(FakeCatalog(), FakeVectors(), FakeEmbedder(), fusion="weighted",
                               k_dense=10, k_lexical=10, dense_weight=0.5).snapshot()


def _retriever(scores=None, *, fusion="weighted", dense_weight=0.5, fail=False, k_dense=10):
    vectors = FakeVectors(scores, fail)
    return HybridRetriever(FakeCatalog(), vectors, FakeEmbedder(), fusion=fusion, k_dense=k_dense,
                           k_lexical=10, dense_weight=dense_weight), vectors


def _keys(hits):
    return [(h.chunk.doc_id, h.chunk.paragraph) for h in hits]


# --- fusion on known scores -------------------------------------------------------------------

# Dense: A barely ahead of B, C far behind. BM25: C first, A close, B far behind.
DENSE = {("d", 1): (0.90, 0), ("d", 2): (0.89, 1), ("d", 3): (0.10, 2)}
LEXICAL = {("d", 3): (10.0, 2), ("d", 1): (9.9, 0), ("d", 2): (1.0, 1)}
A, B, C = ("d", 1), ("d", 2), ("d", 3)


def _fused(fusion, dense_weight=0.5):
    retriever, _ = _retriever(fusion=fusion, dense_weight=dense_weight)
    fused = retriever._fuse([DENSE, LEXICAL], [None, 0.0])
    return sorted(fused, key=lambda key: -fused[key]), fused


def test_weighted_fusion_uses_score_margins():
    # Dense min-max (floor = its lowest): A 1, B 0.9875, C 0. BM25 from 0: C 1, A 0.99, B 0.1.
    order, fused = _fused("weighted")
    assert order == [A, B, C]
    assert fused[A] == pytest.approx(0.5 * 1 + 0.5 * 0.99)
    assert fused[B] == pytest.approx(0.5 * 0.9875 + 0.5 * 0.1)
    assert fused[C] == pytest.approx(0.5 * 0 + 0.5 * 1)


def test_rrf_uses_ranks_only():
    order, fused = _fused("rrf")
    assert order == [A, C, B]  # C is first and third, B second and third
    assert fused[A] == pytest.approx(1 / 61 + 1 / 62)


def test_dense_weight_shifts_weighted_fusion():
    assert _fused("weighted", dense_weight=0.2)[0] == [A, C, B]  # BM25 dominates: its margin over B counts
    assert _fused("weighted", dense_weight=1.0)[0] == [A, B, C]


def test_a_lone_bm25_match_is_not_normalised_to_nothing():
    # One BM25 candidate: its floor is 0, not itself, so it still scores (a lone dense one is min-max'd to 0).
    retriever, _ = _retriever()
    fused = retriever._fuse([{A: (0.8, 0)}, {B: (3.0, 1)}], [None, 0.0])
    assert fused[B] == pytest.approx(0.5) and fused[A] == pytest.approx(0.0)


def test_hybrid_search_with_all_weight_on_dense_follows_the_dense_scores(snap):
    scores = {"k3": 0.9, "h2": 0.8, "k2": 0.7, "h1": 0.6, "k1a": 0.5, "k1b": 0.4}
    retriever, _ = _retriever(scores, dense_weight=1.0)
    hits = retriever.search("新建停车位", k=6, snapshot=snap)
    assert _keys(hits)[:5] == [("kandun", 3), ("hushan", 2), ("kandun", 2), ("hushan", 1), ("kandun", 1)]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hybrid_search_with_no_weight_on_dense_follows_bm25(snap):
    scores = {"k3": 0.9, "h2": 0.8, "k2": 0.7}  # dense likes paragraphs without the query's words
    retriever, _ = _retriever(scores, dense_weight=0.0)
    lexical_only, _ = _retriever(scores)
    hits = retriever.search("新建停车位", k=2, snapshot=snap)
    assert set(_keys(hits)) == {("kandun", 1), ("hushan", 1)}
    assert _keys(hits) == _keys(lexical_only.search("新建停车位", k=2, mode="lexical", snapshot=snap))


@pytest.mark.parametrize("fusion", ["weighted", "rrf"])
def test_a_paragraph_both_searches_find_ranks_first(snap, fusion):
    # Dense puts k3 (no query word) first; 浒山's parking paragraph is second in dense and first in BM25.
    scores = {"k3": 0.9, "h1": 0.85, "k2": 0.5, "h2": 0.4}
    retriever, _ = _retriever(scores, fusion=fusion)
    assert _keys(retriever.search("浒山新建停车位", k=3, snapshot=snap))[0] == ("hushan", 1)


# --- paragraph-level ranking ------------------------------------------------------------------

def test_hits_are_distinct_paragraphs_with_the_whole_paragraph_text(snap):
    scores = {"k1a": 0.5, "k1b": 0.9, "k2": 0.6, "k3": 0.4, "h1": 0.3, "h2": 0.2}
    retriever, _ = _retriever(scores)
    hits = retriever.search("停车位", k=10, snapshot=snap)
    assert len(_keys(hits)) == len(set(_keys(hits))) == 5  # six chunks, five paragraphs
    by_key = dict(zip(_keys(hits), hits))
    assert by_key[("kandun", 1)].paragraph_text == CHUNKS[0][3] + CHUNKS[1][3]


def test_dense_mode_represents_a_paragraph_by_its_best_dense_window(snap):
    retriever, _ = _retriever({"k1a": 0.5, "k1b": 0.9, "k2": 0.6})
    hits = retriever.search("停车位", k=10, mode="dense", snapshot=snap)
    assert _keys(hits) == [("kandun", 1), ("kandun", 2)]
    assert hits[0].chunk.chunk_id == "k1b"


def test_lexical_mode_represents_a_paragraph_by_its_best_bm25_window(snap):
    retriever, _ = _retriever()
    hits = retriever.search("停车位", k=10, mode="lexical", snapshot=snap)
    assert {h.chunk.chunk_id for h in hits} == {"k1a", "h1"}  # k1b has no 停车位


def test_hybrid_prefers_the_bm25_window_when_bm25_found_the_paragraph(snap):
    # Dense prefers the window about 绿地; BM25 found the one that says 停车位: that one is quoted.
    retriever, _ = _retriever({"k1a": 0.5, "k1b": 0.9})
    hits = retriever.search("停车位", k=10, snapshot=snap)
    assert next(h for h in hits if h.chunk.paragraph == 1 and h.chunk.doc_id == "kandun").chunk.chunk_id == "k1a"
    # A paragraph only dense found is represented by its dense window.
    retriever, _ = _retriever({"k1b": 0.9, "k2": 0.3})
    hits = retriever.search("绿地", k=10, snapshot=snap)
    assert hits[0].chunk.chunk_id == "k1b"


def test_a_paragraphs_best_window_wins_whatever_order_the_scores_come_in(snap):
    k1a, k1b, k2 = (snap.position[cid] for cid in ("k1a", "k1b", "k2"))
    best = HybridRetriever._by_paragraph(snap, {k1a: 0.5, k2: 0.7, k1b: 0.9})
    assert best == {("kandun", 1): (0.9, k1b), ("kandun", 2): (0.7, k2)}


def test_k_limits_the_hits(snap):
    retriever, _ = _retriever({cid: 0.5 for cid, *_ in CHUNKS})
    assert len(retriever.search("停车位", k=2, snapshot=snap)) == 2


def test_vectors_the_catalog_does_not_list_are_ignored(snap):
    retriever, _ = _retriever({"left-over-from-a-crash": 0.99, "k2": 0.5})
    hits = retriever.search("地区生产总值", k=10, mode="dense", snapshot=snap)
    assert _keys(hits) == [("kandun", 2)]


# --- report filter ----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_a_report_filter_returns_only_those_reports(snap, mode):
    # Dense likes kandun best and BM25 would match kandun's parking paragraph too.
    scores = {"k1a": 0.99, "k2": 0.98, "h1": 0.5, "h2": 0.4}
    retriever, vectors = _retriever(scores)
    hits = retriever.search("新建停车位", k=10, doc_ids=["hushan"], mode=mode, snapshot=snap)
    assert hits and {h.chunk.doc_id for h in hits} == {"hushan"}
    if mode != "lexical":  # the snapshot holds no vectors: the store's filtered query
        assert vectors.calls == [("query", FakeEmbedder.dim, ("hushan",))]


def test_unfiltered_dense_search_asks_the_whole_store(snap):
    retriever, vectors = _retriever({"k2": 0.5})
    retriever.search("地区生产总值", snapshot=snap)
    assert vectors.calls == [("query", FakeEmbedder.dim, ())]


# --- dense store failure ----------------------------------------------------------------------

@pytest.mark.parametrize("doc_ids", [None, ["kandun"]])
def test_hybrid_falls_back_to_bm25_when_the_dense_store_fails(snap, doc_ids):
    failing, vectors = _retriever(fail=True)
    lexical, _ = _retriever()
    hits = failing.search("新建停车位", k=10, doc_ids=doc_ids, snapshot=snap)
    assert vectors.calls  # dense was tried
    expected = lexical.search("新建停车位", k=10, doc_ids=doc_ids, mode="lexical", snapshot=snap)
    assert hits and _keys(hits) == _keys(expected)
    assert [h.chunk.chunk_id for h in hits] == [h.chunk.chunk_id for h in expected]


def test_dense_mode_raises_when_the_dense_store_fails(snap):
    failing, _ = _retriever(fail=True)
    with pytest.raises(GovQAError, match="向量库不可用"):
        failing.search("新建停车位", mode="dense", snapshot=snap)


def test_other_errors_from_the_dense_store_are_not_swallowed(snap):
    retriever, vectors = _retriever()
    vectors.query = lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("bug"))
    with pytest.raises(RuntimeError):
        retriever.search("新建停车位", snapshot=snap)


# --- snapshot ---------------------------------------------------------------------------------

def test_mask_marks_the_chunks_of_the_given_reports(snap):
    assert snap.mask(None) is None and snap.mask([]) is None
    mask = snap.mask(["hushan"])
    assert mask.dtype == float
    assert [snap.chunks[i].chunk_id for i in np.flatnonzero(mask)] == ["h1", "h2"]
    assert mask.sum() == 2 and snap.mask(["kandun", "hushan"]).sum() == len(CHUNKS)
    assert not snap.mask(["no-such-report"]).any()


def test_vocabulary_of_a_filter_knows_only_its_reports_words(snap):
    hushan = snap.vocabulary(["hushan"])
    assert hushan.knows("浒山街道") and hushan.knows("智能排口") and hushan.knows("停车位")
    assert not hushan.knows("坎墩") and not hushan.knows("临水护栏") and not hushan.knows("地区生产总值")
    everything = snap.vocabulary(None)
    assert everything is snap.lexical
    assert everything.knows("坎墩") and everything.knows("浒山")


def test_vocabulary_of_a_filter_weighs_words_within_it(snap):
    # 浒山 is in 2 of 6 chunks overall, but in every chunk of the 浒山 report: there it tells nothing apart.
    hushan, everything = snap.vocabulary(["hushan"]), snap.vocabulary(None)
    assert hushan.idf("浒山") < everything.idf("浒山")
    assert hushan.idf("浒山") < hushan.idf("停车位")


def test_snapshot_knows_each_reports_years_and_positions(snap):
    # Every year a report's text names, deadlines too; not the section's year (2022 for all chunks here).
    assert snap.years_named == {"kandun": frozenset({2022, 2025}), "hushan": frozenset()}
    assert [snap.chunks[snap.position[cid]].chunk_id for cid, *_ in CHUNKS] == [cid for cid, *_ in CHUNKS]


def test_snapshot_is_rebuilt_only_when_the_catalog_generation_changes(snap, monkeypatch):
    monkeypatch.setattr(retrieval, "Tokenizer", lambda terms: snap.lexical.tokenizer)  # no dictionary load
    catalog = FakeCatalog()
    retriever = HybridRetriever(catalog, FakeVectors(), FakeEmbedder(), fusion="rrf", k_dense=5, k_lexical=5,
                                dense_weight=0.5)
    first = retriever.snapshot()
    assert retriever.snapshot() is first and catalog.reads == 1
    catalog.gen, catalog.chunks = 2, [c for c in _chunks() if c.doc_id == "kandun"]
    second = retriever.snapshot()
    assert second is not first and second.generation == 2 and catalog.reads == 2
    assert {h.chunk.doc_id for h in retriever.search("新建停车位", mode="lexical")} == {"kandun"}


def test_an_empty_catalog_finds_nothing(monkeypatch):
    monkeypatch.setattr(retrieval, "Tokenizer", lambda terms: None)  # nothing to tokenize
    vectors = FakeVectors({"k1a": 0.9})
    retriever = HybridRetriever(FakeCatalog(chunks=[]), vectors, FakeEmbedder(), fusion="weighted", k_dense=5,
                                k_lexical=5, dense_weight=0.5)
    assert retriever.search("新建停车位") == []
    assert vectors.calls == []


# --- the snapshot's own vectors ---------------------------------------------------------------

def _stored():
    """Every chunk's vector as FakeEmbedder makes it, as the store would hold it."""
    return {cid: FakeEmbedder().embed([normalize(text)])[0] for cid, _, _, text in CHUNKS}


def _holding(stored, **kwargs):
    vectors = FakeVectors(stored=stored, **kwargs)
    retriever = HybridRetriever(FakeCatalog(), vectors, FakeEmbedder(), fusion="weighted", k_dense=10,
                                k_lexical=10, dense_weight=0.5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jieba, "Tokenizer", lambda *args, **kwargs: jieba.dt)
        retriever.snapshot()
    vectors.calls.clear()
    return retriever, vectors


def _cosines(query, ids):
    q = np.asarray(FakeEmbedder().embed([normalize(query)])[0])
    stored = _stored()
    return sorted(((cid, float(np.dot(stored[cid], q) / np.linalg.norm(stored[cid]) / np.linalg.norm(q)))
                   for cid in ids), key=lambda pair: -pair[1])


@pytest.mark.parametrize("doc_ids", [None, ["hushan"]])
def test_a_snapshot_holding_every_vector_is_searched_exactly_without_the_store(doc_ids):
    retriever, vectors = _holding(_stored())
    query = "浒山街道新建停车位"
    hits = retriever.search(query, k=10, doc_ids=doc_ids, mode="dense")
    assert vectors.calls == []
    ids = [cid for cid, doc, _, _ in CHUNKS if not doc_ids or doc in doc_ids]
    expected = [cid for cid, cosine in _cosines(query, ids) if cosine > min(c for _, c in _cosines(query, ids))]
    # Paragraph-level: each paragraph's best window, in cosine order (the lowest is min-max'd to 0 and kept).
    best = list(dict.fromkeys((retriever.snapshot().chunks[retriever.snapshot().position[c]].doc_id,
                               retriever.snapshot().chunks[retriever.snapshot().position[c]].paragraph)
                              for c in expected))
    assert _keys(hits)[: len(best)] == best
    assert {h.chunk.doc_id for h in hits} <= ({"hushan"} if doc_ids else {"kandun", "hushan"})


def test_a_snapshot_missing_a_vector_asks_the_store_until_refreshed():
    stored = _stored()
    missing = dict(stored)
    del missing["h2"]
    retriever, vectors = _holding(missing, scores={"h1": 0.9})
    retriever.search("停车位", k=10, mode="dense")
    assert [c[0] for c in vectors.calls] == ["query"]
    vectors.stored, vectors.calls = stored, []  # a repair embedded it
    retriever.refresh_vectors()
    assert vectors.calls == [("vectors_of", ("h2",))]  # only what the snapshot lacked is fetched
    vectors.calls.clear()
    retriever.search("停车位", k=10, mode="dense")
    assert vectors.calls == []


def test_a_new_generation_fetches_only_the_new_chunks_vectors():
    stored = _stored()
    retriever, vectors = _holding(stored)
    extra = Chunk("h3", "hushan", 3, ("一、2022年工作回顾",), "浒山街道新增绿地。", normalize("浒山街道新增绿地。"), 2022)
    stored["h3"] = FakeEmbedder().embed([extra.search_text])[0]
    retriever.catalog.chunks = [*retriever.catalog.chunks, extra]
    retriever.catalog.gen += 1
    snapshot = retriever.snapshot()
    assert vectors.calls == [("vectors_of", ("h3",))]
    assert snapshot.vectors.complete and snapshot.generation == 2


def test_a_store_down_while_building_leaves_dense_search_to_the_store():
    retriever = HybridRetriever(FakeCatalog(), FakeVectors(fail=True), FakeEmbedder(), fusion="weighted",
                                k_dense=10, k_lexical=10, dense_weight=0.5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jieba, "Tokenizer", lambda *args, **kwargs: jieba.dt)
        snapshot = retriever.snapshot()
        assert snapshot.vectors is None
        assert retriever.search("新建停车位", k=10)  # BM25 all the same
