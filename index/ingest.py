"""Ingest: file → paragraphs → chunks → vectors (Chroma) and rows (catalog).

Order of writes makes a crash at any point harmless: vectors first (extra vectors are invisible
until the catalog lists them), then one catalog transaction switches the report, then the old
report's vectors are deleted. Chunk ids are content hashes, so unchanged chunks are never re-embedded; a file
read before, unchanged (its bytes, the read limits and the reading code: file_fingerprint), is not even parsed again.
The same holds when the disk fills up: free space is checked first, and a write that still fails for
lack of space leaves the previous catalog in place, frees the index's disk reserve (index/disk.py) so
the index can still be opened, and raises DiskFull.

A report's id comes from its file name, but only its own source may replace it: the same file
(normalised absolute path, or a staff upload's file name) or an explicit `replace`. A different file
whose name gives the same id ("Town Report 2023.txt", "town-report-2023.txt") gets the id with a
short hash of its source appended.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from index.disk import free_bytes, is_disk_full, release_reserve
from index.errors import DiskFull, ReportError
from index.reading.sizes import ReadLimits, human_size
from index.records import Chunk, Report
from index.catalog import LEGACY_SOURCE, Catalog
from index.chunking import chunk_report
from index.embedding import Embedder
from index.identity import Correction, corrected
from index.lexical import Tokenizer, extract_terms
from index.reading import read_properties, read_report_lines
from index.structure import parse_report
from index.vector_store import VectorStore

EMBED_BATCH = 512  # chunks per embed call and Chroma write: progress granularity, not the model's batch size
BYTES_PER_CHUNK = 16 * 1024  # disk a chunk takes in catalog, Chroma and ledger: 42 MB for 6,001 measured, doubled (Chroma grows in steps)
MIN_FREE_BYTES = 200 * 1024 * 1024  # left free after an ingest (GOVQA_MIN_FREE_DISK_BYTES): SQLite and Chroma need room to work


@dataclass(frozen=True)
class IngestResult:
    doc_id: str
    title: str
    status: str  # "added", "replaced" or "unchanged"
    paragraphs: int
    chunks: int
    embedded: int  # chunks whose vectors had to be computed


def doc_id_for(path: Path) -> str:
    """The id a file's name gives: what its report is called unless another source holds it."""
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "-", path.stem).strip("-").lower() or "report"


def source_key(path: Path) -> str:
    """Where a file came from, one spelling: its absolute path, resolved, in NFC."""
    return unicodedata.normalize("NFC", str(Path(path).resolve()))


def upload_key(name: str) -> str:
    """A staff upload's source: the name it was uploaded under (the server's copy sits in a temp folder)."""
    return "upload:" + unicodedata.normalize("NFC", name)


def assign_doc_id(path: Path, key: str, catalog: Catalog, *, replace_id: bool = False,
                  taken: frozenset[str] = frozenset()) -> str:
    """The report id for a file from source `key`: the name's id with `replace_id`; else its source's
    report if it has one; else the name's id when it is free (or held by a report from before sources
    were kept that was read from a file of this name); else the name's id with a hash of the source.
    `taken`: ids already given in this batch."""
    base = doc_id_for(path)
    if replace_id and base not in taken:
        return base
    if (owner := catalog.doc_id_of_source(key)) is not None and owner not in taken:
        return owner
    holder = catalog.source_of(base)
    if base not in taken and (holder is None or holder == LEGACY_SOURCE + Path(path).name):
        return base
    return f"{base}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


