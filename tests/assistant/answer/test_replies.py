"""The replies that quote no report: what they say the assistant holds, and where service questions go."""

from assistant.answer.courtesy import ABOUT, GREETING, THANKS
from assistant.answer.replies import example, holdings, to_service, to_smalltalk
from index.identity import Identity
from index.records import Report


def _report(doc_id: str, place: str, year: int, title: str = "") -> Report:
    title = title or f"{year}年{place}政府工作报告"
    return Report(doc_id, title, f"{doc_id}.txt", "h", {}, (year - 1, year), (),
                  Identity(title=title, place=place, year=year, reviewed_years=(year - 1,)))


ANHUI = _report("anhui-2025", "安徽省", 2025)
HAILAR = [_report(f"hailar-{y}", "海拉尔区", y) for y in range(2012, 2018)]
MANY = [ANHUI, *HAILAR, *(_report(f"p{i}", f"某{i}省", 2025) for i in range(6))]


def test_a_few_reports_are_named_by_title():
    assert holdings([ANHUI]) == "《2025年安徽省政府工作报告》"
    assert holdings(HAILAR[:2]) == "《2012年海拉尔区政府工作报告》、《2013年海拉尔区政府工作报告》"


def test_many_reports_are_counted_with_their_places_and_years():
    assert holdings(HAILAR) == "6份报告（海拉尔区，2012—2017年）"
    held = holdings(MANY)
    assert held.startswith("13份报告（海拉尔区、安徽省、") and "等8地" in held and held.endswith("2012—2025年）")


def test_the_example_asks_the_newest_report_about_the_year_it_reviews():
    assert example(MANY[:2]) == "安徽省2024年地区生产总值增长多少？"
    assert example([_report("x", "", 2025)]) == "去年地区生产总值增长多少？"


def test_small_talk_says_what_the_assistant_does_and_holds():
    for kind in (GREETING, ABOUT, THANKS):
        reply = to_smalltalk(kind, [ANHUI])
        assert "《2025年安徽省政府工作报告》" in reply and "民生实事" in reply
        assert "请用中文" not in reply and "报告中没有找到" not in reply
    assert to_smalltalk(GREETING, [ANHUI]).startswith("您好！")
    assert to_smalltalk(THANKS, [ANHUI]).startswith("不客气！")
    assert "安徽省2024年地区生产总值增长多少？" in to_smalltalk(ABOUT, [ANHUI])


def test_a_service_question_is_told_what_the_reports_cover_and_where_to_ask():
    reply = to_service(HAILAR)
    assert "6份报告（海拉尔区，2012—2017年）" in reply and "工作回顾和计划" in reply
    for where in ("12345 政务服务便民热线", "政务服务中心", "网上办事大厅"):
        assert where in reply
