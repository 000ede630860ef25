"""The assistant: one object that ingests reports and answers questions, used by CLI, UI and eval."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from assistant import answerability, evidence, outline
from assistant.errors import GovQAError, IndexMissing, LLMUnavailable
from assistant.extractive import citation_for, compose
from assistant.ledger import Ledger
from assistant.ledger_chat import answer_from_ledger
from assistant.question import prepare
from assistant.records import Answer, Hit, Report
from assistant.settings import Settings, collection_name
from index.catalog import Catalog
from index.embedding import CachedQueryEmbedder, Embedder, make_embedder
from index.ingest import IngestResult, delete_report, ingest_files, read_report, repair_vectors, sync_catalog
from index.retrieval import HybridRetriever
from index.textnorm import in_script_of
from index.vector_store import VectorStore

RELATED_ON_REFUSAL = 3
log = logging.getLogger(__name__)


class Assistant:
    def __init__(self, settings: Settings | None = None, *, embedder: Embedder | None = None,
                 chat_model=None, retriever=None) -> None:
        self.settings = settings or Settings()
        index_dir = Path(self.settings.index_dir)
        self.catalog = Catalog(index_dir / "catalog.sqlite3")
        self.vectors = VectorStore(index_dir / "chroma", self.settings.chroma_host, self.settings.chroma_port,
                                   collection_name(self.settings))
        self.embedder = embedder or CachedQueryEmbedder(make_embedder(
            self.settings.embedding_model, self.settings.embedding_backend, self.settings.embedding_batch_size,
            self.settings.model_cache_dir,
        ))
        self.ledger = Ledger(index_dir / "ledger.sqlite3", embedder=self.embedder,
                             min_cosine=self.settings.ledger_min_cosine)
        self.index = HybridRetriever(self.catalog, self.vectors, self.embedder, fusion=self.settings.fusion,
                                     k_dense=self.settings.k_dense, k_lexical=self.settings.k_lexical,
                                     dense_weight=self.settings.dense_weight)
        # Anything with .search(query, k, doc_ids) -> list[Hit]; the evaluation swaps in its baseline here.
        self.retriever = retriever or self.index
        self._chat_model = chat_model
        self._generator = None
        self._writing = threading.RLock()  # ingest, delete and sync change the catalog one at a time

    # --- reports -----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path], progress: Callable[[int, int], None] | None = None,
               errors: list[tuple[Path, Exception]] | None = None) -> list[IngestResult]:
        """Ingest report files. A bad file raises before anything is written, unless `errors` is
        given: then it is listed there and the other files go in."""
        with self._writing:
            results = ingest_files(list(paths), self.catalog, self.vectors, self.embedder,
                                   max_bytes=self.settings.max_report_bytes, progress=progress, errors=errors)
            self.ledger.sync(self.catalog)
        return results

    def preview(self, path: Path) -> Report:
        """Parse a report without touching the index, so staff can check it before committing."""
        return read_report(Path(path), self.settings.max_report_bytes)

    def report(self, doc_id: str) -> Report | None:
        """One report with all its paragraphs (for the report viewer)."""
        return self.catalog.report(doc_id)

    def ensure_index(self) -> list[IngestResult]:
        """A new user gets a working chat: ingest the bundled sample report when nothing is indexed.
        Chunks without vectors (another model or backend chosen, a wiped Chroma server) are embedded again."""
        self.sync()  # a new replica behind a shared Chroma server gets its catalog from there
        if not self.catalog.reports():
            return self.ingest([self.settings.sample_report])
        repair_vectors(self.catalog, self.vectors, self.embedder)
        self.ledger.sync(self.catalog)  # indexes built before the ledger existed get one
        return []

    def reports(self) -> list[Report]:
        return self.catalog.reports()

    def delete(self, doc_id: str) -> bool:
        with self._writing:
            existed = delete_report(doc_id, self.catalog, self.vectors)
            self.ledger.remove(doc_id)
        return existed

    def sync(self) -> int:
        """Take in the reports other replicas ingested into, or deleted from, the shared Chroma;
        how many changed here."""
        with self._writing:
            changed = sync_catalog(self.catalog, self.vectors)
            if changed:
                self.ledger.sync(self.catalog)
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
    def generator(self):
        if self._generator is None and (self._chat_model is not None or self.settings.llm_enabled):
            from assistant.generative import GenerativeAnswerer, make_chat_model

            model = self._chat_model or make_chat_model(self.settings)
            self._generator = GenerativeAnswerer(model, timeout_s=self.settings.llm_timeout_s)
        return self._generator

    def _plan_year(self, reports: Sequence[Report]) -> int | None:
        """今年 in the newest report's frame: the last year it speaks about."""
        years = [r.years[-1] for r in reports if r.years]
        return max(years) if years else None

    def ask(self, question: str, history: Sequence[dict] | None = None,
            doc_ids: Sequence[str] | None = None) -> Answer:
        started = time.perf_counter()
        reports = [r for r in self.catalog.reports() if not doc_ids or r.doc_id in doc_ids]
        if not reports:
            raise IndexMissing("还没有导入任何报告：请先运行 govqa ingest 导入报告。")
        prepared = prepare(question, history, self.settings.max_question_chars, self._plan_year(reports))
        if not doc_ids and (from_ledger := answer_from_ledger(prepared.typed, self.ledger)) is not None:
            return self._answer(question, True, from_ledger.text, from_ledger.citations, (), started, "")
        if self.generator is not None and history and prepared.search == prepared.typed:
            prepared = prepare(self.generator.condense(question, history), None,
                               self.settings.max_question_chars * 4, self._plan_year(reports))
        snapshot = self.index.snapshot()  # one index state for the whole answer
        k = max(self.settings.k_hits, 10)
        if self.retriever is self.index:
            hits = self.index.search(prepared.search, k=k, doc_ids=doc_ids, snapshot=snapshot)
        else:
            hits = self.retriever.search(prepared.search, k=k, doc_ids=doc_ids)
        titles = {r.doc_id: r.title for r in reports}
        lexical = snapshot.lexical.scoped(snapshot.mask(doc_ids))
        scored = evidence.score_sentences(prepared, hits, lexical)
        chosen = evidence.select(scored, prepared)
        verdict = answerability.judge(prepared, chosen, lexical, self._corpus_years(reports, snapshot))
        notice = ""
        if verdict.answerable and self.generator is not None:
            try:
                generated = self.generator.answer(prepared.search, hits, titles)
                return self._answer(question, generated.answered, generated.text, generated.citations, hits,
                                    started, generated.notice)
            except LLMUnavailable as exc:
                notice = f"{exc} 已改用摘录式回答。"
        structure = self._structure_items(prepared.search, chosen, hits, verdict.answerable)
        heading_hits: list[Hit] = []
        if structure:
            heading_hits, extra = outline.as_evidence(structure, len(hits))
            chosen = [e for e in chosen if outline.announces_list(e.sentence)] + extra
            verdict = answerability.Verdict(True, "")
        if not verdict.answerable:
            return self._refusal(question, verdict.reason, hits, titles, started, notice)
        text, citations = compose(question, chosen, [*hits, *heading_hits], titles)
        return self._answer(question, True, text, citations, hits, started, notice)

    def _structure_items(self, question: str, chosen: Sequence[evidence.Evidence], hits: Sequence[Hit],
                         answerable: bool):
        """Headings that answer an outline question, or complete an answer whose sentence announces a list."""
        if not hits:
            return []
        if outline.is_outline_question(question):
            return outline.outline_items(self.catalog.report(hits[0].chunk.doc_id), question)
        announcing = [e for e in chosen if outline.announces_list(e.sentence)]
        if announcing and answerable:
            hit = hits[announcing[0].hit_rank]
            return outline.announced_items(self.catalog.report(hit.chunk.doc_id), hit.chunk.paragraph)
        return []

    @staticmethod
    def _corpus_years(reports: Sequence[Report], snapshot) -> set[int]:
        """Years the reports speak about, plus any year their text names (e.g. a 2025 deadline)."""
        named = snapshot.years_named
        return {y for r in reports for y in (*r.years, *named.get(r.doc_id, ()))}

    def _refusal(self, question: str, reason: str, hits: Sequence[Hit], titles: dict[str, str],
                 started: float, notice: str) -> Answer:
        related = tuple(citation_for(i + 1, hit, "", titles) for i, hit in enumerate(hits[:RELATED_ON_REFUSAL]))
        text = in_script_of(question, f"报告中没有找到这个问题的答案：{reason}")
        if related:
            text += in_script_of(question, "以下是最接近的段落，供参考。")
        return Answer(question, False, text, (), tuple(hits), (time.perf_counter() - started) * 1000, notice, related)

    @staticmethod
    def _answer(question, answered, text, citations, hits, started, notice) -> Answer:
        return Answer(question, answered, text, tuple(citations), tuple(hits),
                      (time.perf_counter() - started) * 1000, notice)
