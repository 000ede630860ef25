"""A synthetic corpus for the benchmark: N reports made from the bundled sample.

Report 0 is the sample itself, under its own file name, so the development questions apply to it.
Every other report renames the 街道 (and the place names built on its first character: 坎东, 坎塘…),
shifts the review and plan years together (text, dates, index number) and scales every figure by a
factor of its own, keeping each figure's format. The structure is untouched: same lines, same headings.
Report i depends only on (seed, i), so generate(100) is the first 100 reports of generate(1000).
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings

SAMPLE = Settings.model_fields["sample_report"].default
SAMPLE_NAME, SAMPLE_YEAR = "坎墩", 2022  # the sample's 街道 and the year it reviews
# Only 街道 (not 镇): the text's own words (街道办事处, 街道党工委) would be wrong for a 镇.
# Traditional characters, like the sample; none starts with a character that makes 坎中 etc. odd.
NAMES: tuple[tuple[str, str], ...] = (
    ("滸山", "hushan"), ("宗漢", "zonghan"), ("白沙路", "baishalu"), ("古塘", "gutang"), ("孫塘", "suntang"),
    ("陽明", "yangming"), ("梨洲", "lizhou"), ("鳳山", "fengshan"), ("蘭江", "lanjiang"), ("低塘", "ditang"),
    ("朗霞", "langxia"), ("首南", "shounan"), ("鐘公廟", "zhonggongmiao"), ("下應", "xiaying"),
    ("百丈", "baizhang"), ("明樓", "minglou"), ("白鶴", "baihe"), ("福明", "fuming"), ("潘火", "panhuo"),
    ("西門", "ximen"), ("南門", "nanmen"), ("江廈", "jiangsha"), ("月湖", "yuehu"), ("鼓樓", "gulou"),
    ("白雲", "baiyun"), ("段塘", "duantang"), ("望春", "wangchun"), ("石碶", "shiqi"), ("孔浦", "kongpu"),
    ("甬江", "yongjiang"), ("莊橋", "zhuangqiao"), ("洪塘", "hongtang"), ("文教", "wenjiao"),
    ("招寶山", "zhaobaoshan"), ("蛟川", "jiaochuan"), ("駱駝", "luotuo"), ("莊市", "zhuangshi"),
    ("貴駟", "guisi"), ("新碶", "xinqi"), ("小港", "xiaogang"), ("大碶", "daqi"), ("霞浦", "xiapu"),
    ("柴橋", "chaiqiao"), ("春曉", "chunxiao"), ("錦屏", "jinping"), ("岳林", "yuelin"), ("江口", "jiangkou"),
    ("西塢", "xiwu"),
)
REVIEW_YEARS = range(2018, 2030)  # plan year = review year + 1, so pairs 2018–2019 … 2029–2030
SCALE_RANGE = (0.05, 0.35)  # |factor − 1|: far enough from 1 that every figure of two digits changes

_INDEX_NUMBER = re.compile(r"^(\w+)/(\d{4})-(\d+)$", re.MULTILINE)
# A year in text (2022年, 2022年度) or a date (2023-01-09); never a figure like 2513米.
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?=年|-\d{2}-\d{2})")
# A figure is a number with a unit; bare numbers (1+4+2, “1612”体系, 24小时, 4#地块, headings 1.) are names.
_UNITS = "億元|萬元|萬平方米|平方米|家|個|戶|畝|名|件|處|米|只|套|條|項|次|%"
_FIGURE = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)(\s?余?)({_UNITS})")


@dataclass(frozen=True)
class Variant:
    """What makes one synthetic report different from the sample."""

    name: str
    slug: str
    review_year: int
    factor: float
    serial: int

    @property
    def file_name(self) -> str:
        return f"{self.slug}-{self.review_year}-review-{self.review_year + 1}-plan.txt"


def variant(seed: int, i: int) -> Variant:
    rng = random.Random(f"{seed}:{i}")  # per report, so a report does not depend on N
    name, slug = rng.choice(NAMES)
    factor = 1 + rng.choice((-1, 1)) * rng.uniform(*SCALE_RANGE)
    # The serial includes i: index numbers, and so contents, are distinct by construction.
    return Variant(name, slug, rng.choice(REVIEW_YEARS), factor, serial=(rng.randrange(100_000) + i) % 100_000)


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
    # 坎墩 first, then the names built on its first character (坎东初中, 坎塘农旅公司, 坎胜路, 坎中区块).
    return text.replace(SAMPLE_NAME, v.name).replace(SAMPLE_NAME[0], v.name[0])


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
            path = out_dir / f"{i:04d}-{v.file_name}"  # the number keeps two reports of one 街道 and year apart
            path.write_bytes(vary(sample_text, v).encode("utf-8"))
        paths.append(path)
    return paths
