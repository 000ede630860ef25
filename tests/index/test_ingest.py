"""Ingest into a real Chroma and catalog (fake embedder): idempotent, replacing, and safe on bad input."""

import pytest

from index.errors import EmptyReport, ReportError, UndecodableText
from index.textnorm import split_sentences
from tests.fakes import FakeEmbedder


def state(assistant):
    catalog_ids = {c.chunk_id for c in assistant.catalog.chunks()}
    return catalog_ids, assistant.vectors.ids(), [r.content_hash for r in assistant.reports()]


def test_same_report_twice_changes_nothing(fake_assistant, sample_report):
    first = fake_assistant.ingest([sample_report])[0]
    before = state(fake_assistant)
    again = fake_assistant.ingest([sample_report])[0]
    assert first.status == "added" and first.embedded == first.chunks > 40
    assert again.status == "unchanged" and again.embedded == 0
    assert state(fake_assistant) == before
    assert before[0] == before[1]  # both stores hold exactly the same chunks


def test_changed_report_replaces_old_chunks_in_both_stores(fake_assistant, sample_report, tmp_path):
    path = tmp_path / sample_report.name
    text = sample_report.read_text("utf-8")
    path.write_text(text, "utf-8")
    fake_assistant.ingest([path])
    old_ids = state(fake_assistant)[0]
    path.write_text(text.replace("58億元", "59億元"), "utf-8")
    result = fake_assistant.ingest([path])[0]
    catalog_ids, vector_ids, _ = state(fake_assistant)
    assert result.status == "replaced"
    assert result.embedded == 1  # only the changed paragraph is embedded again
    assert catalog_ids == vector_ids
    assert len(catalog_ids) == len(old_ids) and catalog_ids != old_ids
    assert not any("58億元" in c.text for c in fake_assistant.catalog.chunks())
    assert len(fake_assistant.reports()) == 1


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("empty.txt", b"", EmptyReport),
        ("binary.txt", bytes(range(256)) * 40, UndecodableText),
        ("blank.txt", b"   \n\n  ", EmptyReport),
    ],
)
def test_bad_file_gives_clear_error_and_leaves_index_untouched(fake_assistant, sample_report, tmp_path, name,
                                                               content, error):
    fake_assistant.ingest([sample_report])
    before = state(fake_assistant)
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(error) as caught:
        fake_assistant.ingest([bad])
    assert name in str(caught.value)
    assert state(fake_assistant) == before


def test_gbk_report_is_read_and_indexed(fake_assistant, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("一、2022年工作回顾\n街道实现地区生产总值58亿元，同比增长2.8%。\n".encode("gbk"))
    fake_assistant.ingest([path])
    assert any("58亿元" in c.text for c in fake_assistant.catalog.chunks())


class ExplodingEmbedder(FakeEmbedder):
    """Fails on the second batch, like a process killed half-way through an ingest."""

    def embed(self, texts):
        if self.calls >= 1:
            raise RuntimeError("killed")
        return super().embed(texts)


def test_interrupted_ingest_keeps_the_old_report_and_rerun_completes(tmp_path, sample_report):
    from assistant.service import Assistant
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path / "index")
    healthy = Assistant(settings, embedder=FakeEmbedder())
    path = tmp_path / sample_report.name
    text = sample_report.read_text("utf-8")
    path.write_text(text, "utf-8")
    healthy.ingest([path])
    before = state(healthy)

    # A new version with many changed paragraphs: needs more than one embedding batch.
    path.write_text(text.replace("。", "。 "), "utf-8")
    broken = Assistant(settings, embedder=ExplodingEmbedder())
    from index import ingest as ingest_module

    ingest_module.EMBED_BATCH, saved = 8, ingest_module.EMBED_BATCH
    try:
        with pytest.raises(RuntimeError):
            broken.ingest([path])
    finally:
        ingest_module.EMBED_BATCH = saved
    catalog_ids, _, hashes = state(healthy)
    assert (catalog_ids, hashes) == (before[0], before[2])  # still serving the old report
    assert healthy.ask("2022年地区生产总值是多少？").answered

    result = healthy.ingest([path])[0]
    catalog_ids, vector_ids, _ = state(healthy)
    assert result.status == "replaced"
    assert catalog_ids == vector_ids  # no stale or duplicate vectors left by the crash


def test_delete_removes_report_from_both_stores(fake_assistant, sample_report):
    doc_id = fake_assistant.ingest([sample_report])[0].doc_id
    assert fake_assistant.delete(doc_id)
    assert state(fake_assistant) == (set(), set(), [])