@lru_cache(maxsize=1)
def _reading_code() -> bytes:
    """A digest of the index package's code and word lists: what a report read from a file depends on besides the
    file (the stores' code is in it too; a change there only means one more parse)."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def file_fingerprint(path: Path, limits: ReadLimits) -> str:
    """What the report read from this file depends on: its bytes, the read limits and the reading code."""
    digest = hashlib.sha256(_reading_code())
    digest.update(repr(limits).encode())
    digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _embed_missing(chunks: list[Chunk], have: set[str], vectors: VectorStore, embedder: Embedder,
                   progress: Callable[[int, int], None] | None) -> int:
    missing = [c for c in chunks if c.chunk_id not in have]
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors.add(batch, embedder.embed([c.search_text for c in batch]))
        if progress:
            progress(start + len(batch), len(missing))
    return len(missing)


def read_report(path: Path, limits: ReadLimits | int, correction: Correction | None = None,
                doc_id: str | None = None) -> Report:
    """A report file parsed under `doc_id` (the name's id by default), with staff's corrections of its
    identity; nothing is written. `limits` as a number is the byte limit alone (eval/bench.py passes one)."""
    limits = ReadLimits(max_bytes=limits) if isinstance(limits, int) else limits
    report = parse_report(read_report_lines(path, limits), doc_id=doc_id or doc_id_for(path), source=path.name,
                          properties=read_properties(path))
    if not correction:
        return report
    identity = corrected(report.identity, title=correction.title, place=correction.place, year=correction.year)
    years = tuple(sorted({*report.years, *identity.reviewed_years, *identity.planned_years}))
    return replace(report, identity=identity, title=identity.title or report.title, years=years)


@dataclass(frozen=True)
class _Plan:
    report: Report
    key: str
    chunks: list[Chunk]
    old_ids: set[str]
    replaces: bool
    fingerprint: str | None  # None with staff's corrections: the file alone does not say what was stored


def _plan(path: Path, key: str, doc_id: str, stored: Report | None, catalog: Catalog, vectors: VectorStore,
          limits: ReadLimits, correction: Correction | None) -> _Plan | IngestResult:
    """Read and chunk one file; an IngestResult when it is unchanged and nothing is to be done.
    stored: the catalog's report of this id (without paragraphs), if any."""
    fingerprint = None if correction else file_fingerprint(path, limits)
    if stored is not None and fingerprint is not None and catalog.fingerprint(doc_id) == fingerprint:
        paragraphs, stored_ids = catalog.stored_size(doc_id)
        if vectors.present(stored_ids) == set(stored_ids):
            return IngestResult(doc_id, stored.title, "unchanged", paragraphs, len(stored_ids), 0)
    report = read_report(path, limits, correction, doc_id)
    chunks = chunk_report(report)
    previous_hash = catalog.content_hash(doc_id)
    same_identity = stored is not None and stored.identity == report.identity and stored.title == report.title
    ids = {c.chunk_id for c in chunks}
    # Looked up by id (chunk ids include the report's): a doc_id filter scans every chunk's metadata,
    # 60 ms per report at 57,000 chunks, most of re-ingesting 1,000 unchanged reports.
    if previous_hash == report.content_hash and same_identity and vectors.present(sorted(ids)) == ids:
        catalog.record_fingerprint(doc_id, fingerprint)
        return IngestResult(doc_id, report.title, "unchanged", len(report.paragraphs), len(chunks), 0)
    return _Plan(report, key, chunks, vectors.ids(doc_id), previous_hash is not None, fingerprint)


def ingest_files(paths: Sequence[Path], catalog: Catalog, vectors: VectorStore, embedder: Embedder, *,
                 limits: ReadLimits = ReadLimits(), progress: Callable[[int, int], None] | None = None,
                 errors: list[tuple[Path, Exception]] | None = None, correction: Correction | None = None,
                 replace_ids: bool = False, uploaded: bool = False,
                 min_free_bytes: int = MIN_FREE_BYTES) -> list[IngestResult]:
    """Ingest several files; all are read before anything is written. correction: staff's title, place
    or year, for every file given (meant for one). replace_ids: each file replaces the report its name's
    id names, whatever that report's source. uploaded: the files are staff uploads (source: their name).

    A file that cannot be read raises before any write — or, when `errors` is given, is listed
    there and skipped. Every new chunk of every file is embedded in one stream (the embedder
    batches by length across reports, and Chroma takes large batches), then each report is
    switched in the catalog in turn. DiskFull before any write when the disk lacks the room.
    """
    plans: list[_Plan] = []
    results: dict[str, IngestResult] = {}
    stored = {r.doc_id: r for r in catalog.reports()}  # once: a list of 10,000 reports searched per file was quadratic
    for path in map(Path, paths):
        key = upload_key(path.name) if uploaded else source_key(path)
        if key in results:  # the same file twice is one report
            continue
        try:
            doc_id = assign_doc_id(path, key, catalog, replace_id=replace_ids,
                                   taken=frozenset(r.doc_id for r in results.values()))
            planned = _plan(path, key, doc_id, stored.get(doc_id), catalog, vectors, limits, correction)
        except (ReportError, OSError) as exc:
            if errors is None:
                raise
            errors.append((path, exc))
            continue
        if isinstance(planned, IngestResult):
            results[key] = planned
        else:
            plans.append(planned)
            results[key] = IngestResult(planned.report.doc_id, planned.report.title,
                                        "replaced" if planned.replaces else "added",
                                        len(planned.report.paragraphs), len(planned.chunks), 0)
    index_dir = Path(catalog.path).parent
    _check_free_space(index_dir, sum(len(p.chunks) for p in plans), min_free_bytes)
    try:
        counts = _write(plans, catalog, vectors, embedder, progress)
    except Exception as exc:
        if not is_disk_full(exc, index_dir):
            raise
        release_reserve(index_dir)
        raise DiskFull("磁盘空间已满，导入未完成；原有报告照常可用，请释放空间后重试。") from exc
    return [replace(r, embedded=counts.get(r.doc_id, 0)) for r in results.values()]


def _write(plans: Sequence[_Plan], catalog: Catalog, vectors: VectorStore, embedder: Embedder,
           progress: Callable[[int, int], None] | None) -> dict[str, int]:
    """Embed, store and switch the planned reports; the chunks each had to embed, by report id."""
    _embed_missing([c for plan in plans for c in plan.chunks], set().union(*(p.old_ids for p in plans)),
                   vectors, embedder, progress)
    vectors.put_reports([plan.report for plan in plans])  # one Chroma call: each costs ~0.1 s whatever its size
    counts = {}
    for plan, (terms, tokens) in zip(plans, lexicon([(p.report, p.chunks) for p in plans], catalog), strict=True):
        catalog.replace_report(plan.report, plan.chunks, terms, tokens, source_key=plan.key,
                               fingerprint=plan.fingerprint)
        vectors.delete(sorted(plan.old_ids - {c.chunk_id for c in plan.chunks}))
        counts[plan.report.doc_id] = sum(c.chunk_id not in plan.old_ids for c in plan.chunks)
    return counts


def _check_free_space(index_dir: Path, chunks: int, min_free_bytes: int) -> None:
    if not chunks:
        return
    free, need = free_bytes(index_dir), chunks * BYTES_PER_CHUNK + min_free_bytes
    if free < need:
        raise DiskFull(f"磁盘空间不足：索引所在磁盘剩余 {human_size(free)}，导入这些报告需要约 {human_size(need)}"
                       f"（含保留的 {human_size(min_free_bytes)}）。请释放空间后重试，原有报告不受影响。")


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
    have = vectors.ids()
    if catalog.chunk_ids() <= have:  # every start of `govqa serve`: no chunk text read (58,000 chunks: 110 MB)
        return 0
    return _embed_missing(catalog.chunks(), have, vectors, embedder, progress)


def delete_report(doc_id: str, catalog: Catalog, vectors: VectorStore) -> bool:
    # The tombstone first: a replica syncing meanwhile must not copy the report back from Chroma.
    vectors.delete_report(doc_id)
    existed = catalog.delete_report(doc_id)  # from here on the vectors are invisible
    vectors.delete(sorted(vectors.ids(doc_id)))
    return existed
