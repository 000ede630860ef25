"""A synthetic corpus for the benchmark: N reports of N distinct governments, made from the bundled sample.

Report 0 is the sample itself, under its own file name, so the development questions apply to it.
Every other report is given by a government of its own, drawn from a real list of Chinese
administrative divisions (jionlp's china_location, the gazetteer of index/places.py) at 街道/镇, 区县
and 市 level: 坎墩街道 becomes its name in the header (the 发布机构 line, from which index/identity.py
composes the title 某某镇2022年工作总结和2023年工作计划), 坎墩 its short name, the word 街道 its own level
(镇, 区, 市…) and the place names built on 坎 (坎东, 坎塘…) start with its first character. The review
and plan years shift together (text, dates, index number) and every figure is scaled by a factor of
its own, keeping each figure's format. The structure is untouched: same lines, same headings.
Report i depends only on (seed, i), so generate(100) is the first 100 reports of generate(1000).
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.settings import Settings
from index.places import Place, gazetteer
from index.textnorm import to_simplified

SAMPLE = Settings.model_fields["sample_report"].default
SAMPLE_PLACE = Place("坎墩街道", "乡镇街道", ("浙江省", "宁波市", "慈溪市"))
SAMPLE_YEAR = 2022  # the year the sample reviews
# Of every six reports: three 街道/镇/乡, two 区县, one 市 — about the proportions of an archive that
# holds every level, while 市 (321 with a name of their own) last for ~1,900 reports; then towns.
LEVEL_CYCLE = ("乡镇街道", "区县", "乡镇街道", "市", "乡镇街道", "区县")
REVIEW_YEARS = range(2018, 2030)  # plan year = review year + 1, so pairs 2018–2019 … 2029–2030
SCALE_RANGE = (0.05, 0.35)  # |factor − 1|: far enough from 1 that every figure of two digits changes

_INDEX_NUMBER = re.compile(r"^(\w+)/(\d{4})-(\d+)$", re.MULTILINE)
# A year in text (2022年, 2022年度) or a date (2023-01-09); never a figure like 2513米.
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?=年|-\d{2}-\d{2})")
# A figure is a number with a unit; bare numbers (1+4+2, “1612”体系, 24小时, 4#地块, headings 1.) are names.
# Traditional units for the sample's text, Simplified ones for the answer facts of questions about it.
_UNITS = "億元|萬元|萬平方米|亿元|万元|万平方米|平方米|家|個|个|戶|户|畝|亩|名|件|處|处|米|只|套|條|条|項|项|次|%"
_FIGURE = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)(\s?余?)({_UNITS})")
# The sample's own names, longest first: its 街道, its short name, its level, the names built on 坎.
_OWN_NAMES = re.compile("坎墩街道|坎墩|街道|坎")
_BUILT_ON_SHORT = re.compile("坎(?!墩)(.)")  # the sample's places named after it: 坎塘, 坎東, 坎中, 坎勝
# How a government's name ends, which replaces the sample's 街道 (街道党工委 → 县党工委).
LEVEL_WORDS = ("街道", "镇", "乡", "区", "县", "旗", "市", "州", "盟")
_LEVEL_WORD = re.compile(f"({'|'.join(LEVEL_WORDS)})$")


def short_name(place: Place) -> str:
    """The name residents say: 慈溪 for 慈溪市, 长安 for 长安镇; the full name when that leaves one character."""
    if place.aliases:
        return place.aliases[0]
    bare = _LEVEL_WORD.sub("", place.name)
    return bare if len(bare) >= 2 else place.name


@dataclass(frozen=True)
class Variant:
    """What makes one synthetic report different from the sample."""

    place: Place
    review_year: int
    factor: float
    serial: int

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def short(self) -> str:
        return short_name(self.place)

    @property
    def file_name(self) -> str:
        return f"{self.name}-{self.review_year}-review-{self.review_year + 1}-plan.txt"

    @property
    def names(self) -> frozenset[str]:
        """Every name this report puts where the sample has one of its own: its name, its short name and
        the places built on its first character (坎塘 → 民塘)."""
        return frozenset({self.name, self.short, *(self.short[0] + rest for rest in _built_suffixes())})

    def replacement(self, own: str) -> str:
        """What one of the sample's own names (_OWN_NAMES) becomes in this report."""
        level = m.group(1) if (m := _LEVEL_WORD.search(self.name)) else "街道"
        return {"坎墩街道": self.name, "坎墩": self.short, "街道": level, "坎": self.short[0]}[own]


