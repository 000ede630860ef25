"""Ingest: file → paragraphs → chunks → vectors (Chroma) and rows (catalog).

Order of writes makes a crash at any point harmless: vectors first (extra vectors are invisible
until the catalog lists them), then one catalog transaction switches the report, then the old
report's vectors are deleted. Chunk ids are content hashes, so unchanged chunks are never re-embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index.errors import ReportError
from index.records import Chunk, Report
from index.catalog import Catalog
from index.chunking import chunk_report
from index.embedding import Embedder
from index.identity import Correction, corrected
from index.lexical import Tokenizer, extract_terms
from index.reading import read_properties, read_report_lines
from index.structure import parse_report
from index.vector_store import VectorStore

EMBED_BATCH = 512  # chunks per embed call and Chroma write: progress granularity, not the model's batch size


@dataclass(frozen=True)
class IngestResult:
    doc_id: str
    title: str
    status: str  # "added", "replaced" or "unchanged"
    paragraphs: int
    chunks: int
    embedded: int  # chunks whose vectors had to be computed


def doc_id_for(path: Path) -> str:
    """A stable id from the file name, so a new version of the same file replaces the old one."""
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "-", path.stem).strip("-").lower() or "report"


def _embed_missing(chunks: list[Chunk], have: set[str], vectors: VectorStore, embedder: Embedder,
                   progress: Callable[[int, int], None] | None) -> int:
    missing = [c for c in chunks if c.chunk_id not in have]
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors.add(batch, embedder.embed([c.search_text for c in batch]))
        if progress:
            progress(start + len(batch), len(missing))
    return len(missing)


def read_report(path: Path, max_bytes: int, correction: Correction | None = None) -> Report:
    """A report file parsed under its stable id, with staff's corrections of its identity; nothing is written."""
    report = parse_report(read_report_lines(path, max_bytes=max_bytes), doc_id=doc_id_for(path), source=path.name,
                          properties=read_properties(path))
    if not correction:
        return report
    identity = corrected(report.identity, title=correction.title, place=correction.place, year=correction.year)
    years = tuple(sorted({*report.years, *identity.reviewed_years, *identity.planned_years}))
    return replace(report, identity=identity, title=identity.title or report.title, years=years)


@dataclass(frozen=True)
class _Plan:
    report: Report
    chunks: list[Chunk]
    old_ids: set[str]
    replaces: bool


def _plan(path: Path, catalog: Catalog, vectors: VectorStore, max_bytes: int,
          correction: Correction | None) -> _Plan | IngestResult:
    """Read and chunk one file; an IngestResult when it is unchanged and nothing is to be done."""
    report = read_report(path, max_bytes, correction)
    doc_id = report.doc_id
    chunks = chunk_report(report)
    previous_hash = catalog.content_hash(doc_id)
    old_ids = vectors.ids(doc_id)
    stored = next((r for r in catalog.reports() if r.doc_id == doc_id), None)
    same_identity = stored is not None and stored.identity == report.identity and stored.title == report.title
    if previous_hash == report.content_hash and same_identity and {c.chunk_id for c in chunks} <= old_ids:
        return IngestResult(doc_id, report.title, "unchanged", len(report.paragraphs), len(chunks), 0)
    return _Plan(report, chunks, old_ids, previous_hash is not None)


def ingest_files(paths: Sequence[Path], catalog: Catalog, vectors: VectorStore, embedder: Embedder, *,
                 max_bytes: int = 50 * 1024 * 1024, progress: Callable[[int, int], None] | None = None,
                 errors: list[tuple[Path, Exception]] | None = None,
                 correction: Correction | None = None) -> list[IngestResult]:
    """Ingest several files; all are read before anything is written. correction: staff's title, place
    or year, for every file given (meant for one).

    A file that cannot be read raises before any write — or, when `errors` is given, is listed
    there and skipped. Every new chunk of every file is embedded in one stream (the embedder
    batches by length across reports, and Chroma takes large batches), then each report is
    switched in the catalog in turn.
    """
    plans: list[_Plan] = []
    results: dict[Path, IngestResult] = {}
    for path in dict.fromkeys(map(Path, paths)):  # the same file twice is one report
        try:
            planned = _plan(path, catalog, vectors, max_bytes, correction)
        except (ReportError, OSError) as exc:
            if errors is None:
                raise
            errors.append((path, exc))
            continue
        if isinstance(planned, IngestResult):
            results[path] = planned
        else:
            plans.append(planned)
            results[path] = IngestResult(planned.report.doc_id, planned.report.title,
                                         "replaced" if planned.replaces else "added",
                                         len(planned.report.paragraphs), len(planned.chunks), 0)
    _embed_missing([c for plan in plans for c in plan.chunks], set().union(*(p.old_ids for p in plans)),
                              vectors, embedder, progress)
    vectors.put_reports([plan.report for plan in plans])  # one Chroma call: each costs ~0.1 s whatever its size
    counts = {}
    for plan, (terms, tokens) in zip(plans, lexicon([(p.report, p.chunks) for p in plans], catalog), strict=True):
        catalog.replace_report(plan.report, plan.chunks, terms, tokens)
        vectors.delete(sorted(plan.old_ids - {c.chunk_id for c in plan.chunks}))
        counts[plan.report.doc_id] = sum(c.chunk_id not in plan.old_ids for c in plan.chunks)
    return [replace(r, embedded=counts.get(r.doc_id, 0)) for r in results.values()]


def lexicon(reports: Sequence[tuple[Report, Sequence[Chunk]]],
             catalog: Catalog) -> list[tuple[set[str], list[list[str]]]]:
    """Each report's names (jieba keeps them whole) and its chunks' BM25 tokens, cut with every
    name known: the catalog's and these reports'. One tokenizer: loading jieba's dictionary takes ~1 s."""
    if not reports:
        return []
    terms = [extract_terms(p.text for p in report.paragraphs) for report, _ in reports]
    tokenizer = Tokenizer(set(catalog.terms()).union(*terms))
    return [(names, [tokenizer.tokens(c.search_text) for c in chunks])
            for names, (_, chunks) in zip(terms, reports, strict=True)]


def repair_vectors(catalog: Catalog, vectors: VectorStore, embedder: Embedder,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every catalogued chunk the vector store lacks; returns how many."""
    return _embed_missing(catalog.chunks(), vectors.ids(), vectors, embedder, progress)


def delete_report(doc_id: str, catalog: Catalog, vectors: VectorStore) -> bool:
    # The tombstone first: a replica syncing meanwhile must not copy the report back from Chroma.
    vectors.delete_report(doc_id)
    existed = catalog.delete_report(doc_id)  # from here on the vectors are invisible
    vectors.delete(sorted(vectors.ids(doc_id)))
    return existed
