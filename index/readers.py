"""Read a report file (TXT/MD, DOCX, PDF, HTML) into logical lines: one paragraph or heading per line.

Lines keep the document's own characters (no Traditional/Simplified conversion); every failure is a
ReportError whose Chinese message names the file, so the UI can show it as-is.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from docx.document import Document as DocxDocument
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml.etree import _Element
from pypdf import PdfReader

from assistant.errors import (
    EmptyReport,
    NeedsOCR,
    ReportError,
    ReportTooLarge,
    UndecodableText,
    UnsupportedFormat,
)

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")

_MB = 1024 * 1024
_MAX_UNZIPPED_BYTES = 200 * _MB
# Leading/trailing blanks, including ideographic spaces (str.isspace) and zero-width marks.
_EDGE_BLANKS = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")


def read_report_lines(path: Path, max_bytes: int = 50 * _MB) -> list[str]:
    """The report's text as stripped, non-blank logical lines (one paragraph or heading each)."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormat(f"不支持的文件格式：{path.name}（支持 {'、'.join(SUPPORTED_SUFFIXES)}）")
    if not path.is_file():
        raise ReportError(f"找不到报告文件：{path.name}")
    size = path.stat().st_size
    if size > max_bytes:
        raise ReportTooLarge(f"文件过大：{path.name}（{_human_size(size)}，上限 {_human_size(max_bytes)}）")
    lines = [line for raw in reader(path, max_bytes) if (line := _EDGE_BLANKS.sub("", raw))]
    if not lines:
        raise EmptyReport(f"报告没有文字内容：{path.name}")
    return lines


def _human_size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n / 1024:.1f} KB"


# ---------------------------------------------------------------- text decoding (TXT and HTML)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16-LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB = "gb18030"
_BIG5_CODECS = ("cp950", "big5hkscs")  # cp950 = Big5 as Windows writes it; HKSCS adds Hong Kong characters
_MIN_PLAUSIBLE = 0.6  # correct decodings score ~0.99, the wrong legacy codec ~0.3-0.5
_PLAUSIBILITY_SAMPLE = 200_000
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls except \t \n \v \f \r
_MAX_CONTROL_SHARE = 0.01


def _decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode text bytes, or raise UndecodableText rather than return mojibake."""
    text = _decode_unchecked(data, name, declared)
    if text and len(_CONTROL.findall(text)) / len(text) > _MAX_CONTROL_SHARE:
        raise UndecodableText(f"无法识别文件编码：{name}（含有大量控制字符，不是文本文件）")
    return text


def _decode_unchecked(data: bytes, name: str, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            decoded = _strict(data, codec)
            if decoded is None:
                raise UndecodableText(f"无法识别文件编码：{name}（带有 {codec.upper()} 标记但内容无法按其解码）")
            return decoded  # these codecs drop the BOM themselves
    if b"\x00" in data:
        raise UndecodableText(f"无法识别文件编码：{name}（含有空字节：是二进制文件，或是不带 BOM 的 UTF-16 文本）")
    decoded = _strict(data, "utf-8")
    if decoded is not None:
        return decoded  # valid UTF-8 with CJK text is practically never a legacy encoding by chance
    legacy = _decode_legacy(data, declared)
    if legacy is None:
        raise UndecodableText(f"无法识别文件编码：{name}（不是 UTF-8、GB18030 或 Big5 文本）")
    return legacy


def _decode_legacy(data: bytes, declared: str | None) -> str | None:
    """GB18030 or Big5: the declared one if it decodes, else the more plausible Chinese text."""
    gb = _strict(data, _GB)
    big5 = next((text for codec in _BIG5_CODECS if (text := _strict(data, codec)) is not None), None)
    if declared == _GB and gb is not None:
        return gb
    if declared in _BIG5_CODECS and big5 is not None:
        return big5
    # Big5 bytes nearly always decode as GB18030 too (and short GBK text as Big5), so compare how
    # much of each decoding is common Chinese; on a tie (very short text) prefer mainland GB18030.
    scored = [(_plausibility(text), -rank, text) for rank, text in enumerate((gb, big5)) if text is not None]
    if not scored:
        return None
    score, _, text = max(scored)
    return text if score >= _MIN_PLAUSIBLE else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common hanzi or CJK punctuation."""
    others = [ch for ch in text[:_PLAUSIBILITY_SAMPLE] if ord(ch) > 0x7F and not ch.isspace()]
    if not others:
        return 1.0
    return sum(_is_common_cjk(ch) for ch in others) / len(others)


