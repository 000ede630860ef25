"""Whose report it is (index.identity), read from real reports through index.structure.parse_report,
and staff corrections of it. Fast: no model, no index."""

import json
from functools import cache

import pytest

from assistant.settings import PROJECT_ROOT
from index.identity import Correction, Identity, corrected, read_identity, unspace
from index.reading import read_report_lines
from index.records import Report
from index.structure import parse_report

REAL = PROJECT_ROOT / "eval" / "corpus" / "real"
SAMPLE = PROJECT_ROOT / "data" / "reports" / "kandun-2022-review-2023-plan.txt"
HAILAR_PARENTS = ("内蒙古自治区", "呼伦贝尔市")


@cache
def parsed(name: str) -> Report:
    path = SAMPLE if name == "kandun" else next(REAL.glob(f"{name}.*"))
    return parse_report(read_report_lines(path), doc_id=name, source=path.name)


def identity(name: str) -> Identity:
    return parsed(name).identity


# --- unspace --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("政 府 工 作 报 告", "政府工作报告"),
    ("  政\u3000府　工 作 报 告  ", "政府工作报告"),
    ("2025年 GDP 增长 5%", "2025年 GDP 增长 5%"),  # only spaces between two Chinese characters go
    ("Hello World", "Hello World"),
])
def test_unspace_removes_layout_spaces_between_chinese_characters(line, expected):
    assert unspace(line) == expected


# --- identity of real reports ---------------------------------------------------------------------

@pytest.mark.parametrize(("name", "title", "place", "date", "speaker", "meeting"), [
    ("anhui-2025", "2025年安徽省政府工作报告", "安徽省", "2025-01-20", "王清宪", "安徽省第十四届人民代表大会第三次会议"),
    ("shanghai-2025", "2025年上海市政府工作报告", "上海市", "2025-01-15", "龚正", "上海市第十六届人民代表大会第三次会议"),
    ("neimenggu-2025", "2025年内蒙古自治区政府工作报告", "内蒙古自治区", "2025-01-14", "王莉霞",
     "内蒙古自治区第十四届人民代表大会第三次会议"),
    ("guangxi-2025", "2025年广西政府工作报告", "广西壮族自治区", "2025-01-13", "蓝天立",
     "广西壮族自治区第十四届人民代表大会第三次会议"),
    ("xinjiang-2025", "2025年新疆政府工作报告", "新疆维吾尔自治区", "2025-01-19", "艾尔肯·吐尼亚孜",
     "新疆维吾尔自治区第十四届人民代表大会第三次会议"),
    ("tianjin-2025", "2025年天津市政府工作报告", "天津市", "2025-01-14", "张工", "天津市第十八届人民代表大会第三次会议"),
])
def test_provincial_reports_name_their_government_year_speaker_and_meeting(name, title, place, date, speaker, meeting):
    found = identity(name)
    assert (found.title, found.place, found.level) == (title, place, "省")  # 上海市/天津市 are 直辖市: provinces
    assert found.parents == ()
    assert found.kind == "政府工作报告"
    assert found.year == 2025
    assert (found.reviewed_years, found.planned_years) == ((2024,), (2025,))
    assert (found.date, found.speaker, found.meeting) == (date, speaker, meeting)
    assert parsed(name).title == title


def test_speaker_names_carry_no_leftovers_of_the_line_around_them():
    # "2025年1月15日龚正市长在…" (not 日龚正) and "市长张工同志作…" (not 张工同志)
    assert identity("shanghai-2025").speaker == "龚正"
    assert identity("tianjin-2025").speaker == "张工"
    for name in ("anhui-2025", "shanghai-2025", "neimenggu-2025", "guangxi-2025", "xinjiang-2025", "tianjin-2025"):
        speaker = identity(name).speaker
        assert speaker and not speaker.startswith(("日", "年", "月")) and not speaker.endswith("同志"), speaker


def test_provinces_get_their_short_names_as_aliases():
    assert "安徽" in identity("anhui-2025").aliases
    assert "上海" in identity("shanghai-2025").aliases
    assert "内蒙古" in identity("neimenggu-2025").aliases
    assert "新疆" in identity("xinjiang-2025").aliases


