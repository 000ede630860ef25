"""Extraction and linking rules learnt from the annotated Hailar reports (eval/ledger/hailar): no model."""

import pytest

from assistant.ledger.extract import Achievement, Commitment, Source, extract
from assistant.ledger.link import MET, MISSED, PARTLY, Evidence, evidence_from, link
from eval.ledger.score_real import base_unit
from index.structure import parse_report
from index.textnorm import normalize


def _plan(*lines: str) -> list[Commitment]:
    report = parse_report(["2023-01-09", "一、2022年工作回顾", "全年新建停车位30只。", "二、2023年目标任务", *lines],
                          doc_id="t", source="t.txt")
    return extract(report).commitments


def _rows(rows: list[Commitment]) -> list[tuple]:
    return [(normalize(c.item), c.value, c.unit) for c in rows]


def test_each_target_of_a_targets_paragraph_is_a_commitment():
    rows = _plan("全区经济社会发展的预期目标是：地区生产总值达到240亿元，同比增长21%；"
                 "地方财政总收入增长8%，达到20亿元。")
    assert _rows(rows) == [("地区生产总值", 2.4e10, "元"), ("地区生产总值增长", 21, "%"),
                           ("地方财政总收入增长", 8, "%"), ("地方财政总收入", 2e9, "元")]
    assert {c.strength for c in rows} == {"预期目标"}


def test_figures_without_a_promise_outside_a_targets_paragraph_stay_out():
    assert _plan("地区生产总值达到240亿元，同比增长21%。") == []


def test_each_respectively_expands_to_one_row_per_item():
    rows = _plan("全区旅游人数力争突破370万人次、旅游收入达到38亿元，分别增长20%。")
    growth = [r for r in _rows(rows) if r[2] == "%"]
    assert growth == [("全区旅游人数增长", 20, "%"), ("旅游收入增长", 20, "%")]


def test_an_outline_count_is_not_a_commitment():
    assert _plan("今年要确保突出抓好以下四个方面工作。") == []


def test_hedge_after_the_figure_is_kept_in_the_target():
    [row] = _plan("预期目标是：地区生产总值增长6%左右。")
    assert (row.target, row.value) == ("6%左右", 6)


@pytest.mark.parametrize("sentence, listed", [
    # hailar-2015/2016: the goal word serves or names something; the commitment, if any, is elsewhere.
    ("今年是推进依法治区的开局之年，是完成“十二五”规划的最后一年。", []),
    ("为确保上述项目的顺利实施，政府成立的专项推进组，要加强项目的运行调度。", []),
    ("抓好这些项目，是我们实现保投资、保增长，完成全年目标任务的关键。", []),
    # No object of its own: the clause that names the work comes with it.
    ("加快中俄蒙国际汽车产业园建设，加大招商力度，解决遗留问题，确保盘活运营。",
     ["加快中俄蒙国际汽车产业园建设,加大招商力度,解决遗留问题,确保盘活运营"]),
    ("完成两河圣山景区旅游发展总体规划，做好4A级旅游景区申报，加快推进游客服务中心等配套项目建设，确保在旅游旺季开放。",
     ["完成两河圣山景区旅游发展总体规划", "加快推进游客服务中心等配套项目建设,确保在旅游旺季开放"]),
    # A connector continues the clause before.
    ("实施道路改造工程，并完成附属工程。", ["实施道路改造工程,并完成附属工程"]),
    # A promise with its own object stays one clause.
    ("切实抓好公立医院改革，确保区医院晋升为二级甲等综合医院。", ["确保区医院晋升为二级甲等综合医院"]),
])
def test_a_goal_is_listed_whole_or_not_at_all(sentence, listed):
    assert [c.summary for c in _plan(sentence)] == listed


