from index.errors import EmptyReport
from index.chunking import MAX_CHUNK_CHARS, chunk_report
from index.reading import read_report_lines
from index.structure import parse_report
from index.textnorm import normalize

import pytest


@pytest.fixture
def report(sample_report):
    return parse_report(read_report_lines(sample_report), doc_id="kandun", source=sample_report.name)


def paragraph_with(report, text):
    return next(p for p in report.paragraphs if normalize(text) in normalize(p.text))


def test_parking_commitment_sits_under_plan_section_one_item_three(report):
    p = paragraph_with(report, "新建三四灶村文化禮堂附屬停車位50只")
    assert p.section[0] == "二、2023年目標任務"
    assert normalize(p.section[1]).startswith("(一)")
    assert p.section[2].startswith("3.")


def test_review_items_sit_under_lead_in_sections(report):
    p = paragraph_with(report, "全年有82家企業獲街道本級財政扶持")
    assert p.section[0] == "一、2022年工作回顧"
    assert p.section[1].startswith("——回顧過去一年")
    assert p.section[2].startswith("一是")


def test_metadata_header_is_recognised_and_searchable(report):
    assert report.metadata["索引号"] == "11330282002970487/2023-00268"
    assert report.metadata["发布机构"] == "坎墩街道"
    assert report.metadata["分类"] == "計劃總結"
    assert report.metadata["发布日期"] == "2023-01-09"
    first = report.paragraphs[0]
    assert first.kind == "metadata" and "11330282002970487/2023-00268" in first.text
    assert any(c.paragraph == first.number for c in chunk_report(report))


def test_years_reviewed_and_planned(report):
    assert report.years == (2022, 2023)


def test_paragraphs_are_numbered_in_order(report):
    assert [p.number for p in report.paragraphs] == list(range(1, len(report.paragraphs) + 1))


def test_chunks_never_cross_a_paragraph_and_stay_short(report):
    by_number = {p.number: p for p in report.paragraphs}
    for chunk in chunk_report(report):
        assert chunk.text in by_number[chunk.paragraph].text
        assert chunk.section == by_number[chunk.paragraph].section
        assert len(chunk.text) <= MAX_CHUNK_CHARS or "。" not in chunk.text[:-1]


def test_long_paragraph_is_split_into_windows_that_keep_breadcrumb():
    long = "1.加強河道治理。" + "".join(f"第{i}項工作已經完成並通過驗收。" for i in range(60))
    report = parse_report(["二、2023年目標任務", "（一）治水", long], doc_id="d", source="d.txt")
    chunks = chunk_report(report)
    windows = [c for c in chunks if c.paragraph == 3]
    assert len(windows) > 1
    assert "".join(c.text for c in windows) == long
    assert all(c.section == windows[0].section and c.year == 2023 for c in windows)


def test_chunk_ids_are_content_hashes(report):
    again = parse_report(read_report_lines_from(report), doc_id="kandun", source="x")
    assert [c.chunk_id for c in chunk_report(report)] == [c.chunk_id for c in chunk_report(again)]


def read_report_lines_from(report):
    header = []  # rebuild the same lines: metadata values then every other paragraph
    for p in report.paragraphs:
        if p.kind == "metadata":
            header = list(report.metadata.values())
    return header + [p.text for p in report.paragraphs if p.kind != "metadata"]


def test_empty_report_is_refused():
    with pytest.raises(EmptyReport):
        parse_report(["  ", ""], doc_id="e", source="e.txt")
