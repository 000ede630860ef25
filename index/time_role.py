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


def either(target: bool, achieved: bool) -> str:
    """The role signs point to: one of them alone decides, both or neither leave it UNKNOWN."""
    return TARGET if target and not achieved else ACHIEVED if achieved and not target else UNKNOWN


def _marked(text: str, target_words: str, achieved_words: str) -> str:
    markers = table("time_roles.tsv")
    return either(any(w in text for w in markers[target_words]), any(w in text for w in markers[achieved_words]))


def _section_role(section: Sequence[str], reviewed: Sequence[int], planned: Sequence[int]) -> str:
    """What the section says for all its sentences: its year's role, else its part heading's words
    (一、过去一年工作回顾 / 二、今年主要任务)."""
    year = section_year(section)
    if year in reviewed:
        return ACHIEVED
    if year in planned:
        return TARGET
    return _marked(normalize(section[0]), "plan_part", "review_part") if section else UNKNOWN


def _role(sentence: str, section_role: str, reviewed: Sequence[int], planned: Sequence[int]) -> str:
    norm = normalize(sentence)
    named = {int(y) for y in YEAR.findall(norm)}
    if named and named <= set(reviewed):
        return ACHIEVED
    if named and named <= set(planned):
        return TARGET
    return section_role if section_role != UNKNOWN else _marked(norm, "target", "achieved")


def sentence_role(sentence: str, section: Sequence[str], reviewed: Sequence[int], planned: Sequence[int]) -> str:
    return _role(sentence, _section_role(section, reviewed, planned), reviewed, planned)


def paragraph_roles(text: str, section: Sequence[str], reviewed: Sequence[int], planned: Sequence[int]) -> str:
    """The roles of the paragraph's sentences (index.textnorm.split_sentences), one character each; the
    section's part of the decision is made once for them all."""
    section_role = _section_role(section, reviewed, planned)
    return "".join(_role(s, section_role, reviewed, planned) for s in split_sentences(text))