@pytest.mark.parametrize(("year", "date", "speaker", "meeting"), [
    (2012, "2012-02-29", "张天喜", "海拉尔区第十三届人民代表大会第六次会议"),
    (2014, "2014-02-19", "杜联合", "海拉尔区第十四届人民代表大会第三次会议"),
    (2016, "2016-02-19", "杜联合", "海拉尔区第十四届人民代表大会第五次会议"),
    (2017, "2017-02-11", "杨国宏", "海拉尔区第十四届人民代表大会第六次会议"),  # 代区长; no title line at all
])
def test_hailar_district_reports_get_a_composed_title_and_their_enclosing_divisions(year, date, speaker, meeting):
    found = identity(f"hailar-{year}")
    # The printed title is only "政 府 工 作 报 告" (or missing): the title is composed from what is known.
    assert found.title == f"{year}年海拉尔区政府工作报告"
    assert (found.place, found.level, found.parents) == ("海拉尔区", "区县", HAILAR_PARENTS)
    assert "海拉尔" in found.aliases
    assert (found.kind, found.year) == ("政府工作报告", year)
    assert (found.reviewed_years, found.planned_years) == ((year - 1,), (year,))
    assert (found.date, found.speaker, found.meeting) == (date, speaker, meeting)
    assert found.government == "海拉尔区"


def test_the_street_sample_is_a_town_level_plan_and_review():
    found = identity("kandun")
    assert found.title == "坎墩街道2022年工作总结和2023年工作计划"
    assert (found.place, found.level, found.parents) == ("坎墩街道", "乡镇街道", ("浙江省", "宁波市", "慈溪市"))
    assert "坎墩" in found.aliases
    assert found.kind == "工作总结与计划"
    assert found.year == 2023
    assert (found.reviewed_years, found.planned_years) == ((2022,), (2023,))
    assert found.date == "2023-01-09"
    assert (found.speaker, found.meeting) == ("", "")
    assert found.government == "慈溪市坎墩街道"  # a town is named with its county
    assert found.label() == "《坎墩街道2022年工作总结和2023年工作计划》"


# --- metadata labels in parse_report ---------------------------------------------------------------

def test_title_line_is_labelled_title():
    assert parsed("anhui-2025").metadata["标题"] == "2025年安徽省政府工作报告"
    assert parsed("hailar-2014").metadata["标题"] == "政 府 工 作 报 告"


@pytest.mark.parametrize("name", ["hailar-2012", "hailar-2014", "hailar-2016", "guangxi-2025", "xinjiang-2025"])
def test_date_and_meeting_line_is_labelled_meeting_and_speaker_line_speaker(name):
    report = parsed(name)
    assert report.identity.meeting in report.metadata["会议"]
    assert report.identity.date[:4] + "年" in report.metadata["会议"]
    assert report.identity.speaker in report.metadata["报告人"]
    assert not any(report.identity.speaker in v for k, v in report.metadata.items() if k != "报告人")
    # the meeting paragraph is searchable under its label
    assert f"会议：{report.metadata['会议']}" in report.paragraphs[0].text


def test_category_line_of_an_index_block_stays_category_not_title():
    metadata = parsed("kandun").metadata
    assert metadata["分类"] == "計劃總結"  # equals the report's kind, but it is a 索引号 block's 分类 line
    assert "标题" not in metadata
    assert metadata["发布机构"] == "坎墩街道"


def test_report_years_include_the_reviewed_year_even_when_no_heading_names_it():
    # hailar-2012's parts are "一、过去一年工作回顾" …: no heading names 2011.
    report = parsed("hailar-2012")
    assert not any("2011" in p.text for p in report.paragraphs if p.kind == "heading")
    assert 2011 in report.years and 2012 in report.years


