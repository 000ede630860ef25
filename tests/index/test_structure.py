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


# --- numbered lines: heading, titled item or list item (index/lexicon/numbered_items.tsv) ----------------

def sections(lines):
    report = parse_report(lines, doc_id="d", source="d.txt")
    return {p.text: (p.kind, p.section) for p in report.paragraphs if p.kind != "metadata"}


def test_numbered_sentences_under_a_paragraph_stay_body_in_their_parent_section():
    found = sections(["一、2024年工作回顾", "主要做了以下工作：", "1. 完成老旧小区改造5个。", "2. 新增绿地2公顷。",
                      "此外，街道还新建口袋公园3个。"])
    part = ("一、2024年工作回顾",)
    assert found["1. 完成老旧小区改造5个。"] == ("body", part)
    assert found["2. 新增绿地2公顷。"] == ("body", part)
    assert found["此外，街道还新建口袋公园3个。"] == ("body", part)  # no item's section stays open after the list


def test_a_list_of_short_numbered_lines_without_full_stops_is_still_a_list():
    found = sections(["一、2024年工作回顾", "主要做了以下工作：", "1.完成老旧小区改造5个", "2.新增绿地2公顷",
                      "街道还新建口袋公园3个。"])
    assert {found[line] for line in ("1.完成老旧小区改造5个", "2.新增绿地2公顷")} == {("body", ("一、2024年工作回顾",))}


def test_a_short_numbered_title_with_text_under_it_is_a_heading_that_labels_its_text():
    found = sections(["二、2025年工作计划", "1.推进产业升级", "全年新增规上企业10家。", "2.优化营商环境",
                      "推行“一件事一次办”。"])
    assert found["1.推进产业升级"] == ("heading", ("二、2025年工作计划", "1.推进产业升级"))
    assert found["全年新增规上企业10家。"] == ("body", ("二、2025年工作计划", "1.推进产业升级"))
    assert found["推行“一件事一次办”。"] == ("body", ("二、2025年工作计划", "2.优化营商环境"))


def test_an_item_opening_with_a_title_sentence_labels_its_section_and_a_definition_does_not():
    titled = "1.強化規劃落地,明確發展方向。圍繞慈溪城市發展主基調,搶抓機遇。"
    found = sections(["（一）坚持规划引领", titled, "该项工作由街道规划办牵头。", "1.“两重”：国家重大战略实施和重点领域安全能力建设。",
                      "2.“两新”：大规模设备更新和消费品以旧换新。"])
    item = ("（一）坚持规划引领", "1.強化規劃落地,明確發展方向")
    assert found[titled] == found["该项工作由街道规划办牵头。"] == ("body", item)  # an item may run on
    # A 名词解释 entry (term, colon, definition) is one of a list: it closes the item above and opens nothing.
    assert found["1.“两重”：国家重大战略实施和重点领域安全能力建设。"] == ("body", ("（一）坚持规划引领",))


def test_the_salutation_closes_the_header_but_a_key_whose_value_follows_on_its_own_line_stays_in_it():
    report = parse_report(["2024年海拉尔区政府工作报告", "索引号：", "11330282002970487/2024-00001", "各位代表：",
                           "现在，我代表区人民政府向大会报告工作。", "一、2023年工作回顾", "全区经济平稳增长。"],
                          doc_id="d", source="d.txt")
    assert report.metadata["索引号"] == "11330282002970487/2024-00001"
    assert [p.text for p in report.paragraphs if p.kind != "metadata"][:2] == ["各位代表：", "现在，我代表区人民政府向大会报告工作。"]


@pytest.mark.parametrize("publisher", ["临夏回族自治州", "阿鲁科尔沁旗", "锡林郭勒盟"])
def test_a_prefecture_banner_or_league_on_the_header_is_the_publisher(sample_report, publisher):
    # Without one, the ledger compares the report's promises with every government's reviews of that year.
    lines = [publisher if line.strip() == "坎墩街道" else line for line in read_report_lines(sample_report)]
    assert parse_report(lines, doc_id="x", source="x.txt").metadata["发布机构"] == publisher
