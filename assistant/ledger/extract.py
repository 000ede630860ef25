"""Rule-based extraction of commitments (plan parts) and achievements (review parts) from a report.

A part is a plan when its heading names one (目标任务/工作安排/计划…) or its year is the report's
own year; a review when it says 回顾/总结 or its year is earlier. Rows keep the report's script;
all rules run on normalize()d text (see ledger_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.answer.question import resolve_time_words
from assistant.ledger.clauses import (
    Clause,
    Segment,
    clause_of,
    clauses,
    segments,
    split_span,
    strip_lead,
    trim_end,
    words_before,
)
from index.lexicon import table
from index.records import Paragraph, Report
from index.textnorm import YEAR, normalize, split_sentences

PLAN, REVIEW = "plan", "review"
PENDING = "待回顾"  # no indexed report reviews the commitment's year yet

_REVIEW_WORDS = re.compile(r"回顾|总结|成绩|完成情况|工作情况")
_PLAN_WORDS = re.compile(r"目标|任务|计划|安排|打算|思路|展望|部署|要点")
_DATE_YEAR = re.compile(r"((?:19|20)\d{2})")

# Strength: how firmly a commitment is worded; a plain action verb (新建) is itself the strength.
_HEDGE = re.compile(r"确保|力争|争取|努力|计划|拟|完成|实现")
_VERB = re.compile(
    r"新申报|申报|新认定|认定|新建|建成|改建|扩建|安装|补装|加装|新增|培育|引进|列入|挂牌|开展|实施|完成|改造|整治|"
    r"打造|创建|招募|举办|开工|纳入|种植|建设|做好"
)
_TIME = r"(?:19|20)\d{2}年(?:度|内|底|前)?|全年|年内|今年|明年"
_REPORTING = r"实施|申报|安装|受理|开展|完成|实现|搭建|引进|建成"
_ADVERB = r"持续|继续|进一步|积极|全力|大力|加快|全面|同时|其中|共计|合计|总计|累计|共|再|还|要|将|到|并|和|及|与|、|的"
_LEAD = re.compile(rf"{_TIME}|{_ADVERB}|确保|力争|争取|努力|计划|拟")
_REVIEW_LEAD = re.compile(rf"{_TIME}|{_ADVERB}|{_REPORTING}|街道|预计|可|为|有(?=[\d两三四五六七八九十])|已|成功")
_TRAIL = re.compile(r"(?:达到|均为|达|为|约|近|超过|超|逾|突破|各|共计|共|力争|确保|争取|控制在|保持在|稳定在|[(（、])$")
# A level set for the year (失业率控制在4%以内, 参保率保持在98%以上, 粮食产量稳定在1.2亿斤以上): in a plan part, a
# target without any other promise word; so is a figure with a hedge after it (涨幅3%左右).
_LEVEL_VERB = re.compile(r"控制在|保持在|稳定在")
# A verb that reports rather than names a metric (新增/新认定 stay in it): 坎墩街道共实施24个工程项目 → 工程项目.
_REPORTING_END = re.compile(rf"(?:{_REPORTING})$")
_LOCATIVE = re.compile(r"在|对|于|向")  # used with match(): anchored at pos
_PLACE = re.compile(r"(.+(?:村|社区|礼堂|学校|初中|小学|中学|幼儿园|市场|公园|广场|小区))(?:附属|周边|内|的)?(.{2,})$")
_EACH = re.compile(r"[和及与、]")
_SEPARATOR = re.compile(r"[、和及与并]")
_CHANGE = re.compile(r"(?:同比|比上年|较上年)?(增长|增加|提高|上升|增幅|下降|减少|降幅|回落)(?:达到|达|为)?$")
_FALL = ("下降", "减少", "降幅", "回落")
_FUTURE = re.compile(r"将|力争|争取")  # not 计划: 已纳入…大中修计划 is done
# A targets paragraph: 全区经济社会发展的预期目标是：地区生产总值达到240亿元，同比增长21%；… Each figure in it
# is a commitment though it has no verb or hedge of its own.
_TARGETS = re.compile(r"(?:预期|主要|发展|奋斗)目标(?:是|为)?[:：]")
TARGET_STRENGTH = "预期目标"
_GROWTH_ITEM = re.compile(r"(?:同比|比上年|较上年|年均)?(?:分别)?(增长|增加|提高|上升|下降|减少)$")
_OUTLINE = re.compile(r"以下|如下|下列")  # 抓好以下四个方面工作 announces the tasks, it is none of them
_HEDGE_AFTER = re.compile(r"左右|以上|以内")  # 6%左右: kept in the target, the link compares with it

# A goal without figures (goals.tsv, stages.tsv say where the words come from): promised (确保…), or a deliverable
# named (…建成, …投入使用, 办好…会). Its objects are read one by one: 确保A、B和C投入使用 → A, B, C.
_DATA = Path(__file__).parent
_ENUMERATOR = r"[一二三四五六七八九十]+是"  # 六是继续办好…
_GOALS = table(str(_DATA / "goals.tsv"))
_REVIEW_WORDS_TABLE = table(str(_DATA / "stages.tsv"))
_STAGE_WORDS = [w for kind, ws in _REVIEW_WORDS_TABLE.items() if kind.startswith("stage_") for w in ws]
_REVIEW_WORDING = re.compile("|".join(w for ws in _REVIEW_WORDS_TABLE.values() for w in ws))


def _alternation(words) -> str:
    return "|".join(sorted(set(words), key=len, reverse=True))


_QUALITATIVE_HEDGE = re.compile(_alternation(_GOALS["goal"]))
# The stage word is the clause's predicate (西出口道路建成通车, 项目按期开工建设), not a start (启动…调研) or a
# condition (竣工通车后); an event is held (办好…展销会); a clause opens with a start (启动…建设).
_OPENING = rf"^(?:{_TIME}|{_ENUMERATOR})?"
_DELIVERABLE = re.compile(rf"(?:{_alternation(_STAGE_WORDS)})(?:建设)?$|(?:{_alternation(_GOALS['held'])}).{{4,}}|"
                          rf"{_OPENING}.{{0,2}}(?:{_alternation(_GOALS['start'])}).{{4,}}|"
                          rf"{_OPENING}.{{0,3}}(?:{_alternation(_GOALS['works'])}).{{2,}}(?:{_alternation(_GOALS['works_kind'])})$|"
                          rf"{_OPENING}.{{0,3}}(?:{_alternation(_GOALS['raise'])}).{{2,}}(?:{_alternation(_GOALS['raised'])})$")
_WITHIN_YEAR = r"(?:\d{1,2}月份?|[一二三四]季度)(?:底|前|内|末)?"  # 10月份投入使用, 一季度完成核准
_OBJECT_LEAD = re.compile(rf"{_TIME}|{_WITHIN_YEAR}|{_ENUMERATOR}|{_alternation(_GOALS['object_lead'])}")
_OBJECT_TAIL = re.compile(rf"(?:{_WITHIN_YEAR}|{_alternation([*_GOALS['object_tail'], *_STAGE_WORDS])})$")
_EXAMPLES = re.compile(r"等(?!级|同|于|待)")  # A、B等项目: A and B are the objects
_OF = re.compile("的")
# Words before a figure that say where or which (goals.tsv place_suffix; examples end in 等): the item follows the figure.
_NAMES_WHERE = re.compile(rf"(?:等|{_alternation(_GOALS['place_suffix'])})$")
# After a figure's item: its predicate (stage words, 按期…), a generic kind after examples (三山绿化等工程) and the
# 和 before the next figure (60个小区补绿和5000亩…).
_PREDICATE_TAIL = re.compile(rf"(?:{_alternation([*_GOALS['object_tail'], *_STAGE_WORDS])}|等(?:工程|项目|任务)?|[和及])$")
_ENTRY_END = "、和及"  # right before a figure: the words before are an entry of their own
MIN_OBJECT = 2  # characters
# A planned investment (投资1.3亿元实施…): its project is what it commits to (goals.tsv generic_item).
_INVESTMENT = re.compile(rf"(?:{_alternation(_GOALS['generic_item'])})$")
_CAPACITY_UNIT = set(_GOALS["capacity_unit"])
_NAME_GOES_ON = re.compile(r"[\u4e00-\u9fff]")  # 700万吨露天矿: the name continues after the unit

_RESPECTIVELY = "分别"
_COMPOUNDS = table(str(_DATA / "respectively.tsv"))  # 城乡 → 城镇, 农村

# A goal clause that is no commitment on its own (fragments.tsv; an absolute path, since table() reads index/lexicon).
_FRAGMENT = table(str(Path(__file__).with_name("fragments.tsv")))
_PUSH = re.compile("|".join(_FRAGMENT["push"]))
_CONNECTOR = re.compile("|".join(_FRAGMENT["connector"]))  # used with match(): anchored at the clause start
_ADVERBS = "(?:" + "|".join(_FRAGMENT["predicate_adverb"]) + ")*"
_BARE_PREDICATE = re.compile(rf"{_ADVERBS}(?:在.{{1,8}}?)?{_ADVERBS}(?:{'|'.join(_FRAGMENT['bare_predicate'])})")
_FRAME_BEFORE = re.compile(rf"(?:{'|'.join(_FRAGMENT['frame_before'])}){_ADVERBS}$")
_FRAME_HEAD = re.compile(rf"的[^的]{{0,3}}(?:{'|'.join(_FRAGMENT['frame_head'])})$")


@dataclass(frozen=True)
class Source:
    doc_id: str
    paragraph: int
    section: tuple[str, ...]
    sentence: str  # the cited sentence, in the report's own text

    @property
    def breadcrumb(self) -> str:
        return " › ".join(self.section)


@dataclass(frozen=True)
class Link:
    """What a later report's review says about a commitment."""

    status: str = PENDING  # 达成 / 部分达成 / 未达成 / 未提及 / 待回顾
    reason: str = ""
    evidence: Source | None = None
    achieved: str = ""  # the review's figure as written, e.g. "90只"
    scores: str = ""  # how closely the evidence matched: 文本重合1.00，语义相似0.91