def test_unsupported_file_type(fake_assistant, tmp_path):
    path = tmp_path / "report.xls"
    path.write_bytes(b"whatever")
    with pytest.raises(ReportError):
        fake_assistant.ingest([path])


def test_another_embedding_backend_gets_its_own_vectors_on_start(tmp_path, sample_report):
    from assistant.service import Assistant
    from assistant.settings import Settings

    first = Assistant(Settings(index_dir=tmp_path / "index", embedding_backend="torch"), embedder=FakeEmbedder())
    first.ingest([sample_report])
    other = Assistant(Settings(index_dir=tmp_path / "index", embedding_backend="onnx"), embedder=FakeEmbedder())
    assert other.vectors.ids() == set()  # never the other model's vectors
    assert other.ensure_index() == []  # the report is catalogued: nothing re-parsed…
    assert other.vectors.ids() == {c.chunk_id for c in other.catalog.chunks()}  # …but every chunk embedded


def test_a_start_with_every_vector_stored_reads_no_chunk_text(fake_assistant, sample_report, monkeypatch):
    from index.ingest import repair_vectors

    fake_assistant.ingest([sample_report])
    monkeypatch.setattr(fake_assistant.catalog, "chunks", lambda *a: pytest.fail("read every chunk's text"))
    assert repair_vectors(fake_assistant.catalog, fake_assistant.vectors, fake_assistant.embedder) == 0
    assert fake_assistant.catalog.chunk_ids() == fake_assistant.vectors.ids()


def test_a_start_whose_snapshot_holds_every_vector_does_not_read_the_stores_ids(fake_assistant, sample_report,
                                                                               tmp_path, monkeypatch):
    from assistant.service import Assistant
    from assistant.settings import Settings

    fake_assistant.ingest([sample_report])
    restarted = Assistant(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder())
    monkeypatch.setattr(restarted.vectors, "ids", lambda *a: pytest.fail("read every id from Chroma"))
    monkeypatch.setattr(restarted.vectors, "query", lambda *a: pytest.fail("searched Chroma"))
    assert restarted.ensure_index() == []
    assert restarted.ask("2022年坎墩街道地区生产总值是多少？").answered  # dense from the snapshot's vectors


def test_a_start_whose_snapshot_lacks_vectors_embeds_them_and_takes_them_in(fake_assistant, sample_report):
    fake_assistant.ingest([sample_report])
    lost = sorted(fake_assistant.vectors.ids())[:3]
    fake_assistant.vectors.delete(lost)
    fake_assistant.index._snapshot = None  # a new process, whose saved snapshot is gone
    for saved in (fake_assistant.settings.index_dir / "search").iterdir():
        saved.unlink()
    assert not fake_assistant.index.holds_every_vector()
    fake_assistant.ensure_index()
    assert fake_assistant.index.holds_every_vector() and set(lost) <= fake_assistant.vectors.ids()


def test_bm25_tokens_are_stored_at_ingest_and_an_index_without_them_still_searches(fake_assistant, sample_report):
    fake_assistant.ingest([sample_report])
    chunks = fake_assistant.catalog.chunks()
    stored = fake_assistant.catalog.chunk_tokens()
    tokenizer = fake_assistant.index.snapshot().lexical.tokenizer
    assert set(stored) == {c.chunk_id for c in chunks}  # the snapshot tokenizes nothing again
    assert all(stored[c.chunk_id] == tokenizer.tokens(c.search_text) for c in chunks)
    question = "2022年地区生产总值是多少"
    before = [h.chunk.chunk_id for h in fake_assistant.index.search(question, mode="lexical")]
    with fake_assistant.catalog._connect() as db:  # an index built before tokens were stored
        db.execute("DELETE FROM chunk_tokens")
        db.execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
    assert [h.chunk.chunk_id for h in fake_assistant.index.search(question, mode="lexical")] == before


def test_report_list_follows_changes_made_by_another_process(fake_assistant, sample_report, tmp_path):
    from index.catalog import Catalog

    other = Catalog(fake_assistant.catalog.path)  # e.g. `govqa ingest` beside a running `govqa serve`
    assert other.reports() == []
    fake_assistant.ingest([sample_report])
    assert [r.doc_id for r in other.reports()] == [r.doc_id for r in fake_assistant.reports()]
    fake_assistant.delete(fake_assistant.reports()[0].doc_id)
    assert other.reports() == []


