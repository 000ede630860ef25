"""Should we answer at all? Refusing honestly beats quoting something unrelated.

Dense scores are squeezed (m3e-small's cosines sit around 0.66 whatever the question), so no
similarity threshold decides this. The signals are about content: does the corpus know the
question's topic words at all, does the best sentence cover them, does a "how many" question
find a number, and does a question about a year find that year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.evidence import Evidence, Terms
from assistant.answer.question import Question
from assistant.answer.weights import AnswerWeights
import jieba.posseg as pseg

from index.lexical import STOPWORDS, Vocabulary
from index.lexicon import words
from index.thesaurus import SYNONYMS
from index.textnorm import normalize

_ASKERS = frozenset("多少 几 叫 几个 几家 几条 几名 几位 几所 多大 多高 多长 什么时候 哪年 哪一年".split())
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TIME = re.compile(r"(?:19|20)\d{2}|\d{1,2}月|年底|年内|上半年|下半年")
_NOUNISH = ("n", "vn", "l")
UNRELATED = "报告中没有与这个问题相关的内容。"
NOT_CHINESE = "问题里没有报告涉及的内容，请用中文描述想了解的事项。"
_ASKED_UNIT = re.compile(rf"(?:多少|几)(?:十|百|千|万|亿)*({'|'.join(map(re.escape, words('measure_units.txt')))})")


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    reason: str  # shown to the user when refusing; empty when answerable
    on_topic: bool = True  # the best sentences are about what was asked: worth offering as reading when refusing


def judge(question: Question, chosen: Sequence[Evidence], lexical: Vocabulary, corpus_years: set[int],
          weights: AnswerWeights = AnswerWeights()) -> Verdict:
    if not chosen:
        return Verdict(False, "报告中没有找到相关内容。", on_topic=False)
    missing_years = [y for y in question.years if y not in corpus_years]
    if missing_years:
        return Verdict(False, f"报告中没有{'、'.join(map(str, missing_years))}年的相关内容。")
    topic = Terms.known(question.focus, lexical)
    if not any(_CJK.search(a) for alts in topic.alternatives for a in alts):
        # Only digits, Latin words or markup match: nothing the report is about was asked. Asked in Chinese,
        # the words are simply not the reports' (考驾照); only a question without any is asked to use Chinese.
        return Verdict(False, UNRELATED if _CJK.search(question.focus) else NOT_CHINESE, on_topic=False)
    asked = Terms.of(question.focus, lexical)
    if sum(topic.weights) < weights.min_known_share * sum(asked.weights):
        # Most of what was asked is words no report uses (杭州地铁线路, 系统提示词).
        return Verdict(False, UNRELATED)
    measured = measured_noun(question.focus)
    if measured and not any(lexical.knows(a) for a in (measured, *SYNONYMS.get(measured, ()))):
        return Verdict(False, f"报告中没有提到“{measured}”。")
    best = max(chosen, key=lambda e: e.score)
    wants_number = question.intent.wants_number
    needed = weights.min_quantity_coverage if wants_number else weights.min_coverage
    if best.coverage < needed:
        return Verdict(False, "报告中没有找到能直接回答这个问题的内容。")
    if wants_number and not any(e.has_number for e in chosen):
        return Verdict(False, "报告提到了相关工作，但没有给出具体数字。")
    unit = asked_unit(question.focus)
    if unit and not any(unit in normalize(e.sentence) for e in chosen):
        # 几座核电站 answered with 5000个充电桩, 多少吨 with an output value in 亿元: another figure.
        return Verdict(False, f"报告提到了相关工作，但没有给出以“{unit}”计的数字。")
    if question.intent.wants_time and not any(_TIME.search(normalize(e.sentence)) for e in chosen):
        return Verdict(False, "报告提到了相关内容，但没有给出具体时间。")
    for year in question.years:
        if not any(_names_or_sits_in(e, year) for e in chosen):
            return Verdict(False, f"报告中没有找到{year}年的这项内容。")
    return Verdict(True, "")


def measured_noun(text: str) -> str | None:
    """The thing a "how many / what is" question measures: 常住人口有多少 → 人口, 多少名学生 → 学生.

    When the corpus never uses that word, the report cannot give its figure, however well the
    rest of the question matches (a sentence about 学校 does not count 学生).
    """
    words = [(w.word, w.flag) for w in pseg.cut(normalize(text)) if w.word.strip()]
    for i, (word, _) in enumerate(words):
        if word not in _ASKERS and not (word.startswith(("多少", "几")) and len(word) <= 3):  # 多少度, 几条
            continue
        before = [w for w, flag in words[:i] if flag.startswith(_NOUNISH) and w not in STOPWORDS]
        after = [w for w, flag in words[i + 1 : i + 3] if flag.startswith(_NOUNISH) and w not in STOPWORDS]
        if after and (word in ("多少", "几", "叫") or word in _ASKERS and word.startswith("几")):
            return after[0]
        if before:
            return before[-1]
    return None


def asked_unit(text: str) -> str | None:
    """The unit a "how many" question wants its figure in (多少吨 → 吨, 几座 → 座), if a definite one."""
    found = _ASKED_UNIT.search(normalize(text))
    return found.group(1) if found else None


def _names_or_sits_in(evidence: Evidence, year: int) -> bool:
    return f"{year}年" in normalize(evidence.sentence) or evidence.section_year in (None, year)
