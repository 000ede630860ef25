"""Report markup: the viewer (every paragraph with its number and anchor), the staff preview of a
parsed file before it is committed (with the chunks it will be indexed as), and the staff list of indexed
reports. Pure functions, escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from index.chunking import MAX_CHUNK_CHARS, chunk_report
from index.records import Chunk, Paragraph, Report
from index.textnorm import split_sentences
from ui.render import ParagraphTarget, Script, esc, highlight, in_script, paragraph_anchor, shown

HEADING_TAGS = ("h3", "h4", "h5")  # part, section, deeper
PREVIEW_CHUNKS = 40  # chunks listed in the staff preview: enough to judge the splitting, not a whole report


def _marked(text: str, sentences: tuple[int, int] | None) -> str:
    """The paragraph escaped, its cited sentences (first, last) in <mark>."""
    if sentences is None:
        return esc(text)
    cited = split_sentences(text)[sentences[0]:sentences[1] + 1]
    return highlight(text, "".join(cited)) if cited else esc(text)


def _paragraph(p: Paragraph, focus: ParagraphTarget | None, script: Script) -> str:
    anchor = paragraph_anchor(p.doc_id, p.number)
    focused = focus is not None and p.number == focus.paragraph
    classes = " ".join(["para", p.kind, "focus" if focused else ""]).strip()
    number = f'<span class="pno" title="第{p.number}段">{p.number}</span>'
    tag = HEADING_TAGS[min(len(p.section), len(HEADING_TAGS)) - 1] if p.kind == "heading" else "p"
    text = in_script(p.text, script)
    body = _marked(text, focus.sentences) if focused else esc(text)
    return f'<{tag} id="{esc(anchor)}" class="{classes}">{number}{body}</{tag}>'


def _years(report: Report) -> str:
    return "、".join(map(str, report.years)) or "未识别"


BACK_TO_ANSWER = '<p class="viewer-back"><a class="back-to-answer" href="#back">‹ 返回答案</a></p>'


def render_report(report: Report | None, focus: ParagraphTarget | None = None, script: Script = "auto") -> str:
    """The whole report, paragraph by paragraph, in the chosen script; `focus` is the paragraph (and its cited
    sentences) a source link opened, with a way back to the answer."""
    if report is None:
        return '<p class="empty">请选择一份报告。</p>'
    body = "".join(_paragraph(p, focus, script) for p in report.paragraphs)
    who = " · ".join(x for x in (report.identity.government, f"{report.identity.year}年" if report.identity.year else "") if x)
    return (f'<article class="report-view">{BACK_TO_ANSWER if focus else ""}<h2>{esc(in_script(report.title, script))}</h2>'
            f'<p class="report-meta">{esc(who) + " · " if who else ""}年份：{_years(report)} · '
            f"共 {len(report.paragraphs)} 段</p>{body}</article>")


# --- staff: preview before committing --------------------------------------------------------------
@dataclass
class _Node:
    paragraphs: int = 0
    children: dict[str, _Node] = field(default_factory=dict)


def _section_tree(paragraphs: Sequence[Paragraph]) -> _Node:
    root = _Node()
    for p in paragraphs:
        node = root
        for label in p.section:
            node = node.children.setdefault(label, _Node())
        node.paragraphs += 1
    return root


def _render_tree(node: _Node) -> str:
    items = "".join(f"<li>{esc(label)} <small>（{child.paragraphs}段）</small>{_render_tree(child)}</li>"
                    for label, child in node.children.items())
    return f"<ul>{items}</ul>" if items else ""


def render_chunks(chunks: Sequence[Chunk], shown_max: int = PREVIEW_CHUNKS) -> str:
    """The chunks a report is indexed as: each with its section breadcrumb, paragraph and text."""
    items = "".join(f'<li><div class="chunk-where">第{c.paragraph}段 · {esc(" › ".join(c.section))} · {len(c.text)}字</div>'
                    f'<div class="chunk-text">{esc(c.text)}</div></li>' for c in chunks[:shown_max])
    capped = f"，下面列出前 {shown_max} 块" if len(chunks) > shown_max else ""
    return (f'<details class="chunks"><summary>分块预览：共 {len(chunks)} 块{capped}</summary>'
            f"<p>每段一块，长段按整句切成不超过 {MAX_CHUNK_CHARS} 字的窗口；短标题行不单独成块，"
            f"其文字随章节路径进入检索。</p><ol>{items}</ol></details>")


def render_preview(report: Report, replaces: Report | None = None) -> str:
    """What staff check before 确认导入: title, metadata, years, paragraph count, the section tree and the chunks."""
    meta = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in report.metadata.items())
    warning = (f'<p class="warning">将替换已导入的同名报告《{esc(replaces.title)}》（{esc(replaces.doc_id)}）。</p>'
               if replaces else "")
    i = report.identity
    who = " · ".join(esc(part) for part in (
        f"发布政府：{i.government}（{i.level}）" if i.place else "发布政府：未识别（请在下方填写）",
        f"报告年份：{i.year}" if i.year else "", f"日期：{i.date}" if i.date else "",
        f"报告人：{i.speaker}" if i.speaker else "", f"会议：{i.meeting}" if i.meeting else "") if part)
    return (f'<div class="preview"><h3>{esc(report.title)}</h3>{warning}<p>{who}</p>'
            f"<p>编号：{esc(report.doc_id)} · 文件：{esc(report.source)} · 年份：{_years(report)} · "
            f"共 {len(report.paragraphs)} 段</p>"
            f'<table class="meta">{meta or "<tr><td>未识别到文件信息</td></tr>"}</table>'
            f"<details open><summary>章节结构</summary>{_render_tree(_section_tree(report.paragraphs))}</details>"
            f"{render_chunks(chunk_report(report))}</div>")


def render_report_list(reports: Sequence[Report]) -> str:
    if not reports:
        return "<p>尚未导入任何报告。</p>"
    rows = "".join(f"<tr><td>{esc(r.title)}</td><td>{esc(r.doc_id)}</td><td>{esc(r.source)}</td>"
                   f"<td>{_years(r)}</td></tr>" for r in reports)
    return f'<table class="report-list"><tr><th>标题</th><th>编号</th><th>文件</th><th>年份</th></tr>{rows}</table>'


def report_choices(reports: Sequence[Report]) -> list[tuple[str, str]]:
    """Dropdown choices: the title shown, the doc id passed on."""
    return [(shown(f"{r.title}（{r.doc_id}）"), r.doc_id) for r in reports]