def test_report_years_come_from_the_date_line_when_nothing_else_names_a_year():
    lines = ["政 府 工 作 报 告", "——2014年2月19日在海拉尔区第十四届人民代表大会第三次会议上",
             "海拉尔区人民政府区长　　杜联合", "各位代表：", "一、过去一年工作回顾", "过去一年，全区经济平稳增长。",
             "二、今年工作安排", "今年要继续努力。"]
    report = parse_report(lines, doc_id="x", source="x.txt")
    assert report.years == (2013, 2014)
    assert report.title == report.identity.title == "2014年海拉尔区政府工作报告"
    assert report.identity.speaker == "杜联合"
    assert report.metadata["会议"].startswith("——2014年2月19日")
    # The date line is no lead-in heading; the salutation is the report's text, not file information.
    assert [(p.text, p.section) for p in report.paragraphs[1:3]] == [
        ("各位代表：", ("正文",)), ("一、过去一年工作回顾", ("一、过去一年工作回顾",))]
    assert "各位代表：" not in report.metadata.values()


# --- read_identity directly ------------------------------------------------------------------------

def test_the_opening_of_the_body_names_the_government_when_the_header_does_not():
    found = read_identity(["政 府 工 作 报 告"], {}, ["现在，我代表海拉尔区人民政府向大会作工作报告"], (2013, 2014), "x.txt")
    assert (found.place, found.level, found.parents) == ("海拉尔区", "区县", HAILAR_PARENTS)
    assert found.title == "2014年海拉尔区政府工作报告"


def test_the_state_council_report_is_the_national_government():
    found = read_identity(["政府工作报告", "——2025年3月5日在第十四届全国人民代表大会第三次会议上", "国务院总理 李强"],
                          {}, ["各位代表："], (2024, 2025), "gov.txt")
    assert (found.place, found.level) == ("全国", "国家")
    assert found.title == "2025年国务院政府工作报告"
    assert (found.speaker, found.date, found.year) == ("李强", "2025-03-05", 2025)


def test_the_state_council_report_names_its_meeting():  # no place before 第…届, 全国 inside it
    found = read_identity(["政府工作报告", "——2025年3月5日在第十四届全国人民代表大会第三次会议上", "国务院总理 李强"],
                          {}, ["各位代表："], (2024, 2025), "gov.txt")
    assert found.meeting == "第十四届全国人民代表大会第三次会议"


def test_a_publisher_in_the_metadata_names_the_government():
    found = read_identity(["2020年工作要点"], {"发布机构": "坎墩街道", "发布日期": "2020-03-01"}, [], (2020,), "x.txt")
    assert (found.place, found.kind, found.year, found.date) == ("坎墩街道", "工作要点", 2020, "2020-03-01")
    assert found.title == "2020年坎墩街道工作要点"


# --- staff corrections -----------------------------------------------------------------------------

def test_no_correction_returns_the_identity_as_read():
    read = identity("anhui-2025")
    assert corrected(read) is read
    assert corrected(read, title="", place="", year=None) is read


def test_correction_is_falsy_only_when_nothing_is_set():
    assert not Correction()
    assert not Correction(title="", place="")
    assert Correction(title="手工标题")
    assert Correction(place="安徽")
    assert Correction(year=2024)


def test_a_corrected_place_is_looked_up_and_its_level_and_aliases_follow():
    fixed = corrected(identity("kandun"), place="海拉尔")  # the short name staff typed
    assert (fixed.place, fixed.level, fixed.parents) == ("海拉尔区", "区县", HAILAR_PARENTS)
    assert "海拉尔" in fixed.aliases and "坎墩" not in fixed.aliases
    assert fixed.title == "海拉尔区2022年工作总结和2023年工作计划"  # the composed title follows the place
    assert fixed.government == "海拉尔区"
    assert set(fixed.corrected) == {"place"}  # what staff set, not what followed from it
    assert not {"title", "year", "speaker", "kind"} & set(fixed.corrected)
    assert (fixed.year, fixed.kind, fixed.date) == (2023, "工作总结与计划", "2023-01-09")  # the rest is as read


