"""Whose report is it: title, issuing government, kind, year, date, speaker, meeting, 文号.

Read from the report's own title and header lines (the title line, the "——2025年1月20日在…人民代表大会
第三次会议上" line, the speaker line, a 索引号-style metadata block), then from DOCX core properties or
HTML <title> when the reader passes them, and from the file name only as a last resort. A title whose
government the gazetteer does not list (测试街道2024年工作总结…) still names it: the name as printed, its level
read from its ending (index/lexicon/government_suffixes.tsv), before any place the report's text mentions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace

from index.lexicon import table
from index.places import NATIONAL_GOVERNMENT, Place, gazetteer
from index.textnorm import YEAR, clean, normalize, to_simplified

# Kinds of report, most specific first; the first found in the title (or header) names the kind.
KINDS = ("政府工作报告", "工作总结和工作计划", "工作总结与计划", "工作总结及计划", "工作总结", "工作计划", "工作要点", "工作报告", "计划总结")
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_MEETING = re.compile(r"(?:在|^|[—-])((?:[\u4e00-\u9fff]{2,20}?)?第[一二三四五六七八九十]+届(?:全国)?人民代表大会第[一二三四五六七八九十]+次会议)")
# 省长 王清宪 / 市长龚正 / 龚正市长 / 自治区人民政府主席王莉霞 / 区长　　杜联合 / 国务院总理 李强
_OFFICE = r"(?:总理|省长|代省长|市长|代市长|区长|代区长|县长|代县长|旗长|州长|盟长|主席|镇长|乡长|主任)"
_SPEAKER_AFTER = re.compile(rf"{_OFFICE}[\s\u3000]*([\u4e00-\u9fff·]{{2,8}}?)(?=$|[\s\u3000]|作|在|的|向)")
_SPEAKER_BEFORE = re.compile(rf"(?:^|[\s\u3000\d日])([\u4e00-\u9fff·]{{2,4}}){_OFFICE}(?=在|[\s\u3000]|$)")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}〔\d{4}〕\d+号|[\u4e00-\u9fff]{1,6}\[\d{4}\]\d+号")
_NOT_NAME = frozenset("人民 政府 代表 大会 会议 报告 工作".split())
_NAME_EDGES = re.compile(r"^[日年月]+|同志$")
HEADER_LINES = 6  # the title, source, date and speaker lines sit at the very top
_TITLE_CHARS = 40  # a title line is short; longer lines are the report's text
# A first line that is not a title: a sentence or salutation (…。 各位代表：), a key-value line (来源：…),
# a numbered heading or item, the "——2025年1月…" date line, an index number or date (no Chinese at all).
_NOT_TITLE = re.compile(r"[。！？；：:!?;]$|^[^:：]{1,8}[:：].|^[\d一二三四五六七八九十]+[.、]|^[(（]|^[—-]|^[^\u4e00-\u9fff]*$")
# 各级政府 by how their names end (index/lexicon/government_suffixes.tsv), longest ending first.
_LEVEL_BY_SUFFIX = sorted(((suffix, level) for level, suffixes in table("government_suffixes.tsv").items()
                           for suffix in suffixes), key=lambda pair: -len(pair[0]))
_SUFFIXES = "|".join(suffix for suffix, _ in _LEVEL_BY_SUFFIX)
# The government a title names first (测试街道2024年工作总结…, 2024年某某镇政府工作报告), for names the gazetteer lacks:
# at least two characters before the ending, then the year, 工作, 政府 or nothing (so 全区2024年… names none).
_PRINTED_GOVERNMENT = re.compile(
    rf"^(?:(?:19|20)\d{{2}}年度?)?([\u4e00-\u9fff]{{2,12}}?(?:{_SUFFIXES}))(?:人民政府|政府|办事处)?(?=(?:19|20)\d{{2}}年|工作|政府|$)")


@dataclass(frozen=True)
class Identity:
    title: str = ""  # the report's own title, e.g. 2025年安徽省政府工作报告
    place: str = ""  # issuing government's division: 安徽省, 海拉尔区, 坎墩街道, 全国
    level: str = ""  # 国家 / 省 / 市 / 区县 / 乡镇街道
    parents: tuple[str, ...] = ()  # enclosing divisions: ('内蒙古自治区', '呼伦贝尔市')
    aliases: tuple[str, ...] = ()  # short names residents use: 安徽, 海拉尔
    kind: str = ""  # 政府工作报告, 工作总结与计划…
    year: int | None = None  # the year it was given in, which it plans (a 2025 report reviews 2024)
    reviewed_years: tuple[int, ...] = ()
    planned_years: tuple[int, ...] = ()
    date: str = ""  # ISO date it was given or published
    speaker: str = ""
    meeting: str = ""
    doc_number: str = ""  # 文号
    corrected: tuple[str, ...] = field(default=())  # fields staff set by hand

    @property
    def government(self) -> str:
        """How an answer names the issuer: 安徽省, 呼伦贝尔市海拉尔区."""
        if self.level == "乡镇街道" and self.parents:
            return f"{self.parents[-1]}{self.place}"
        return self.place

    def label(self) -> str:
        """《title》 as answers cite it."""
        return f"《{self.title}》" if self.title else ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Identity:
        """An identity stored by to_json; unknown keys (a newer version's) are ignored."""
        record = json.loads(text) if text else {}
        known = {f.name: f for f in fields(cls)}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in record.items() if k in known})