# --- linking -----------------------------------------------------------------------------------
def _commitment(item: str, value: float | None, unit: str, target: str, action: str = "", text: str = "") -> Commitment:
    source = Source("plan", 3, ("二、2023年目标任务",), text or f"{item}{target}")
    return Commitment(source, 2023, action, item, "", target, value, None, False, unit, "确保", text or f"{item}{target}")


def _evidence(text: str, value: float | None = None, unit: str = "") -> Evidence:
    return Evidence(Source("review", 5, ("一、2023年工作回顾",), text), 2023, text, value, unit,
                    f"{value:g}{unit}" if value is not None else "")


def _growth_review(rate: float) -> list[Evidence]:
    source = Source("review", 5, ("一、2023年工作回顾",), "全年地区生产总值完成235.2亿元，同比增长…")
    return evidence_from([Achievement(source, 2023, "地区生产总值", 2.352e10, "元", "235.2亿元", rate, "…")])


def test_a_reported_change_is_evidence_for_a_growth_target():
    [row] = link([_commitment("地区生产总值增长", 21, "%", "21%")], _growth_review(18.5))
    assert (row.link.status, row.link.achieved) == (MISSED, "增长18.5%")


@pytest.mark.parametrize("target, rate, status", [("6%左右", 5.6, MET), ("6%左右", 5.4, MISSED), ("6%", 5.9, MISSED),
                                                  ("6%", 6.0, MET)])
def test_growth_is_compared_with_its_hedge(target, rate, status):
    [row] = link([_commitment("地区生产总值增长", 6, "%", target)], _growth_review(rate))
    assert row.link.status == status


def test_a_level_below_target_is_missed_not_partial():
    level = _commitment("地区生产总值", 2.4e10, "元", "240亿元")
    count = _commitment("停车位", 20, "只", "20只", action="新建")
    review = [_evidence("地区生产总值完成235.2亿元", 2.352e10, "元"), _evidence("新建停车位12只", 12, "只")]
    assert [c.link.status for c in link([level, count], review)] == [MISSED, PARTLY]


@pytest.mark.parametrize("review, status", [
    ("呼伦社区文体馆建设扎实推进", MET),  # 推进 alone says nothing about the stage
    ("呼伦社区文体馆建设进展顺利", PARTLY),
    ("呼伦社区文体馆主体完工", PARTLY),  # an earlier stage than 投入使用
    ("呼伦社区文体馆投入使用", MET),
])
def test_words_and_stages(review, status):
    goal = _commitment("", None, "", "", action="呼伦社区文体馆按时投入使用", text="确保呼伦社区文体馆按时投入使用")
    assert link([goal], [_evidence(review)])[0].link.status == status


def test_units_are_normalised_for_scoring():
    assert base_unit(240, "亿元") == (2.4e10, "元")
    assert base_unit(2.5, "万亩") == (25000, "亩")
    assert base_unit(21, "%") == (21, "%")


def test_a_figure_in_the_same_unit_links_when_the_review_names_the_item_otherwise():
    # The very figure promised, counted in the same unit: 旅游人数 is 接待游客 in the review.
    [visitors] = link([_commitment("全区旅游人数", 3.7e6, "人次", "370万人次")],
                      [_evidence("全年接待国内外游客突破370万人次", 3.7e6, "人次")])
    assert visitors.link.status == MET
    # Close to the target and partly named (农村公路 → 农村道路): the same work.
    [roads] = link([_commitment("农村公路", 31.2, "公里", "31.2公里")], [_evidence("新建农村道路32公里", 32, "公里")])
    assert roads.link.status == MET
    # Neither: another count in the same unit is not evidence.
    [other] = link([_commitment("农村公路", 31.2, "公里", "31.2公里")], [_evidence("新建污水管网80公里", 80, "公里")])
    assert other.link.status == "未提及"
    [small] = link([_commitment("航线", 3, "条", "3条")], [_evidence("新增公交线路3条", 3, "条")])
    assert small.link.status == "未提及"  # a count below ten says nothing on its own
