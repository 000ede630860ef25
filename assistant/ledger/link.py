"""Linking years: what a later report's review says about each earlier commitment.

For a commitment due in year Y, the evidence is every review row (figure) and review clause
(no figure) that another report wrote about Y. A candidate must share the commitment's words
(bigram coverage of what is counted) and, with an embedder, its meaning (cosine); the best one
decides the status:

- a figure in the same unit:  ≥ target → 达成;  ≥ PARTIAL_SHARE of it → 部分达成;  below → 未达成.
  A range (1-2家) is met at its low end. Rows of one sentence counting the same thing that meet the
  same review figure are judged together (停车位50只 + 40只 against "共90只").
- words only (stages.tsv): 未能/尚未/顺延… → 未达成;  still 前期 when a stage was promised → 未达成;  an earlier
  stage than promised (开工 for 投入使用) → 部分达成;  the promised stage → 达成;  正在/进展顺利… → 部分达成;
  otherwise reported as done → 达成.
- no candidate → 未提及;  no report reviews Y yet → 待回顾.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cached_property
from os.path import commonprefix
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.ledger.clauses import clauses
from assistant.ledger.extract import PENDING, Achievement, Commitment, Link, Note, Source
from index.lexicon import table
from index.textnorm import bigrams, coverage, normalize, share

if TYPE_CHECKING:  # the protocol only: importing index.embedding pulls in LangChain
    from index.embedding import Embedder

MET, PARTLY, MISSED, UNMENTIONED = "达成", "部分达成", "未达成", "未提及"
STATUSES = (MET, PARTLY, MISSED, UNMENTIONED, PENDING)
PARTIAL_SHARE = 0.5  # 12套 of 20 (60%) is partly done; 8家 of 20 (40%) is clearly below target
MIN_ITEM_COVERAGE = 0.6  # what a quantitative row counts must be (mostly) named: 智能排口, 停车位
MIN_GOAL_COVERAGE = 0.5  # a goal without figures is longer and paraphrased more
# A review figure in the commitment's unit names its item in other words more often than not (旅游人数 →
# 接待游客, 农村公路 → 农村道路): close to the target, a part of the words is enough; the very figure promised
# (370万人次 → 370万人次) is enough on its own when it is distinctive (not a count below ten).
MIN_SAME_UNIT_COVERAGE = 0.3
SAME_UNIT_RANGE = (0.5, 1.5)  # achieved / target
MIN_DISTINCTIVE_VALUE = 10
MIN_HEAD = 3  # a review metric of two characters (项目, 企业) is in too many names to stand for one

_MATCHING = table(str(Path(__file__).with_name("matching.tsv")))
MIN_COSINE = float(_MATCHING["min_cosine"][0])
PARAPHRASE_COSINE = float(_MATCHING["paraphrase_cosine"][0])
PARAPHRASE_SHARED_RUN = int(_MATCHING["paraphrase_shared_run"][0])

# Review wording and project stages (stages.tsv says where they come from; an absolute path, since table() reads
# index/lexicon).
_WORDS = table(str(Path(__file__).with_name("stages.tsv")))
_NEGATIVE = re.compile("|".join(_WORDS["negative"]))
_SEVERAL_YEARS = re.compile("|".join(_WORDS["several_years"]))
_QUOTES = re.compile(r"[“”‘’\"'「」]")
_PROGRESS = re.compile("|".join(_WORDS["progress"]))
STAGE_NAMES = ("approved", "started", "structure", "built", "in_use")  # earliest first
PRELIMINARY = -2  # still before the first stage (前期, 核准程序)
_STAGE_OF = {w: i for i, name in enumerate(STAGE_NAMES) for w in _WORDS[f"stage_{name}"]}
_STAGE_OF.update({w: PRELIMINARY for w in _WORDS["preliminary"]})
_STAGE_WORD = re.compile("|".join(sorted(_STAGE_OF, key=len, reverse=True)))  # 主体完工 before 完工
_BUILT, _STARTED = STAGE_NAMES.index("built"), STAGE_NAMES.index("started")
_EXAMPLES = re.compile(r".+等(?!级|同|于|待)")  # the examples before 等 and the kind after it
GROWTH_ALLOWANCE = 0.5  # 增长6%左右 is met by 5.5%
_ABOUT = "左右"
_TIME_WORDS = r"(?:19|20)\d{2}年(?:度|内|底)?|全年|年内|今年"
_WITHIN, _CAPPED = "以内", "控制在"
_REACH = re.compile(r"(?:达到|突破|超过)$")  # right before the target: a level, whatever verb the sentence began with
_GOALS = table(str(Path(__file__).with_name("goals.tsv")))
_GENERIC_ITEMS = set(_GOALS["generic_item"])
# A promise to start (启动实施A、B等项目), not to finish: the goal's opening words, as extract reads them.
_CARRY_OUT = re.compile(rf"^(?:{_TIME_WORDS}|[一二三四五六七八九十]+是)?.{{0,2}}(?:{'|'.join(_GOALS['carry_out'])})")
_LAUNCH = re.compile(rf"^(?:{_TIME_WORDS}|[一二三四五六七八九十]+是)?.{{0,2}}(?:{'|'.join(_GOALS['start'])})")
_CLAUSE_BREAK = re.compile(r"[,，;；]")
_DESCRIPTOR = re.compile(r"(?:实施|建设)?的")  # right after a figure: 1.3亿元的供水主管网改造, 9600万元实施的幼儿园
_CHANGE_WORD = re.compile(r"(?:同比|比上年|较上年|年均)?(?:增长|增加|提高|上升|下降|减少)$")


@dataclass(frozen=True)
class Evidence:
    """A review row or clause about some year, in the report's own text."""

    source: Source
    year: int
    text: str
    value: float | None = None
    unit: str = ""
    figure: str = ""
    metric: str = ""  # what a figure counts, in the review's words (实现再就业2529人 → 再就业)

    # Normalised once, not once per commitment compared with (at 200 reports that was 1M normalisations,
    # two thirds of linking). cached_property writes the instance's __dict__, which a frozen dataclass allows;
    # equality and hashing still use the fields only.
    @cached_property
    def normalized(self) -> str:
        return normalize(self.text)

    @cached_property
    def pairs(self) -> set[str]:
        return bigrams(self.normalized)

    @cached_property
    def normalized_metric(self) -> str:
        return normalize(self.metric)

    @cached_property
    def several_years(self) -> bool:
        """五年共投资6.2亿元…: a sentence about a five-year period says nothing of one year, unless it names that year."""
        sentence = _QUOTES.sub("", normalize(self.source.sentence))
        return bool(_SEVERAL_YEARS.search(sentence)) and f"{self.year}年" not in sentence

    @cached_property
    def describes(self) -> bool:
        """投资5642万元的污泥焚烧厂: the figure says which project, it is no amount done (README: review_value null)."""
        text, figure, sentence = normalize(self.text), normalize(self.figure), normalize(self.source.sentence)
        at = text.find(figure) if figure else -1
        if at < 0:
            return False
        row = sentence.find(text)  # the row's words may stop at the figure: the sentence goes on (…3.4亿元的A)
        return bool(_DESCRIPTOR.match(sentence, row + at + len(figure)) if row >= 0 else
                    _DESCRIPTOR.match(text, at + len(figure)))