@dataclass(frozen=True)
class Commitment:
    source: Source
    year: int  # target year / deadline
    action: str
    item: str  # what is counted, or what the goal is about
    place: str
    target: str  # "50只", "1-2家"; "" for a qualitative goal
    value: float | None
    high: float | None
    at_least: bool
    unit: str
    strength: str  # 确保 / 力争 / 计划 / … or the action verb itself
    text: str  # the words the row was read from
    link: Link = field(default_factory=Link)
    # A goal that continues the clauses before it (…停車位40只,并完成附屬工程): those clauses, shown before it.
    lead: str = ""

    @property
    def summary(self) -> str:
        """One line in the report's words: 新建停車位50只（坎東初中）, 3家企業在寧波股交所掛牌."""
        if self.value is None:  # one row per object of a list: 确保A和B投入使用（A）
            listed = self.item and not self.lead and _EACH.search(normalize(self.text))
            return self.lead + self.text + (f"（{self.item}）" if listed else "")
        figure_first = 0 <= self.text.find(self.target) < self.text.find(self.item)
        line = f"{self.target}{self.item}" if figure_first else f"{self.action}{self.item}{self.target}"
        return f"{line}（{self.place}）" if self.place else line


@dataclass(frozen=True)
class Achievement:
    source: Source
    year: int
    metric: str
    value: float | None  # None when only the change is reported (规上工业增加值同比增长7%)
    unit: str
    figure: str  # as written: "58億元"
    change: float | None  # year-on-year, in percent
    text: str


