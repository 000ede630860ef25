"""What a question asks for, classified once: a figure, a time, a list, the outline, a promise.

Every later stage (evidence, verdict, route) reads the Intent instead of matching words again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.howto import asks_service
from index.textnorm import normalize
from index.time_role import UNKNOWN, either

_QUANTITY = re.compile(r"多少|几[个家项条户所次年亩米]?|比例|百分|增长|增速|金额|投资|规模|面积|数量|多大|多长|多高|总额|产值|收入|%")
_WHEN = re.compile(r"什么时候|哪一年|哪年|何时|几月|哪一天|哪天|什么时间")
_LIST = re.compile(r"哪些|哪几|哪(?:[两二三四五六七八九十]|\d{1,2})[个件项大条类段方]|有什么|有哪|包括|分别|各是|几个方面|几方面")
_OUTLINE_ASK = re.compile(r"哪几个方面|几个方面|哪些方面|哪.个方面|哪几部分|几部分|几大部分|哪.大部分|分为哪|分成哪|结构|框架|目录|提纲")
_DOCUMENT_WORDS = re.compile(r"报告|文件|回顾|目标任务|总结|规划|部分")
# Who gave the report, when, at which meeting: answered from the report's identity (index.identity).
_ABOUT_REPORT = re.compile(r"谁作|谁做|谁讲|由谁|谁代表|报告人|作报告的|哪位|哪次会议|什么会议|哪个会议|哪一次会议|在哪.{0,4}会|"
                           r"哪天作|什么时候作|何时作|哪天发布|什么时候发布|何时发布|发布时间|发布日期|成文日期|文号|发布机构|哪个单位发布")
# Words that ask for a plan's figure rather than what was achieved (target role); from how reports write
# their plan parts (预期目标、力争、计划、安排) and how people ask about them (打算、要).
TARGET_ASKED = re.compile(r"目标|预期|计划|力争|打算|安排|争取|要求|任务|部署|准备|将要|(?<![主重需只紧必想])要(?=[\u4e00-\u9fff])")
# Words that ask what was achieved: the past (去年、过去一年) and results (完成了、成效、成绩).
ACHIEVED_ASKED = re.compile(r"去年|上一年|上年|过去一年|完成了|实现了|达到了|取得了|增长了|成效|成绩|成果|结果")
PROMISED = re.compile(r"承诺|许诺|答应|说要|说过要|说好|讲要|表示要")
DONE_ASKED = re.compile(r"了吗|了没有?|完成情况|兑现|落实情况|进展如何|做到了|达成|实现了吗")
PLANNED = re.compile(r"计划|目标|打算|要")
# A follow-up leans on the previous turn: it opens with 那/那么/这/该/它, ends in 呢, or is very short.
_FOLLOWUP_START = re.compile(r"^(那|那么|那个|这个|这些|这项|该|它|其|此|同时|另外|还有|然后|再)")
_FOLLOWUP_END = re.compile(r"(呢|呐)[?？]?$")
_SHORT_FOLLOWUP = 6


@dataclass(frozen=True)
class Intent:
    wants_number: bool  # "how many / how much / growth": the answer must carry a figure
    wants_time: bool  # "when": the answer must carry a date
    wants_list: bool  # "which ones": several sentences may answer
    wants_outline: bool  # the report's own structure ("分为哪几部分")
    about_report: bool  # who gave the report, when, at which meeting: its identity answers
    asks_procedure: bool  # how to get a service done (assistant.answer.howto): no report says, the hotline does
    about_promise: bool  # what was promised (承诺/说要), or whether a plan was done: the ledger answers
    asks_status: bool  # "…了吗" about a plan: the ledger says how it went
    role_asked: str = UNKNOWN  # index.time_role.ACHIEVED or TARGET when the words say which is wanted


def classify(typed: str, focus: str, search: str) -> Intent:
    """typed: as the user typed it; focus: what the answer must address; search: the whole resolved
    question (see question.prepare). A promise is asked in the user's own words, not the merged follow-up."""
    own, resolved, asked = normalize(typed), normalize(search), normalize(focus)  # Traditional input too
    promised = bool(PROMISED.search(own))
    asks_status = bool(DONE_ASKED.search(own)) and bool(PLANNED.search(own) or promised)
    wants_number = bool(_QUANTITY.search(asked))
    return Intent(
        wants_number=wants_number,
        wants_time=bool(_WHEN.search(asked)),
        wants_list=bool(_LIST.search(asked)),
        wants_outline=bool(_OUTLINE_ASK.search(resolved) and _DOCUMENT_WORDS.search(resolved)),
        about_report=bool(_ABOUT_REPORT.search(own)),
        asks_procedure=asks_service(own, figure_asked=wants_number),
        about_promise=promised or asks_status,
        asks_status=asks_status,
        role_asked=either(bool(TARGET_ASKED.search(own)), bool(ACHIEVED_ASKED.search(own))),
    )


def is_followup(text: str) -> bool:
    return bool(_FOLLOWUP_START.search(text) or _FOLLOWUP_END.search(text) or len(text) <= _SHORT_FOLLOWUP)