def unspace(line: str) -> str:
    """"政 府 工 作 报 告" → "政府工作报告": titles are often spaced out for layout."""
    return _SPACED.sub("", line.strip())


def read_identity(header: Sequence[str], metadata: Mapping[str, str], body: Sequence[str],
                  years: tuple[int, ...], source: str, properties: Mapping[str, str] | None = None) -> Identity:
    """header: the lines before the first heading; body: the rest (its opening names the government when
    the header does not: "我代表海拉尔区人民政府"); properties: DOCX core properties or HTML <title>."""
    lines = _header_lines(header)
    opening = [to_simplified(clean(line)) for line in body[:3]]
    extra = _property_texts((properties or {}).values())
    title_line = _title_line(lines, extra)
    texts = [t for t in (title_line, *lines, metadata.get("发布机构", ""), *opening, *extra, source) if t]
    place = _place(texts, title_line)
    kind = next((k for t in (title_line, *lines, *extra) for k in KINDS if k in normalize(t)), "")
    if "总结" in title_line and "计划" in title_line:  # "2023年工作总结和2024年工作计划": both, years between
        kind = "工作总结与计划"
    if kind == "工作报告" and any("人民代表大会" in line for line in lines):
        kind = "政府工作报告"  # "向大会作工作报告" at a 人代会 is the government's report
    date = _date(lines, metadata)
    year = _report_year(title_line, date, years)
    reviewed = tuple(y for y in years if year is not None and y < year)
    if year is not None and not reviewed and kind in ("政府工作报告", "工作报告", "计划总结", "工作总结与计划"):
        reviewed = (year - 1,)  # these review the year before, even when no heading names it
    planned = tuple(y for y in years if year is not None and y >= year) or ((year,) if year else ())
    title = _title(title_line, place, kind, year)
    speaker = next((s for line in lines if (s := _speaker(line))), "")
    meeting = next((m.group(1) for line in lines if (m := _MEETING.search(line))), "")
    number = next((m.group(0) for line in [*lines, *metadata.values()] if (m := _DOC_NUMBER.search(line))), "")
    return Identity(
        title=title, place=place.name if place else "", level=place.level if place else "",
        parents=place.parents if place else (), aliases=_aliases(place) if place else (), kind=kind,
        year=year, reviewed_years=reviewed, planned_years=planned, date=date, speaker=speaker, meeting=meeting,
        doc_number=number,
    )


@dataclass(frozen=True)
class Correction:
    """What staff set by hand at ingest (govqa ingest --title/--place/--year, the staff preview)."""

    title: str | None = None
    place: str | None = None
    year: int | None = None

    def __bool__(self) -> bool:
        return bool(self.title or self.place or self.year)


def corrected(identity: Identity, *, title: str | None = None, place: str | None = None,
              year: int | None = None) -> Identity:
    """Staff corrections at ingest: the given fields replace what was read (a place is looked up)."""
    changes: dict = {}
    if place:
        found = _place([place]) or _printed_place(place)
        changes.update(place=found.name if found else place, level=found.level if found else "",
                       parents=found.parents if found else (), aliases=_aliases(found) if found else ())
    if year:
        changes.update(year=year, reviewed_years=(year - 1,), planned_years=(year,))
    changes = {**changes, "title": title} if title else changes
    if not changes:
        return identity
    given = [name for name, value in (("title", title), ("place", place), ("year", year)) if value]
    fixed = replace(identity, **changes, corrected=tuple(sorted({*identity.corrected, *given})))
    if not title and (place or year):  # a composed title follows the corrected place and year
        found = _place([fixed.place]) if fixed.place else None
        if found is None and fixed.place:  # a place the gazetteer does not know is named as typed
            found = Place(fixed.place, fixed.level)
        fixed = replace(fixed, title=_title("", found, fixed.kind, fixed.year))
    return fixed


def _header_lines(header: Sequence[str]) -> list[str]:
    return [unspace(to_simplified(clean(line))) for line in header[:HEADER_LINES] if line.strip()]


def _property_texts(values: Iterable[str]) -> list[str]:
    return [to_simplified(clean(v)) for v in values if v and v.strip()]