def evidence_from(achievements: Sequence[Achievement], notes: Sequence[Note] = ()) -> list[Evidence]:
    """What the reviews offer as evidence: each figure, each year-on-year change (as a % row), each note.

    A change becomes its own row so a growth target (地区生产总值同比增长21%) is compared with the
    reported rate (全年地区生产总值完成235.2亿元，同比增长18.5% → 地区生产总值增长 18.5%).
    """
    out = []
    for a in achievements:
        if a.value is not None:
            out.append(Evidence(a.source, a.year, a.text, a.value, a.unit, a.figure, a.metric))
        if a.change is not None:
            word = "下降" if a.change < 0 else "增长"
            out.append(Evidence(a.source, a.year, f"{a.metric}{word}{abs(a.change):g}%", a.change, "%",
                                f"{word}{abs(a.change):g}%", f"{a.metric}{word}"))
    return out + [Evidence(n.source, n.year, n.text) for n in notes]


@dataclass(frozen=True)
class _Candidate:
    evidence: Evidence
    words: float  # bigram coverage of what the commitment counts (its item, or its goal)
    context: float  # coverage of its action and place: 新申报 beats 有效 for 高新技术企业
    paraphrase: bool = False  # below the word floor, sharing some content: kept only if the meaning is close


@dataclass(frozen=True)
class _Match:
    candidate: _Candidate
    cosine: float
    same_unit: bool

    @property
    def evidence(self) -> Evidence:
        return self.candidate.evidence

    @property
    def rank(self) -> tuple:
        # A comparable figure first, then words + meaning; text order breaks ties deterministically.
        c, e = self.candidate, self.evidence
        return (-self.same_unit, -(c.words + c.context + self.cosine), e.source.doc_id, e.source.paragraph, e.text)


