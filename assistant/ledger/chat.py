"""Chat answers from the ledger: "2023年承诺了哪些停车场建设？", "去年说要装的智能排口装了吗？".

Only questions about promises are taken (承诺/说要…, or "…了吗" about a plan); everything else —
including plain look-ups such as "2023年计划建设多少个停车位？" — is left to the Q&A pipeline (None).
Time words are read in the frame of the newest indexed report (dated 2024-01: 去年 = 2023).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.intent import DONE_ASKED, PLANNED, PROMISED
from assistant.answer.question import resolve_time_words
from assistant.ledger.extract import PENDING
from assistant.ledger.store import Commitment, Ledger, Source
from assistant.records import Citation
from index.textnorm import YEAR, coverage, in_script_of, normalize

# Everything in a question that is not its topic.
_NOT_TOPIC = re.compile(
    rf"{PROMISED.pattern}|{DONE_ASKED.pattern}|{PLANNED.pattern}|(?:19|20)\d{{2}}年度?|"
    r"哪些|什么|多少|几个|几家|有没有|是否|情况|怎么样|如何|请问|一下|过|了|吗|呢|的|是|有|都|还|[?？!！,，。、\s]"
)
MIN_TOPIC_COVERAGE = 0.6


@dataclass(frozen=True)
class LedgerAnswer:
    text: str  # in the script the question was typed in
    citations: tuple[Citation, ...]  # each commitment's sentence, then the review sentence judging it
    commitments: tuple[Commitment, ...]


def answer_from_ledger(question: str, asks_status: bool, ledger: Ledger) -> LedgerAnswer | None:
    """question: as typed, about a promise (Intent.about_promise); None when nothing promised matches."""
    asked = resolve_time_words(normalize(question), ledger.this_year())
    years = sorted({int(y) for y in YEAR.findall(asked)})
    rows = _about(_NOT_TOPIC.sub("", asked), [c for c in ledger.commitments() if not years or c.year in years])
    if not rows:
        return None  # nothing promised on this: let the Q&A pipeline search the reports
    return _compose(question, rows, asks_status, ledger)


def _about(topic: str, rows: list[Commitment]) -> list[Commitment]:
    """Rows whose own words cover the topic; else rows whose sentence does (停车场建设 → its 停车位 rows). Rows with a
    figure first: 停车场建设 asks for the 停车位 counted before the goal 实施…停车场建设工程 that names the work."""
    if not topic:
        return [c for c in rows if c.value is not None]
    for figures in (True, False):
        for text_of in (_row_words, lambda c: normalize(c.source.sentence)):
            found = [c for c in rows if (c.value is not None or not figures)
                     and coverage(topic, text_of(c)) >= MIN_TOPIC_COVERAGE]
            if found:
                return found
    return []


def _row_words(c: Commitment) -> str:
    return normalize(f"{c.text}{c.action}{c.place}{c.item}")


def _compose(question: str, rows: list[Commitment], asks_status: bool, ledger: Ledger) -> LedgerAnswer:
    titles = ledger.titles()
    cited: dict[tuple[str, int, str], Citation] = {}

    def cite(source: Source) -> int:
        key = (source.doc_id, source.paragraph, source.sentence)
        if key not in cited:
            cited[key] = Citation(len(cited) + 1, source.doc_id, titles.get(source.doc_id, source.doc_id),
                                  source.breadcrumb, source.paragraph, source.sentence,
                                  ledger.paragraph_text(source.doc_id, source.paragraph))
        return cited[key].n

    years = "、".join(f"{y}年" for y in sorted({c.year for c in rows}))
    lines = [f"{years}的承诺中，相关的有{len(rows)}项："]
    for i, c in enumerate(rows, 1):
        line = f"{i}. {c.summary}（{c.year}年，措辞“{c.strength}”）[{cite(c.source)}]"
        if c.link.evidence is not None:
            line += f"；落实情况：{c.link.status}，{c.link.reason}[{cite(c.link.evidence)}]"
        elif asks_status or c.link.status != PENDING:
            line += f"；落实情况：{c.link.status}，{c.link.reason}"
        lines.append(line)
    return LedgerAnswer(in_script_of(question, "\n".join(lines)), tuple(cited.values()), tuple(rows))

