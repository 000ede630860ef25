"""Replica sync: bring a replica's catalog (and so its BM25) in line with the reports kept in a shared Chroma."""

from __future__ import annotations

from index.catalog import Catalog
from index.chunking import chunk_report
from index.ingest import lexicon
from index.vector_store import UNKNOWN_HASH, VectorStore


def sync_catalog(catalog: Catalog, vectors: VectorStore) -> int:
    """Bring the local catalog (and so BM25) in line with the reports kept in Chroma; how many changed.

    With replicas behind one Chroma server, this is how a replica sees what another ingested or
    deleted; a new replica with an empty index dir rebuilds its catalog this way. Chunking is
    deterministic, so rebuilt chunk ids are the ids of the stored vectors: nothing is embedded.
    Local reports Chroma has never stored (an index from before it stored them) are put there.
    """
    stored = vectors.stored_report_hashes()
    local = {r.doc_id: r.content_hash for r in catalog.reports()}
    changed = [doc_id for doc_id, digest in stored.items() if digest and local.get(doc_id) != digest]
    fetched = vectors.stored_reports(changed)
    vectors.put_reports([r for r in fetched if stored[r.doc_id] == UNKNOWN_HASH])  # records gain their hash
    reports = [(report, chunk_report(report)) for report in fetched if local.get(report.doc_id) != report.content_hash]
    for (report, chunks), (terms, tokens) in zip(reports, lexicon(reports, catalog), strict=True):
        catalog.replace_report(report, chunks, terms, tokens)
    deleted = [doc_id for doc_id in local if stored.get(doc_id) == ""]
    for doc_id in deleted:
        catalog.delete_report(doc_id)  # the vectors are shared: the replica that deleted removes them
    vectors.put_reports([r for doc_id in local if doc_id not in stored and (r := catalog.report(doc_id))])
    return len(reports) + len(deleted)
