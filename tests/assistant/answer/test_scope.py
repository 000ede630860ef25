"""Which reports a question is about (assistant.answer.scope.route), on hand-made Report records: no
index, no Chroma, no model. And taking the named government out of what is searched (without_names)."""

import datetime

import pytest

from assistant.answer.question import prepare, without_names
from assistant.answer.scope import Routing, Scope, government_key, matches_place, route
from index.identity import Identity
from index.records import Report

HAILAR_PARENTS = ("内蒙古自治区", "呼伦贝尔市")
KANDUN_PARENTS = ("浙江省", "宁波市", "慈溪市")
TODAY = datetime.date(2026, 12, 1)


def report(doc_id: str, place: str, level: str, year: int, parents=(), aliases=(), kind="政府工作报告") -> Report:
    identity = Identity(title=f"{year}年{place}{kind}", place=place, level=level, parents=parents, aliases=aliases,
                        kind=kind, year=year, reviewed_years=(year - 1,), planned_years=(year,))
    return Report(doc_id, identity.title, f"{doc_id}.txt", doc_id, {}, (year - 1, year), (), identity)


ANHUI = report("anhui-2025", "安徽省", "省", 2025, aliases=("安徽",))
NEIMENGGU = report("neimenggu-2025", "内蒙古自治区", "省", 2025, aliases=("内蒙古",))
HAILAR = [report(f"hailar-{y}", "海拉尔区", "区县", y, HAILAR_PARENTS, ("海拉尔",)) for y in (2013, 2014, 2015)]
KANDUN = report("kandun-2023", "坎墩街道", "乡镇街道", 2023, KANDUN_PARENTS, ("坎墩",), kind="计划总结")
REPORTS = [ANHUI, NEIMENGGU, *HAILAR, KANDUN]
ALL_IDS = tuple(r.doc_id for r in REPORTS)


def ask(question: str, scope: Scope = Scope(), reports=REPORTS, **kw) -> Routing:
    return route(question, scope, reports, **kw)


# --- a named government ----------------------------------------------------------------------------

@pytest.mark.parametrize(("question", "spelled"), [
    ("安徽省的地区生产总值是多少？", "安徽省"),
    ("安徽GDP增长了多少", "安徽"),
])
def test_a_named_province_scopes_to_its_report_and_says_how_it_was_named(question, spelled):
    routing = ask(question)
    assert routing.doc_ids == ("anhui-2025",)
    assert routing.named == (spelled,)
    assert routing.one_government and not routing.refusal
    assert routing.plan_year == 2025


def test_a_named_autonomous_region_by_its_short_name():
    routing = ask("内蒙古的粮食产量是多少")
    assert routing.doc_ids == ("neimenggu-2025",)
    assert routing.named == ("内蒙古",)


def test_a_district_named_with_its_province_is_the_district_not_the_province():
    routing = ask("内蒙古海拉尔区的财政收入是多少")
    assert routing.doc_ids == tuple(r.doc_id for r in HAILAR)
    assert routing.named == ("海拉尔区",)
    assert routing.one_government and routing.plan_year == 2015


def test_a_street_by_its_short_name():
    routing = ask("坎墩的停车位建设")
    assert routing.doc_ids == ("kandun-2023",)
    assert routing.named == ("坎墩",)


# --- places that are not indexed -------------------------------------------------------------------

@pytest.mark.parametrize(("question", "name"), [("浙江省的GDP是多少", "浙江省"), ("江苏的GDP是多少", "江苏省")])
def test_an_unindexed_province_is_refused_naming_it(question, name):
    routing = ask(question, reports=[ANHUI, NEIMENGGU, *HAILAR])
    assert routing.doc_ids == ()
    assert routing.refusal == f"已导入的报告中没有{name}的报告。"
    assert routing.plan_year is None and not routing.one_government


@pytest.mark.parametrize(("question", "name"), [("宁波市的GDP是多少", "宁波市"), ("浙江省的GDP是多少", "浙江省"),
                                                ("呼伦贝尔市的财政收入", "呼伦贝尔市")])
def test_a_larger_area_around_an_indexed_government_is_refused_as_not_its_own_level(question, name):
    routing = ask(question)
    assert routing.doc_ids == ()
    assert routing.refusal == f"已导入的报告中没有{name}本级的报告，只有其下辖地方的报告。"


def test_a_place_inside_a_name_the_reports_use_is_not_refused():
    question = "宁波股交所挂牌企业有多少家"
    assert ask(question).refusal  # without the corpus saying so, 宁波 is the city
    routing = ask(question, corpus_uses=lambda s: s.startswith("宁波股交"))
    assert not routing.refusal
    assert routing.doc_ids == ALL_IDS
    assert routing.named == ()


def test_a_short_county_name_alone_is_not_trusted_for_a_refusal():
    # 慈溪 (short form of a county) might be a word; only 慈溪市 in full is refused.
    assert not ask("慈溪杨梅的产量").refusal
    assert ask("慈溪市的产量").refusal