def test_a_corrected_municipality_is_a_province():
    fixed = corrected(identity("anhui-2025"), place="上海")
    assert (fixed.place, fixed.level, fixed.aliases[:1]) == ("上海市", "省", ("上海",))
    assert fixed.title == "2025年上海市政府工作报告"


def test_an_unknown_place_is_kept_as_typed_without_level():
    fixed = corrected(identity("anhui-2025"), place="火星基地")
    assert (fixed.place, fixed.level, fixed.parents, fixed.aliases) == ("火星基地", "", (), ())
    assert "place" in fixed.corrected


def test_a_corrected_year_moves_reviewed_and_planned_years_and_the_title():
    fixed = corrected(identity("anhui-2025"), year=2024)
    assert fixed.year == 2024
    assert (fixed.reviewed_years, fixed.planned_years) == ((2023,), (2024,))
    assert fixed.title == "2024年安徽省政府工作报告"
    assert "year" in fixed.corrected and "title" not in fixed.corrected and "place" not in fixed.corrected
    assert fixed.place == "安徽省"


def test_a_corrected_title_is_kept_as_given_even_with_place_and_year():
    fixed = corrected(identity("anhui-2025"), title="安徽省政府工作报告（修订）", place="内蒙古", year=2024)
    assert fixed.title == "安徽省政府工作报告（修订）"
    assert (fixed.place, fixed.year) == ("内蒙古自治区", 2024)
    assert {"title", "place", "year"} <= set(fixed.corrected)


def test_corrections_accumulate_in_the_corrected_field():
    once = corrected(identity("anhui-2025"), place="内蒙古")
    twice = corrected(once, year=2024)
    assert {"place", "year"} <= set(twice.corrected)
    assert twice.title == "2024年内蒙古自治区政府工作报告"


# --- JSON ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["anhui-2025", "hailar-2014", "kandun"])
def test_identity_round_trips_through_json(name):
    read = identity(name)
    assert Identity.from_json(read.to_json()) == read
    fixed = corrected(read, place="安徽", year=2024)
    back = Identity.from_json(fixed.to_json())
    assert back == fixed and isinstance(back.parents, tuple) and isinstance(back.corrected, tuple)


def test_json_keeps_chinese_readable_and_ignores_unknown_keys():
    read = identity("hailar-2014")
    text = read.to_json()
    assert "海拉尔区" in text  # not \\u escapes: the catalog stays readable
    record = json.loads(text)
    record["added_in_a_newer_version"] = {"x": 1}
    assert Identity.from_json(json.dumps(record, ensure_ascii=False)) == read


@pytest.mark.parametrize("text", [None, "", "{}"])
def test_an_identity_never_stored_reads_as_empty(text):
    assert Identity.from_json(text) == Identity()