def link(commitments: Sequence[Commitment], evidence: Sequence[Evidence], embedder: Embedder | None = None,
         min_cosine: float = MIN_COSINE, issuers: Mapping[str, str] | None = None) -> list[Commitment]:
    """The commitments with their Link set; order kept.

    issuers: doc_id → publisher. A promise is judged only by reviews of the same publisher (when both
    are known) and of its year, so the work grows with one issuer's reports, not the whole corpus.
    """
    issuers = issuers or {}
    by_year_issuer: dict[tuple[int, str], list[Evidence]] = {}
    for e in evidence:
        by_year_issuer.setdefault((e.year, issuers.get(e.source.doc_id, "")), []).append(e)
    pools = [_reviews_for(c, issuers, by_year_issuer) for c in commitments]
    found = [_candidates(c, pool) for c, pool in zip(commitments, pools)]
    ranked = _ranked(commitments, [[k for k in f if not k.paraphrase] for f in found], embedder, min_cosine)
    # Paraphrases rank after word matches: only a commitment left without one is worth embedding them for.
    again = _ranked(commitments, [[k for k in f if k.paraphrase] if not r else [] for f, r in zip(found, ranked)],
                    embedder, min_cosine)
    best = _one_figure_each(commitments, [r or a for r, a in zip(ranked, again)])
    targets = _group_targets(commitments, best)
    linked = []
    for i, c in enumerate(commitments):
        # Reviewed: a report of the same publisher (or an unknown one) speaks of the year, not any government's.
        reviewed = any(e.source.doc_id != c.source.doc_id for e in pools[i])
        linked.append(replace(c, link=_judge(c, best[i], targets[i], reviewed)))
    return linked


def _ranked(commitments: Sequence[Commitment], candidates: Sequence[list[_Candidate]], embedder: Embedder | None,
            min_cosine: float) -> list[list[_Match]]:
    """Per commitment, the candidates close enough in meaning, best first."""
    cosines = _cosines(commitments, candidates, embedder)
    ranked = []
    for i, (c, found) in enumerate(zip(commitments, candidates)):
        matches = [_Match(k, cosines.get((i, j), 0.0), _comparable(c, k.evidence)) for j, k in enumerate(found)]
        ranked.append(sorted((m for m in matches if _close(m, embedder is not None, min_cosine)), key=lambda m: m.rank))
    return ranked


def _one_figure_each(commitments: Sequence[Commitment], ranked: Sequence[list[_Match]]) -> list[_Match | None]:
    """Each commitment's best match, a review figure compared going to one counted thing only: the commitment that
    matches it most closely keeps it (鲜奶产量 before a bare 产量 for 鲜奶产量达到19万吨), the others take their next
    match. Rows of one sentence counting the same thing share it (停车位50只 + 40只 against 共90只)."""
    owner: dict[Evidence, tuple] = {}
    best: list[_Match | None] = [None] * len(commitments)
    # The closest pairs claim first: commitments in the order of their best match.
    for i in sorted((i for i, r in enumerate(ranked) if r), key=lambda i: ranked[i][0].rank):
        c = commitments[i]
        thing = (c.source, normalize(c.item), c.unit)
        best[i] = next((m for m in ranked[i] if not m.same_unit or owner.setdefault(m.evidence, thing) == thing), None)
    return best


def _close(m: _Match, embedded: bool, min_cosine: float) -> bool:
    if m.candidate.paraphrase:  # found by meaning: needs the model, and a closer one
        return embedded and m.cosine >= PARAPHRASE_COSINE
    return not embedded or m.cosine >= min_cosine


