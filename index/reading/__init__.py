"""Read a report file (TXT/MD, DOCX, PDF, HTML) into logical lines: one paragraph or heading per line.

Lines keep the document's own characters (no Traditional/Simplified conversion); every failure is a
ReportError whose Chinese message names the file, so the UI can show it as-is — a reader's unexpected
exception too (logged with its traceback), so one hostile file never stops the others of a batch.
Limits (sizes.ReadLimits) are checked before reading (bytes) and after (paragraphs, characters).
One module per format.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from index.errors import EmptyReport, ReportError, ReportTooLarge, UnreadableReport, UnsupportedFormat
from index.reading.decoding import EDGE_BLANKS
from index.reading.pdf import read_pdf
from index.reading.plain_text import read_text
from index.reading.sizes import ReadLimits, human_size
from index.reading.web_page import html_properties, read_html
from index.reading.word_docx import docx_properties, read_docx

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
log = logging.getLogger(__name__)
_READERS: dict[str, Callable[[Path, ReadLimits], Iterable[str]]] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
}


def read_report_lines(path: Path, limits: ReadLimits = ReadLimits()) -> list[str]:
    """The report's text as stripped, non-blank logical lines (one paragraph or heading each)."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormat(f"不支持的文件格式：{path.name}（支持 {'、'.join(SUPPORTED_SUFFIXES)}）")
    if not path.is_file():
        raise ReportError(f"找不到报告文件：{path.name}")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ReportTooLarge(f"文件过大：{path.name}（{human_size(size)}，上限 {human_size(limits.max_bytes)}）")
    try:
        lines = [line for raw in reader(path, limits) if (line := EDGE_BLANKS.sub("", raw))]
    except (ReportError, OSError):
        raise
    except Exception as exc:  # RecursionError, a parser's own error types, MemoryError…: still this file's error
        log.exception("reading %s failed", path.name)
        raise UnreadableReport(f"无法读取报告：{path.name}（文件内容有误或结构异常）") from exc
    if not lines:
        raise EmptyReport(f"报告没有文字内容：{path.name}")
    if len(lines) > limits.max_paragraphs:
        raise ReportTooLarge(f"报告段落过多：{path.name}（{len(lines)} 段，上限 {limits.max_paragraphs} 段）")
    if (chars := sum(map(len, lines))) > limits.max_chars:
        raise ReportTooLarge(f"报告文字过多：{path.name}（{chars} 字，上限 {limits.max_chars} 字）")
    return lines


_PROPERTIES: dict[str, Callable[[Path], dict[str, str]]] = {
    ".docx": docx_properties, ".html": html_properties, ".htm": html_properties,
}


def read_properties(path: Path) -> dict[str, str]:
    """What the file says of itself besides its text (DOCX core properties, an HTML page's <title>), for the
    report's identity; empty for formats without any, or when they cannot be read."""
    reader = _PROPERTIES.get(Path(path).suffix.lower())
    try:
        return reader(Path(path)) if reader else {}
    except (ReportError, OSError):
        return {}
