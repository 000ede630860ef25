"""Read a report file (TXT/MD, DOCX, PDF, HTML) into logical lines: one paragraph or heading per line.

Lines keep the document's own characters (no Traditional/Simplified conversion); every failure is a
ReportError whose Chinese message names the file, so the UI can show it as-is — a reader's unexpected
exception too (logged with its traceback), so one hostile file never stops the others of a batch.
Limits (sizes.ReadLimits) are checked before reading (bytes) and after (paragraphs, characters).
One module per format.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from index.errors import EmptyReport, ReportError, ReportTooLarge, UnreadableReport, UnsupportedFormat
from index.reading.decoding import EDGE_BLANKS
from index.reading.sizes import ReadLimits, human_size

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
log = logging.getLogger(__name__)
# "module:function" in index.reading, imported when a file of that format is read: pypdf, bs4 and
# python-docx took 0.2 s of every `govqa serve` start, which reads no file.
_READERS = {
    ".txt": "plain_text:read_text",
    ".md": "plain_text:read_text",
    ".docx": "word_docx:read_docx",
    ".pdf": "pdf:read_pdf",
    ".html": "web_page:read_html",
    ".htm": "web_page:read_html",
}
_PROPERTIES = {".docx": "word_docx:docx_properties", ".html": "web_page:html_properties",
               ".htm": "web_page:html_properties"}


def _function(name: str) -> Callable:
    module, function = name.split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def read_report_lines(path: Path, limits: ReadLimits = ReadLimits()) -> list[str]:
    """The report's text as stripped, non-blank logical lines (one paragraph or heading each)."""
    path = Path(path)
    reader_name = _READERS.get(path.suffix.lower())
    if reader_name is None:
        raise UnsupportedFormat(f"不支持的文件格式：{path.name}（支持 {'、'.join(SUPPORTED_SUFFIXES)}）")
    if not path.is_file():
        raise ReportError(f"找不到报告文件：{path.name}")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ReportTooLarge(f"文件过大：{path.name}（{human_size(size)}，上限 {human_size(limits.max_bytes)}）")
    reader = _function(reader_name)
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


def read_properties(path: Path) -> dict[str, str]:
    """What the file says of itself besides its text (DOCX core properties, an HTML page's <title>), for the
    report's identity; empty for formats without any, or when they cannot be read."""
    reader = _PROPERTIES.get(Path(path).suffix.lower())
    try:
        return _function(reader)(Path(path)) if reader else {}
    except (ReportError, OSError):
        return {}