@functools.cache
def _is_common_cjk(ch: str) -> bool:
    # The level-1 ("常用") blocks of GB2312 (B0A1-D7FE) and Big5 (A440-C67E) stand in for a
    # frequency list of Simplified and Traditional characters; no data file needed.
    code = ord(ch)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or 0x2010 <= code <= 0x2027:
        return True  # CJK and full-width punctuation, dashes, quotes, ellipsis
    return _encodes_within(ch, "gb2312", 0xB0A1, 0xD7FE) or _encodes_within(ch, "big5", 0xA440, 0xC67E)


def _encodes_within(ch: str, codec: str, low: int, high: int) -> bool:
    try:
        encoded = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and low <= int.from_bytes(encoded, "big") <= high


# ---------------------------------------------------------------- TXT / Markdown

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def _read_text(path: Path, max_bytes: int) -> list[str]:
    lines = _decode(path.read_bytes(), path.name).splitlines()  # \r\n, \r and \n alike
    if path.suffix.lower() == ".md":
        # "## 一、…" → "一、…" so the structure parser sees the numbering at the start
        lines = [_MD_HEADING.sub("", line) for line in lines]
    return lines


# ---------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(path: Path, max_bytes: int) -> list[str]:
    _check_unzipped_size(path, max_bytes)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types (KeyError, ValueError, XML errors…) on bad packages
        raise UnsupportedFormat(_not_docx(path.name)) from exc
    return list(_block_lines(document.element.body, document, _Numbering(document)))


def _not_docx(name: str) -> str:
    return f"不是有效的 DOCX 文件：{name}（如果是旧版 .doc 文件，请先用 Word 另存为 .docx）"


def _check_unzipped_size(path: Path, max_bytes: int) -> None:
    """Refuse zip bombs before python-docx inflates every part into memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            # zipfile stops at each member's declared size, so the declared sizes bound the real ones
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnsupportedFormat(_not_docx(path.name)) from exc
    limit = min(20 * max_bytes, _MAX_UNZIPPED_BYTES)
    if unzipped > limit:
        raise ReportTooLarge(
            f"DOCX 文件解压后过大：{path.name}（解压后 {_human_size(unzipped)}，上限 {_human_size(limit)}），已拒绝读取"
        )


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
    """One line per row, cells joined by " | "; a row with a single filled cell keeps its paragraphs."""
    for row in table.iterchildren(f"{_W}tr"):
        # Physical cells: a horizontally merged cell is one w:tc, so nothing repeats.
        cells = [_cell_lines(tc, document, numbering) for tc in row.iterchildren(f"{_W}tc")]
        filled = [cell for cell in cells if cell]
        if len(filled) == 1:  # layout tables wrapping body text
            yield from filled[0]
        elif filled:
            yield " | ".join(" ".join(cell) for cell in filled)


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


# ---------------------------------------------------------------- PDF

_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-—–−~～·•\s]*\d{1,4}[-—–−~～·•\s]*                          # 3, - 3 -, —3—
      | 第\s*[\d一二三四五六七八九十百]+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?  # 第3页, 第3页 共10页
      | \d{1,4}\s*/\s*\d{1,4}                                       # 3/10
      | (?:page|p\.?)\s*\d+(?:\s*(?:of|/)\s*\d+)?                   # Page 3 of 10
    )$""",
    re.X | re.I,
)
_SENTENCE_END = re.compile(r"(?:[。！？；：…!?;:]|(?<!\d)\.)[”’」』）)】》\"']*$")  # "2." is a wrapped "2.8"
_BLOCK_START = re.compile(
    r"""^(?:
        [一二三四五六七八九十百]+[、.．]                # 一、
      | [（(][一二三四五六七八九十百\d]+[）)]           # （一） (1)
      | \d{1,3}(?:[、．]|\.(?!\d))                      # 1、 1． 1.  (not 2.8)
      | [一二三四五六七八九十]+是                        # 一是
      | 第[一二三四五六七八九十百\d]+[章节部分篇条]       # 第一部分
      | [①-⑳]
      | ——
      | \d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$  # a date alone: signature/metadata line
      | \d{4}[-/.]\d{1,2}[-/.]\d{1,2}$
    )""",
    re.X,
)
_SHORT_LINE = 0.8  # a line narrower than this share of a full one ended its paragraph (title, heading)
_EDGE_LINES = 2  # page numbers sit among the first/last lines of a page
_MAX_GARBLED_SHARE = 0.3


