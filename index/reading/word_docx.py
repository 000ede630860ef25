"""DOCX reports: body paragraphs and table rows in document order, with Word's automatic numbering rendered."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from index.errors import UnsupportedFormat
from index.reading.archive import BadArchive, check_inflation
from index.reading.sizes import MAX_UNZIPPED_BYTES, ReadLimits
from index.reading.tables import table_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path, limits: ReadLimits) -> list[str]:
    try:  # zip bombs, lying headers included, are refused before python-docx inflates every part
        check_inflation(path, min(20 * limits.max_bytes, MAX_UNZIPPED_BYTES))
    except BadArchive as exc:
        raise UnsupportedFormat(_not_docx(path.name)) from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types (KeyError, ValueError, XML errors…) on bad packages
        raise UnsupportedFormat(_not_docx(path.name)) from exc
    return list(_block_lines(document.element.body, document, _Numbering(document)))


def docx_properties(path: Path) -> dict[str, str]:
    """The document's core properties that may name it (title, subject): Word fills them from the first
    line or the template, so they are a hint for the report's identity, never its text."""
    try:
        core = docx.Document(str(path)).core_properties
    except Exception:  # an unreadable package was already reported by read_docx
        return {}
    return {name: value for name in ("title", "subject") if (value := (getattr(core, name) or "").strip())}


def _not_docx(name: str) -> str:
    return f"不是有效的 DOCX 文件：{name}（如果是旧版 .doc 文件，请先用 Word 另存为 .docx）"


def _block_lines(container: _Element, document: DocxDocument, numbering: _Numbering) -> Iterator[str]:
    """Paragraphs and tables of a body (or table cell) in document order."""
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield from _paragraph_lines(child, document, numbering)
        elif child.tag == f"{_W}tbl":
            yield from _table_lines(child, document, numbering)
        elif child.tag == f"{_W}sdt":  # content control: its paragraphs are ordinary body text
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_lines(content, document, numbering)


def _paragraph_lines(p: _Element, document: DocxDocument, numbering: _Numbering) -> list[str]:
    paragraph = Paragraph(p, document)
    label = numbering.label(p, paragraph.style)  # advances the counters even for empty items, as Word does
    lines = paragraph.text.split("\n")  # soft line breaks (Shift+Enter) separate lines too
    if label and lines[0].strip():
        lines[0] = label + lines[0].lstrip()
    return lines


def _table_lines(table: _Element, document: DocxDocument, numbering: _Numbering) -> Iterator[str]:
    """Data rows as lines that name their columns (index.reading.tables); a row with a single filled cell
    (a layout table wrapping body text, a title row) keeps its paragraphs."""
    rows: list[list[str]] = []
    for row in table.iterchildren(f"{_W}tr"):
        # Physical cells: a horizontally merged cell is one w:tc, so nothing repeats.
        cells = [_cell_lines(tc, document, numbering) for tc in row.iterchildren(f"{_W}tc")]
        filled = [cell for cell in cells if cell]
        if len(filled) == 1:
            yield from table_lines(rows)
            rows = []
            yield from filled[0]
        elif filled:
            rows.append([" ".join(cell) for cell in cells])
    yield from table_lines(rows)


def _cell_lines(tc: _Element, document: DocxDocument, numbering: _Numbering) -> list[str]:
    return [line for raw in _block_lines(tc, document, numbering) if (line := raw.strip())]


@dataclass(frozen=True)
class _Level:
    fmt: str  # w:numFmt, e.g. "decimal", "chineseCounting", "bullet"
    text: str  # w:lvlText, e.g. "%1.", "%1、", "（%1）"
    start: int


_CHINESE_DIGITS = "零一二三四五六七八九"
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _chinese_number(n: int) -> str:
    if not 0 < n < 100:
        return ""
    tens, ones = divmod(n, 10)
    prefix = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_DIGITS[tens] + "十")
    return prefix + (_CHINESE_DIGITS[ones] if ones else "")