@dataclass(frozen=True)
class Note:
    """A review clause without figures: the evidence for goals that have none."""

    source: Source
    year: int
    text: str


@dataclass(frozen=True)
class Extraction:
    commitments: list[Commitment]
    achievements: list[Achievement]
    notes: list[Note]
    areas: list[str] = field(default_factory=list)  # every area of the plan parts, in report order


def area_of(section: tuple[str, ...]) -> str:
    """The area a paragraph belongs to: the section under the plan part (（一）…城市客厅), else the part itself."""
    return section[1] if len(section) > 1 else section[0] if section else ""


@dataclass(frozen=True)
class Part:
    kind: str  # PLAN or REVIEW
    year: int


def report_year(report: Report) -> int:
    """今年 in the report's frame: the year it is dated, else the last year it speaks about."""
    for key in ("成文日期", "发布日期"):
        if m := _DATE_YEAR.search(report.metadata.get(key, "")):
            return int(m.group(1))
    return report.years[-1] if report.years else 0


def part_of(heading: str, this_year: int) -> Part | None:
    text = resolve_time_words(normalize(heading), this_year)
    years = [int(y) for y in YEAR.findall(text)]
    if _REVIEW_WORDS.search(text):
        return Part(REVIEW, years[0] if years else this_year - 1)
    if _PLAN_WORDS.search(text):
        return Part(PLAN, years[0] if years else this_year)
    if years:
        return Part(REVIEW if years[0] < this_year else PLAN, years[0])
    return None


