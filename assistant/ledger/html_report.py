"""The ledger's summary as HTML: a stacked bar per government and year, the counts table, and a
self-contained page (inline CSS, UTF-8, zh-CN, no script, nothing fetched) with those and every
commitment with its citations — what `govqa commitments --html` writes and the 承诺台账 tab downloads.

Plain HTML and CSS, no chart library: each bar carries its numbers as text and an aria-label naming every
status, so nothing is told by colour alone. Every string from a report is escaped; the only attribute
values not escaped are numbers computed here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from assistant.ledger.extract import Commitment, Source
from assistant.ledger.link import STATUSES
from assistant.ledger.summary import STYLES, YearSummary, style, total

Convert = Callable[[str], str]  # report text in the chosen script; str keeps the report's own
CHART_TITLE = "各政府、各年份承诺落实情况"
TABLE_TITLE = "各政府、各年份承诺数（项）"
PAGE_TITLE = "承诺台账统计"
_SEGMENT_EM = 2.4  # the narrowest segment still holds a three-digit number

STATUS_CSS = "\n".join(
    f".status-{s.key} {{ background: {s.light}; color: {s.dark}; }}\n"
    f".bar-{s.key} {{ background: {s.dark}; color: #ffffff; }}" for s in STYLES.values()
) + "\n.status { display: inline-block; padding: .05em .55em; border-radius: .8em; font-size: .85em; white-space: nowrap; }"

CHART_CSS = STATUS_CSS + """
.ledger-chart { margin: .4em 0 1em; }
.ledger-chart figcaption, .ledger-counts caption { font-weight: 600; text-align: left; margin-bottom: .4em; }
.chart-legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3em 1em; padding: 0; margin: 0 0 .5em; }
.chart-legend li { display: inline-flex; align-items: center; gap: .35em; font-size: .9em; }
.chart-legend .swatch { display: inline-block; width: 1em; height: 1em; border-radius: .2em; }
.chart-row { display: grid; grid-template-columns: minmax(7em, 13em) 1fr 3.5em; gap: .5em; align-items: center;
  margin: .3em 0; }
