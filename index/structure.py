"""Recognise the official structure of a Chinese government document.

Parts 一、, sections （一）/(一) and —— lead-ins, items 一是 / 1. / （1）; a metadata header of short
lines (the title, 索引号, 发布机构, 分类, dates) before the salutation, the first part or the first long
paragraph. Every paragraph gets its breadcrumb. A numbered line ("1." "（1）") is a heading when it is a
short title with text under it, opens its item's section when it starts with a short title sentence
(坎墩's "1.強化規劃落地,明確發展方向。…"), and is otherwise an item of a list in its parent's section
("1. 完成老旧小区改造5个。", a 名词解释 entry); index/lexicon/numbered_items.tsv has the measure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from index.errors import EmptyReport
from index.records import Paragraph, Report
from index.identity import HEADER_LINES, Identity, read_identity, title_line, unspace
from index.lexicon import table
from index.textnorm import YEAR, clean, split_sentences, to_simplified
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
_ARABIC_NUMBERED = re.compile(r"^\(?\d")  # "1." "(1)": numbered lines that may be headings or list items
_ITEM_TITLE_CHARS = int(table("numbered_items.tsv")["title_chars"][0])
_SENTENCE_END = re.compile(r"[。！？；!?;]$")
# Part headings are short titles; a long line that starts with 一、 is body text.
_MAX_PART_HEADING = 60
_MAX_LABEL = 40
_HEADER_MAX_LINE = 40
# A sentence (现在，我代表…。) is the report's text, and so is the salutation just before it (各位代表：).
_SENTENCE_LINE = re.compile(r"[。！？!?]$")
_SALUTATION = re.compile(r"[:：]$")

_INDEX_NUMBER = re.compile(r"^[0-9A-Za-z]{6,}/\d{4}-\d+$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_KEY_VALUE = re.compile(r"^([^:：]{2,8})[:：]\s*(.+)$")
_PUBLISHER_END = ("街道", "镇", "乡", "区", "县", "旗", "市", "州", "盟", "局", "委", "办", "政府", "办事处", "委员会", "厅", "省")
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


def _numbered_role(line: str, level: int, before: str | None, after: str | None) -> str:
    """What a numbered line ("1." "(1)", between the lines `before` and `after`) is: "heading" — a short title
    with text under it, not one of a run of numbered lines; "titled" — an item opening with a short title
    sentence, which labels its section; "item" — one of a list, in its parent's section."""
    text = clean(line).strip()
    sibling_above = before is not None and heading_level(before) == level
    under = heading_level(after) if after is not None else level  # the end of the report: nothing under it
    text_under = under is None or under > level
    if len(text) <= _ITEM_TITLE_CHARS and not _SENTENCE_END.search(text) and text_under and not sibling_above:
        return "heading"
    sentences = split_sentences(text)
    if len(sentences) > 1 and len(sentences[0]) <= _ITEM_TITLE_CHARS and ":" not in sentences[0]:
        return "titled"
    return "item"


def _metadata_label(value: str, dates_seen: int, identity: Identity, index_block: bool, printed_title: str) -> str:
    simplified = to_simplified(clean(value))
    if unspace(simplified) in {unspace(identity.title), printed_title} - {""} or (
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
    printed_title = title_line(header) if identity.title and not index_block else ""  # there it is the 分类 line
    for line in header:
        line = line.strip()
        key_value = _KEY_VALUE.match(line)
        if key_value and not _DATE.match(clean(line)):
            key, value = to_simplified(key_value.group(1)), key_value.group(2).strip()
        else:
            key, value = _metadata_label(line, dates_seen, identity, index_block, printed_title), line
        if key in ("成文日期", "发布日期"):
            dates_seen += 1
        if key in metadata:  # keep every value: a second unknown line must not overwrite the first
            if metadata[key] == value:
                continue
            key = f"{key}{sum(k.startswith(key) for k in metadata) + 1}"
        metadata[key] = value
    return metadata


def _split_header(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Leading short lines before the first heading, sentence or long paragraph are the header, but for the
    salutation that closes it (各位代表：; a "索引号：" whose value follows on its own line stays)."""
    end = next((i for i, line in enumerate(lines) if heading_level(line) is not None
                or len(line) > _HEADER_MAX_LINE or _SENTENCE_LINE.search(clean(line))), None)
    if end is None:
        return [], list(lines)
    while end and _SALUTATION.search(clean(lines[end - 1])):
        end -= 1
    return list(lines[:end]), list(lines[end:])


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
    for i, line in enumerate(body):
        level = heading_level(line)
        role = (_numbered_role(line, level, body[i - 1] if i else None, body[i + 1] if i + 1 < len(body) else None)
                if level is not None and _ARABIC_NUMBERED.match(clean(line)) else "")
        if level is not None:
            stack = [(lv, lb) for lv, lb in stack if lv < level]
            if role != "item":  # a list item closes its siblings' sections and opens none
                stack.append((level, heading_label(line, level)))
            if level == 1:
                part_headings.append(line)
        # Part and section headings are breadcrumbs, not answers; items are content paragraphs.
        kind = "heading" if level in (1, 2) and len(line) <= _MAX_LABEL * 3 or role == "heading" else "body"
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