def extract(report: Report) -> Extraction:
    this_year = report_year(report)
    out = Extraction([], [], [])
    for paragraph in report.paragraphs:
        part = part_of(paragraph.section[0], this_year) if paragraph.kind in ("body", "heading") else None
        # From the headings too, so an area without a commitment is listed; the part itself when text sits under it.
        if (part is not None and part.kind == PLAN and (paragraph.kind == "body" or len(paragraph.section) > 1)
                and (area := area_of(paragraph.section)) not in out.areas):
            out.areas.append(area)
        if part is None or paragraph.kind != "body":
            continue
        targets = False  # from 预期目标是： to the end of the paragraph
        for sentence in split_sentences(paragraph.text):
            source = _source(paragraph, sentence)
            if part.kind == PLAN:
                targets = targets or bool(_TARGETS.search(normalize(sentence)))
                out.commitments.extend(_commitments(source, part.year, this_year,
                                                    TARGET_STRENGTH if targets else ""))
            else:
                _review(source, part.year, this_year, out)
    return out


def _source(paragraph: Paragraph, sentence: str) -> Source:
    return Source(paragraph.doc_id, paragraph.number, paragraph.section, sentence)


# --- commitments ---------------------------------------------------------------------------------
@dataclass
class _Context:
    """What later clauses of a sentence inherit: 计划新申报…2家，培育…20家 (计划 covers both)."""

    strength: str = ""
    action: str = ""
    place: str = ""
    items: list[str] = field(default_factory=list)  # what the last clause with figures counted: 地区生产总值


def _commitments(source: Source, part_year: int, this_year: int, default: str = "") -> list[Commitment]:
    context = _Context(strength=default)
    rows: list[Commitment] = []
    parts = clauses(source.sentence)
    for i, clause in enumerate(parts):
        if hedge := _HEDGE.search(clause.match):
            # A new promise starts: in 力争科技独角兽企业1家 the 新申报 of the clause before does not apply.
            context.strength, context.action = clause.display[hedge.start() : hedge.end()], ""
        year = _deadline(clause, part_year, this_year)
        found = _counted(clause)
        if found:
            following = parts[i + 1] if i + 1 < len(parts) else None
            rows.extend(_goal_before(source, year, clause, found[0]))
            new = [row for segment in found
                   for row in _quantitative(source, year, clause, segment, context, following)]
            rows.extend(_expand_each(clause, _share_items(new), context.items))
            if named := [m for c in new if (m := _metric(c))]:
                context.items = named
        elif locative := _LOCATIVE.match(clause.match):
            context.place = clause.display[locative.end():]
        else:
            rows.extend(_qualitative(source, year, parts, i))
    return rows


def _goal_before(source: Source, year: int, clause: Clause, first: Segment) -> list[Commitment]:
    """完成A、B主体建设和8万平方米广场: the goal before the 和 is one of its own (A, B); the figure counts 广场."""
    q = first.quantity
    if q.start < 1 or clause.match[q.start - 1] not in _ENTRY_END.replace("、", ""):
        return []
    return _qualitative(source, year, [clause_of(clause.display[: q.start - 1])], 0)