def _read_pdf(path: Path, max_bytes: int) -> list[str]:
    lines = [line for page in _pdf_page_texts(path) for line in _page_lines(page)]
    if not lines:
        raise NeedsOCR(f"该 PDF 没有文字层，需要先做 OCR 识别：{path.name}")
    if _garbled_share(lines) > _MAX_GARBLED_SHARE:
        raise NeedsOCR(f"该 PDF 的文字层无法正确提取（字体缺少编码信息），需要先做 OCR 识别：{path.name}")
    return _rejoin_wrapped(lines)


def _pdf_page_texts(path: Path) -> list[str]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _unlock(reader):
            raise UnsupportedFormat(f"PDF 文件已加密：{path.name}（请先去除密码保护再上传）")
        return [page.extract_text() or "" for page in reader.pages]
    except ReportError:
        raise
    except Exception as exc:  # pypdf raises many types (PdfReadError, KeyError, ValueError…) on broken files
        raise UnsupportedFormat(f"无法读取 PDF 文件：{path.name}（文件已损坏或不是有效的 PDF）") from exc


def _unlock(reader: PdfReader) -> bool:
    """Open PDFs that are encrypted only against editing (empty user password)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the optional crypto dependency: treat as locked
        return False


def _page_lines(page_text: str) -> list[str]:
    lines = [line for raw in page_text.splitlines() if (line := _EDGE_BLANKS.sub("", raw))]
    edges = set(range(_EDGE_LINES)) | set(range(len(lines) - _EDGE_LINES, len(lines)))
    return [line for i, line in enumerate(lines) if not (i in edges and _PAGE_NUMBER.match(line))]


def _garbled_share(lines: list[str]) -> float:
    """Share of private-use, replacement and control characters: what fonts without a ToUnicode map yield."""
    chars = [ch for line in lines for ch in line if not ch.isspace()]
    bad = sum(1 for ch in chars if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or _CONTROL.match(ch))
    return bad / len(chars) if chars else 0.0


def _rejoin_wrapped(lines: list[str]) -> list[str]:
    """Undo the PDF's line wrapping (also across pages): join lines that continue a paragraph."""
    full_width = _typical_width(lines)
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if paragraphs and _continues(previous, line, full_width):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _continues(previous: str, line: str, full_width: float) -> bool:
    return (
        not _SENTENCE_END.search(previous)
        and not _BLOCK_START.match(line)
        and _width(previous) >= _SHORT_LINE * full_width
    )


def _typical_width(lines: list[str]) -> float:
    """Width of a full line: the 90th percentile, so one overlong table row does not set it."""
    widths = sorted(_width(line) for line in lines)
    return widths[int(0.9 * (len(widths) - 1))]


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _join(head: str, tail: str) -> str:
    # Chinese wraps between characters; Latin words and numbers need their space back.
    if head[-1].isascii() and head[-1].isalnum() and tail[0].isascii() and tail[0].isalnum():
        return f"{head} {tail}"
    return head + tail


# ---------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DECLARED_CODECS = {  # codecs.lookup() names → our decoders
    "gb2312": _GB,
    "gbk": _GB,
    "gb18030": _GB,
    "big5": "cp950",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}
_ALWAYS_NOISE = ("script", "style", "noscript", "template", "iframe", "nav", "aside", "select", "button")
_PAGE_CHROME = {"header", "footer", "form"}
_NOISE_ATTR = re.compile(
    r"nav|menu|footer|breadcrumb|crumb|share|sidebar|copyright|toolbar|pagination|position|location", re.I
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CONTENT_ATTR = re.compile(r"content|article|zoom|trs_editor|main|detail", re.I)
_CONTENT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "html", "li"),
        *("main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul", *_CONTENT_TAGS),
    }
)
_CELL_BLOCKS = ("table", "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6")
_SOURCE_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def _read_html(path: Path, max_bytes: int) -> list[str]:
    data = path.read_bytes()
    soup = BeautifulSoup(_decode(data, path.name, _declared_charset(data)), "lxml")
    _drop_noise(soup)
    return _html_lines(_article_root(soup))


