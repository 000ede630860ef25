"""Ingest: file → paragraphs → chunks → vectors (Chroma) and rows (catalog).

Order of writes makes a crash at any point harmless: vectors first (extra vectors are invisible
until the catalog lists them), then one catalog transaction switches the report, then the old
report's vectors are deleted. Chunk ids are content hashes, so unchanged chunks are never re-embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.records import Chunk
from index.catalog import Catalog
from index.chunking import chunk_report
from index.embedding import Embedder
from index.lexical import extract_terms
from index.readers import read_report_lines
from index.structure import parse_report
from index.vector_store import VectorStore

EMBED_BATCH = 64  # chunks per embed call: progress granularity, not the model's batch size


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


def ingest_file(path: Path, catalog: Catalog, vectors: VectorStore, embedder: Embedder, *,
                doc_id: str | None = None, max_bytes: int = 50 * 1024 * 1024,
                progress: Callable[[int, int], None] | None = None) -> IngestResult:
    path = Path(path)
    doc_id = doc_id or doc_id_for(path)
    report = parse_report(read_report_lines(path, max_bytes=max_bytes), doc_id=doc_id, source=path.name)
    chunks = chunk_report(report)
    previous_hash = catalog.content_hash(doc_id)
    old_ids = vectors.ids(doc_id)
    new_ids = {c.chunk_id for c in chunks}
    if previous_hash == report.content_hash and new_ids <= old_ids:
        return IngestResult(doc_id, report.title, "unchanged", len(report.paragraphs), len(chunks), 0)
    embedded = _embed_missing(chunks, old_ids, vectors, embedder, progress)
    vectors.put_report(report)
    catalog.replace_report(report, chunks, extract_terms(p.text for p in report.paragraphs))
    vectors.delete(sorted(old_ids - new_ids))
    status = "added" if previous_hash is None else "replaced"
    return IngestResult(doc_id, report.title, status, len(report.paragraphs), len(chunks), embedded)


def repair_vectors(catalog: Catalog, vectors: VectorStore, embedder: Embedder,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every catalogued chunk the vector store lacks; returns how many."""
    return _embed_missing(catalog.chunks(), vectors.ids(), vectors, embedder, progress)


def delete_report(doc_id: str, catalog: Catalog, vectors: VectorStore) -> bool:
    existed = catalog.delete_report(doc_id)  # catalog first: from here on the vectors are invisible
    vectors.delete(sorted(vectors.ids(doc_id)))
    vectors.delete_report(doc_id)
    return existed


def restore_catalog(catalog: Catalog, vectors: VectorStore) -> int:
    """Rebuild an empty local catalog (and so BM25) from the reports kept in Chroma.

    Chunking is deterministic, so the rebuilt chunk ids are the ids of the stored vectors: a new
    replica against a shared Chroma server serves at once without embedding anything.
    """
    restored = 0
    for report in vectors.stored_reports():
        catalog.replace_report(report, chunk_report(report), extract_terms(p.text for p in report.paragraphs))
        restored += 1
    return restored
