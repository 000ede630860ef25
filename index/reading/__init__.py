"""Read a report file (TXT/MD, DOCX, PDF, HTML) into logical lines: one paragraph or heading per line.

Lines keep the document's own characters (no Traditional/Simplified conversion); every failure is a
ReportError whose Chinese message names the file, so the UI can show it as-is. One module per format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from index.errors import EmptyReport, ReportError, ReportTooLarge, UnsupportedFormat
from index.reading.decoding import EDGE_BLANKS
from index.reading.pdf import read_pdf
from index.reading.plain_text import read_text
from index.reading.sizes import MB, human_size
from index.reading.web_page import html_properties, read_html
from index.reading.word_docx import docx_properties, read_docx

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
_READERS: dict[str, Callable[[Path, int], Iterable[str]]] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
}



def read_report_lines(path: Path, max_bytes: int = 50 * MB) -> list[str]:
    """The report's text as stripped, non-blank logical lines (one paragraph or heading each)."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormat(f"不支持的文件格式：{path.name}（支持 {'、'.join(SUPPORTED_SUFFIXES)}）")
    if not path.is_file():
        raise ReportError(f"找不到报告文件：{path.name}")
    size = path.stat().st_size
    if size > max_bytes:
        raise ReportTooLarge(f"文件过大：{path.name}（{human_size(size)}，上限 {human_size(max_bytes)}）")
    lines = [line for raw in reader(path, max_bytes) if (line := EDGE_BLANKS.sub("", raw))]
    if not lines:
        raise EmptyReport(f"报告没有文字内容：{path.name}")
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
