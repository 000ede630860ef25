"""The 承诺台账 tab (residents and staff alike): what each report promised, how the next report says it
turned out, and the figures the reviews reported — filtered by year, area, status and text, each row
linked to its paragraph in the report viewer, and downloadable as CSV. Above them, the commitments counted
per government and year (a stacked bar each, and the table of counts), downloadable as a page with the rows.

Markup is built by pure functions here; every string from a report is escaped. Source links are plain
`#p-<doc_id>-<n>` hrefs: the document-level listener in ui/assets.py opens them in the viewer tab.
Rows and CSV columns come from assistant.ledger.rows, as `govqa commitments --format csv`'s do, without the
report ids (residents see report titles). With the page's 简/繁 control every report text shown — and the
CSV and the page — is in the chosen script.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from assistant.ledger import html_report
from assistant.ledger.rows import (
    RESIDENT_COMMITMENT_HEADERS,
    RESIDENT_FIGURE_HEADERS,
    commitment_rows,
    figure_rows,
    to_csv,
)
from assistant.ledger.store import Achievement, Commitment, Source
from assistant.ledger.extract import area_of
from assistant.ledger.link import STATUSES
from assistant.ledger.summary import summarize
from index.textnorm import normalize
from ui.recent import Recent
from ui.render import Script, esc, in_script, paragraph_anchor
from ui.staff import PRIVATE

log = logging.getLogger(__name__)

ALL = "全部"
Convert = Callable[[str], str]  # a report's text in the chosen script (ui.render.in_script)
SAME: Convert = str  # the report's own script
EMPTY = "暂无承诺记录。导入含“目标任务”部分的工作报告后，这里会列出其中的承诺及后续落实情况。"
NO_MATCH = "没有符合筛选条件的承诺。"
NO_FIGURES = "暂无成果数据。"
NO_FIGURES_MATCH = "没有符合筛选条件的成果数据。"
UNAVAILABLE = "台账暂时无法读取，请稍后重试。"
# Views kept across pages (View, per ledger version, filters and script): the unfiltered one in each script
# and the filters residents repeat. The unfiltered one at 1,000 reports holds 670,000 characters (~1.3 MB).
VIEWS = 16
# Rows drawn in a table; the CSV has them all. 1,000 reports hold ~22,000 commitments: drawn whole,
# they made every page load megabytes long and `govqa serve` failed Gradio's start-up check.
MAX_ROWS = 300
CSV_DIR = Path(tempfile.gettempdir()) / "govqa-ledger"  # the temp dir: Gradio serves files from it (CSV and pages)

# Scoped by Gradio to the table's own component. Phones: every row becomes a card of labelled lines.
CSS = """
.ledger-summary { color: #4b5563; font-size: .9em; margin: .2em 0 .6em; }
.ledger-empty { color: #4b5563; padding: .8em 0; }
table.ledger-table { width: 100%; border-collapse: collapse; font-size: .92em; }
.ledger-table, .ledger-table tr, .ledger-table th, .ledger-table td { border: none; }  /* Gradio draws a grid */
.ledger-table th { text-align: left; white-space: nowrap; padding: .4em .5em; border-bottom: 2px solid #d1d5db; }
.ledger-table td { vertical-align: top; padding: .45em .5em; border-bottom: 1px solid #e5e7eb; }
.ledger-table .cell-label { display: none; }
.ledger-table .area, .ledger-table .reason, .ledger-table .strength { color: #6b7280; font-size: .82em; }
.ledger-table details summary { cursor: pointer; color: #6b7280; font-size: .82em; }
.ledger-table .nowrap { white-space: nowrap; }
.ledger-table a.open-viewer { display: inline-block; white-space: nowrap; margin: 0 .2em .2em 0; }
.ledger-table blockquote { margin: .15em 0 !important; padding-left: .5em; border-left: 3px solid #93c5fd; }
@media (max-width: 640px) {
  .ledger-table thead { display: none; }
  .ledger-table, .ledger-table tbody, .ledger-table tr, .ledger-table td { display: block; width: 100%; }
  .ledger-table tr { border: 1px solid #e5e7eb; border-radius: .5em; margin-bottom: .7em; padding: .3em .2em; }
  .ledger-table td { border-bottom: none; padding: .2em .5em; }
  .ledger-table .cell-label { display: inline-block; min-width: 3.2em; margin-right: .4em; color: #6b7280;
    font-size: .82em; }
}
""" + html_report.STATUS_CSS  # the badges' colours: assistant.ledger.summary.STYLES


class LedgerSource(Protocol):
    """What the tab reads: assistant.ledger.Ledger."""

    def commitments(self, year: int | None = None, doc_id: str | None = None, status: str | None = None,
                    text: str | None = None) -> list[Commitment]: ...

    def figures(self, metric: str | None = None, year: int | None = None) -> list[Achievement]: ...

    def years(self) -> list[int]: ...

    def areas(self) -> list[str]: ...

    def titles(self) -> dict[str, str]: ...

    def governments(self) -> dict[str, str]: ...

    def version(self) -> str: ...


@dataclass(frozen=True)
class Filters:
    year: str | None = ALL  # "2023" or 全部 (Gradio sends None for a cleared dropdown)
    area: str | None = ALL  # an area_key() or 全部
    status: str | None = ALL
    text: str | None = ""

    @property
    def year_number(self) -> int | None:
        return int(self.year) if self.year and self.year != ALL and str(self.year).isdigit() else None

    @property
    def area_key(self) -> str | None:
        return self.area if self.area and self.area != ALL else None

    @property
    def status_value(self) -> str | None:
        return self.status if self.status in STATUSES else None

    @property
    def search(self) -> str | None:
        return (self.text or "").strip() or None

    @property
    def active(self) -> bool:
        return any((self.year_number, self.area_key, self.status_value, self.search))

    @property
    def key(self) -> tuple:
        """What the filters select by: 全部, None and a cleared box are the same filter."""
        return self.year_number, self.area_key, self.status_value, self.search


@dataclass(frozen=True)
class View:
    """The tab drawn for one set of filters: its markup and the paths of its files (None: no file)."""

    commitments: str
    figures: str
    commitments_csv: str | None
    figures_csv: str | None
    summary: str
    page: str | None

    def files_exist(self) -> bool:
        """The temp dir may be cleaned while the server runs: a view whose files are gone is drawn again."""
        return all(Path(path).exists() for path in (self.commitments_csv, self.figures_csv, self.page) if path)


# --- choices ---------------------------------------------------------------------------------------
def area_key(label: str) -> str:
    """Areas match across scripts and punctuation widths (（一） = (一))."""
    return normalize(label)


def year_choices(years: Sequence[int]) -> list[tuple[str, str]]:
    """years: Ledger.years(), newest first."""
    return [(ALL, ALL), *((f"{y}年", str(y)) for y in years)]


def area_choices(areas: Sequence[str], convert: Convert = SAME) -> list[tuple[str, str]]:
    """Every area of the plan parts (Ledger.areas()), once across scripts and bracket widths."""
    labels: dict[str, str] = {}  # key → the first label seen
    for label in areas:
        if label:
            labels.setdefault(area_key(label), convert(label))
    return [(ALL, ALL), *((label, key) for key, label in labels.items())]


STATUS_CHOICES = [ALL, *STATUSES]


# --- selection -------------------------------------------------------------------------------------
def select_commitments(ledger: LedgerSource, filters: Filters) -> list[Commitment]:
    rows = ledger.commitments(year=filters.year_number, status=filters.status_value, text=filters.search)
    if key := filters.area_key:
        rows = [c for c in rows if _area_key_of(c.source.section) == key]
    return rows


@lru_cache(maxsize=65536)  # thousands of rows share a heading: normalised once each
def _area_key_of(section: tuple[str, ...]) -> str:
    return area_key(area_of(section))


def select_figures(ledger: LedgerSource, filters: Filters) -> list[Achievement]:
    """Year and text apply to figures; area and status are the commitments' own."""
    return ledger.figures(metric=filters.search, year=filters.year_number)


# --- markup ----------------------------------------------------------------------------------------
def _cell(label: str, body: str, css: str = "") -> str:
    """A table cell that carries its column name, shown only when rows stack on a phone."""
    attribute = f' class="{css}"' if css else ""
    return f'<td{attribute}><span class="cell-label">{esc(label)}</span>{body}</td>'


def paragraph_link(source: Source, titles: dict[str, str], prefix: str = "", convert: Convert = SAME) -> str:
    """第N段, opening the paragraph in the report viewer, and the report's title (never its id) below it."""
    title = convert(titles.get(source.doc_id, ""))
    named = f"《{title}》" if title else ""
    link = (f'<a class="open-viewer" href="#{esc(paragraph_anchor(source.doc_id, source.paragraph))}" '
            f'title="{esc(f"{named}第{source.paragraph}段")}">{esc(prefix)}第{source.paragraph}段</a>')
    return link + (f'<div class="area">{esc(named)}</div>' if named else "")


def _commitment_row(c: Commitment, titles: dict[str, str], convert: Convert = SAME) -> str:
    text = f"<div>{esc(convert(c.summary))}</div>"
    if c.source.sentence and c.source.sentence != c.summary:
        text += f"<details><summary>原句</summary>{esc(convert(c.source.sentence))}</details>"
    if area := c.source.breadcrumb:
        text += f'<div class="area">{esc(convert(area))}</div>'
    target = esc(convert(c.target)) if c.target else "定性目标"
    target += f'<div class="strength">措辞：{esc(convert(c.strength))}</div>' if c.strength else ""
    evidence = c.link.evidence
    basis = f"<blockquote>{esc(convert(evidence.sentence))}</blockquote>" if evidence else ""
    basis += f'<div class="reason">{esc(convert(c.link.reason))}</div>' if c.link.reason else ""
    links = paragraph_link(c.source, titles, "承诺 ", convert)
    links += paragraph_link(evidence, titles, "回顾 ", convert) if evidence else ""
    return ("<tr>" + _cell("年份", str(c.year), "nowrap") + _cell("承诺", text) + _cell("目标", target)
            + _cell("状态", html_report.status_badge(c.link.status)) + _cell("依据", basis or "—") + _cell("出处", links) + "</tr>")


def render_commitments(rows: Sequence[Commitment], titles: dict[str, str], filtered: bool = False,
                       convert: Convert = SAME) -> str:
    if not rows:
        return f'<div class="ledger"><p class="ledger-empty">{NO_MATCH if filtered else EMPTY}</p></div>'
    counts = Counter(c.link.status for c in rows)
    summary = " · ".join(f"{esc(s)} {counts[s]}" for s in STATUSES if counts[s])
    head = "".join(f"<th>{h}</th>" for h in ("年份", "承诺（原文摘录）", "目标", "状态", "依据", "出处"))
    body = "".join(_commitment_row(c, titles, convert) for c in rows[:MAX_ROWS])
    return (f'<div class="ledger"><p class="ledger-summary">共 {len(rows)} 项承诺：{summary}{_shown(rows)}</p>'
            f'<table class="ledger-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def _shown(rows: Sequence) -> str:
    return f"（显示前 {MAX_ROWS} 项，可用筛选缩小范围，或下载 CSV 查看全部）" if len(rows) > MAX_ROWS else ""


def _change(change: float | None) -> str:
    return "—" if change is None else f"{change:+g}%"


def _figure_row(a: Achievement, titles: dict[str, str], convert: Convert = SAME) -> str:
    metric = f"<div>{esc(convert(a.metric))}</div>"
    if a.source.breadcrumb:
        metric += f'<div class="area">{esc(convert(a.source.breadcrumb))}</div>'
    # The figure as written carries its unit (58億元): no unit column to write it twice.
    return ("<tr>" + _cell("指标", metric) + _cell("数值", esc(convert(a.figure)) or "—", "nowrap")
            + _cell("同比", _change(a.change), "nowrap") + _cell("年份", str(a.year), "nowrap")
            + _cell("出处", paragraph_link(a.source, titles, convert=convert)) + "</tr>")


def render_figures(rows: Sequence[Achievement], titles: dict[str, str], filtered: bool = False,
                   convert: Convert = SAME) -> str:
    if not rows:
        return f'<div class="ledger"><p class="ledger-empty">{NO_FIGURES_MATCH if filtered else NO_FIGURES}</p></div>'
    head = "".join(f"<th>{h}</th>" for h in ("指标", "数值", "同比", "年份", "出处"))
    body = "".join(_figure_row(a, titles, convert) for a in rows[:MAX_ROWS])
    return (f'<div class="ledger"><p class="ledger-summary">共 {len(rows)} 条成果数据（各年回顾中报告的数字）{_shown(rows)}</p>'
            f'<table class="ledger-table figures"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def render_summary(commitments: Sequence[Commitment], governments: dict[str, str], convert: Convert = SAME) -> str:
    """The chart and the table of counts per government and year; nothing when no commitment is listed."""
    counts = summarize(commitments, governments)
    return (f'<div class="ledger-summary-chart">{html_report.chart(counts, convert)}'
            f'{html_report.summary_table(counts, convert)}</div>' if counts else "")


def scope(filters: Filters) -> str:
    """The filters in words, for the exported page: 筛选：2023年、达成、“停车位”."""
    return html_report.scope_of(f"{filters.year_number}年" if filters.year_number else "", filters.area_key or "",
                                filters.status_value or "", f"“{filters.search}”" if filters.search else "")


# --- files -----------------------------------------------------------------------------------------
def _file(text: str, filename: str, encoding: str, directory: Path | None) -> str:
    """Named by content: the same result is written once, however often it is filtered to."""
    data = text.encode(encoding)
    folder = (directory or CSV_DIR) / hashlib.sha256(data).hexdigest()[:16]
    path = folder / filename
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{filename}.partial"
        partial.write_bytes(data)
        partial.replace(path)
    return str(path)


def csv_file(rows: Sequence[dict], headers: dict[str, str], name: str, convert: Convert = SAME,
             directory: Path | None = None) -> str | None:
    """The rows as a CSV file (UTF-8 with BOM, so Excel shows the Chinese); None when there are none."""
    return _file(to_csv(rows, headers, convert), f"{name}.csv", "utf-8-sig", directory) if rows else None


def html_file(commitments: Sequence[Commitment], titles: dict[str, str], governments: dict[str, str],
              filters: Filters, convert: Convert = SAME, directory: Path | None = None) -> str | None:
    """The summary page (chart, counts, every row with its citations); None when no commitment is listed."""
    if not commitments:
        return None
    text = html_report.page(summarize(commitments, governments), commitments, titles, scope(filters), convert)
    return _file(text, "承诺台账统计.html", "utf-8", directory)


def _download(path: str | None) -> dict:
    return gr.update(value=path, interactive=path is not None)


# --- the tab ---------------------------------------------------------------------------------------
class LedgerTab:
    """Builds the tab's components inside the current gr.Tab; open_on() and reload_on() wire the reads.

    Nothing is read while the page is built or loaded: the ledger is read when the tab is first opened in a
    page (at 1,000 reports, 31,000 commitments, reading and drawing them took 6–11 s of `govqa serve`'s start
    and of every page load, for a tab most visitors never open). What is drawn is kept (VIEWS) by the ledger's
    version(), so later pages opening it, or repeating a filter, read only that version (at 1,000 reports the
    first unfiltered view takes ~3 s of CPU, later ones none).

    script: the page's 简/繁 control (values of ui.render.SCRIPT_CHOICES), or None for the reports' own script.
    """

    def __init__(self, ledger: LedgerSource, script: gr.components.Component | None = None) -> None:
        self.ledger = ledger
        self._views: Recent[View] = Recent(VIEWS)
        self._choice_lists: Recent[tuple[list[tuple[str, str]], list[tuple[str, str]]]] = Recent(VIEWS)
        gr.Markdown("各年度工作报告中的承诺（目标任务），以及后续报告回顾中的落实情况。点击“第N段”查看原文。")
        with gr.Row(equal_height=True):
            self.year = gr.Dropdown([(ALL, ALL)], value=ALL, label="年份", min_width=110)
            self.area = gr.Dropdown([(ALL, ALL)], value=ALL, label="领域", min_width=160)
            self.status = gr.Dropdown(STATUS_CHOICES, value=ALL, label="状态", min_width=110)
            self.search = gr.Textbox(label="搜索", placeholder="如：停车位、智能排口（简繁均可）", min_width=160)
        self.filters = [self.year, self.area, self.status, self.search]
        self.inputs = [*self.filters, *([script] if script is not None else [])]
        self.opened = gr.State(False)  # this page has shown the tab: its script switches redraw it
        self.summary = gr.HTML("", css_template=html_report.CHART_CSS, elem_id="govqa-ledger-summary")
        self.table = gr.HTML("", css_template=CSS, elem_id="govqa-ledger")
        with gr.Row():
            self.download = gr.DownloadButton("下载承诺 CSV", size="sm", interactive=False)
            self.page_download = gr.DownloadButton("下载统计网页", size="sm", interactive=False)
        with gr.Accordion("成果数据（各年回顾中报告的数字）", open=False):
            self.figures = gr.HTML("", css_template=CSS, elem_id="govqa-ledger-figures")
            self.figures_download = gr.DownloadButton("下载成果数据 CSV", size="sm", interactive=False)
        self.outputs = [self.table, self.figures, self.download, self.figures_download, self.summary,
                        self.page_download]

        # Dropdowns: .input, so reload() setting them does not run the query twice. The search box: .change,
        # since a Textbox's .input carries the text from before the last keystroke (Gradio 6.31).
        gr.on([self.year.input, self.area.input, self.status.input, self.search.change], self.show, self.inputs,
              self.outputs, trigger_mode="always_last", **PRIVATE)
        if script is not None:  # the area names are report text too: their choices are redrawn
            self.reload_on(script.change)

    def show(self, year: str | None, area: str | None, status: str | None, text: str | None,
             script: Script = "auto") -> tuple:
        """(commitments table, figures table, commitments CSV, figures CSV, summary chart and table, summary page)
        for the filters, in the script; the same view of the same ledger is drawn once for every page."""
        filters = Filters(year, area, status, text)
        try:
            version = self.ledger.version()  # before the rows: a write in between only makes the key older
            view = self._views.get((version, filters.key, script), partial(self._view, filters, script),
                                   View.files_exist)
        except sqlite3.Error:
            log.exception("could not read the ledger")
            unavailable = f'<p class="warning">{UNAVAILABLE}</p>'
            return unavailable, unavailable, _download(None), _download(None), "", _download(None)
        return (view.commitments, view.figures, _download(view.commitments_csv), _download(view.figures_csv),
                view.summary, _download(view.page))

    def _view(self, filters: Filters, script: Script) -> View:
        # Titles, headings, statuses and reasons repeat over thousands of rows: each converted once per view.
        convert = lru_cache(maxsize=None)(partial(in_script, script=script))
        commitments, figures = select_commitments(self.ledger, filters), select_figures(self.ledger, filters)
        titles, governments = self.ledger.titles(), self.ledger.governments()
        return View(render_commitments(commitments, titles, filters.active, convert),
                    render_figures(figures, titles, filters.active, convert),
                    csv_file(commitment_rows(commitments, titles), RESIDENT_COMMITMENT_HEADERS, "承诺台账", convert),
                    csv_file(figure_rows(figures, titles), RESIDENT_FIGURE_HEADERS, "成果数据", convert),
                    render_summary(commitments, governments, convert),
                    html_file(commitments, titles, governments, filters, convert))

    def _choices(self, script: Script) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The year and area choices; nothing to choose when the ledger cannot be read."""
        try:
            version = self.ledger.version()
            return self._choice_lists.get((version, script), partial(self._read_choices, script))
        except sqlite3.Error:
            log.exception("could not read the ledger")
            return year_choices([]), area_choices([])

    def _read_choices(self, script: Script) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        return year_choices(self.ledger.years()), area_choices(self.ledger.areas(), partial(in_script, script=script))

    def reload(self, year: str | None, area: str | None, status: str | None, text: str | None,
               script: Script = "auto") -> tuple:
        """Fresh year and area choices (reports come and go), keeping the chosen ones that still exist."""
        years, area_options = self._choices(script)
        year = year if year in {value for _, value in years} else ALL
        area = area if area in {value for _, value in area_options} else ALL
        return (gr.update(choices=years, value=year), gr.update(choices=area_options, value=area),
                *self.show(year, area, status, text, script))

    def open(self, opened: bool, *values: Any) -> tuple:
        """The first opening of the tab in a page reads the ledger; later ones keep what it shows."""
        return True, *(self._unchanged() if opened else self.reload(*values))

    def redraw(self, opened: bool, *values: Any) -> tuple:
        """A script switch or a staff change redraws the tab once it has been shown; before, it reads nothing."""
        return self.reload(*values) if opened else self._unchanged()

    def _unchanged(self) -> tuple:
        return (gr.skip(),) * (2 + len(self.outputs))  # the year and area choices, and the outputs

    def open_on(self, listener: Callable[..., Any]) -> None:
        """listener: the tab's .select."""
        listener(self.open, [self.opened, *self.inputs], [self.opened, self.year, self.area, *self.outputs],
                 **PRIVATE)

    def reload_on(self, listener: Callable[..., Any]) -> None:
        """listener: the script's .change, or an event's .then — e.g. after staff add or delete a report."""
        listener(self.redraw, [self.opened, *self.inputs], [self.year, self.area, *self.outputs], **PRIVATE)


def build_ledger_tab(ledger: LedgerSource, script: gr.components.Component | None = None) -> LedgerTab:
    """The tab; script: the page's 简/繁 control (a gr.Radio of ui.render.SCRIPT_CHOICES values), or None."""
    return LedgerTab(ledger, script)