def _share_items(rows: list[Commitment]) -> list[Commitment]:
    """Figures listed with nothing of their own count the thing their neighbour names: 完成3800户、58万平方米棚户区改造
    (the next one's), 参保率保持在90%和98%以上 (the one before)."""
    out = list(rows)
    for i in range(len(out) - 2, -1, -1):
        if not out[i].item and out[i + 1].item:
            out[i] = replace(out[i], item=out[i + 1].item)
    for i in range(1, len(out)):
        if not out[i].item and out[i - 1].item:
            out[i] = replace(out[i], item=out[i - 1].item)
    return out


def _qualitative(source: Source, year: int, parts: list[Clause], i: int) -> list[Commitment]:
    """A goal without figures: one row per object it names (the objects of the clause it continues, if none)."""
    clause = parts[i]
    text, shown = clause.match, clause.display
    if _OUTLINE.search(text):
        return []
    lead = ""
    if goal := _QUALITATIVE_HEDGE.search(text):
        before = _objects(clause, 0, goal.start())  # 大唐…露天矿完成核准
        if (len(text) - goal.end() < 4 and not before) or _framed(text, goal):
            return []
        action = shown[goal.end():]
        items = _objects(clause, goal.end(), len(text)) or before
        if _leans_back(text, goal):
            head = _head(parts, i)
            lead = words_before(source.sentence, head, i)
            items = items or _objects(parts[head], 0, len(parts[head].match))
    elif (goal := _DELIVERABLE.search(text)) and not _continued(parts, i):
        action, items = shown, _objects(clause, 0, len(text))
    else:
        return []
    strength = shown[goal.start() : goal.end()]
    return [Commitment(source, year, action, item, "", "", None, None, False, "", strength, shown, lead=lead)
            for item in items or [""]]


def _counted(clause: Clause) -> list[Segment]:
    """The clause's segments without capacities that are part of a project's name: 大唐700万吨露天矿完成核准,
    400万吨褐煤提质建成投产 (no verb before the figure, the name goes on after it); 产量达到15万吨 counts."""
    return [s for s in segments(clause) if not (
        s.quantity.unit in _CAPACITY_UNIT and _NAME_GOES_ON.match(clause.match, s.quantity.end)
        and not _HEDGE_AFTER.match(clause.match, s.quantity.end)
        and not _VERB.search(clause.match, s.start, s.quantity.start))]


def _continued(parts: list[Clause], i: int) -> bool:
    """The clauses after this one count or continue its work, and are listed instead: 实施…停车场建设工程，新建停车位
    50只…; 实施道路改造工程，并完成附属工程."""
    if any(_counted(p) for p in parts[i + 1 :]):
        return True
    goal = _QUALITATIVE_HEDGE.search(parts[i + 1].match) if i + 1 < len(parts) else None
    return goal is not None and _leans_back(parts[i + 1].match, goal)


def _objects(clause: Clause, start: int, end: int) -> list[str]:
    """The things a goal names: 完成对A、B等主干道路的综合改造 → A, B; 新建的A和B投入使用 → A, B."""
    text = clause.match
    start = strip_lead(text, start, end, _OBJECT_LEAD)
    end = trim_end(text, start, end, _OBJECT_TAIL)
    if examples := _EXAMPLES.search(text, start, end):
        end = examples.start()
    return [clause.display[a:b] for a, b in split_span(text, start, end, _EACH) if b - a >= MIN_OBJECT]


def _framed(text: str, goal: re.Match[str]) -> bool:
    """是完成…的最后一年, 为确保…, 完成…的关键: the goal word names or serves something, it promises nothing."""
    return bool(_FRAME_BEFORE.search(text, 0, goal.start()) or _FRAME_HEAD.search(text))


def _leans_back(text: str, goal: re.Match[str]) -> bool:
    """并完成附属工程, 确保尽早投产: the clause continues the one before or names nothing of its own."""
    return bool(_CONNECTOR.match(text) or _BARE_PREDICATE.fullmatch(text, goal.end()))