def test_sentence_time_roles_are_stored_at_ingest_and_reach_the_hits(fake_assistant, sample_report):
    fake_assistant.ingest([sample_report])
    report = fake_assistant.catalog.report(fake_assistant.catalog.reports()[0].doc_id)
    stored = fake_assistant.catalog.paragraph_roles()
    # One character per sentence of every paragraph; the sample reviews 2022 and plans 2023: both roles occur.
    assert all(len(stored.get((p.doc_id, p.number), "")) == len(split_sentences(p.text)) for p in report.paragraphs)
    assert set("".join(stored.values())) >= {"a", "t"}
    # A report read back carries them (it is what a replica is given through Chroma).
    assert all(p.roles == stored.get((p.doc_id, p.number), "") for p in report.paragraphs)
    first = report.paragraphs[1]
    assert fake_assistant.catalog.paragraph(first.doc_id, first.number) == first and first.roles
    hits = fake_assistant.index.search("2022年地区生产总值是多少", mode="lexical")
    assert hits and all(h.paragraph_roles == stored.get((h.chunk.doc_id, h.chunk.paragraph), "") for h in hits)
    assert all(len(h.paragraph_roles) == len(split_sentences(h.paragraph_text)) for h in hits if h.paragraph_roles)
    fake_assistant.delete(report.doc_id)
    assert fake_assistant.catalog.paragraph_roles() == {}


def test_an_unchanged_report_is_checked_by_chunk_id_not_by_a_scan_of_its_reports_vectors(fake_assistant, sample_report,
                                                                                          monkeypatch):
    # Chroma's doc_id filter reads every chunk's metadata: 60 ms per report at 57,000 chunks, most of a re-ingest.
    fake_assistant.ingest([sample_report])
    scans = []
    ids = type(fake_assistant.vectors).ids
    monkeypatch.setattr(type(fake_assistant.vectors), "ids", lambda self, doc_id=None: scans.append(doc_id) or ids(self, doc_id))
    [result] = fake_assistant.ingest([sample_report])
    assert result.status == "unchanged" and scans == []


def _parses(monkeypatch):
    import index.ingest
    calls = []
    parse = index.ingest.parse_report
    monkeypatch.setattr(index.ingest, "parse_report", lambda *a, **k: calls.append(1) or parse(*a, **k))
    return calls


def test_an_unchanged_file_is_not_parsed_again(fake_assistant, sample_report, monkeypatch):
    # Parsing was four fifths of re-ingesting an unchanged corpus (2.5 s of 200 reports).
    first = fake_assistant.ingest([sample_report])[0]
    before = state(fake_assistant)
    parses = _parses(monkeypatch)
    again = fake_assistant.ingest([sample_report])[0]
    assert parses == []
    assert (again.status, again.paragraphs, again.chunks, again.embedded) == ("unchanged", first.paragraphs,
                                                                            first.chunks, 0)
    assert state(fake_assistant) == before


def test_a_changed_file_or_changed_reading_code_is_parsed_again(fake_assistant, sample_report, tmp_path, monkeypatch):
    import index.ingest
    path = tmp_path / sample_report.name
    path.write_bytes(sample_report.read_bytes())
    fake_assistant.ingest([path])
    parses = _parses(monkeypatch)
    path.write_bytes(sample_report.read_bytes() + "\n".encode())  # same paragraphs, other bytes
    assert fake_assistant.ingest([path])[0].status == "unchanged" and len(parses) == 1
    assert fake_assistant.ingest([path])[0].status == "unchanged" and len(parses) == 1  # its fingerprint is kept
    monkeypatch.setattr(index.ingest, "_reading_code", lambda: b"another reader")
    assert fake_assistant.ingest([path])[0].status == "unchanged" and len(parses) == 2


def test_a_report_whose_vectors_are_gone_is_read_and_embedded_again(fake_assistant, sample_report):
    fake_assistant.ingest([sample_report])
    lost = sorted(fake_assistant.vectors.ids())[:3]
    fake_assistant.vectors.delete(lost)
    result = fake_assistant.ingest([sample_report])[0]
    assert result.embedded == 3 and lost[0] in fake_assistant.vectors.ids()


def test_a_report_with_staff_corrections_is_read_again_from_its_file(fake_assistant, sample_report, monkeypatch):
    from index.identity import Correction
    fake_assistant.ingest([sample_report], correction=Correction(place="某某街道"))
    assert fake_assistant.catalog.fingerprint(fake_assistant.reports()[0].doc_id) is None
    parses = _parses(monkeypatch)
    fake_assistant.ingest([sample_report])
    assert len(parses) == 1  # the file alone does not say what was stored
