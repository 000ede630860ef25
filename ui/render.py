"""Chat markup: pure functions from answers to HTML. Every report or user string is escaped here.

Ids tie the pieces together: a badge `[n]` links to its source (`#src-<turn>-<n>`) and a source
links to its paragraph in the report viewer (`#p-<doc_id>-<paragraph>`); ui/assets.py handles clicks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from urllib.parse import urlencode
from dataclasses import dataclass
from typing import Any, Literal

from assistant.answer.scope import Scope
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
@dataclass(frozen=True)
class ParagraphTarget:
    """What a source link opens: a paragraph of a report, and the cited sentences in it (0-based, inclusive)."""

    doc_id: str
    paragraph: int
    sentences: tuple[int, int] | None = None


def paragraph_anchor(doc_id: str, number: int) -> str:
    """The viewer's element id of a paragraph."""
    return f"p-{doc_id}-{number}"


def target_anchor(target: ParagraphTarget) -> str:
    """A link to a paragraph, with its cited sentences after "~" (never in a doc id: ids are file slugs)."""
    anchor = paragraph_anchor(target.doc_id, target.paragraph)
    return f"{anchor}~{target.sentences[0]}-{target.sentences[1]}" if target.sentences else anchor


def parse_paragraph_anchor(anchor: str) -> ParagraphTarget | None:
    """The target of "p-<doc_id>-<n>[~<first>-<last>]"; doc ids may contain "-" themselves."""
    match = re.fullmatch(r"p-([^~]+)-(\d+)(?:~(\d+)-(\d+))?", anchor.strip().lstrip("#"))
    if not match:
        return None
    sentences = (int(match[3]), int(match[4])) if match[3] else None
    return ParagraphTarget(match[1], int(match[2]), sentences)


def quoted_sentences(paragraph: str, quote: str) -> tuple[int, int] | None:
    """Which of the paragraph's sentences the quote is (first, last), when it is made of whole sentences."""
    quoted = set(split_sentences(quote))
    found = [i for i, sentence in enumerate(split_sentences(paragraph)) if sentence in quoted]
    return (found[0], found[-1]) if found else None


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
# An item marker of a list answer: (一) / 一是 / 1. (not 1.5), at the text's start or after a sentence or clause end.
_ITEM = re.compile(r"(?:^|(?<=[。；：:;！？\]]))(?=（[一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]{1,3}是|\d{1,2}[.．、](?!\d))")
_LEADING_ITEM = re.compile(r"^(据《[^》]*》：)?(\d{1,2}[.．、](?!\d)|（[一二三四五六七八九十]{1,3}）)\s*")


def badge(n: int) -> str:
    return f'<span class="cite-badge">{n}</span>'


def _linked_badge(turn: int, n: int) -> str:
    return f'<a class="cite-badge" href="#{source_anchor(turn, n)}" aria-label="来源 {n}">{n}</a>'


def _split_kept(text: str, drop: set[tuple[int, int]]) -> Iterator[str]:
    pos = 0
    for start, end in sorted(drop):
        yield text[pos:start]
        pos = end
    yield text[pos:]


def answer_lines(text: str) -> list[str]:
    """The answer as shown: a lone item number at the start dropped ("1. 完成…" answers the question, it is no
    list), one badge per run of a source, and a list of two or more items one item per line."""
    markers = list(_MARKER.finditer(text))
    text = "".join(_split_kept(text, {m.span() for m, after in zip(markers, markers[1:]) if m[1] == after[1]}))
    starts = [m.start() for m in _ITEM.finditer(text)]
    if len(starts) < 2:
        return [_LEADING_ITEM.sub(r"\1", text)]
    bounds = [0, *[i for i in starts if i > 0], len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b]]


def render_text(text: str, turn: int, cited: Collection[int] = (), script: Script = "auto") -> str:
    """Answer text, escaped, with each `[n]` that has a source turned into a badge linking to it."""
    lines = [_MARKER.sub(lambda m: _linked_badge(turn, int(m[1])) if int(m[1]) in cited else m[0], esc(line))
             for line in answer_lines(in_script(text, script))]
    # A block-level tag first and no blank lines: the chat's markdown passes the block through as HTML.
    return f'<div class="answer-text">{"<br>".join(lines)}</div>'


