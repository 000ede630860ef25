"""Staff's retrieval test (as RAGFlow's retrieval testing): a question against one indexed report or all,
the paragraphs each search ranks for it with their scores, and the answer residents would get.

The ranking is of the question as typed; the answer first resolves scope and follow-ups, so it may cite a
paragraph ranked lower (its citations are marked in the ranking). Markup is escaped throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import gradio as gr

from assistant.answer.scope import Scope
from assistant.records import Answer
from index.errors import GovQAError
from index.records import Hit, Report
from ui.render import esc, plain_html
from ui.reports import report_choices

if TYPE_CHECKING:
    from ui.staff import StaffGate

ALL_REPORTS = "*"  # the scope choice for every indexed report (no doc id is "*")
SEARCHES = (("dense", "向量"), ("lexical", "词频 BM25"))  # the retriever's modes searched alone
Place = tuple[str, int]  # (doc id, paragraph)


class RetrievalAssistant(Protocol):
    def reports(self) -> list[Report]: ...

    def rankings(self, query: str, doc_id: str | None = None) -> dict[str, list[Hit]]: ...

    def ask(self, question: str, history: Sequence[dict] | None = None, *, scope: Scope | None = None) -> Answer: ...


def scope_choices(reports: Sequence[Report]) -> dict:
    return gr.update(choices=[("全部报告", ALL_REPORTS), *report_choices(reports)], value=ALL_REPORTS)


def retrieval_test(gate: StaffGate, assistant: RetrievalAssistant, token: str | None, doc_id: str | None,
                   question: str | None, request: Any) -> str:
    """The ranking and the answer for one test question, as HTML."""
    gate.require_session(token, request)
    question = (question or "").strip()
    if not question:
        return plain_html("请输入测试问题。")
    report = None if doc_id in (None, "", ALL_REPORTS) else doc_id
    try:
        rankings = assistant.rankings(question, report)
        answer = assistant.ask(question, scope=Scope(report=report) if report else None)
    except GovQAError as exc:
        return f'<p class="warning">检索测试失败：{esc(str(exc))}</p>'
    titles = {r.doc_id: r.title for r in assistant.reports()}
    scope = f"《{titles.get(report, report)}》" if report else "全部报告"
    return render_retrieval(question, scope, rankings, answer, titles)


def _positions(hits: Sequence[Hit]) -> dict[Place, tuple[int, float]]:
    return {(h.chunk.doc_id, h.chunk.paragraph): (rank, h.score) for rank, h in enumerate(hits, 1)}


def _score(found: tuple[int, float] | None) -> str:
    return f"{found[1]:.3f} <small>（第{found[0]}）</small>" if found else "—"


def render_retrieval(question: str, scope: str, rankings: Mapping[str, Sequence[Hit]], answer: Answer,
                     titles: Mapping[str, str]) -> str:
    alone = {mode: _positions(rankings.get(mode, ())) for mode, _ in SEARCHES}
    cited: dict[Place, list[int]] = {}
    for c in answer.citations:
        cited.setdefault((c.doc_id, c.paragraph), []).append(c.n)
    rows = []
    for rank, hit in enumerate(rankings.get("hybrid", ()), 1):
        place = (hit.chunk.doc_id, hit.chunk.paragraph)
        marks = "".join(f"[{n}]" for n in cited.get(place, ()))
        badge = f' <span class="cited">答案引用{marks}</span>' if marks else ""
        rows.append(
            f'<tr class="{"cited" if marks else ""}"><td>{rank}</td><td>{hit.score:.3f}</td>'
            + "".join(f"<td>{_score(alone[mode].get(place))}</td>" for mode, _ in SEARCHES)
            + f'<td>《{esc(titles.get(hit.chunk.doc_id, hit.chunk.doc_id))}》第{hit.chunk.paragraph}段{badge}'
              f'<br><small>{esc(" › ".join(hit.chunk.section))}</small></td><td>{esc(hit.chunk.text)}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in ("名次", "融合分", *(f"{label}分" for _, label in SEARCHES), "出处", "文本块"))
    table = (f'<table class="ranking"><tr>{head}</tr>{"".join(rows)}</table>' if rows
             else '<p class="warning">没有检索到任何段落。</p>')
    return (f'<div class="retrieval-test"><p>问题：{esc(question)} · 范围：{esc(scope)}</p>{table}'
            "<p><small>融合分：两路检索的分数各自归一化后按设置加权相加（或按名次 RRF 相加）；向量分、词频分是该路单独检索时"
            "的归一化分数，括号内为该路名次，“—”表示该路没有召回。排名按问题原文检索；回答会先识别地名、年份、追问，"
            "所引段落可能排在别处。</small></p>"
            f"{_render_answer(answer, titles)}</div>")


def _render_answer(answer: Answer, titles: Mapping[str, str]) -> str:
    verdict = "已回答" if answer.answered else "拒答"
    sources = "".join(f"<li>[{c.n}] 《{esc(titles.get(c.doc_id, c.doc_title))}》第{c.paragraph}段："
                      f"{esc(c.quote or c.text)}</li>" for c in answer.citations)
    return (f'<h4>居民会得到的回答（{verdict}，{answer.latency_ms:.0f} 毫秒）</h4>'
            f'<p class="answer-text">{esc(answer.text)}</p>' + (f'<ul class="sources">{sources}</ul>' if sources else ""))