def _reviews_for(c: Commitment, issuers: Mapping[str, str],
                 by_year_issuer: Mapping[tuple[int, str], list[Evidence]]) -> list[Evidence]:
    """Reviews of the promise's year by the same publisher; a report whose publisher was not read is its own
    publisher's, unknown, only. Any other government's review would count its figures as this one's progress, and
    comparing every promise with every review whose publisher is unknown was quadratic: at 10,000 synthetic reports,
    six read without a publisher (1,428 review rows) were set against 340,000 promises, tens of millions of
    comparisons."""
    return by_year_issuer.get((c.year, issuers.get(c.source.doc_id, "")), [])


def _candidates(c: Commitment, evidence: Sequence[Evidence]) -> list[_Candidate]:
    if c.value is not None and _names_nothing(c):
        return []
    key = normalize(c.item or c.action)  # a goal without figures keeps its words in action
    if c.unit == "%":  # every change row says 增长: 旅游收入增长 must share 旅游收入, not 收入增长
        key = _CHANGE_WORD.sub("", key)
    if (examples := _EXAMPLES.match(key)) and len(key) - examples.end() >= 2:
        key = key[examples.end():]  # 建华路、根河路等背街巷道: the review counts 背街巷道
    named = bigrams(normalize(c.place + c.item)) if c.place and c.item else set()
    need, action, place = bigrams(key), bigrams(normalize(c.action)), bigrams(normalize(c.place))
    goal = c.value is None or _invests(c)
    floor = MIN_GOAL_COVERAGE if goal else MIN_ITEM_COVERAGE
    found = []
    for e in evidence:
        if (e.year != c.year or e.source.doc_id == c.source.doc_id or (_measured(c) and not _comparable(c, e))
                or e.several_years):
            continue
        # The place may be part of the thing's name (农村|公路: 农村道路 in the review).
        if goal:  # a goal's object is paraphrased more freely (东西外环道路 → 公路东、西外环)
            words = max(_unordered(key, need, e), share(named, e.pairs))
        else:
            words = max(share(need, e.pairs), share(named, e.pairs), _head(key, e))
            if _other_kind(key, e.normalized_metric):
                continue
        paraphrase = not (words >= floor or _same_figure(c, e, words))
        if not paraphrase or _shared_run(key, e.normalized) >= PARAPHRASE_SHARED_RUN:
            context = 0.5 * share(action, e.pairs) + 0.5 * share(place, e.pairs)
            found.append(_Candidate(e, words, context, paraphrase))
    return found


def _head(key: str, e: Evidence) -> float:
    """How much of the review's metric the commitment's item names: a review counts by the head of a long name
    (下岗失业人员和困难人员再就业 → 再就业). Only a metric of MIN_HEAD characters or more, that names a thing, and
    named (mostly) whole: part of a metric's words is no more evidence than part of the item's."""
    metric = e.normalized_metric
    if len(metric) < MIN_HEAD or metric in _GENERIC_ITEMS:
        return 0.0
    named = coverage(metric, key)
    return named if named >= MIN_ITEM_COVERAGE else 0.0


def _other_kind(key: str, metric: str) -> bool:
    """The same head with other kinds before it: 供水管网 is not 雨水管网, 农牧业项目 not 工业项目. The longest shared
    run of characters is the head; what stands before it in each, past a shared opening (重点), has no character in
    common. A kind on one side only (重点项目 / 重点工业项目) is a narrower count, not another one. A head of two
    characters (就业, 企业) is read with words of any sort before it (城镇就业 / 新增就业), so it takes MIN_HEAD."""
    if not metric:
        return False
    match = _longest_run(key, metric)
    if match.size < MIN_HEAD:
        return False
    before_key, before_metric = key[: match.a], metric[: match.b]
    shared = len(commonprefix([before_key, before_metric]))
    before_key, before_metric = before_key[shared:], before_metric[shared:]
    return bool(before_key and before_metric and not set(before_key) & set(before_metric))


def _longest_run(a: str, b: str):
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))


def _shared_run(key: str, text: str) -> int:
    """Characters of the longest run the two share: 伊敏河 or 雨水管网 is content, 重点 + 项目 apart is not."""
    return _longest_run(key, text).size


def _unordered(key: str, need: set[str], e: Evidence) -> float:
    """Bigram coverage, or its mean with character coverage when that is higher: a reordered or shortened name
    (远程医疗服务系统 → 远程医疗项目, 区医院扩建工程 → 区医院120急救中心) keeps its characters, not its bigrams. The
    embedder's floor still has to pass. need: the key's bigrams."""
    pairs = share(need, e.pairs)
    chars = set(key)
    letters = len(chars & set(e.normalized)) / len(chars) if chars else 0.0
    return max(pairs, (pairs + letters) / 2)