def title_line(header: Sequence[str], properties: Iterable[str] = ()) -> str:
    """The report's printed title as read_identity finds it (Simplified, half-width, unspaced)."""
    return _title_line(_header_lines(header), _property_texts(properties))


def _title_line(lines: Sequence[str], properties: Sequence[str]) -> str:
    """The first short header line that names a kind of report (政府工作报告, 工作总结…); else the first line
    when it is shaped as a title (a TXT's first line, a DOCX Heading 1: 测试街道2024年工作情况); else a
    property (the DOCX core title) that names a kind."""
    def names_kind(line: str) -> bool:
        norm = normalize(line)
        return (len(norm) <= _TITLE_CHARS and any(k in norm for k in (*KINDS, "报告", "总结", "计划"))
                and not norm.startswith(("来源", "——", "--")))

    if found := next((line for line in lines if names_kind(line)), ""):
        return found.strip()
    if lines and len(first := lines[0].strip()) <= _TITLE_CHARS and not _NOT_TITLE.search(first):
        return first
    return next((line.strip() for line in properties if names_kind(line)), "")


def _printed_place(title: str) -> Place | None:
    """The government a title names first when the gazetteer does not list it, its level read from its
    ending (测试街道 → 乡镇街道); None when the title opens with no such name."""
    if not (m := _PRINTED_GOVERNMENT.match(normalize(title))):
        return None
    name = m.group(1)
    return Place(name, next(level for suffix, level in _LEVEL_BY_SUFFIX if name.endswith(suffix)))


def _place(texts: Sequence[str], title: str = "") -> Place | None:
    """The issuing government: the first text that names a division decides; within it, the most specific
    division whose enclosing divisions the texts also name (坎墩街道 of 慈溪市, not another 坎墩街道). A title
    that names none the gazetteer knows still names its own (测试街道…): that decides before the other texts."""
    places = gazetteer()
    named = [[p for _, _, p in places.mentions(normalize(text))] for text in texts]
    everywhere = {p.name for found in named for p in found}
    for text, found in zip(texts, named):
        if any(n in normalize(text) for n in ("国务院", "全国人民代表大会")):
            return NATIONAL_GOVERNMENT
        found = [p for p in found if p is not NATIONAL_GOVERNMENT]
        if found:
            return max(found, key=lambda p: (sum(parent in everywhere for parent in p.parents), len(p.parents),
                                             -len(places.lookup(p.name))))
        if title and text == title and (printed := _printed_place(title)):
            return printed
    return None


def _aliases(place: Place) -> tuple[str, ...]:
    """The names a question may use: official aliases, and the name without its suffix (坎墩 for 坎墩街道)."""
    bare = re.sub(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市|街道|镇|乡)$", "", place.name)
    extra = (bare,) if len(bare) >= 2 and bare != place.name else ()
    return tuple(dict.fromkeys((*place.aliases, *extra)))


def _date(lines: Sequence[str], metadata: Mapping[str, str]) -> str:
    for text in (*lines, metadata.get("成文日期", ""), metadata.get("发布日期", "")):
        if m := _DATE.search(text):
            year, month, day = (int(g) for g in m.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


def _report_year(title_line: str, date: str, years: tuple[int, ...]) -> int | None:
    """The year a report plans: its title's year, else the year it was given in (reports are given early
    in the year they plan), else the last year it speaks about."""
    if found := YEAR.findall(normalize(title_line)):
        return max(int(y) for y in found)  # "2023年工作总结和2024年工作计划" plans 2024
    if date:
        return int(date[:4])
    return years[-1] if years else None


def _title(title_line: str, place: Place | None, kind: str, year: int | None) -> str:
    """The title as printed when it names the government and year; otherwise composed from what is known
    ("政府工作报告" alone → 2014年海拉尔区政府工作报告)."""
    norm = normalize(title_line)
    names_place = place is not None and any(n in norm for n in place.names)
    if title_line and names_place and (YEAR.search(norm) or not kind):  # 测试街道工作情况: no kind to compose with
        return title_line if YEAR.search(norm) or not year else f"{year}年{title_line}"
    if kind in ("计划总结", "工作总结与计划", "工作总结和工作计划") and place and year:
        return f"{place.name}{year - 1}年工作总结和{year}年工作计划"
    parts = [f"{year}年" if year else "", place.name if place and place.level != "国家" else "国务院" if place else "",
             kind or (re.sub(r"^(?:19|20)\d{2}年", "", title_line) if title_line else "")]
    return "".join(parts) or title_line


def _speaker(line: str) -> str:
    for pattern in (_SPEAKER_AFTER, _SPEAKER_BEFORE):
        for m in pattern.finditer(line):
            name = _NAME_EDGES.sub("", m.group(1))
            if name not in _NOT_NAME and not any(w in name for w in _NOT_NAME):
                return name
    return ""