.chart-label { font-size: .9em; }
.chart-bar { display: flex; height: 1.7em; }
.chart-bar .bar { flex-basis: 0; display: flex; align-items: center; justify-content: center;
  font-size: .85em; font-variant-numeric: tabular-nums; border-right: 2px solid #ffffff; }
.chart-bar .bar:last-child { border-right: none; }
.chart-total { font-size: .9em; color: #374151; font-variant-numeric: tabular-nums; }
.ledger-counts-wrap { overflow-x: auto; }
table.ledger-counts { border-collapse: collapse; font-size: .92em; margin: .4em 0 1em; }
.ledger-counts th, .ledger-counts td { padding: .35em .7em; border-bottom: 1px solid #e5e7eb; text-align: left; }
.ledger-counts thead th { border-bottom: 2px solid #d1d5db; white-space: nowrap; }
.ledger-counts td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ledger-counts tfoot th, .ledger-counts tfoot td { font-weight: 600; border-top: 2px solid #d1d5db; }
.chart-bar .bar { min-width: %sem; }
@media (max-width: 640px) {
  .chart-row { grid-template-columns: 1fr 3em; }
  .chart-label { grid-column: 1 / -1; }
}
""" % _SEGMENT_EM

_PAGE_CSS = """
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #111827;
  background: #ffffff; max-width: 72em; margin: 0 auto; padding: 1em; line-height: 1.6; font-size: 16px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
.scope { color: #4b5563; }
table.rows { width: 100%; border-collapse: collapse; font-size: .92em; }
.rows th, .rows td { text-align: left; vertical-align: top; padding: .45em .5em; border-bottom: 1px solid #e5e7eb; }
.rows thead th { border-bottom: 2px solid #d1d5db; white-space: nowrap; }
.rows .note { color: #4b5563; font-size: .85em; }
.rows blockquote { margin: .15em 0; padding-left: .5em; border-left: 3px solid #93c5fd; }
.nowrap { white-space: nowrap; }
@media print { body { max-width: none; } .chart-bar .bar { print-color-adjust: exact; -webkit-print-color-adjust: exact; } }
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _name(summary: YearSummary, convert: Convert) -> str:
    return f"{convert(summary.government)} {summary.year}年"


def chart(summaries: Sequence[YearSummary], convert: Convert = str) -> str:
    """A stacked horizontal bar per government and year, as long as its count of commitments."""
    if not summaries:
        return ""
    widest = max(s.total for s in summaries) or 1
    legend = "".join(f'<li><span class="swatch bar-{style(s).key}"></span>{_esc(s)}</li>' for s in STATUSES)
    rows = []
    for s in summaries:
        parts = [(status, n) for status, n in s.by_status() if n]
        said = "，".join(f"{status} {n} 项" for status, n in parts)
        segments = "".join(f'<span class="bar bar-{style(status).key}" style="flex-grow:{n}" '
                           f'title="{_esc(status)} {n} 项">{n}</span>' for status, n in parts)
        width = f"width:{100 * s.total / widest:.1f}%;min-width:{_SEGMENT_EM * len(parts):.1f}em"
        rows.append(f'<div class="chart-row" role="img" aria-label="{_esc(_name(s, convert))}：共 {s.total} 项，{_esc(said)}">'
                    f'<span class="chart-label">{_esc(_name(s, convert))}</span>'
                    f'<span class="chart-track"><span class="chart-bar" style="{width}">{segments}</span></span>'
                    f'<span class="chart-total">共 {s.total}</span></div>')
    return (f'<figure class="ledger-chart" aria-labelledby="ledger-chart-title">'
            f'<figcaption id="ledger-chart-title">{CHART_TITLE}</figcaption>'
            f'<ul class="chart-legend" aria-label="图例">{legend}</ul>{"".join(rows)}</figure>')


def summary_table(summaries: Sequence[YearSummary], convert: Convert = str) -> str:
    """The counts behind the chart: a row per government and year, a column per status, and the totals."""
    if not summaries:
        return ""
    head = "".join(f'<th scope="col">{status_badge(s)}</th>' for s in STATUSES)
    body = "".join(f'<tr><th scope="row">{_esc(convert(s.government))}</th><td class="num">{s.year}</td>'
                   + "".join(f'<td class="num">{n}</td>' for n in s.counts)
                   + f'<td class="num">{s.total}</td></tr>' for s in summaries)
    sums = total(summaries)
    foot = ('<tfoot><tr><th scope="row" colspan="2">合计</th>' + "".join(f'<td class="num">{n}</td>' for n in sums)
            + f'<td class="num">{sum(sums)}</td></tr></tfoot>')
    # A region that scrolls on a phone must take keyboard focus to be scrollable without a mouse (axe).
    return (f'<div class="ledger-counts-wrap" tabindex="0" role="region" aria-label="{TABLE_TITLE}">'
            f'<table class="ledger-counts"><caption>{TABLE_TITLE}</caption>'
            f'<thead><tr><th scope="col">政府</th><th scope="col">年份</th>{head}<th scope="col">合计</th></tr></thead>'
            f'<tbody>{body}</tbody>{foot}</table></div>')


def status_badge(status: str) -> str:
    return f'<span class="status status-{style(status).key}">{_esc(status)}</span>'


def _cited(source: Source, titles: Mapping[str, str], convert: Convert) -> str:
    title = titles.get(source.doc_id, "")
    return f"《{_esc(convert(title))}》第{source.paragraph}段" if title else f"第{source.paragraph}段"


def _row(c: Commitment, titles: Mapping[str, str], convert: Convert) -> str:
    promise = f"<div>{_esc(convert(c.summary))}</div>"
    if c.source.sentence and c.source.sentence != c.summary:
        promise += f'<div class="note">原句：{_esc(convert(c.source.sentence))}</div>'
    if c.source.breadcrumb:
        promise += f'<div class="note">{_esc(convert(c.source.breadcrumb))}</div>'
    evidence = c.link.evidence
    basis = f"<blockquote>{_esc(convert(evidence.sentence))}</blockquote>" if evidence else ""
    basis += f'<div class="note">{_esc(convert(c.link.reason))}</div>' if c.link.reason else ""
    cited = f"承诺：{_cited(c.source, titles, convert)}"
    cited += f"<br>回顾：{_cited(evidence, titles, convert)}" if evidence else ""
    return (f'<tr><td class="nowrap">{c.year}</td><td>{promise}</td><td>{_esc(convert(c.target)) or "定性目标"}</td>'
            f'<td>{status_badge(c.link.status)}</td><td>{basis or "—"}</td><td>{cited}</td></tr>')


def scope_of(*filters: str) -> str:
    """The filters in words, for under the page's heading: 筛选：2023年、达成; nothing when none is set."""
    said = "、".join(f for f in filters if f)
    return f"筛选：{said}" if said else ""


def page(summaries: Sequence[YearSummary], commitments: Sequence[Commitment], titles: Mapping[str, str],
         scope: str = "", convert: Convert = str) -> str:
    """The whole export. scope: which commitments these are (scope_of()), said under the heading."""
    head = "".join(f'<th scope="col">{h}</th>' for h in ("年份", "承诺（原文摘录）", "目标", "状态", "依据", "出处"))
    rows = "".join(_row(c, titles, convert) for c in commitments)
    listed = (f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>' if commitments
              else "<p>没有承诺记录。</p>")
    said = f'<p class="scope">{_esc(scope)}</p>' if scope else ""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{PAGE_TITLE}</title><style>{CHART_CSS}{_PAGE_CSS}</style></head><body>"
            f"<h1>{PAGE_TITLE}</h1>{said}<p>共 {len(commitments)} 项承诺。</p>"
            f"{chart(summaries, convert)}{summary_table(summaries, convert)}"
            f"<h2>承诺明细</h2>{listed}</body></html>\n")
