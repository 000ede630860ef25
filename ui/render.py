"""Chat markup: pure functions from answers to HTML. Every report or user string is escaped here.

Ids tie the pieces together: a badge `[n]` links to its source (`#src-<turn>-<n>`) and a source
links to its paragraph in the report viewer (`#p-<doc_id>-<paragraph>`); ui/assets.py handles clicks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.records import Answer, Citation
from index.records import Report
from index.textnorm import split_sentences, to_simplified, to_traditional

Message = dict[str, Any]
Script = Literal["auto", "simplified", "traditional"]
SCRIPT_CHOICES: list[tuple[str, Script]] = [("自动", "auto"), ("简体", "simplified"), ("繁體", "traditional")]
_CONVERT: dict[str, Callable[[str], str]] = {"simplified": to_simplified, "traditional": to_traditional}

EXCERPT_CHARS = 120
_MARKER = re.compile(r"\[(\d+)\]")


# Bidi embeddings, overrides and isolates (and the marks): they can make a name read as another
# (e.g. "report\u202etxt.exe"); nothing a Chinese report says needs them.
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def shown(text: str) -> str:
    """A name as displayed anywhere, even as plain text (dropdown labels): without bidi controls."""
    return text.translate(_BIDI)


def esc(text: str) -> str:
    """Text as HTML that shows it as typed. No line break survives as one: inside the chat's Markdown a
    blank line would end the HTML block and let the rest render as Markdown (images, links)."""
    return _LINE_BREAK.sub("<br>", html.escape(shown(text)))


def plain_html(text: str) -> str:
    """A message for a gr.HTML: user or report text shown as text, never as Markdown or markup."""
    return f'<p class="govqa-message">{esc(text)}</p>' if text else ""


def in_script(text: str, script: Script) -> str:
    """The answer's own words in the chosen script; "auto" keeps the script of the question."""
    convert = _CONVERT.get(script)
    return convert(text) if convert else text


# --- anchors ---------------------------------------------------------------------------------------
def paragraph_anchor(doc_id: str, number: int) -> str:
    return f"p-{doc_id}-{number}"


def parse_paragraph_anchor(anchor: str) -> tuple[str, int] | None:
    """(doc_id, paragraph) from "p-<doc_id>-<n>"; doc ids may contain "-" themselves."""
    match = re.fullmatch(r"p-(.+)-(\d+)", anchor.strip().lstrip("#"))
    return (match[1], int(match[2])) if match else None


