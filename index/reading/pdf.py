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
_SHORT_LINE = 0.8  # a line narrower than this share of a full one ended its paragraph (title, heading)
_EDGE_LINES = 2  # page numbers sit among the first/last lines of a page
_MAX_GARBLED_SHARE = 0.3


def read_pdf(path: Path, limits: ReadLimits) -> list[str]:
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
    lines = [line for raw in page_text.splitlines() if (line := EDGE_BLANKS.sub("", raw))]
    edges = set(range(_EDGE_LINES)) | set(range(len(lines) - _EDGE_LINES, len(lines)))
    return [line for i, line in enumerate(lines) if not (i in edges and _PAGE_NUMBER.match(line))]


def _garbled_share(lines: list[str]) -> float:
    """Share of private-use, replacement and control characters: what fonts without a ToUnicode map yield."""
    chars = [ch for line in lines for ch in line if not ch.isspace()]
    bad = sum(1 for ch in chars if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or CONTROL_CHARS.match(ch))
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