# --- years and roles -------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["海拉尔2014年的目标是多少", "海拉尔2014年计划建设多少公里道路", "海拉尔2014年要完成哪些项目"])
def test_a_target_question_picks_the_report_of_that_year_and_falls_back_on_the_reviewing_one(question):
    routing = ask(question)
    assert routing.doc_ids == ("hailar-2014",)
    assert routing.fallback == ("hailar-2015",)


@pytest.mark.parametrize("question", ["海拉尔2014年财政收入是多少", "海拉尔2014年财政收入增长了多少",
                                      "海拉尔2014年主要经济指标是多少"])  # 主要 is no 要 of a plan
def test_an_achieved_question_picks_the_reviewing_report_and_falls_back_on_the_plan(question):
    routing = ask(question)
    assert routing.doc_ids == ("hailar-2015",)
    assert routing.fallback == ("hailar-2014",)


def test_the_report_of_a_year_is_the_one_given_that_year():
    routing = ask("2013年的政府工作报告讲了什么")
    assert routing.doc_ids == ("hailar-2013",)
    assert routing.fallback == ("hailar-2014",)


def test_a_year_only_reviewed_has_no_fallback():
    routing = ask("海拉尔2012年财政收入是多少")
    assert routing.doc_ids == ("hailar-2013",)
    assert routing.fallback == ()


def test_this_year_and_last_year_are_the_single_governments_newest_report():
    routing = ask("海拉尔今年的目标是什么", today=TODAY)
    assert routing.plan_year == 2015  # its newest report, not today's date
    assert routing.doc_ids == ("hailar-2015",)
    routing = ask("海拉尔去年的财政收入是多少", today=TODAY)
    assert routing.doc_ids == ("hailar-2015",)  # 2014 achieved: reviewed in the 2015 report
    assert routing.fallback == ("hailar-2014",)


def test_time_words_follow_todays_date_when_several_governments_are_in_scope():
    routing = ask("前年的地区生产总值是多少", today=TODAY)
    assert routing.plan_year == 2026 and not routing.one_government
    assert routing.doc_ids == ("anhui-2025", "neimenggu-2025")  # 2024 achieved: the reports that review it
    routing = ask("去年的目标是多少", today=TODAY)
    assert routing.doc_ids == ("anhui-2025", "neimenggu-2025")  # 2025's plan
    assert ask("地区生产总值是多少", today=datetime.date(2030, 5, 1)).plan_year == 2030


def test_a_follow_up_keeps_the_government_of_the_conversation():
    routing = ask("那今年的目标呢？", context=["海拉尔的财政收入是多少"], today=TODAY)
    assert routing.doc_ids == ("hailar-2015",)
    assert routing.plan_year == 2015 and routing.one_government
    assert routing.named == ()  # the follow-up itself names nothing to take out
    newest_first = ["安徽的GDP是多少", "海拉尔的财政收入是多少"]
    assert ask("那就业呢？", context=newest_first).doc_ids == ("anhui-2025",)


def test_a_place_named_now_wins_over_the_conversation():
    routing = ask("内蒙古的呢？", context=["海拉尔的财政收入是多少"])
    assert routing.doc_ids == ("neimenggu-2025",)
    assert routing.named == ("内蒙古",)


def test_no_place_and_no_year_searches_everything():
    routing = ask("民生实事有哪些", today=TODAY)
    assert routing.doc_ids == ALL_IDS
    assert routing.plan_year == 2026 and not routing.one_government
    assert (routing.refusal, routing.named, routing.fallback) == ("", (), ())


@pytest.mark.parametrize(("question", "expected"), [
    ("我们街道去年经济怎么样？", ("kandun-2023",)),  # the one street indexed
    ("全区财政收入是多少？", tuple(r.doc_id for r in HAILAR)),
    ("我省的主要目标有哪些？", ("anhui-2025", "neimenggu-2025")),  # two provinces: both, nobody else
])
def test_a_question_calling_a_level_its_own_narrows_to_that_level(question, expected):
    assert ask(question, today=TODAY).doc_ids == expected


def test_a_level_word_yields_to_a_name_a_scope_and_a_level_nobody_has():
    assert ask("内蒙古全区的地区生产总值是多少？").doc_ids == ("neimenggu-2025",)  # the name wins over 全区
    assert ask("全区财政收入是多少？", Scope(place="安徽")).doc_ids == ("anhui-2025",)
    assert ask("全市财政收入是多少？", today=TODAY).doc_ids == ALL_IDS  # no city indexed: no narrowing
    assert ask("那工业呢？", context=["我们街道去年经济怎么样？"]).doc_ids == ("kandun-2023",)


# --- an explicit scope ------------------------------------------------------------------------------

def test_an_explicit_report():
    routing = ask("地区生产总值是多少", Scope(report="anhui-2025"))
    assert routing.doc_ids == ("anhui-2025",)
    assert routing.one_government and routing.plan_year == 2025


