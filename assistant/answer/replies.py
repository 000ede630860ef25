"""The replies that quote no report: to small talk, and to a service how-to the reports cannot answer.

Both say what the assistant can do and which reports it holds, so the resident's next question can be one
the reports answer; the service reply also says where such matters are handled. No sentence here states
anything a report says: nothing is cited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assistant.answer.courtesy import ABOUT, THANKS
from index.records import Report

WHAT_REPORTS_SAY = "经济数据、年度目标、重点工作和民生实事"
WHERE_TO_ASK = "请拨打 12345 政务服务便民热线，或咨询当地政务服务中心、登录当地网上办事大厅（政务服务网）"
PLACES_NAMED = 5  # places named before "等" when many reports are held
TITLES_NAMED = 3  # up to this many reports are named by title


def holdings(reports: Sequence[Report]) -> str:
    """The reports held, in a phrase: their titles when few, else how many, of which places and years."""
    if len(reports) <= TITLES_NAMED:
        return "、".join(f"《{r.title}》" for r in reports)
    places = [place for place, _ in Counter(r.identity.place or r.title for r in reports).most_common()]
    named = "、".join(places[:PLACES_NAMED]) + (f"等{len(places)}地" if len(places) > PLACES_NAMED else "")
    years = sorted({r.identity.year for r in reports if r.identity.year})
    span = "" if not years else f"，{years[0]}年" if len(years) == 1 else f"，{years[0]}—{years[-1]}年"
    return f"{len(reports)}份报告（{named}{span}）"


def example(reports: Sequence[Report]) -> str:
    """A question for the newest report with a known government, as a hint of how to ask: the growth of its
    地区生产总值, the figure every work report gives for the year it reviews."""
    known = [r for r in reports if r.identity.place and r.identity.year]
    if not known:
        return "去年地区生产总值增长多少？"
    newest = max(known, key=lambda r: (r.identity.year, r.doc_id))
    reviewed = max(newest.identity.reviewed_years, default=newest.identity.year - 1)
    return f"{newest.identity.place}{reviewed}年地区生产总值增长多少？"


def to_smalltalk(kind: str, reports: Sequence[Report]) -> str:
    """kind: courtesy.GREETING, THANKS or ABOUT."""
    held = f"目前收录{holdings(reports)}。"
    if kind == THANKS:
        return f"不客气！还想了解报告里的{WHAT_REPORTS_SAY}，可以接着问我。{held}"
    opening = "我是政务报告问答助手" if kind == ABOUT else "您好！我是政务报告问答助手"
    return (f"{opening}，根据已收录的报告回答问题：{WHAT_REPORTS_SAY}，每句答案都摘自报告原文、注明出处，"
            f"报告里没有的会直接说明。{held}可以这样问：“{example(reports)}”")


def to_service(reports: Sequence[Report]) -> str:
    """Why a service how-to is not answered, what the reports do cover, and where to ask instead
    (without the refusal's opening, which the pipeline adds)."""
    return (f"报告里没有办事流程、联系方式、天气等日常信息。已收录的{holdings(reports)}讲的是政府一年的"
            f"工作回顾和计划：{WHAT_REPORTS_SAY}。办理证件、社保、公积金、入学等事项，{WHERE_TO_ASK}。")