def _measured(c: Commitment) -> bool:
    """A rate (增长8%, 参保率98%): only a rate tells whether it was met; things to build are also done when the review
    reports them done without a figure."""
    return c.unit == "%"


def _names_nothing(c: Commitment) -> bool:
    """A figure row whose item is empty, a change word only (同比增长25%) or generic (计划投资12.7亿元): its verb or that
    word is in every review sentence, so any figure there would pass for its evidence."""
    thing = _CHANGE_WORD.sub("", normalize(c.item))
    return len(thing) < 2 or thing in _GENERIC_ITEMS


def _same_figure(c: Commitment, e: Evidence, words: float) -> bool:
    """A review figure in the commitment's unit that is the very figure promised (when distinctive), or close
    to it with part of the item's words: the same work named otherwise."""
    if not _comparable(c, e) or not c.value or c.unit == "%":  # rates are close or equal by chance (11.5%, 11.5%)
        return False
    ratio = (e.value or 0.0) / c.value
    if ratio == 1.0 and c.value >= MIN_DISTINCTIVE_VALUE:
        return True
    return words >= MIN_SAME_UNIT_COVERAGE and SAME_UNIT_RANGE[0] <= ratio <= SAME_UNIT_RANGE[1]


def _cosines(commitments: Sequence[Commitment], candidates: Sequence[list[_Candidate]],
             embedder: Embedder | None) -> dict[tuple[int, int], float]:
    if embedder is None or not any(candidates):
        return {}  # no model call when nothing could match
    texts = sorted({meaning(c) for c, found in zip(commitments, candidates) if found}
                   | {k.evidence.normalized for found in candidates for k in found})
    # One text per call: the int8 model quantizes a batch as a whole, so a vector (and a status near the floor) would
    # depend on which other rows happen to share its batch.
    vectors = {t: np.asarray(embedder.embed([t])[0], dtype=float) for t in texts}
    return {
        (i, j): float(vectors[meaning(c)] @ vectors[k.evidence.normalized])
        for i, (c, found) in enumerate(zip(commitments, candidates))
        for j, k in enumerate(found)
    }


def meaning(c: Commitment) -> str:
    """What the embedder compares: the row's words, with the metric it inherits from the clause before when they do
    not name it (地区生产总值增长20%，达到282亿元 → 地区生产总值达到282亿元, not a bare 达到282亿元)."""
    text, item = normalize(c.text), normalize(c.item)
    return text if item in text else item + text


def _comparable(c: Commitment, e: Evidence) -> bool:
    return c.value is not None and e.value is not None and c.unit == e.unit and not e.describes


def _invests(c: Commitment) -> bool:
    """A planned investment (投资1.3亿元实施A工程): its item is the project, named as freely as a goal's object."""
    return c.value is not None and normalize(c.action) in _GENERIC_ITEMS


