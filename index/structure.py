"""Recognise the official structure of a Chinese government document.

Parts 一、, sections （一）/(一) and —— lead-ins, items 一是 / 1. / （1）; a metadata header of short
lines (索引号, 发布机构, 分类, dates) before the first part. Every paragraph gets its breadcrumb.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from index.errors import EmptyReport
from index.records import Paragraph, Report
from index.identity import HEADER_LINES, Identity, read_identity, unspace
from index.textnorm import YEAR, clean, to_simplified
from index.time_role import paragraph_roles

_CN_NUM = "一二三四五六七八九十百"
# (level, pattern) on the cleaned (half-width) line; the first match wins.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{_CN_NUM}]+、")),
    (2, re.compile(rf"^\([{_CN_NUM}]+\)")),
    (2, re.compile(r"^——(?!\d{4}年)")),  # "——2025年1月…在…会议上" is the date line under a title
    (3, re.compile(rf"^[{_CN_NUM}]+是")),
    (3, re.compile(r"^\d{1,2}(?:\.|、|．)(?!\d)")),
    (4, re.compile(r"^\(\d{1,2}\)")),
)
# Part headings are short titles; a long line that starts with 一、 is body text.
_MAX_PART_HEADING = 60
_MAX_LABEL = 40
_HEADER_MAX_LINE = 40

_INDEX_NUMBER = re.compile(r"^[0-9A-Za-z]{6,}/\d{4}-\d+$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_KEY_VALUE = re.compile(r"^([^:：]{2,8})[:：]\s*(.+)$")
_PUBLISHER_END = ("街道", "镇", "乡", "区", "县", "市", "局", "委", "办", "政府", "办事处", "委员会", "厅", "省")
_CATEGORY_WORDS = ("总结", "计划", "报告", "规划", "要点", "方案")


def heading_level(line: str) -> int | None:
    text = clean(line).strip()
    for level, pattern in _HEADINGS:
        if pattern.match(text):
            if level == 1 and len(text) > _MAX_PART_HEADING:
                return None
            return level
    return None


def heading_label(line: str, level: int) -> str:
    """A short breadcrumb label: a heading's title up to its first full stop, at most _MAX_LABEL chars."""
    text = line.strip()
    if level >= 3:  # items carry their title in their first sentence
        text = re.split(r"[。；;]", text, maxsplit=1)[0]
    text = re.split(r"[。；;]", text, maxsplit=1)[0] if len(text) > _MAX_LABEL else text
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


def _metadata_label(value: str, dates_seen: int, identity: Identity, index_block: bool) -> str:
    simplified = to_simplified(clean(value))
    if identity.title and unspace(simplified) == unspace(identity.title) or (
            identity.kind and unspace(simplified) == identity.kind and not index_block):  # a 索引号 block's 分类 line
        return "标题"
    if identity.meeting and identity.meeting in unspace(simplified) or "人民代表大会" in simplified:
        return "会议"
    if identity.speaker and identity.speaker in unspace(simplified):
        return "报告人"
    if _INDEX_NUMBER.match(simplified):
        return "索引号"
    if _DATE.match(simplified):
        return "成文日期" if dates_seen == 0 else "发布日期"
    if any(word in simplified for word in _CATEGORY_WORDS) and len(simplified) <= 8:
        return "分类"
    if "公开" in simplified:
        return "公开方式"
    if simplified.startswith("面向"):
        return "公开范围"
    if simplified.endswith(_PUBLISHER_END):
        return "发布机构"
    return "其他"


def parse_metadata(header: Sequence[str], identity: Identity = Identity()) -> dict[str, str]:
    metadata: dict[str, str] = {}
    dates_seen = 0
    index_block = any(_INDEX_NUMBER.match(to_simplified(clean(line.strip()))) for line in header)
    for line in header:
        line = line.strip()
        key_value = _KEY_VALUE.match(line)
        if key_value and not _DATE.match(clean(line)):
            key, value = to_simplified(key_value.group(1)), key_value.group(2).strip()
        else:
            key, value = _metadata_label(line, dates_seen, identity, index_block), line
        if key in ("成文日期", "发布日期"):
            dates_seen += 1
        if key in metadata:  # keep every value: a second unknown line must not overwrite the first
            if metadata[key] == value:
                continue
            key = f"{key}{sum(k.startswith(key) for k in metadata) + 1}"
        metadata[key] = value
    return metadata