def _head(parts: list[Clause], i: int) -> int:
    """The clause a fragment belongs to: the nearest one before it that acts, promises or pushes the work on (要加快A、B等
    项目的推进，确保按期开工建设), else the first."""
    return next((j for j in range(i - 1, -1, -1)
                 if (_VERB.search(parts[j].match) or _HEDGE.search(parts[j].match) or _PUSH.search(parts[j].match))
                 and not _CONNECTOR.match(parts[j].match)), 0)


def _deadline(clause: Clause, part_year: int, this_year: int) -> int:
    """The part's year, unless the clause names a later one (到2025年, 明年)."""
    years = [int(y) for y in YEAR.findall(resolve_time_words(clause.match, this_year))]
    return max([part_year, *years])


def _quantitative(source: Source, year: int, clause: Clause, segment: Segment,
                  context: _Context, following: Clause | None = None) -> list[Commitment]:
    q, text, shown = segment.quantity, clause.match, clause.display
    start = strip_lead(text, segment.start, q.start, _LEAD)
    place = subject = ""
    if verb := _VERB.search(text, start, q.start):
        place = shown[_after_locative(text, start, verb.start()) : verb.start()]
        subject = "" if _LOCATIVE.match(text, start) else place  # 固定资产投资完成194亿元: the metric, no place
        context.action = shown[verb.start() : verb.end()]
        start = strip_lead(text, verb.end(), q.start, _VERB)  # 开工建设10万平方米住宅: 建设 is no item either
    end = trim_end(text, start, q.start, _TRAIL)
    if text[q.start - 1 : q.start] in _ENTRY_END:  # 实施A、5000亩B: A is a list entry of its own, B is counted
        end = start
    inherited = ""
    after = _after_figure(text, q.end, segment.end)
    if start < end and after[1] - after[0] >= MIN_OBJECT and _NAMES_WHERE.search(text, start, end):
        # 孙家屯、团结村等7个现代牧场, 奋斗镇1万亩节水灌溉: the words before say where or which, those after what
        place, start, end = shown[start:end], q.end, q.end
    if start == end:  # the figure comes first: 3家企业在宁波股交所挂牌, 2500米道路开展临水护栏建设
        start, end = after
        if verb := _VERB.search(text, start, end):
            context.action = shown[verb.start() : verb.end()]
        if start == end and context.items and not _HEDGE_AFTER.match(text, start):
            inherited = context.items[-1]  # 地区生产总值增长8%，达到296亿元: the metric of the clause before
    elif q.unit == "%" and (growth := _GROWTH_ITEM.fullmatch(text, start, end)) and context.items:
        inherited = context.items[-1] + growth.group(1)  # 地区生产总值达到240亿元，同比增长21%
    hedge = _HEDGE_AFTER.match(text, q.end)
    promised = bool(context.strength or context.action or hedge or _LEVEL_VERB.search(text, start, q.start))
    investment = _INVESTMENT.search(text, start, end) if start < end else None
    # 投资1.3亿元实施A工程: a planned investment, counted for its project (README: judged by the project's stage unless
    # the review gives the amount done). A promise (确保投资5500万元的A) names it after the figure; a bare 投资X元 may
    # name it in the next clause (投资1亿元，启动实施A).
    project = _project(clause, q.end, len(text), None if promised else following) if investment else None
    if project is not None:
        action, (item, words) = shown[investment.start() : investment.end()], project
        return [Commitment(source, year, action, item, "", shown[q.start : q.end], q.value, q.high, q.at_least,
                           q.unit, context.strength or action, words)]
    if not promised:
        return []  # neither promised nor acted on: 作为…的两个重要支点 is rhetoric, not a target
    target = shown[q.start : hedge.end() if hedge else q.end]
    # 甲项目和乙项目各1个: one row per item.
    items = split_span(text, start, end, _EACH) if text[q.start - 1 : q.start] == "各" else [(start, end)]
    row_text = _row_text(clause, segment, end)
    rows = []
    for a, b in items:
        (pa, pb), (ia, ib) = _split_place(text, a, b)
        item = inherited or shown[ia:ib]
        if not item and subject:
            item, place = subject, ""
        rows.append(Commitment(source, year, context.action, item,
                               shown[pa:pb] or place or context.place, target, q.value, q.high, q.at_least, q.unit,
                               context.strength or context.action, row_text))
    return rows


