"""TXT and Markdown reports: decoded text, one line per paragraph."""

from __future__ import annotations

import re
from pathlib import Path

from index.reading.decoding import decode
from index.reading.sizes import ReadLimits

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def read_text(path: Path, limits: ReadLimits) -> list[str]:
    lines = decode(path.read_bytes(), path.name).splitlines()  # \r\n, \r and \n alike
    if path.suffix.lower() == ".md":
        # "## 一、…" → "一、…" so the structure parser sees the numbering at the start
        lines = [_MD_HEADING.sub("", line) for line in lines]
    return lines