def _declared_charset(data: bytes) -> str | None:
    """The <meta> charset mapped to our decoder names; GB2312/GBK pages routinely contain GBK-only characters."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _DECLARED_CODECS.get(name)


def _drop_noise(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_ALWAYS_NOISE):
        tag.decompose()
    # Pages without <p>/<h*> (text in <div>s and <br>s) are measured by all their text instead.
    measure = _content_len if _content_len(soup) else _text_len
    page_text = measure(soup)
    for tag in soup.find_all(True):
        # Never drop what holds most of the page's text (ASP.NET wraps whole pages in <form>).
        if not tag.decomposed and _looks_like_chrome(tag) and measure(tag) <= page_text / 2:
            tag.decompose()


def _looks_like_chrome(tag: Tag) -> bool:
    if tag.name in _PAGE_CHROME:
        return tag.name == "form" or tag.find_parent("article") is None  # an article's own header holds its title
    hidden = tag.has_attr("hidden") or _HIDDEN_STYLE.search(tag.get("style", ""))
    return bool(hidden or _NOISE_ATTR.search(_attr_words(tag)))


def _attr_words(tag: Tag) -> str:
    classes = tag.get("class") or []
    return " ".join([tag.get("id") or "", *(classes if isinstance(classes, list) else [classes])])


def _article_root(soup: BeautifulSoup) -> Tag:
    """<article> or a content-like id/class (TRS_Editor, zoom… on gov sites), else the densest <p> parent."""
    page = soup.body or soup
    page_text = _content_len(page)
    if not page_text:
        return page  # no paragraphs to locate an article by: keep the whole de-noised page
    candidates = [
        tag for tag in page.find_all(True) if tag.name in ("article", "main") or _CONTENT_ATTR.search(_attr_words(tag))
    ]
    if candidates:
        # Most paragraph/heading text wins (an article wrapper keeps its <h1> title); on a tie, the tighter one.
        best = max(candidates, key=lambda tag: (_content_len(tag), -len(tag.get_text())))
        if _content_len(best) >= page_text / 2:
            return best
    return _densest_paragraph_parent(page) or page


def _densest_paragraph_parent(page: Tag) -> Tag | None:
    totals: dict[int, tuple[Tag, int]] = {}
    for p in page.find_all("p"):
        if p.parent is not None:
            parent, total = totals.get(id(p.parent), (p.parent, 0))
            totals[id(p.parent)] = (parent, total + len(p.get_text(strip=True)))
    if not totals:
        return None
    parent, total = max(totals.values(), key=lambda item: item[1])
    return parent if total else None


def _content_len(tag: Tag) -> int:
    """Text in paragraphs and headings: where articles keep their words and page chrome rarely does."""
    return sum(len(el.get_text(strip=True)) for el in tag.find_all(_CONTENT_TAGS))


def _text_len(tag: Tag) -> int:
    return len(tag.get_text(strip=True))


def _html_lines(root: Tag) -> list[str]:
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            lines.append(_squash("".join(buffer)))
            buffer.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                    buffer.append(str(child))
            elif child.name == "br":
                flush()
            elif child.name == "tr" and _is_data_row(child):
                flush()
                lines.append(_row_text(child))
            elif child.name in _BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return lines


def _is_data_row(row: Tag) -> bool:
    """A table row of data, not a layout row wrapping paragraphs (old gov sites lay pages out in tables)."""
    return not any(cell.find(_CELL_BLOCKS) for cell in row.find_all(("td", "th"), recursive=False))


def _row_text(row: Tag) -> str:
    cells = (_squash(cell.get_text(" ")) for cell in row.find_all(("td", "th"), recursive=False))
    return " | ".join(cell for cell in cells if cell)


def _squash(text: str) -> str:
    """HTML whitespace rules, except that a source line break between two CJK characters is no space."""
    return _HTML_SPACE.sub(" ", _SOURCE_WRAP.sub("", text)).strip()


_READERS: dict[str, Callable[[Path, int], Iterable[str]]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
}