def source_anchor(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


# --- highlighting ----------------------------------------------------------------------------------
def _quote_spans(paragraph: str, quote: str) -> list[tuple[int, int]]:
    """Where the quote sits in its paragraph: whole, or sentence by sentence when it joins several."""
    if not quote:
        return []
    if (start := paragraph.find(quote)) >= 0:
        return [(start, start + len(quote))]
    spans = sorted(
        (start, start + len(s)) for s in split_sentences(quote) if (start := paragraph.find(s)) >= 0
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(paragraph: str, quote: str) -> str:
    """The escaped paragraph with the quoted sentence(s) in <mark>."""
    spans = _quote_spans(paragraph, quote)
    if quote and not spans:  # a quote not found verbatim (e.g. from a generative model) is still shown
        return f"<p><mark>{esc(quote)}</mark></p><p>{esc(paragraph)}</p>"
    parts, pos = [], 0
    for start, end in spans:
        parts += [esc(paragraph[pos:start]), f"<mark>{esc(paragraph[start:end])}</mark>"]
        pos = end
    parts.append(esc(paragraph[pos:]))
    return "".join(parts)


# --- answer text with badges -----------------------------------------------------------------------
def badge(n: int) -> str:
    return f'<span class="cite-badge">{n}</span>'


def _linked_badge(turn: int, n: int) -> str:
    return f'<a class="cite-badge" href="#{source_anchor(turn, n)}" title="来源 {n}">{n}</a>'


def render_text(text: str, turn: int, cited: Collection[int] = (), script: Script = "auto") -> str:
    """Answer text, escaped, with each `[n]` that has a source turned into a badge linking to it."""
    body = _MARKER.sub(lambda m: _linked_badge(turn, int(m[1])) if int(m[1]) in cited else m[0],
                       esc(in_script(text, script)))
    # A block-level tag first and no blank lines: the chat's markdown passes the block through as HTML.
    return f'<div class="answer-text">{body}</div>'


# --- sources ---------------------------------------------------------------------------------------
def _place(c: Citation) -> str:
    return " · ".join(esc(p) for p in (c.doc_title, c.section, f"第{c.paragraph}段") if p)


def _viewer_link(c: Citation) -> str:
    return f'<a class="open-viewer" href="#{paragraph_anchor(c.doc_id, c.paragraph)}">在报告中查看 ›</a>'


def render_source(c: Citation, turn: int) -> str:
    return (f'<details class="source" id="{source_anchor(turn, c.n)}"><summary>{badge(c.n)} {_place(c)}</summary>'
            f'<blockquote>{highlight(c.text, c.quote)}</blockquote>{_viewer_link(c)}</details>')


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def render_related(c: Citation) -> str:
    return f"<li>{_place(c)}：{esc(_excerpt(c.text))} {_viewer_link(c)}</li>"


# --- what a report covers, shown when nothing was found --------------------------------------------
@dataclass(frozen=True)
class Coverage:
    title: str
    years: tuple[int, ...]
    parts: tuple[tuple[str, tuple[str, ...]], ...]  # top-level part → its sections


def coverage_of(report: Report) -> Coverage:
    """The report's parts and their sections, in order, from the paragraphs' breadcrumbs."""
    parts: dict[str, dict[str, None]] = {}  # dicts as ordered sets
    for p in report.paragraphs:
        if p.kind != "metadata" and p.section:
            sections = parts.setdefault(p.section[0], {})
            if len(p.section) > 1:
                sections[p.section[1]] = None
    return Coverage(report.title, report.years, tuple((part, tuple(s)) for part, s in parts.items()))


def _years(years: Sequence[int]) -> str:
    return f"（{'、'.join(map(str, years))}年）" if years else ""


def _render_part(part: str, sections: Sequence[str]) -> str:
    inner = f"<ul>{''.join(f'<li>{esc(s)}</li>' for s in sections)}</ul>" if sections else ""
    return f"<li>{esc(part)}{inner}</li>"


def render_coverage(coverage: Coverage) -> str:
    parts = "；".join(esc(part) for part, _ in coverage.parts)
    return (f'<div class="coverage"><p>《{esc(coverage.title)}》{_years(coverage.years)}涵盖：{parts}</p>'
            f"<details><summary>查看各部分要点</summary><ul>"
            f"{''.join(_render_part(part, sections) for part, sections in coverage.parts)}</ul></details></div>")


# --- whole answers and chat turns ------------------------------------------------------------------
@dataclass(frozen=True)
class Turn:
    """One question and what came back: an answer or an error message."""

    question: str
    answer: Answer | None = None
    error: str = ""
    feedback_id: int | None = None  # row in the feedback store, for 👍/👎
    coverage: tuple[Coverage, ...] = ()  # filled for refusals

    def history(self) -> list[dict]:
        """The plain turns the assistant sees for follow-ups; errors are left out."""
        if self.answer is None:
            return []
        return [{"role": "user", "content": self.question}, {"role": "assistant", "content": self.answer.text}]


def render_sources(answer: Answer, turn: int, coverage: Sequence[Coverage] = ()) -> str:
    """Cited paragraphs for an answer; the closest paragraphs and what the reports cover for a refusal."""
    if answer.answered:
        sources = "".join(render_source(c, turn) for c in answer.citations)
        return f'<div class="sources"><p><strong>来源</strong></p>{sources}</div>' if sources else ""
    related = "".join(render_related(c) for c in answer.related)
    related_html = f"<p><strong>相关段落</strong></p><ul>{related}</ul>" if related else ""
    coverage_html = "".join(render_coverage(c) for c in coverage)
    return f'<div class="sources">{related_html}{coverage_html}</div>' if related or coverage else ""


def render_answer(answer: Answer, turn: int = 0, script: Script = "auto", coverage: Sequence[Coverage] = ()) -> str:
    notice = f'<p class="notice">（{esc(in_script(answer.notice, script))}）</p>' if answer.notice else ""
    cited = {c.n for c in answer.citations}
    return render_text(answer.text, turn, cited, script) + notice + render_sources(answer, turn, coverage)


def render_error(message: str) -> str:
    return f'<div class="answer-text error">⚠️ {esc(message)}</div>'


def user_message(question: str) -> Message:
    # A block-level tag first, as for answers: the question's text is never read as Markdown.
    return {"role": "user", "content": f'<div class="question-text">{esc(question)}</div>'}


def render_turn(turn: Turn, index: int, script: Script) -> list[Message]:
    reply = (render_answer(turn.answer, index, script, turn.coverage) if turn.answer is not None
             else render_error(turn.error))
    return [user_message(turn.question), {"role": "assistant", "content": reply}]


def render_chat(turns: Sequence[Turn], script: Script = "auto") -> list[Message]:
    return [message for i, turn in enumerate(turns) for message in render_turn(turn, i, script)]


def indexed_line(reports: Sequence[Report]) -> str:
    """The header line of every page (a gr.HTML): titles are text, whatever they contain."""
    if not reports:
        return plain_html("尚未导入任何报告。")
    return plain_html("已索引报告：" + "、".join(f"《{r.title}》" for r in reports))
