"""Report ids never collide across sources: only the same file (or an explicit replace) replaces a report."""

from __future__ import annotations

from pathlib import Path

from index.ingest import assign_doc_id, source_key

TOWN_A = "坎墩街道2023年工作报告\n一、2022年工作回顾\n2022年，街道修建道路10公里。\n"
TOWN_B = "海拉尔区2023年政府工作报告\n一、2022年工作回顾\n2022年，全区修建桥梁3座。\n"


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, "utf-8")
    return path


def texts(assistant) -> dict[str, str]:
    """Each report's body, by id."""
    return {r.doc_id: "".join(p.text for p in assistant.report(r.doc_id).paragraphs) for r in assistant.reports()}


def test_two_files_whose_names_give_one_id_stay_two_reports(fake_assistant, tmp_path: Path) -> None:
    a = write(tmp_path, "Town Report 2023.txt", TOWN_A)
    b = write(tmp_path, "town-report-2023.txt", TOWN_B)
    first = fake_assistant.ingest([a])[0]
    second = fake_assistant.ingest([b])[0]
    assert first.doc_id == "town-report-2023" and second.status == "added"
    assert second.doc_id.startswith("town-report-2023-") and second.doc_id != first.doc_id
    bodies = texts(fake_assistant)
    assert "道路10公里" in bodies[first.doc_id] and "桥梁3座" in bodies[second.doc_id]
    assert fake_assistant.ingest([b])[0] == second.__class__(second.doc_id, second.title, "unchanged",
                                                             second.paragraphs, second.chunks, 0)


def test_in_one_batch_too(fake_assistant, tmp_path: Path) -> None:
    a = write(tmp_path, "Town Report 2023.txt", TOWN_A)
    b = write(tmp_path, "town-report-2023.txt", TOWN_B)
    results = fake_assistant.ingest([a, b])  # was: Chroma's DuplicateIDError, the whole batch lost
    assert len({r.doc_id for r in results}) == 2 and len(fake_assistant.reports()) == 2
    assert {c.chunk_id for c in fake_assistant.catalog.chunks()} == fake_assistant.vectors.ids()


def test_the_same_file_replaces_its_report_and_replace_takes_over_a_name(fake_assistant, tmp_path: Path) -> None:
    a = write(tmp_path / "one", "report.txt", TOWN_A)
    assert fake_assistant.ingest([a])[0].status == "added"
    write(tmp_path / "one", "report.txt", TOWN_A.replace("10公里", "12公里"))
    assert fake_assistant.ingest([tmp_path / "one" / ".." / "one" / "report.txt"])[0].status == "replaced"  # same path
    other = write(tmp_path / "two", "report.txt", TOWN_B)
    assert fake_assistant.ingest([other])[0].doc_id != "report"  # same name, another folder: another report
    third = write(tmp_path / "three", "report.txt", TOWN_B.replace("3座", "4座"))
    assert fake_assistant.ingest([third], replace=True)[0].status == "replaced"  # --replace: it takes the name's id
    assert "桥梁4座" in texts(fake_assistant)["report"]


def test_staff_uploads_are_known_by_their_file_name(fake_assistant, tmp_path: Path) -> None:
    first = write(tmp_path / "upload-1", "town.txt", TOWN_A)
    second = write(tmp_path / "upload-2", "town.txt", TOWN_A.replace("10公里", "12公里"))  # a new version
    assert fake_assistant.ingest([first], uploaded=True)[0].status == "added"
    assert fake_assistant.preview(second, uploaded=True).doc_id == "town"
    assert fake_assistant.ingest([second], uploaded=True)[0].status == "replaced"
    assert fake_assistant.preview(write(tmp_path, "Town.txt", TOWN_B), uploaded=True).doc_id.startswith("town-")


def test_a_report_from_before_sources_were_kept_is_replaced_by_a_file_of_its_name(fake_assistant, tmp_path) -> None:
    path = write(tmp_path, "report.txt", TOWN_A)
    fake_assistant.ingest([path])
    with fake_assistant.catalog._connect() as db:  # as an older catalog: no source recorded
        db.execute("DELETE FROM sources")
    assert assign_doc_id(path, source_key(write(tmp_path / "x", "report.txt", TOWN_A)), fake_assistant.catalog) == "report"
    assert assign_doc_id(Path("other.txt"), "k", fake_assistant.catalog) == "other"


def test_deleting_the_last_report_does_not_bring_the_sample_back(fake_assistant) -> None:
    assert [r.status for r in fake_assistant.ensure_index()] == ["added"]  # a new index gets the sample
    fake_assistant.delete(fake_assistant.reports()[0].doc_id)
    assert fake_assistant.ensure_index() == [] and fake_assistant.reports() == []
