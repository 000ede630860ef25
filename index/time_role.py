"""Each sentence's time role, computed at ingest: does it state what was achieved (the reviewed year) or
what is targeted (the planned year)?

A government report reviews one year and plans the next, so the section a sentence sits in decides
first: a section of a reviewed year is achieved, of a planned year is target; a sentence naming only a
reviewed year (2024年完成…) or only a planned one is that year's. A part that names no year says in words
which it is (过去一年工作回顾 / 主要任务); without either (an opening summary) the sentence's own words decide.
The words are data: index/lexicon/time_roles.tsv.
"""

from __future__ import annotations

from collections.abc import Sequence

from index.lexicon import table
from index.textnorm import YEAR, normalize, split_sentences

ACHIEVED, TARGET, UNKNOWN = "a", "t", "-"  # one character per sentence in Paragraph.roles


def section_year(section: Sequence[str]) -> int | None:
    """The year the section's breadcrumb names (二、2025年主要任务 → 2025), the outermost label first."""
    for label in section:
        if found := YEAR.search(label):
            return int(found.group(1))
    return None


def _part_role(section: Sequence[str], markers: dict[str, tuple[str, ...]]) -> str:
    """The role the part heading states in words (一、过去一年工作回顾 / 二、今年主要任务), "" when it does not."""
    heading = normalize(section[0]) if section else ""
    review = any(word in heading for word in markers["review_part"])
    plan = any(word in heading for word in markers["plan_part"])
    return ACHIEVED if review and not plan else TARGET if plan and not review else ""


def sentence_role(sentence: str, section: Sequence[str], reviewed: Sequence[int], planned: Sequence[int]) -> str:
    year = section_year(section)
    norm = normalize(sentence)
    named = {int(y) for y in YEAR.findall(norm)}
    if named and named <= set(reviewed):
        return ACHIEVED
    if named and named <= set(planned):
        return TARGET
    if year in reviewed:
        return ACHIEVED
    if year in planned:
        return TARGET
    markers = table("time_roles.tsv")
    if part := _part_role(section, markers):
        return part
    target = any(word in norm for word in markers["target"])
    achieved = any(word in norm for word in markers["achieved"])
    return TARGET if target and not achieved else ACHIEVED if achieved and not target else UNKNOWN


def paragraph_roles(text: str, section: Sequence[str], reviewed: Sequence[int], planned: Sequence[int]) -> str:
    """The roles of the paragraph's sentences (index.textnorm.split_sentences), one character each."""
    return "".join(sentence_role(s, section, reviewed, planned) for s in split_sentences(text))