def _project(clause: Clause, start: int, end: int, following: Clause | None) -> tuple[str, str] | None:
    """What a planned investment is for, and the row's words: the words after its figure (投资1.3亿元实施A工程,
    投资1.3亿元的A) or, when there are none, the next clause (投资1亿元，启动实施A工程): A, without the verbs before it
    and the predicate."""
    spans = [(clause, start, end, clause.display)]
    if following:
        spans.append((following, 0, len(following.match), f"{clause.display}，{following.display}"))
    for c, a, b, words in spans:
        a = strip_lead(c.match, strip_lead(c.match, a, b, _OF), b, _OBJECT_LEAD)
        b = trim_end(c.match, a, b, _OBJECT_TAIL)
        if b - a >= MIN_OBJECT:
            return c.display[a:b], words
    return None


def _after_figure(text: str, start: int, end: int) -> tuple[int, int]:
    """The item after a figure, up to the list's next 、, without its 的 and predicate: 15公里雨水管网二期工程按期竣工 →
    雨水管网二期工程; 23万平方米的建材城 → 建材城."""
    end = _item_end(text, start, end)
    start = strip_lead(text, strip_lead(text, start, end, _HEDGE_AFTER), end, _OF)  # 98%以上 names no item
    return start, trim_end(text, start, end, _PREDICATE_TAIL)


def _metric(c: Commitment) -> str:
    """What a row measures, for the clauses after it: 地区生产总值 (from 地区生产总值增长8% too)."""
    item = normalize(c.item)
    if c.unit == "%":
        growth = _GROWTH_ITEM.search(item)
        return c.item[: growth.start()] if growth and growth.start() >= 2 else ""
    return c.item


def _expand_each(clause: Clause, rows: list[Commitment], before: list[str]) -> list[Commitment]:
    """甲达到…、乙达到…，分别增长20%: one growth row per item of the clause before."""
    if "分别" not in clause.match or len(rows) != 1 or len(before) < 2 or rows[0].unit != "%":
        return rows
    change = m.group(1) if (m := _GROWTH_ITEM.search(normalize(rows[0].item))) else ""
    return [replace(rows[0], item=item + change) for item in before]


def _row_text(clause: Clause, segment: Segment, end: int) -> str:
    """The words of one row: its segment without the list separator before it or the next item after it."""
    start = strip_lead(clause.match, segment.start, segment.quantity.start, _SEPARATOR)
    return clause.display[start : max(segment.quantity.end, end)]


def _item_end(text: str, start: int, end: int) -> int:
    """End of the first item of a 、-list: 3家企业在…挂牌、… counts only the first."""
    cut = text.find("、", start, end)
    return end if cut < 0 else cut


def _after_locative(text: str, start: int, end: int) -> int:
    m = _LOCATIVE.match(text, start, end)
    return m.end() if m else start


