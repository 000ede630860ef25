"""Chinese administrative divisions: which government a name means, at what level, inside which others.

The gazetteer is jionlp's china_location dictionary (province → city → county → town, with official
aliases such as 内蒙古, 海拉尔), loaded once on first use. It finds the issuing government in a report's
title or header, and the places a question names.

It is read from index/lexicon/places.tsv, the divisions taken from jionlp once (`python -m index.places`
writes it): importing jionlp and reading its tree took ~2 s and 120 MB of every `govqa serve`, the table
0.2 s and 10 MB. tests/index/test_places.py checks the table is still what jionlp gives.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index.lexicon import rows

NATIONAL = "国家"
LEVELS = (NATIONAL, "省", "市", "区县", "乡镇街道")  # 国务院 · 省/自治区/直辖市 · 市/州/盟 · 区/县/旗 · 乡/镇/街道
# The State Council's report speaks for the whole country; questions say so with these words.
NATIONAL_NAMES = ("国务院", "全国", "中央政府", "国家")
NATIONAL_PLACE = "全国"
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# A short name must be this long to be looked for in free text (二字 aliases such as 海拉尔, 安徽).
MIN_ALIAS_CHARS = 2
# Generic county/town names that are words in any report ("城区", "新区"): never matched as short aliases.
_GENERIC = frozenset("城区 郊区 新区 开发区 市辖区 矿区 东区 西区 南区 北区 中区 高新区".split())


@dataclass(frozen=True)
class Place:
    name: str  # official full name: 安徽省, 海拉尔区, 坎墩街道; 全国 for the State Council
    level: str  # one of LEVELS
    parents: tuple[str, ...] = ()  # enclosing divisions' full names, widest first
    aliases: tuple[str, ...] = ()  # short forms: 安徽, 内蒙古, 海拉尔

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def short(self) -> str:
        """The name people say: 安徽, 内蒙古, 海拉尔区 (a county keeps its suffix when its alias is missing)."""
        return self.aliases[0] if self.aliases else self.name

    def within(self, other: Place) -> bool:
        return other.name in self.parents


NATIONAL_GOVERNMENT = Place(NATIONAL_PLACE, NATIONAL, (), tuple(n for n in NATIONAL_NAMES if n != NATIONAL_PLACE))


class Gazetteer:
    """Every division by each of its names. A name may mean several places (东山街道 is in many
    cities); the caller disambiguates with the context (a parent named nearby)."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self._by_name: dict[str, list[Place]] = {}
        for place in places:
            for name in place.names:
                self._by_name.setdefault(name, []).append(place)
        # Longest first; only the lengths some name has (most lengths up to the longest have none).
        self._sizes = sorted({len(n) for n in self._by_name if len(n) >= MIN_ALIAS_CHARS}, reverse=True)

    def lookup(self, name: str) -> list[Place]:
        return list(self._by_name.get(name, ()))

    def mentions(self, text: str, *, towns: bool = True) -> Iterator[tuple[int, int, Place]]:
        """(start, end, place) for every division named in text, longest names first, not overlapping."""
        taken = [False] * len(text)
        for size in (s for s in self._sizes if s <= len(text)):
            for start in range(len(text) - size + 1):
                # The dictionary first: nearly no substring is a name, and the lookup is the cheaper test.
                named = self._by_name.get(text[start : start + size])
                if not named or any(taken[start : start + size]):
                    continue
                found = [p for p in named if towns or p.level != "乡镇街道"]
                if found:
                    taken[start : start + size] = [True] * size
                    for place in found:
                        yield start, start + size, place


def level_of(name: str, depth: int) -> str:
    """depth: 0 province, 1 city, 2 county, 3 town (jionlp's tree); 直辖市 are provinces."""
    if depth == 0 or name in _MUNICIPALITIES:
        return "省"
    return LEVELS[min(depth + 1, 4)]


def _aliases(alias: object, name: str) -> tuple[str, ...]:
    found = alias if isinstance(alias, list) else [alias] if alias else []
    return tuple(a for a in dict.fromkeys(found)
                 if isinstance(a, str) and len(a) >= MIN_ALIAS_CHARS and a != name and a not in _GENERIC)


_TOWN_SUFFIX = re.compile(r"(街道|镇|乡)$")


def _walk(tree: dict, parents: tuple[str, ...], depth: int) -> Iterator[Place]:
    for name, node in tree.items():
        if name.startswith("_"):
            continue
        if depth == 3:  # towns: only 街道/镇/乡 are governments that give reports (not farms, parks)
            # Their short forms (人民, 东山) are everyday words: only the full name is looked for.
            if _TOWN_SUFFIX.search(name) and _TOWN_SUFFIX.sub("", name):
                yield Place(name, "乡镇街道", parents)
            continue
        if not isinstance(node, dict):
            continue
        if parents and name == parents[-1]:  # 上海市 › 上海市 › 浦东新区: the municipality's own districts
            yield from _walk(node, parents, depth + 1)
            continue
        place = Place(name, level_of(name, depth), parents, _aliases(node.get("_alias"), name))
        yield place
        yield from _walk(node, (*parents, name), depth + 1)


TABLE = "places.tsv"  # in index/lexicon
_HEADER = """\
# The gazetteer of index/places.py: every Chinese administrative division a government of which gives reports.
# Source: jionlp's china_location dictionary (jionlp.dictionary.dictionary_loader.china_location_loader, detail=True),
# walked by index.places.from_jionlp; written by `python -m index.places`, not by hand.
# name<TAB>level<TAB>enclosing divisions, widest first, space-separated<TAB>short forms, space-separated
"""


def from_jionlp() -> list[Place]:
    """Every division in jionlp's tree (the source of the table)."""
    # jionlp prints a banner on import; it must not end up in `govqa ask --json` output.
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp.dictionary.dictionary_loader import china_location_loader

        tree = china_location_loader(detail=True)
    return list(_walk(tree, (), 0))


def write_table(places: Iterable[Place], path: Path) -> None:
    lines = ("\t".join((p.name, p.level, " ".join(p.parents), " ".join(p.aliases))) for p in places)
    path.write_text(_HEADER + "\n".join(lines) + "\n", encoding="utf-8")


def read_table(name: str = TABLE) -> list[Place]:
    shared: dict[str, tuple[str, ...]] = {}  # the towns of one county share its parents (40,000 towns)
    places = []
    for place_name, level, parents, aliases in rows(name):
        enclosing = shared.setdefault(parents, tuple(parents.split()))
        places.append(Place(place_name, level, enclosing, tuple(aliases.split())))
    return places


_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    global _gazetteer
    with _lock:
        if _gazetteer is None:
            _gazetteer = Gazetteer([NATIONAL_GOVERNMENT, *read_table()])
        return _gazetteer


if __name__ == "__main__":  # python -m index.places: write the table again from jionlp
    write_table(from_jionlp(), Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "lexicon" / TABLE)