# --- sources ---------------------------------------------------------------------------------------
def _report_line(c: Citation, script: Script) -> str:
    """Whose report a group of sources is from: 《title》 · 吉林省 · 2025年."""
    parts = (f"《{c.doc_title}》", c.place, f"{c.year}年" if c.year else "")
    return " · ".join(esc(in_script(p, script)) for p in parts if p)


def _where(c: Citation, script: Script) -> str:
    return " · ".join(esc(in_script(p, script)) for p in (c.section, f"第{c.paragraph}段") if p)


def _target(c: Citation) -> ParagraphTarget:
    return ParagraphTarget(c.doc_id, c.paragraph, quoted_sentences(c.text, c.quote))


def _viewer_link(c: Citation) -> str:
    return f'<a class="open-viewer" href="#{target_anchor(_target(c))}">在报告中查看 ›</a>'


def render_source(c: Citation, turn: int, script: Script = "auto") -> str:
    return (f'<details class="source" id="{source_anchor(turn, c.n)}"><summary>{badge(c.n)} {_where(c, script)}</summary>'
            f'<blockquote>{highlight(in_script(c.text, script), in_script(c.quote, script))}</blockquote>'
            f"{_viewer_link(c)}</details>")


def _by_report(citations: Sequence[Citation]) -> dict[str, list[Citation]]:
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.doc_id, []).append(c)
    return groups


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def render_related(c: Citation, script: Script = "auto") -> str:
    return (f"<li>{_report_line(c, script)} · {_where(c, script)}：{esc(_excerpt(in_script(c.text, script)))} "
            f"{_viewer_link(c)}</li>")


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


def _render_part(part: str, sections: Sequence[str], script: Script) -> str:
    inner = f"<ul>{''.join(f'<li>{esc(in_script(s, script))}</li>' for s in sections)}</ul>" if sections else ""
    return f"<li>{esc(in_script(part, script))}{inner}</li>"


def render_coverage(coverage: Coverage, script: Script = "auto") -> str:
    parts = "；".join(esc(in_script(part, script)) for part, _ in coverage.parts)
    return (f'<div class="coverage"><p>《{esc(in_script(coverage.title, script))}》{_years(coverage.years)}涵盖：{parts}</p>'
            f"<details><summary>查看各部分要点</summary><ul>"
            f"{''.join(_render_part(part, sections, script) for part, sections in coverage.parts)}</ul></details></div>")


# --- whole answers and chat turns ------------------------------------------------------------------
@dataclass(frozen=True)
class Turn:
    """One question, the scope it was asked in, and what came back: an answer or an error message."""

    question: str
    answer: Answer | None = None
    error: str = ""
    feedback_id: int | None = None  # row in the feedback store, for 👍/👎
    coverage: tuple[Coverage, ...] = ()  # filled for refusals
    scope: Scope = Scope()
    scope_label: str = ""  # how the scope was shown when asked (吉林省 · 2025年)
    rating: int = 0  # the resident's vote: 1 👍, -1 👎, 0 none (kept when the chat is re-rendered)

    def history(self) -> list[dict]:
        """The plain turns the assistant sees for follow-ups; errors are left out."""
        if self.answer is None:
            return []
        return [{"role": "user", "content": self.question}, {"role": "assistant", "content": self.answer.text}]


def render_sources(answer: Answer, turn: int, coverage: Sequence[Coverage] = (), script: Script = "auto") -> str:
    """Cited paragraphs grouped by report (whose report each is); for a refusal the closest body paragraphs
    and what the reports cover."""
    if answer.answered:
        groups = "".join(
            f'<div class="source-group"><p class="source-report">{_report_line(cs[0], script)}</p>'
            f"{''.join(render_source(c, turn, script) for c in cs)}</div>"
            for cs in _by_report(answer.citations).values())
        also = ("<p class=\"also-in\">其他报告也提到：" + "、".join(f"《{esc(in_script(t, script))}》" for t in answer.also_in)
                + "（可在上方选择范围后再问）</p>") if answer.also_in else ""
        return f'<div class="sources"><p class="sources-head">来源</p>{groups}{also}</div>' if groups else ""
    related = "".join(render_related(c, script) for c in answer.related)
    related_html = f'<p class="sources-head">相关段落</p><ul>{related}</ul>' if related else ""
    coverage_html = "".join(render_coverage(c, script) for c in coverage)
    return f'<div class="sources">{related_html}{coverage_html}</div>' if related or coverage else ""