_FORMATTERS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(_FULLWIDTH_DIGITS),
    "decimalFullWidth2": lambda n: str(n).translate(_FULLWIDTH_DIGITS),
    "chineseCounting": _chinese_number,
    "chineseCountingThousand": _chinese_number,
    "taiwaneseCounting": _chinese_number,
    "taiwaneseCountingThousand": _chinese_number,
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else "",
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else "",
    "lowerLetter": lambda n: chr(ord("a") + n - 1) if 0 < n <= 26 else "",
    "upperLetter": lambda n: chr(ord("A") + n - 1) if 0 < n <= 26 else "",
}


class _Numbering:
    """Rebuilds the visible labels ("1." "一、" "（一）") that Word's automatic numbering keeps out of the text."""

    def __init__(self, document: DocxDocument) -> None:
        self._lists = _numbering_definitions(document)  # numId → ilvl → level
        self._counters: dict[str, dict[int, int]] = {}  # numId → ilvl → current value

    def label(self, p: _Element, style: ParagraphStyle | None) -> str:
        """The paragraph's label, "" when it is not numbered or the format is not reproducible (bullets…)."""
        num_id, ilvl = _num_pr(p, style)
        levels = self._lists.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > ilvl]:  # a new parent item restarts its children
            del counters[deeper]
        return _render_label(levels, counters, ilvl)


def _render_label(levels: dict[int, _Level], counters: dict[int, int], ilvl: int) -> str:
    """Fill "%1.%2." with the formatted counters; "" for bullets or any level we cannot format."""
    if levels[ilvl].fmt not in _FORMATTERS:
        return ""
    parts = []
    for piece in re.split(r"(%\d)", levels[ilvl].text):
        formatted = _format_placeholder(piece, levels, counters) if re.fullmatch(r"%\d", piece) else piece
        if not formatted and piece:
            return ""
        parts.append(formatted)
    return "".join(parts)


def _format_placeholder(piece: str, levels: dict[int, _Level], counters: dict[int, int]) -> str:
    lvl = int(piece[1]) - 1
    level = levels.get(lvl)
    formatter = _FORMATTERS.get(level.fmt) if level else None
    return formatter(counters.get(lvl, level.start)) if formatter and level else ""


def _numbering_definitions(document: DocxDocument) -> dict[str, dict[int, _Level]]:
    try:
        root = document.part.numbering_part.element
    except NotImplementedError:  # python-docx raises this when the document has no numbering part
        return {}
    abstract = {a.get(f"{_W}abstractNumId"): _levels(a) for a in root.iterchildren(f"{_W}abstractNum")}
    lists: dict[str, dict[int, _Level]] = {}
    for num in root.iterchildren(f"{_W}num"):
        ref = num.find(f"{_W}abstractNumId")
        levels = dict(abstract.get(ref.get(f"{_W}val") if ref is not None else None, {}))
        for override in num.iterchildren(f"{_W}lvlOverride"):
            start = override.find(f"{_W}startOverride")
            ilvl = int(override.get(f"{_W}ilvl", "0"))
            if start is not None and ilvl in levels:
                base = levels[ilvl]
                levels[ilvl] = _Level(base.fmt, base.text, int(start.get(f"{_W}val", "1")))
        lists[num.get(f"{_W}numId")] = levels
    return lists


def _levels(abstract_num: _Element) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in abstract_num.iterchildren(f"{_W}lvl"):
        fmt, text, start = (lvl.find(f"{_W}{tag}") for tag in ("numFmt", "lvlText", "start"))
        levels[int(lvl.get(f"{_W}ilvl", "0"))] = _Level(
            fmt=fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
            text=text.get(f"{_W}val", "") if text is not None else "",
            start=int(start.get(f"{_W}val", "1")) if start is not None else 1,
        )
    return levels


def _num_pr(p: _Element, style: ParagraphStyle | None) -> tuple[str | None, int]:
    """(numId, ilvl) from the paragraph or, failing that, its style chain ("List Number", numbered headings)."""
    sources = [p]
    while style is not None:
        sources.append(style.element)
        style = style.base_style
    num_id, ilvl = None, None
    for element in sources:
        num_pr = element.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            continue
        num_el, ilvl_el = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
        if num_id is None and num_el is not None:
            num_id = num_el.get(f"{_W}val")
        if ilvl is None and ilvl_el is not None:
            ilvl = int(ilvl_el.get(f"{_W}val", "0"))
    return num_id, ilvl or 0  # numId "0" means "numbering removed": it has no definition
