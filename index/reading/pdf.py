"""PDF reports with a text layer: page numbers dropped, lines wrapped mid-sentence joined again."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader

from index.errors import NeedsOCR, ReportError, UnsupportedFormat
from index.reading.decoding import CONTROL_CHARS, EDGE_BLANKS
from index.reading.sizes import ReadLimits

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
# Text extraction puts a space where the font changes between digits or Latin and Chinese ("2025 年", "5G 网络"):
# no such space is in the document, and it breaks "2025年" for everything that reads years.
# Nor is there one beside Chinese punctuation (。，“（): layout mode pads there.
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f"
_FONT_GAP = re.compile(rf"(?<=[\dA-Za-z.%])[ \t\xa0]+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[ \t\xa0]+(?=[\dA-Za-z])|"
                       rf"[ \t\xa0]+(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}])[ \t\xa0]+")
_INDENT = re.compile(r"^(?: {2,}|\u3000)")  # layout mode renders an indent as leading spaces
_INNER_GAPS = re.compile(r"[ \t\xa0]{2,}")  # layout padding inside a line is one space at most
_MIN_INDENTED_SHARE = 0.05  # fewer indented lines than this: the document does not mark paragraphs so
_SHORT_LINE = 0.8  # a line narrower than this share of a full one ended its paragraph (title, heading)
_EDGE_LINES = 2  # page numbers sit among the first/last lines of a page
_MAX_GARBLED_SHARE = 0.3


def read_pdf(path: Path, limits: ReadLimits) -> list[str]:
    pages = [_page_lines(page) for page in _pdf_page_texts(path)]
    lines = [line for page in pages for line, _ in page]
    if not lines:
        raise NeedsOCR(f"该 PDF 没有文字层，需要先做 OCR 识别：{path.name}")
    if _garbled_share(lines) > _MAX_GARBLED_SHARE:
        raise NeedsOCR(f"该 PDF 的文字层无法正确提取（字体缺少编码信息），需要先做 OCR 识别：{path.name}")
    return _rejoin_wrapped([line for page in pages for line in page])


def _pdf_page_texts(path: Path) -> list[str]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _unlock(reader):
            raise UnsupportedFormat(f"PDF 文件已加密：{path.name}（请先去除密码保护再上传）")
        # Layout mode keeps each line's indentation: the first line of a paragraph is indented.
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
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


def _page_lines(page_text: str) -> list[tuple[str, bool]]:
    """The page's lines (page numbers dropped), each with whether it is indented."""
    lines = [(line, _INDENT.match(raw) is not None) for raw in page_text.splitlines()
             if (line := _INNER_GAPS.sub(" ", _FONT_GAP.sub("", EDGE_BLANKS.sub("", raw))))]
    edges = set(range(_EDGE_LINES)) | set(range(len(lines) - _EDGE_LINES, len(lines)))
    return [(line, indented) for i, (line, indented) in enumerate(lines)
            if not (i in edges and _PAGE_NUMBER.match(line))]


def _garbled_share(lines: list[str]) -> float:
    """Share of private-use, replacement and control characters: what fonts without a ToUnicode map yield."""
    chars = [ch for line in lines for ch in line if not ch.isspace()]
    bad = sum(1 for ch in chars if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or CONTROL_CHARS.match(ch))
    return bad / len(chars) if chars else 0.0


def _rejoin_wrapped(lines: list[tuple[str, bool]]) -> list[str]:
    """Undo the PDF's line wrapping (also across pages): join lines that continue a paragraph. Where the
    document indents its paragraphs, an unindented full line continues one even after a sentence end."""
    full_width = _typical_width([line for line, _ in lines])
    indents = sum(indented for _, indented in lines) >= _MIN_INDENTED_SHARE * len(lines)
    paragraphs: list[str] = []
    previous = ""
    for line, indented in lines:
        if paragraphs and _continues(previous, line, full_width, indented if indents else None):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _continues(previous: str, line: str, full_width: float, indented: bool | None) -> bool:
    """indented: whether the line is indented, where the document indents paragraphs (else None)."""
    if _BLOCK_START.match(line) or _width(previous) < _SHORT_LINE * full_width or indented:
        return False
    return indented is False or not _SENTENCE_END.search(previous)


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