def plain_text(turn: Turn, script: Script = "auto") -> str:
    """The turn as plain text for the clipboard: question, answer, numbered sources (report, section, 第N段)."""
    lines = [f"问：{turn.question}"]
    if turn.scope_label:
        lines.append(f"范围：{turn.scope_label}")
    if turn.answer is None:
        return "\n".join([*lines, f"答：{turn.error}"])
    lines.append("答：" + "\n".join(answer_lines(in_script(turn.answer.text, script))))
    if turn.answer.citations:
        lines.append("来源：")
    for c in turn.answer.citations:
        where = " ".join(in_script(p, script) for p in (f"《{c.doc_title}》", c.section, f"第{c.paragraph}段") if p)
        lines.append(f"[{c.n}] {where}：“{in_script(c.quote or c.text, script)}”")
    return "\n".join(lines)


def share_query(turn: Turn) -> str:
    """The page URL's query that asks this question again in its scope (a permalink)."""
    fields = {"q": turn.question, "report": turn.scope.report, "gov": turn.scope.place, "year": turn.scope.year}
    return urlencode({k: v for k, v in fields.items() if v})


def _actions(turn: Turn, index: int, script: Script) -> str:
    """Copy / share / print of one answer (ui/assets.py acts on the links; the texts ride along hidden)."""
    return (f'<div class="plain-copy" id="plain-{index}">{esc(plain_text(turn, script))}</div>'
            f'<div class="share-query" id="share-query-{index}">{esc(share_query(turn))}</div>'
            f'<p class="answer-actions"><a class="action" href="#copy-{index}">复制</a>'
            f'<a class="action" href="#share-{index}">分享链接</a><a class="action" href="#print-{index}">打印</a></p>')


def render_answer(answer: Answer, turn: int = 0, script: Script = "auto", coverage: Sequence[Coverage] = ()) -> str:
    notice = f'<p class="notice">（{esc(in_script(answer.notice, script))}）</p>' if answer.notice else ""
    cited = {c.n for c in answer.citations}
    return render_text(answer.text, turn, cited, script) + notice + render_sources(answer, turn, coverage, script)


def render_error(message: str) -> str:
    return f'<div class="answer-text error">⚠️ {esc(message)}</div>'


def user_message(question: str, scope_label: str = "") -> Message:
    # A block-level tag first, as for answers: the question's text is never read as Markdown.
    scope = f'<div class="question-scope">范围：{esc(scope_label)}</div>' if scope_label else ""
    return {"role": "user", "content": f'<div class="question-text">{esc(question)}</div>{scope}'}


def render_turn(turn: Turn, index: int, script: Script) -> list[Message]:
    reply = (render_answer(turn.answer, index, script, turn.coverage) if turn.answer is not None
             else render_error(turn.error))
    return [user_message(turn.question, turn.scope_label),
            {"role": "assistant", "content": f'<div class="reply" id="reply-{index}">{_print_heading(turn)}{reply}'
                                             f'{_actions(turn, index, script)}</div>'}]


def _print_heading(turn: Turn) -> str:
    """The question above its answer in the print view (the question is a separate chat message)."""
    scope = f"（范围：{turn.scope_label}）" if turn.scope_label else ""
    return f'<p class="print-only">问：{esc(turn.question + scope)}</p>'


def render_chat(turns: Sequence[Turn], script: Script = "auto") -> list[Message]:
    return [message for i, turn in enumerate(turns) for message in render_turn(turn, i, script)]


FEEDBACK_VALUES = {1: "Like", -1: "Dislike"}


def feedback_values(turns: Sequence[Turn]) -> list[str | None]:
    """The chat's 👍/👎 per reply (Gradio counts replies, not messages), so a re-render (script switch,
    reload) keeps the votes given."""
    return [FEEDBACK_VALUES.get(turn.rating) for turn in turns]


def indexed_line(reports: Sequence[Report]) -> str:
    """The header line of every page (a gr.HTML): titles are text, whatever they contain."""
    if not reports:
        return plain_html("尚未导入任何报告。")
    if len(reports) > 3:
        return plain_html(f"已索引 {len(reports)} 份报告，可在输入框上方选择范围。")
    return plain_html("已索引报告：" + "、".join(f"《{r.title}》" for r in reports))
