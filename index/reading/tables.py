"""Tables as text that keeps its meaning: each data row becomes one line that names its columns.

"地区生产总值增速 | 4.1% | 5%左右" under the header "指标 | 2023年完成 | 2024年目标" becomes
"地区生产总值增速：2023年完成4.1%，2024年目标5%左右。", so a figure quoted from a table says which
year and role (achieved or target) it is; the header row itself is no answer and is not kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A header names columns; a data row holds figures. Years in labels (2023年完成) are no figures.
_YEAR_LABEL = re.compile(r"(?:19|20)\d{2}\s*年?")
_FIGURE = re.compile(r"\d")


def is_header(cells: Sequence[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and not any(_FIGURE.search(_YEAR_LABEL.sub("", c)) for c in filled)


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """One line per row. Under a header row, "label：column value，column value。"; without one (or for a
    row wider than its header), the cells joined by " | " as before."""
    lines: list[str] = []
    header: list[str] | None = None
    for cells in rows:
        cells = [" ".join(c.split()) for c in cells]
        if not any(cells):
            continue
        if is_header(cells) and header is None:
            header = cells
            continue
        if header is not None and len(cells) == len(header) and cells[0]:
            pairs = [f"{name}{value}" for name, value in zip(header[1:], cells[1:]) if value]
            lines.append(f"{cells[0]}：{'，'.join(pairs)}。" if pairs else cells[0])
        else:
            lines.append(" | ".join(c for c in cells if c))
    if header is not None and not lines:  # a table of labels only: keep what it says
        lines.append(" | ".join(c for c in header if c))
    return lines
