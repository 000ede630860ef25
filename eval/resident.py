"""Questions residents ask about a synthetic government, naming its place and year and nothing else.

Each comes from an answerable dev question about the sample that names a year (2022年坎墩街道预计实现地区
生产总值多少？): the sample's own names are dropped, the government and year put first as residents say
them (长安镇2026年预计实现地区生产总值多少？, 平顺去年…, 临夏今年…), and its gold quotes and answer facts varied
like the report's text, so they hold that report's figures. No filter goes with them: the report must be
found from the question alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

from eval.synthetic import SAMPLE_YEAR, Variant, vary

KINDS = ("figure", "commitment", "paraphrase", "list", "traditional", "colloquial")
PER_REPORT = 8  # questions per government: 20 governments give 160 questions, a few minutes per pass
RELATIVE_SHARE = 1 / 3  # how often a question says 去年/今年 instead of the year (read in the report's frame)
_OWN_NAMES = re.compile(r"坎墩街道|坎墩|街道")
_YEAR = re.compile(r"(?<!\d)(20\d{2})年")
_RELATIVE = {SAMPLE_YEAR: "去年", SAMPLE_YEAR + 1: "今年"}


def ask_as_resident(question: str, v: Variant, rng: random.Random) -> str | None:
    """The question about v's government, place and year first; None when it names no year."""
    text = _OWN_NAMES.sub("", question).lstrip("的，, ")
    if not (m := _YEAR.search(text)):
        return None
    year = int(m[1])
    rest = _YEAR.sub(lambda y: f"{int(y[1]) + v.review_year - SAMPLE_YEAR}年", text[: m.start()] + text[m.end():])
    when = (_RELATIVE[year] if year in _RELATIVE and rng.random() < RELATIVE_SHARE
            else f"{year + v.review_year - SAMPLE_YEAR}年")
    return f"{rng.choice((v.name, v.short))}{when}{rest.lstrip('的，, ')}"


def questions_for(dev: Sequence[Mapping], v: Variant, doc_id: str, seed: int = 0) -> list[dict]:
    """PER_REPORT questions about the report doc_id, made from the dev questions by v."""
    rng = random.Random(f"{seed}:questions:{doc_id}")
    made = []
    for q in dev:
        if not q["answerable"] or q.get("kind") not in KINDS or q.get("history") or q.get("scope"):
            continue
        if (text := ask_as_resident(q["question"], v, rng)) is not None:
            made.append({"id": f"{doc_id}:{q['id']}", "question": text, "kind": q["kind"], "answerable": True,
                         "gold_report": doc_id, "gold_paragraphs": [vary(g, v) for g in q["gold_paragraphs"]],
                         "answer_facts": [vary(f, v) for f in q["answer_facts"]]})
    return rng.sample(made, min(PER_REPORT, len(made)))