def test_an_explicit_place_by_its_short_name():
    assert ask("地区生产总值是多少", Scope(place="安徽")).doc_ids == ("anhui-2025",)
    assert ask("财政收入是多少", Scope(place="海拉尔区")).doc_ids == tuple(r.doc_id for r in HAILAR)


def test_an_explicit_place_is_not_refused_for_other_places_it_mentions():
    routing = ask("与江苏的合作项目有哪些", Scope(place="安徽"))
    assert routing.doc_ids == ("anhui-2025",) and not routing.refusal


def test_an_explicit_year_keeps_reports_of_or_about_it():
    routing = ask("财政收入是多少", Scope(year=2014))
    assert routing.doc_ids == ("hailar-2014", "hailar-2015")
    assert Scope(year=2014).empty is False and Scope().empty is True


@pytest.mark.parametrize("scope", [Scope(report="nope"), Scope(place="江苏"), Scope(year=1999),
                                   Scope(place="安徽", year=2014)])
def test_an_empty_choice_is_refused(scope):
    routing = ask("地区生产总值是多少", scope)
    assert routing.doc_ids == ()
    assert routing.refusal == "所选范围内没有已导入的报告。"
    assert routing.plan_year is None


def test_no_reports_at_all_is_refused():
    assert ask("地区生产总值是多少", reports=[]).refusal


# --- one government indexed ------------------------------------------------------------------------

def test_with_one_government_indexed_its_name_is_not_taken_out():
    routing = ask("海拉尔2014年财政收入是多少", reports=HAILAR)
    assert routing.named == ()
    assert routing.doc_ids == ("hailar-2015",)
    routing = ask("海拉尔的财政收入", reports=HAILAR)
    assert routing.doc_ids == tuple(r.doc_id for r in HAILAR) and routing.named == ()


def test_with_one_government_indexed_other_places_are_still_refused():
    assert ask("江苏的GDP是多少", reports=HAILAR).refusal == "已导入的报告中没有江苏省的报告。"


# --- matches_place / government_key ----------------------------------------------------------------

def test_matches_place():
    hailar = HAILAR[0].identity
    assert matches_place(hailar, "海拉尔区")
    assert matches_place(hailar, "海拉尔")
    assert matches_place(hailar, "内蒙古海拉尔区")  # a longer name containing it
    assert matches_place(hailar, "海拉爾")  # normalised to Simplified
    assert not matches_place(hailar, "内蒙古")
    assert not matches_place(hailar, "")
    assert not matches_place(Identity(), "海拉尔")


def test_reports_without_a_place_are_each_their_own_government():
    unknown = Identity(title="某报告", year=2024)
    assert government_key(unknown, "a") != government_key(unknown, "b")
    assert government_key(HAILAR[0].identity, "x") == government_key(HAILAR[1].identity, "y") == "海拉尔区"


# --- without_names ---------------------------------------------------------------------------------

def test_without_names_takes_the_named_place_out_of_search_and_focus():
    question = prepare("安徽省的地区生产总值是多少？", None, 100, 2025)
    stripped = without_names(question, ("安徽", "安徽省"))
    assert "安徽" not in stripped.search and "省" not in stripped.search  # the longest form goes first
    assert "安徽" not in stripped.focus
    assert "地区生产总值" in stripped.search and "地区生产总值" in stripped.focus
    assert stripped.typed == question.typed and stripped.intent == question.intent


def test_without_names_takes_it_out_of_a_resolved_follow_up_too():
    history = [{"role": "user", "content": "海拉尔2013年财政收入是多少？"}]
    question = prepare("那2014年呢？", history, 100, 2015)
    assert "海拉尔" in question.search
    stripped = without_names(question, ("海拉尔",))
    assert "海拉尔" not in stripped.search and "财政收入" in stripped.search


@pytest.mark.parametrize("typed", ["安徽省", "安徽省？"])
def test_without_names_never_leaves_a_question_without_content(typed):
    question = prepare(typed, None, 100, 2025)
    assert without_names(question, ("安徽省",)) == question


def test_without_names_with_nothing_named_changes_nothing():
    question = prepare("地区生产总值是多少", None, 100, 2025)
    assert without_names(question, ()) == question


NATIONAL_REPORT = report("state-council-2025", "全国", "国家", 2025, aliases=("国务院", "全国政府", "中央政府", "国家"))


def test_the_state_councils_report_answers_for_the_whole_country():
    reports = [*REPORTS, NATIONAL_REPORT]
    routing = ask("2025年全国国内生产总值增长目标是多少？", reports=reports)
    assert routing.doc_ids == ("state-council-2025",)
    assert ask("国务院提出的城镇新增就业目标是多少？", reports=reports).doc_ids == ("state-council-2025",)


def test_a_province_compared_with_the_country_is_the_provinces_question():
    routing = ask("2024年安徽省经济增速居全国第几位？", reports=[*REPORTS, NATIONAL_REPORT])
    assert set(routing.doc_ids) == {"anhui-2025"}