SAMPLE_VARIANT = Variant(SAMPLE_PLACE, SAMPLE_YEAR, 1.0, serial=268)  # the sample as a variant of itself


@lru_cache(maxsize=1)
def _built_suffixes() -> frozenset[str]:
    """In both scripts: chunks are searched (and embedded) in Simplified, 坎東 as 坎东."""
    found = _BUILT_ON_SHORT.findall(SAMPLE.read_text(encoding="utf-8"))
    return frozenset({*found, *map(to_simplified, found)})


def _own_name(place: Place) -> bool:
    """Every name of the place means it alone (no other 东山街道), and it is not the sample's."""
    places = gazetteer()
    return place.name != SAMPLE_PLACE.name and all(len(places.lookup(n)) == 1 for n in place.names)


@lru_cache(maxsize=4)
def places(seed: int) -> tuple[Place, ...]:
    """The governments of reports 1, 2, … in order: LEVEL_CYCLE's levels, each level's divisions in a
    seeded order, towns once a level is used up; every one distinct."""
    pools = {}
    for level in dict.fromkeys(LEVEL_CYCLE):
        pool = sorted((p for p in gazetteer().places if p.level == level and _own_name(p)),
                      key=lambda p: (p.name, p.parents))
        random.Random(f"{seed}:{level}").shuffle(pool)
        pools[level] = pool
    order: list[Place] = []
    while pool := pools[LEVEL_CYCLE[len(order) % len(LEVEL_CYCLE)]] or pools["乡镇街道"]:
        order.append(pool.pop())
    return tuple(order)


def variant(seed: int, i: int) -> Variant:
    """Report i's government, years and factor (i ≥ 1; report 0 is the sample, SAMPLE_VARIANT)."""
    rng = random.Random(f"{seed}:{i}")  # per report, so a report does not depend on N
    factor = 1 + rng.choice((-1, 1)) * rng.uniform(*SCALE_RANGE)
    # The serial includes i: index numbers, and so contents, are distinct by construction.
    return Variant(places(seed)[i - 1], rng.choice(REVIEW_YEARS), factor,
                   serial=(rng.randrange(100_000) + i) % 100_000)


def _format_like(original: str, value: float) -> str:
    """value with as many decimals as original has (an integer stays an integer, at least 1)."""
    decimals = len(original.partition(".")[2])
    smallest = 10 ** -decimals
    return f"{max(value, smallest):.{decimals}f}"


def _scaled(number: str, unit: str, factor: float) -> str:
    value = float(number)
    if unit != "%":
        return _format_like(number, value * factor)
    if value >= 100:  # 办结率100% stays complete
        return number
    scaled = value * factor
    # A share pushed past 100% shrinks its remainder instead: 99.86% → 99.88%, never 109.8%.
    return _format_like(number, scaled if scaled < 100 else 100 - (100 - value) / factor)


def vary(text: str, v: Variant) -> str:
    shift = v.review_year - SAMPLE_YEAR
    text = _INDEX_NUMBER.sub(lambda m: f"{m[1]}/{int(m[2]) + shift}-{v.serial:0{len(m[3])}d}", text, count=1)
    text = _YEAR.sub(lambda m: str(int(m[1]) + shift), text)
    text = _FIGURE.sub(lambda m: f"{_scaled(m[1], m[3], v.factor)}{m[2]}{m[3]}", text)
    # One pass: a new name that holds 坎 or 街道 (坎门街道) is not replaced again.
    return _OWN_NAMES.sub(lambda m: v.replacement(m[0]), text)


def generate(n: int, out_dir: Path, seed: int = 0) -> list[Path]:
    """Write n reports to out_dir (report 0 = the sample, unchanged); their paths in order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sample_text = SAMPLE.read_bytes().decode("utf-8")
    paths: list[Path] = []
    for i in range(n):
        if i == 0:
            path = out_dir / SAMPLE.name
            shutil.copyfile(SAMPLE, path)
        else:
            v = variant(seed, i)
            path = out_dir / f"{i:04d}-{v.file_name}"  # the number keeps the file names in corpus order
            path.write_bytes(vary(sample_text, v).encode("utf-8"))
        paths.append(path)
    return paths