def _split_place(text: str, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """三四灶村文化礼堂附属停车位 → spans of (三四灶村文化礼堂, 停车位)."""
    m = _PLACE.match(text, start, end)
    return (m.span(1), m.span(2)) if m else ((start, start), (start, end))


# --- achievements --------------------------------------------------------------------------------
def _review(source: Source, part_year: int, this_year: int, out: Extraction) -> None:
    first = len(out.achievements)  # a change (同比增长2.8%) attaches to this sentence's previous figure
    for clause in clauses(source.sentence):
        named = [int(y) for y in YEAR.findall(resolve_time_words(clause.match, this_year))]
        if _FUTURE.search(clause.match) or any(y > part_year for y in named):
            return  # the rest of a review sentence that looks ahead (2023年将完成…，每年可增收…) is no achievement
        found = _counted(clause)
        # A clause with figures is also a note when it tells a project's stage: 投资6亿元的伊仕丹购物广场正式营业.
        if (not found or _REVIEW_WORDING.search(clause.match)) and len(clause.match) >= 4:
            out.notes.append(Note(source, part_year, clause.display))
        before = len(out.achievements)
        for segment in found:
            _achievement(source, part_year, clause, segment, out, first)
        if _RESPECTIVELY in clause.match:
            out.achievements[before:] = _respectively(out.achievements[before:])


def _respectively(rows: list[Achievement]) -> list[Achievement]:
    """A和B分别增长8%和9%, 城乡居民人均可支配收入分别增长8.7%和8.6%: one row per thing named, each with its own figure
    (a change when the first is one)."""
    if len(rows) < 2:
        return rows
    names = _parts_of(rows[0].metric.replace(_RESPECTIVELY, ""))
    if len(names) != len(rows):
        return rows
    if rows[0].value is None:  # 分别增长8.7%和8.6%: the figures after the first are changes too
        return [replace(row, metric=name, value=None, unit="", figure="",
                        change=row.change if row.change is not None else row.value) for name, row in zip(names, rows)]
    return [replace(row, metric=name) for name, row in zip(names, rows)]


def _parts_of(metric: str) -> list[str]:
    """地区生产总值和财政收入 → both; 城镇和农村居民收入 → 城镇居民收入, 农村居民收入; 城乡居民收入 → 城镇居民收入, 农村居民收入."""
    text = normalize(metric)
    spans = split_span(text, 0, len(text), _EACH)
    if len(spans) > 1:
        last_a, last_b = spans[-1]
        shared = metric[last_a + (spans[0][1] - spans[0][0]) : last_b]  # what the last part says after its own name
        return [metric[a:b] + (shared if b - a <= MIN_OBJECT else "") for a, b in spans[:-1]] + [metric[last_a:last_b]]
    for compound, parts in _COMPOUNDS.items():
        if (at := text.find(compound)) >= 0:
            return [metric[:at] + part + metric[at + len(compound):] for part in parts]
    return [metric]


def _achievement(source: Source, year: int, clause: Clause, segment: Segment, out: Extraction, first: int) -> None:
    q, text, shown = segment.quantity, clause.match, clause.display
    start = strip_lead(text, segment.start, q.start, _REVIEW_LEAD)
    if q.unit == "%" and (change := _CHANGE.search(text, start, q.start)):
        rate = -q.value if change.group(1) in _FALL else q.value
        previous = out.achievements[-1] if len(out.achievements) > first else None
        if change.start() == start and previous is not None and previous.change is None:
            out.achievements[-1] = replace(previous, change=rate)
        elif change.start() > start:
            out.achievements.append(Achievement(source, year, shown[start : change.start()], None, "", "", rate,
                                                shown[segment.start : q.end]))
        return
    end = trim_end(text, start, q.start, _TRAIL)
    after = _item_end(text, q.end, segment.end)
    if start == end or (_REPORTING_END.search(text, start, end) and after > q.end):
        # 全年有82家企业获…扶持, 共实施24个工程项目: the metric follows the figure
        start, end = q.end, after
    metric = _bracketed_metric(clause, segment, start) or shown[start:end]
    out.achievements.append(Achievement(source, year, metric, q.value, q.unit, shown[q.start : q.end],
                                        None, _row_text(clause, segment, end)))


def _bracketed_metric(clause: Clause, segment: Segment, start: int) -> str:
    """A figure in brackets measures what stands before them: 8家企业(超50亩用地) → 企业用地, not 企业.

    The words before the bracket (from start) and the bracket's own words, before the figure or else after it.
    """
    text, shown, q = clause.match, clause.display, segment.quantity
    bracket = text.rfind("(", start, q.start)
    if bracket < 0 or ")" in text[bracket : q.start]:
        return ""
    close = text.find(")", q.end, segment.end)
    inner = strip_lead(text, bracket + 1, q.start, _REVIEW_LEAD)
    inner_end = trim_end(text, inner, q.start, _TRAIL)
    words = shown[inner:inner_end] if inner_end > inner else shown[q.end : close if close >= 0 else segment.end]
    return shown[start : trim_end(text, start, bracket, _TRAIL)] + words