def _group_targets(commitments: Sequence[Commitment], best: Sequence[_Match | None]) -> list[tuple[float, int]]:
    """(target, rows) per commitment: summed over rows of one sentence that meet the same review figure."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (c, m) in enumerate(zip(commitments, best)):
        if m is not None and m.same_unit:
            groups[(c.source, normalize(c.item), c.unit, m.evidence)].append(i)
    targets = [(c.value or 0.0, 1) for c in commitments]
    for members in groups.values():
        total = sum(commitments[i].value or 0.0 for i in members)
        for i in members:
            targets[i] = (total, len(members))
    return targets


def _judge(c: Commitment, match: _Match | None, target: tuple[float, int], reviewed: bool) -> Link:
    if not reviewed:
        return Link(PENDING, f"尚未导入回顾{c.year}年工作的报告")
    if match is None:
        return Link(UNMENTIONED, f"回顾{c.year}年工作的报告中未找到同一事项")
    e = match.evidence
    scores = f"文本重合{match.candidate.words:.2f}，语义相似{match.cosine:.2f}"
    status, reason = _by_figure(c, e, *target) if match.same_unit else _by_words(_clause_of(e), c)
    return Link(status, reason, e.source, e.figure, scores)


def _clause_of(e: Evidence) -> Evidence:
    """A figure that is not compared is read with its whole clause, whose predicate tells the stage: 实施的向阳幼儿园等6个
    → …6个项目全部完工."""
    if e.value is None:
        return e
    text = normalize(e.text)
    whole = next((c.display for c in clauses(e.source.sentence) if text in c.match), e.text)
    return replace(e, text=whole)


def _by_figure(c: Commitment, e: Evidence, target: float, rows: int) -> tuple[str, str]:
    achieved = e.value or 0.0
    goal = f"目标{_number(target)}{c.unit}" + (f"（同句{rows}项合计）" if rows > 1 else "")
    if c.target.endswith(_WITHIN) or _CAPPED in normalize(c.text):  # 失业率控制在4%以内: a ceiling, met from below
        if achieved <= target:
            return MET, f"回顾：{e.figure}，不高于{goal}{_WITHIN}"
        return MISSED, f"回顾：{e.figure}，高于{goal}{_WITHIN}"
    if c.unit == "%":  # a rate is met or not; a shortfall is never "partial"
        about = c.target.endswith(_ABOUT)
        floor = target - GROWTH_ALLOWANCE if about else target
        goal += _ABOUT if about else ""
        if achieved >= floor:
            allowance = f"（左右允许低{GROWTH_ALLOWANCE:g}个百分点）" if about and achieved < target else ""
            return MET, f"回顾：{e.figure}，不低于{goal}{allowance}"
        return MISSED, f"回顾：{e.figure}，低于{goal}"
    if achieved >= target:
        return MET, f"回顾：{e.figure}，不低于{goal}"
    share = achieved / target if target else 0.0
    if _level(c):  # a level to reach, not things to build: met or not
        return MISSED, f"回顾：{e.figure}，低于{goal}"
    if share >= PARTIAL_SHARE:
        return PARTLY, f"回顾：{e.figure}，为{goal}的{share:.0%}（不低于{PARTIAL_SHARE:.0%}为部分达成）"
    return MISSED, f"回顾：{e.figure}，为{goal}的{share:.0%}（低于{PARTIAL_SHARE:.0%}，明显未达目标）"


def _level(c: Commitment) -> bool:
    """地区生产总值达到240亿元 (no action), 完成投资…，入园企业达到14家 (达到 right before the target)."""
    text = normalize(c.text)
    return not c.action or bool(_REACH.search(text, 0, max(text.find(normalize(c.target)), 0)))


def stage(text: str) -> int:
    """The latest project stage a text names (0 核准 … 4 投入使用), -1 for none, PRELIMINARY for 前期 only."""
    found = [_STAGE_OF[m[0]] for m in _STAGE_WORD.finditer(text)]
    return max(found, default=-1)


def _by_words(e: Evidence, c: Commitment | None = None) -> tuple[str, str]:
    text = normalize(e.text)
    if m := _NEGATIVE.search(text):
        return MISSED, f"回顾称“{m[0]}”"
    promised = stage(normalize(c.text)) if c is not None else -1
    reached = stage(text)
    if promised < 0 <= reached:
        # 完成…建设 names no stage: it is done when built; 实施A工程 promises the works under way, done once started.
        promised = _STARTED if c is not None and _CARRY_OUT.search(normalize(c.text)) else _BUILT
    if reached == PRELIMINARY and promised != PRELIMINARY:  # 实施A with A still 前期 is not done either
        return MISSED, "回顾所述仍在前期或审批程序中，承诺的阶段（核准＜开工＜主体完工＜建成＜投入使用）未到"
    if 0 <= reached < promised:
        return PARTLY, "回顾所述阶段早于承诺的阶段（核准＜开工＜主体完工＜建成＜投入使用），未报完成"
    if 0 <= promised <= reached:
        return MET, "回顾所述阶段已到承诺的阶段（核准＜开工＜主体完工＜建成＜投入使用）"
    if m := _PROGRESS.search(text):
        # 启动A (投资1亿元，启动实施A): A under way is A started
        if c is not None and any(_LAUNCH.search(part) for part in _CLAUSE_BREAK.split(normalize(c.text))):
            return MET, f"承诺启动，回顾称“{m[0]}”，已启动"
        return PARTLY, f"回顾称“{m[0]}”，未报完成"
    return MET, "回顾中作为已完成事项提及"


def _number(value: float) -> str:
    return f"{value:g}"
