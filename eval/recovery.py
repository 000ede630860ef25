"""How much of a report a layout's reader gives back: the share of the DOCX's lines read again whole, and the
share of a web page's chrome lines that leaked into what was read as the article.

Lines compare without whitespace (a PDF puts spaces where the DOCX has none, the TXT indents): a DOCX
line counts as recovered only when one read line equals it, so a paragraph cut in two or run into the
next is lost. A chrome line leaked when a read line that is no DOCX line contains it (menus come out
run together; a body line saying 政务公开 is no leak).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Recovery:
    docx_lines: int
    recovered: int
    chrome_lines: int
    leaked: int

    @property
    def recovered_share(self) -> float:
        return self.recovered / self.docx_lines if self.docx_lines else 1.0

    @property
    def leaked_share(self) -> float | None:
        return self.leaked / self.chrome_lines if self.chrome_lines else None


def _key(line: str) -> str:
    return "".join(line.split())


def recovery(docx_lines: Sequence[str], read_lines: Sequence[str], chrome: Sequence[str] = ()) -> Recovery:
    expected = [_key(line) for line in docx_lines]
    read = {_key(line) for line in read_lines}
    extra = read - set(expected)
    return Recovery(len(expected), sum(line in read for line in expected),
                    len(chrome), sum(any(_key(c) in line for line in extra) for c in chrome))


def total(parts: Sequence[Recovery]) -> Recovery:
    return Recovery(*(sum(getattr(p, name) for p in parts) for name in ("docx_lines", "recovered", "chrome_lines", "leaked")))
