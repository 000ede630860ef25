"""The assistant: one object that ingests reports and answers questions, used by CLI, UI and eval."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jieba

from assistant.answer.pipeline import AnswerPipeline, Found, Retriever
from assistant.answer.question import Question
from assistant.answer.scope import Scope
from assistant.answer.weights import AnswerWeights, fitted
from assistant.ledger.store import Ledger
from assistant.records import Answer
from assistant.settings import Settings, collection_name
from index.catalog import Catalog
from index.disk import keep_reserve
from index.embedding import CachedQueryEmbedder, Embedder, make_embedder
from index.errors import GovQAError
from index.identity import Correction
from index.ingest import (
    IngestResult, assign_doc_id, delete_report, ingest_files, read_report, repair_vectors, source_key, upload_key,
)
from index.places import gazetteer
from index.reading.sizes import ReadLimits
from index.records import Hit, Report
from index.retrieval import HybridRetriever
from index.saved_snapshot import SavedSnapshots
from index.sync import sync_catalog
from index.vector_store import VectorStore

if TYPE_CHECKING:
    from assistant.answer.generative import GenerativeAnswerer

log = logging.getLogger(__name__)


def make_query_embedder(settings: Settings) -> Embedder:
    """The configured model and backend, with a cache for repeated questions."""
    return CachedQueryEmbedder(make_embedder(settings.embedding_model, settings.embedding_backend,
                                             settings.embedding_batch_size, settings.model_cache_dir))


def open_ledger(settings: Settings, embedder: Embedder | None = None) -> Ledger:
    """The ledger next to the catalog, brought up to date with it (the model loads only if linking needs it)."""
    index_dir = Path(settings.index_dir)
    ledger = Ledger(index_dir / "ledger.sqlite3", embedder=embedder or make_query_embedder(settings),
                    min_cosine=settings.ledger_min_cosine)
    ledger.sync(Catalog(index_dir / "catalog.sqlite3"))
    return ledger


class Assistant:
    """The composition root: the only place that builds catalog, vectors, embedder, ledger, retriever and LLM."""

    def __init__(self, settings: Settings | None = None, *, embedder: Embedder | None = None,
                 chat_model=None, retriever: Retriever | None = None, weights: AnswerWeights | None = None,
                 observe: Callable[[Question, Found], None] | None = None) -> None:
        """weights: the answerer's (default: the fitted ones shipped); observe: sees each search's evidence."""
        self.settings = settings or Settings()
        index_dir = Path(self.settings.index_dir)
        self.catalog = Catalog(index_dir / "catalog.sqlite3")
        self.vectors = VectorStore(index_dir / "chroma", self.settings.chroma_host, self.settings.chroma_port,
                                   collection_name(self.settings))
        self.embedder = embedder or make_query_embedder(self.settings)
        self.ledger = Ledger(index_dir / "ledger.sqlite3", embedder=self.embedder,
                             min_cosine=self.settings.ledger_min_cosine)
        self.index = HybridRetriever(self.catalog, self.vectors, self.embedder, fusion=self.settings.fusion,
                                     k_dense=self.settings.k_dense, k_lexical=self.settings.k_lexical,
                                     dense_weight=self.settings.dense_weight,
                                     saved=SavedSnapshots(index_dir / "search"))
        self._chat_model = chat_model
        self._generator: GenerativeAnswerer | None = None
        self._writing = threading.RLock()  # ingest, delete and sync change the catalog one at a time
        # The evaluation passes its baseline as retriever; judging still reads our index's vocabulary.
        self.pipeline = AnswerPipeline(self.catalog, self.index.snapshot, retriever or self.index, self.ledger,
                                       lambda: self.generator, k_hits=self.settings.k_hits,
                                       max_question_chars=self.settings.max_question_chars,
                                       weights=weights or fitted(), observe=observe)

    # --- reports -----------------------------------------------------------------------------
    @property
    def read_limits(self) -> ReadLimits:
        s = self.settings
        return ReadLimits(s.max_report_bytes, s.max_report_paragraphs, s.max_report_chars, s.max_html_depth)

    def ingest(self, paths: Iterable[Path], progress: Callable[[int, int], None] | None = None,
               errors: list[tuple[Path, Exception]] | None = None, correction: Correction | None = None,
               replace: bool = False, uploaded: bool = False) -> list[IngestResult]:
        """Ingest report files. A bad file raises before anything is written, unless `errors` is
        given: then it is listed there and the other files go in. A file replaces only the report of
        its own source (`replace`: the report its name's id names, whoever's); `uploaded`: staff uploads."""
        with self._writing:
            results = ingest_files(list(paths), self.catalog, self.vectors, self.embedder,
                                   limits=self.read_limits, progress=progress, errors=errors, correction=correction,
                                   replace_ids=replace, uploaded=uploaded,
                                   min_free_bytes=self.settings.min_free_disk_bytes)
            self.ledger.sync(self.catalog)
            if any(r.status != "unchanged" for r in results):
                self.index.snapshot()  # saved now, so the next start loads it instead of building it
        return results

    def preview(self, path: Path, correction: Correction | None = None, uploaded: bool = False) -> Report:
        """Parse a report without touching the index, so staff can check it before committing; its id is
        the one ingest would give it."""
        path = Path(path)
        key = upload_key(path.name) if uploaded else source_key(path)
        return read_report(path, self.read_limits, correction, assign_doc_id(path, key, self.catalog))

    def report(self, doc_id: str) -> Report | None:
        """One report with all its paragraphs (for the report viewer)."""
        return self.catalog.report(doc_id)

    def ensure_index(self, background: bool = False) -> list[IngestResult]:
        """A new user gets a working chat: ingest the bundled sample report into a new index.
        Chunks without vectors (another model or backend chosen, a wiped Chroma server) are embedded again.

        background (serving): an index in use is kept up (sync, vectors, ledger) in a daemon thread, after
        loading what the first question needs, so that question need not wait for it (at 100 reports the upkeep
        took 3.5 s, most of it opening Chroma; against a server at 10,000 reports, reading its 572,000 ids). A
        new replica behind a Chroma server syncs first: its catalog is on the server."""
        # The gazetteer (~1.5 s to load) is read by the first question that names no indexed government.
        threading.Thread(target=gazetteer, name="govqa-gazetteer", daemon=True).start()
        keep_reserve(Path(self.settings.index_dir))  # room to open the index if an ingest fills the disk
        if background and self.catalog.ever_used():
            threading.Thread(target=self._warm_then_keep_up, name="govqa-start", daemon=True).start()
            return []
        self.sync()  # a new replica behind a shared Chroma server gets its catalog from there
        if not self.catalog.ever_used():  # once staff have emptied an index, it stays empty
            return self.ingest([self.settings.sample_report])
        self._keep_up()
        return []

    def _keep_up(self) -> None:
        # The snapshot's vectors were read from the store: when it holds every chunk's, an embedded store has
        # them too, unchecked (reading Chroma's 57,000 ids took 178 MB of a 1,000-report server's memory). A
        # server is checked all the same: it may have been wiped under every replica.
        if self.settings.chroma_host or not self.index.holds_every_vector():
            repair_vectors(self.catalog, self.vectors, self.embedder)
            self.index.refresh_vectors()  # the repaired vectors, or all of them if the store was down at build
        self.ledger.sync(self.catalog)  # indexes built before the ledger existed get one

    def _warm_then_keep_up(self) -> None:
        try:
            self.warm()
            self.sync()
            self._keep_up()
        except GovQAError as exc:  # Chroma unavailable: questions still get BM25; the next start tries again
            log.warning("启动时维护索引失败：%s", exc)

    def warm(self) -> None:
        """Load what answering loads on first use: the saved snapshot, jieba's dictionaries (ours with the
        reports' names, and the default one part-of-speech tagging uses), the model and the vectors a dense
        search reads (the snapshot's, or Chroma's index when it searches there), and the list of reports
        (decoded once: 87 ms of a first answer at 1,000 reports)."""
        self.index.snapshot().lexical.tokenizer.warm()
        jieba.initialize()
        self.index.search("政府工作报告", k=1, mode="dense")
        self.catalog.reports()

    def reports(self) -> list[Report]:
        return self.catalog.reports()

    def delete(self, doc_id: str) -> bool:
        with self._writing:
            existed = delete_report(doc_id, self.catalog, self.vectors)
            self.ledger.remove(doc_id)
            self.index.snapshot()
        return existed

    def sync(self) -> int:
        """Take in the reports other replicas ingested into, or deleted from, the shared Chroma;
        how many changed here."""
        with self._writing:
            changed = sync_catalog(self.catalog, self.vectors)
            if changed:
                self.ledger.sync(self.catalog)
                self.index.snapshot()
        return changed

    def keep_in_sync(self, every_s: float) -> threading.Event:
        """`sync` every `every_s` seconds in a daemon thread, until the returned event is set."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(every_s):
                try:
                    if changed := self.sync():
                        log.info("已从向量库同步 %d 份报告的变化", changed)
                except GovQAError as exc:  # Chroma down: questions still get BM25; try again next time
                    log.warning("同步报告失败：%s", exc)

        threading.Thread(target=loop, name="govqa-sync", daemon=True).start()
        return stop

    # --- answering ---------------------------------------------------------------------------
    @property
    def generator(self) -> GenerativeAnswerer | None:
        """The LLM answerer when one is configured (or passed in); built on first use."""
        if self._generator is None and (self._chat_model is not None or self.settings.llm_enabled):
            from assistant.answer.generative import GenerativeAnswerer, make_chat_model

            model = self._chat_model or make_chat_model(self.settings)
            self._generator = GenerativeAnswerer(model, timeout_s=self.settings.llm_timeout_s)
        return self._generator

    def ask(self, question: str, history: Sequence[dict] | None = None,
            doc_ids: Sequence[str] | None = None, scope: Scope | None = None) -> Answer:
        return self.pipeline.ask(question, history, doc_ids, scope)

    def rankings(self, query: str, doc_id: str | None = None) -> dict[str, list[Hit]]:
        """Staff's retrieval test: the query's paragraphs as fused ("hybrid", the answer's top k) and as each
        search ranks them alone ("dense", "lexical", every candidate fusion sees). Alone, a search's scores are
        normalised as fusion normalises them, so the fused score is their weighted sum (or RRF sum)."""
        s, doc_ids, snapshot = self.settings, [doc_id] if doc_id else None, self.index.snapshot()
        return {mode: self.index.search(query, k, doc_ids, mode=mode, snapshot=snapshot)
                for mode, k in (("hybrid", s.k_hits), ("dense", s.k_dense), ("lexical", s.k_lexical))}