def test_a_web_page_title_names_the_report_and_its_site_the_right_town(tmp_path) -> None:
    """The article body of a town's page has no title line: the <title> gives it, and the site's name after
    it tells which 长河镇 it is (there are several)."""
    from index.ingest import read_report

    page = ("<html><head><title>长河镇2023年工作总结和2024年工作计划_慈溪市人民政府</title></head><body>"
            "<div class='content'><p>一、2023年工作回顾</p><p>全年完成固定资产投资10亿元。</p>"
            "<p>二、2024年工作计划</p><p>力争地区生产总值增长6%。</p></div></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = read_report(path, 10**7)
    identity = report.identity
    assert report.title == "长河镇2023年工作总结和2024年工作计划"
    assert (identity.place, identity.parents[-1], identity.level) == ("长河镇", "慈溪市", "乡镇街道")
    assert (identity.kind, identity.year, identity.reviewed_years, identity.planned_years) == (
        "工作总结与计划", 2024, (2023,), (2024,))


def test_docx_core_properties_name_a_report_whose_text_has_no_title(tmp_path) -> None:
    import docx

    from index.ingest import read_report

    document = docx.Document()
    document.core_properties.title = "2024年海拉尔区政府工作报告"
    document.add_paragraph("各位代表：")
    document.add_paragraph("一、2023年工作回顾")
    document.add_paragraph("全年地区生产总值完成253.7亿元，同比增长10.1%。")
    path = tmp_path / "untitled.docx"
    document.save(path)
    report = read_report(path, 10**7)
    assert report.title == "2024年海拉尔区政府工作报告"
    assert (report.identity.place, report.identity.year) == ("海拉尔区", 2024)


# --- a government the gazetteer does not list (issue 15) ---------------------------------------------

SMALL = ["测试街道2024年工作总结和2025年工作计划", "一、2024年工作回顾", "2024年，测试街道新建口袋公园3个。主要做了以下工作：",
         "1. 完成老旧小区改造5个。", "2. 新增绿地2公顷。", "二、2025年工作计划", "2025年，计划新增公共停车位200个。"]


def test_a_txt_first_line_is_the_title_and_names_the_government_the_gazetteer_lacks():
    report = parse_report(SMALL, doc_id="small", source="small.txt")
    # "新建口袋公园" in the text is not the district 新建区: the title's own 测试街道 decides.
    assert (report.identity.place, report.identity.level) == ("测试街道", "乡镇街道")
    assert report.title == report.identity.title == SMALL[0]
    assert report.metadata == {"标题": SMALL[0]}  # the title, not "其他"


@pytest.mark.parametrize(("title", "place", "level"), [
    ("示例县人民政府2024年工作报告", "示例县", "区县"),
    ("2024年示例自治区政府工作报告", "示例自治区", "省"),  # the longest ending decides: 自治区, not 区
    ("示例州工作要点", "示例州", "市"),
    ("测试街道办事处工作总结", "测试街道", "乡镇街道"),
])
def test_an_unlisted_government_is_read_from_the_title_with_the_level_its_ending_gives(title, place, level):
    found = read_identity([title], {}, [], (2024,), "x.txt")
    assert (found.place, found.level) == (place, level)


def test_a_title_opening_with_a_word_like_quanqu_names_no_government():
    # 全区 / 本市 are no names: the body's 海拉尔区 decides.
    found = read_identity(["全区2024年工作总结"], {}, ["我代表海拉尔区人民政府向大会报告工作。"], (2024,), "x.txt")
    assert found.place == "海拉尔区"


def test_a_first_line_that_is_no_title_is_not_taken_for_one():
    for first in ("各位代表：", "来源：某某日报", "——2024年1月5日在会议上", "11330282002970487/2023-00268"):
        assert first not in read_identity([first], {}, [], (2024,), "x.txt").title


def test_a_docx_heading_1_is_the_title_not_file_information_nor_the_chapters(tmp_path) -> None:
    import docx

    from index.ingest import read_report

    document = docx.Document()
    document.add_heading("测试街道工作情况", level=1)  # no year, no kind of report: only its place in the file says so
    for line in ("一、主要工作", "新建口袋公园3个，完成老旧小区改造5个。", "二、下步打算", "计划新增公共停车位200个。"):
        document.add_paragraph(line)
    path = tmp_path / "heading.docx"
    document.save(path)
    report = read_report(path, 10**7)
    assert report.title == report.identity.title == "测试街道工作情况"  # was "主要工作、下步打算"
    assert (report.identity.place, report.identity.level) == ("测试街道", "乡镇街道")
    assert report.metadata == {"标题": "测试街道工作情况"}
    assert [p.section for p in report.paragraphs if p.kind == "heading"] == [("一、主要工作",), ("二、下步打算",)]


def test_a_corrected_unlisted_place_takes_the_level_its_ending_gives():
    fixed = corrected(identity("anhui-2025"), place="测试街道")
    assert (fixed.place, fixed.level) == ("测试街道", "乡镇街道")


def test_the_salutation_is_the_reports_text_not_file_information():
    report = parsed("hailar-2015")
    assert not any(v.strip().startswith("各位代表") for v in report.metadata.values())
    salutation = next(p for p in report.paragraphs if p.text.strip() == "各位代表：")
    assert (salutation.kind, salutation.section) == ("body", ("正文",))
    assert set(parsed("jilin-2025").metadata) == {"标题", "来源", "会议", "报告人"}  # "现在，我代表…。" is text too
