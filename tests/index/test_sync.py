"""Replicas share Chroma, not their catalogs: sync_catalog brings a replica's catalog in line."""

from index.catalog import Catalog
from index.sync import sync_catalog
from index.vector_store import UNKNOWN_HASH

from tests.fakes import FICTIONAL_2024

FIXTURE = str(FICTIONAL_2024)


def catalog_state(catalog):
    return {r.doc_id: r.content_hash for r in catalog.reports()}, {c.chunk_id for c in catalog.chunks()}


def test_replica_takes_in_ingests_replacements_and_deletes(fake_assistant, sample_report, tmp_path):
    from assistant.settings import PROJECT_ROOT

    writer, replica = fake_assistant, Catalog(tmp_path / "replica.sqlite3")
    writer.ingest([sample_report])
    assert sync_catalog(replica, writer.vectors) == 1
    assert catalog_state(replica) == catalog_state(writer.catalog)
    assert replica.chunk_tokens() == writer.catalog.chunk_tokens()  # BM25 needs no jieba pass on the replica
    assert sync_catalog(replica, writer.vectors) == 0  # nothing changed: nothing rewritten

    changed = tmp_path / sample_report.name
    changed.write_text(sample_report.read_text("utf-8").replace("58億元", "59億元"), "utf-8")
    writer.ingest([changed, PROJECT_ROOT / FIXTURE], replace=True)  # the copy is a new version of the sample
    assert sync_catalog(replica, writer.vectors) == 2
    assert catalog_state(replica) == catalog_state(writer.catalog)
    assert any("59亿元" in c.search_text for c in replica.chunks())

    writer.delete(writer.reports()[0].doc_id)
    assert sync_catalog(replica, writer.vectors) == 1
    assert catalog_state(replica) == catalog_state(writer.catalog) and len(writer.reports()) == 1


def test_deleted_report_is_not_put_back_by_a_replica_that_still_lists_it(fake_assistant, sample_report, tmp_path):
    writer, replica = fake_assistant, Catalog(tmp_path / "replica.sqlite3")
    writer.ingest([sample_report])
    sync_catalog(replica, writer.vectors)
    writer.delete(writer.reports()[0].doc_id)
    sync_catalog(replica, writer.vectors)
    assert replica.reports() == [] and writer.vectors.stored_reports() == []


def test_reports_chroma_never_stored_are_put_there_and_old_records_gain_their_hash(fake_assistant, sample_report,
                                                                                   tmp_path):
    fake_assistant.ingest([sample_report])
    doc_id = fake_assistant.reports()[0].doc_id
    fake_assistant.vectors.report_collection.delete(ids=[doc_id])  # an index from before reports were stored
    assert sync_catalog(fake_assistant.catalog, fake_assistant.vectors) == 0
    assert [r.doc_id for r in fake_assistant.vectors.stored_reports()] == [doc_id]

    # A record from before hashes were kept: read once, rewritten with its hash, nothing local changes.
    report = fake_assistant.vectors.stored_reports()[0]
    document = fake_assistant.vectors.report_collection.get(ids=[doc_id], include=["documents"])["documents"][0]
    fake_assistant.vectors.report_collection.delete(ids=[doc_id])
    fake_assistant.vectors.report_collection.add(ids=[doc_id], embeddings=[[0.0]], documents=[document])
    assert fake_assistant.vectors.stored_report_hashes() == {doc_id: UNKNOWN_HASH}
    generation = fake_assistant.catalog.generation()
    assert sync_catalog(fake_assistant.catalog, fake_assistant.vectors) == 0
    assert fake_assistant.catalog.generation() == generation
    assert fake_assistant.vectors.stored_report_hashes() == {doc_id: report.content_hash}


def test_stored_hashes_are_read_a_page_of_reports_at_a_time(fake_assistant, sample_report, tmp_path, monkeypatch):
    """Chroma reads each report's whole document with its metadata: never all reports at once."""
    import index.vector_store as vector_store
    from assistant.settings import PROJECT_ROOT

    fake_assistant.ingest([sample_report, PROJECT_ROOT / FIXTURE])
    reports = fake_assistant.vectors.report_collection
    pages, get = [], reports.get
    monkeypatch.setattr(vector_store, "_REPORT_PAGE", 1)
    monkeypatch.setattr(reports, "get", lambda ids=None, include=(), **kw: (
        pages.append(len(ids)) if "metadatas" in include else None) or get(ids=ids, include=include, **kw))
    assert fake_assistant.vectors.stored_report_hashes() == {r.doc_id: r.content_hash for r in fake_assistant.reports()}
    assert pages == [1, 1]