def _split_header(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Leading short lines before the first part heading or first long paragraph are the header."""
    for i, line in enumerate(lines):
        if heading_level(line) is not None or len(line) > _HEADER_MAX_LINE:
            return list(lines[:i]), list(lines[i:])
    return [], list(lines)


def report_years(metadata: dict[str, str], part_headings: Sequence[str], body: Sequence[str]) -> tuple[int, ...]:
    """Years the report speaks about: those in its part headings, else the most-cited years in the text."""
    years = {int(y) for heading in part_headings for y in YEAR.findall(heading)}
    if not years:
        counts: dict[int, int] = {}
        for line in body:
            for y in YEAR.findall(line):
                counts[int(y)] = counts.get(int(y), 0) + 1
        years = {y for y, n in counts.items() if n >= 2}
    for key in ("成文日期", "发布日期"):
        if not years and key in metadata and (m := _DATE.match(clean(metadata[key]))):
            years = {int(m.group(1)) - 1, int(m.group(1))}
    return tuple(sorted(years))


def _title(metadata: dict[str, str], part_headings: Sequence[str], fallback: str) -> str:
    explicit = metadata.get("标题") or metadata.get("题目")
    if explicit:
        return explicit
    parts = [re.sub(rf"^[{_CN_NUM}]+、", "", h) for h in part_headings]
    publisher = metadata.get("发布机构", "")
    if parts:
        return f"{publisher}{'、'.join(parts)}" if publisher else "、".join(parts)
    return fallback


def content_hash(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def parse_report(lines: Sequence[str], doc_id: str, source: str, properties: Mapping[str, str] | None = None) -> Report:
    """properties: what the file says of itself (DOCX core properties, HTML <title>), a hint for its identity."""
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        raise EmptyReport(f"报告没有文字内容：{source}")
    header, body = _split_header(lines)
    first_part = next((i for i, line in enumerate(lines) if heading_level(line) == 1), len(lines))
    part_lines = [line for line in lines if heading_level(line) == 1]
    years = report_years(parse_metadata(header), part_lines, body)
    # The title, date and speaker lines open the report, before its first part ("——2025年1月…" is no lead-in).
    identity = read_identity(lines[: min(first_part, HEADER_LINES)], parse_metadata(header), body, years, source,
                             properties)
    years = tuple(sorted({*years, *identity.reviewed_years, *identity.planned_years}))
    metadata = parse_metadata(header, identity)
    paragraphs: list[Paragraph] = []
    if metadata:
        meta_text = "；".join(f"{k}：{v}" for k, v in metadata.items())
        paragraphs.append(Paragraph(doc_id, 1, ("文件信息",), meta_text, kind="metadata",
                                    roles=paragraph_roles(meta_text, (), (), ())))
    stack: list[tuple[int, str]] = []  # open headings as (level, label)
    part_headings: list[str] = []
    for line in body:
        level = heading_level(line)
        if level is not None:
            stack = [(lv, lb) for lv, lb in stack if lv < level] + [(level, heading_label(line, level))]
            if level == 1:
                part_headings.append(line)
        # Part and section headings are breadcrumbs, not answers; items are content paragraphs.
        kind = "heading" if level in (1, 2) and len(line) <= _MAX_LABEL * 3 else "body"
        section = tuple(label for _, label in stack) or ("正文",)
        roles = paragraph_roles(line, section, identity.reviewed_years, identity.planned_years)
        paragraphs.append(Paragraph(doc_id, len(paragraphs) + 1, section, line, kind=kind, roles=roles))
    return Report(
        doc_id=doc_id,
        title=identity.title or _title(metadata, part_headings, source),
        source=source,
        content_hash=content_hash(lines),
        metadata=metadata,
        years=years,
        paragraphs=tuple(paragraphs),
        identity=identity,
    )
