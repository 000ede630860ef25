"""Limits on what a report file may cost to read, and how sizes are shown in messages."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * MB  # a DOCX inflating past this (or 20× its file size) is refused
MAX_ZIP_MEMBERS = 10_000  # a DOCX has a few dozen parts; a zip of many tiny ones costs time for nothing


@dataclass(frozen=True)
class ReadLimits:
    """Hard caps on one report (GOVQA_MAX_REPORT_BYTES and friends in assistant/settings.py)."""

    max_bytes: int = 50 * MB  # the file itself
    max_paragraphs: int = 20_000  # the longest real report has ~1,000
    max_chars: int = 3_000_000  # real reports have ~50,000; this is ~10 minutes of embedding
    max_html_depth: int = 256  # real pages nest ~30 deep; HTML parsing cost grows with depth


def human_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.1f} KB"
