"""One DOCX report in the layouts reports arrive in: the DOCX itself, a PDF, a government web page, a GBK TXT.

- pdf: LibreOffice's export (`soffice --convert-to pdf`), one soffice call for all files (it takes seconds to
  start), with a private profile so parallel runs do not share LibreOffice's lock.
- html: the DOCX's paragraphs and tables (python-docx, document order) as the article of a portal page
  (eval/page_chrome.py), the first line as the page's title.
- txt: GBK (GB18030 for the few characters GBK lacks) with CRLF, paragraphs indented with two ideographic
  spaces and a blank line after each, the title spaced out (政 府 工 作 报 告), table rows as tab-separated
  cells: the format of the Hailar TXT reports (eval/corpus/real/SOURCES.md).

Built files are cached under the work dir and rebuilt only when older than their DOCX. The real DOCX
use no Word automatic numbering (checked with python-docx), so paragraph text is all there is to copy.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
from docx.table import Table

from eval.page_chrome import article_html, government_page
from index.ingest import read_report
from index.reading.sizes import ReadLimits

LAYOUTS = ("docx", "pdf", "html", "txt")
Block = str | list[list[str]]  # a paragraph, or a table's rows of cell texts
SOFFICE = "soffice"
_BETWEEN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])")


def docx_blocks(path: Path) -> list[Block]:
    """The DOCX's non-blank paragraphs (a soft line break starts a new one) and tables, in document order."""
    blocks: list[Block] = []
    for item in docx.Document(str(path)).iter_inner_content():
        if isinstance(item, Table):
            blocks.append([[cell.text.strip() for cell in row.cells] for row in item.rows])
        else:
            blocks += [line for raw in item.text.split("\n") if (line := raw.strip())]
    return blocks


def web_page(path: Path) -> str:
    """The DOCX as its government's portal would serve it: site name from the report's own identity."""
    blocks = docx_blocks(path)
    title = blocks[0] if blocks and isinstance(blocks[0], str) else ""
    place = read_report(path, ReadLimits()).identity.place
    return government_page(article_html(blocks[1:] if title else blocks), title, f"{place}人民政府")


def gbk_text(path: Path) -> bytes:
    lines: list[str] = []
    for n, block in enumerate(docx_blocks(path)):
        if isinstance(block, str):
            lines.append(_BETWEEN_CJK.sub(" ", block) if n == 0 else f"\u3000\u3000{block}")
        else:
            lines += ["\t".join(row) for row in block]
        lines.append("")
    # GBK has no no-break space (converters write a plain one) nor a few signs the reports use (‱): GB18030
    # writes GBK's bytes for every GBK character and holds those too.
    return "\r\n".join(lines).replace("\xa0", " ").encode("gb18030")


def build(layout: str, sources: Sequence[Path], work_dir: Path) -> list[Path]:
    """The files of one layout for the DOCX sources, built into work_dir/layout where missing or stale."""
    if layout == "docx":
        return list(sources)
    out_dir = work_dir / layout
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {source: out_dir / f"{source.stem}.{layout}" for source in sources}
    stale = [s for s, t in targets.items() if not t.exists() or t.stat().st_mtime < s.stat().st_mtime]
    if stale and layout == "pdf":
        _soffice_pdf(stale, out_dir)
    writers: dict[str, Callable[[Path], bytes]] = {"html": lambda s: web_page(s).encode("utf-8"), "txt": gbk_text}
    for source in stale if layout in writers else ():
        targets[source].write_bytes(writers[layout](source))
    missing = [t.name for t in targets.values() if not t.exists()]
    if missing:
        raise RuntimeError(f"{layout}: not built: {', '.join(missing)}")
    return list(targets.values())


def _soffice_pdf(sources: Sequence[Path], out_dir: Path) -> None:
    if shutil.which(SOFFICE) is None:
        raise RuntimeError("LibreOffice (soffice) is needed for the PDF layout")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out_dir), *map(str, sources)], check=True, capture_output=True, timeout=1800)
