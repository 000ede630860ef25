"""The 承诺台账 tab: markup (escaped, linked, badges), filters, CSV, the summary chart and page, empty ledger,
wiring into the app.

Hand-built rows in a fake ledger, plus one real Ledger over two tiny hand-written reports (no model)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import gradio as gr
import pytest

from assistant.ledger.rows import COMMITMENT_HEADERS, RESIDENT_COMMITMENT_HEADERS, commitment_rows
from assistant.ledger.store import Achievement, Commitment, Ledger, Link, Source
from assistant.ledger.extract import PENDING
from assistant.ledger.link import MET, MISSED, PARTLY, STATUSES, UNMENTIONED
from index.reading import read_report_lines
from index.structure import parse_report
from index.textnorm import normalize, to_simplified
from tests.ui.test_ui import FakeAssistant
from ui import ledger_tab
from ui.app import build_app
from ui.staff import StaffGate
from ui.ledger_tab import (
    ALL, EMPTY, NO_FIGURES, NO_FIGURES_MATCH, NO_MATCH, Filters, LedgerTab, area_choices, csv_file, render_commitments,
    render_figures, select_commitments, select_figures, year_choices,
)
from ui.render import ParagraphTarget, parse_paragraph_anchor

XSS = "<img src=x onerror=alert(1)>"
PLAN = ("二、2023年目標任務", "（一）城鎮建設")
PLAN_2024 = ("二、2024年目标任务", "(一)城镇建设")  # the same area, other script and bracket width
REVIEW = ("一、2023年工作回顾",)
TITLES = {"kd-2023": "坎墩街道2023年目標任務", "kd-2024": f"坎墩街道2024年报告{XSS}"}
GOVERNMENTS = {"kd-2023": "慈溪市坎墩街道", "kd-2024": "慈溪市坎墩街道"}


def commitment(summary_item: str, target: str, status: str, *, year: int = 2023, section=PLAN, paragraph: int = 32,
               doc_id: str = "kd-2023", evidence: Source | None = None, reason: str = "",
               sentence: str = "") -> Commitment:
    value = float(target[:-1]) if target else None
    source = Source(doc_id, paragraph, section, sentence or f"新建{summary_item}{target}。")
    return Commitment(source, year, "新建", summary_item, "", target, value, None, False, target[-1:] if target else "",
                      "確保" if not target else "新建", f"新建{summary_item}{target}" if target else summary_item,
                      Link(status, reason, evidence, "", ""))


EVIDENCE = Source("kd-2024", 7, REVIEW, "新建停车位共90只，附属工程同步完工。")
ROWS = [
    commitment("停車位", "50只", MET, evidence=EVIDENCE, reason="回顾：90只，不低于目标90只"),
    commitment("智能排口", "20套", PARTLY, evidence=Source("kd-2024", 8, REVIEW, "安装智能排口12套。"),
               reason="回顾：12套，为目标20套的60%"),
    commitment("科技型中小企業", "20家", MISSED, section=("二、2023年目標任務", "（二）產業發展"), paragraph=35),
    commitment(f"確保城市規劃編制落地{XSS}", "", UNMENTIONED, reason="回顾2023年工作的报告中未找到同一事项",
               section=("二、2023年目標任務", f"（三）{XSS}"), paragraph=27),
    commitment("停车位", "60只", PENDING, year=2024, section=PLAN_2024, doc_id="kd-2024", paragraph=20,
               reason="尚未导入回顾2024年工作的报告"),
]
FIGURES = [
    Achievement(Source("kd-2023", 5, ("一、2022年工作回顧",), "地區生產總值58億元，同比增長2.8%。"), 2022,
                "地區生產總值", 5.8e9, "元", "58億元", 2.8, "地區生產總值58億元"),
    Achievement(Source("kd-2024", 9, REVIEW, f"临水护栏2600米{XSS}。"), 2023, f"临水护栏{XSS}", 2600, "米",
                "2600米", None, "临水护栏2600米"),
]


# Every area of the plan parts, those without a commitment too, in two scripts and bracket widths.
AREAS = ["（一）城鎮建設", "（二）產業發展", f"（三）{XSS}", "（四）鄉村振興", "(一)城镇建设"]


class FakeLedger:
    """Filters as assistant.ledger.Ledger does: year, status, and text in either script."""

    def __init__(self, commitments=(), figures=(), titles=None, areas=(), governments=None) -> None:
        self._commitments, self._figures, self._titles = list(commitments), list(figures), dict(titles or {})
        self._areas, self._governments = list(areas), dict(governments or {})
        self.calls: list[dict] = []
        self.writes = 0  # version(): bumped by add()

    def add(self, commitment: Commitment) -> None:
        self._commitments.append(commitment)
        self.writes += 1

    def version(self) -> str:
        return str(self.writes)

    def years(self) -> list[int]:
        return sorted({c.year for c in self._commitments} | {a.year for a in self._figures}, reverse=True)

    def commitments(self, year=None, doc_id=None, status=None, text=None) -> list[Commitment]:
        self.calls.append({"year": year, "status": status, "text": text})
        return [c for c in self._commitments if (year is None or c.year == year)
                and (status is None or c.link.status == status)
                and (not text or normalize(text) in normalize(c.source.breadcrumb + c.source.sentence + c.item))]

    def figures(self, metric=None, year=None) -> list[Achievement]:
        return [a for a in self._figures if (not metric or normalize(metric) in normalize(a.metric + a.text))
                and (year is None or a.year == year)]

    def areas(self) -> list[str]:
        return self._areas

    def titles(self) -> dict[str, str]:
        return self._titles

    def governments(self) -> dict[str, str]:
        return self._governments


@pytest.fixture
def ledger() -> FakeLedger:
    return FakeLedger(ROWS, FIGURES, TITLES, AREAS, GOVERNMENTS)


@pytest.fixture(autouse=True)
def csv_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(ledger_tab, "CSV_DIR", tmp_path / "csv")
    return tmp_path / "csv"


def _tab(ledger, script=None) -> LedgerTab:
    with gr.Blocks():
        return LedgerTab(ledger, script)


# --- markup ----------------------------------------------------------------------------------------
def test_rows_show_year_target_badge_evidence_and_both_paragraph_links() -> None:
    html = render_commitments(ROWS, TITLES)
    assert "共 5 项承诺：达成 1 · 部分达成 1 · 未达成 1 · 未提及 1 · 待回顾 1" in html
    for header in ("年份", "承诺（原文摘录）", "目标", "状态", "依据", "出处"):
        assert f"<th>{header}</th>" in html
    assert "新建停車位50只" in html and "措辞：新建" in html and "定性目标" in html and "措辞：確保" in html
    assert "<blockquote>新建停车位共90只，附属工程同步完工。</blockquote>" in html
    assert "回顾：90只，不低于目标90只" in html
    assert 'href="#p-kd-2023-32"' in html and ">承诺 第32段</a>" in html
    assert 'href="#p-kd-2024-7"' in html and ">回顾 第7段</a>" in html
    assert parse_paragraph_anchor("p-kd-2024-7") == ParagraphTarget("kd-2024", 7)  # what the viewer's bridge opens
    assert 'title="《坎墩街道2023年目標任務》第32段"' in html
    assert '<div class="area">《坎墩街道2023年目標任務》</div>' in html  # which report, by title
    assert "kd-2023" not in html.replace('href="#p-kd-2023-', "")  # the id only in the link's target
    for status, css in ((MET, "met"), (PARTLY, "partly"), (MISSED, "missed"), (UNMENTIONED, "unmentioned"),
                        (PENDING, "pending")):
        assert f'<span class="status status-{css}">{status}</span>' in html


def test_every_report_string_is_escaped() -> None:
    for html in (render_commitments(ROWS, TITLES), render_figures(FIGURES, TITLES)):
        assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "《坎墩街道2024年报告&lt;img" in render_commitments(ROWS, TITLES)  # titles in attributes too


def test_phone_layout_labels_every_cell() -> None:
    html = render_commitments(ROWS[:1], TITLES)
    for label in ("年份", "承诺", "目标", "状态", "依据", "出处"):
        assert f'<span class="cell-label">{label}</span>' in html
    assert "@media (max-width: 640px)" in ledger_tab.CSS and ".ledger-table tr" in ledger_tab.CSS


def test_figures_show_metric_figure_with_its_unit_once_change_year_and_link() -> None:
    html = render_figures(FIGURES, TITLES)
    assert "共 2 条成果数据" in html and "地區生產總值" in html and ">58億元<" in html
    assert ">+2.8%<" in html and ">2022<" in html and 'href="#p-kd-2023-5"' in html
    assert ">第5段</a>" in html and ">—<" in html  # no change reported for 临水护栏
    assert "<th>单位</th>" not in html and ">元<" not in html and ">米<" not in html  # 58億元, not 58億元 | 元


def test_a_report_without_a_title_is_never_named_by_its_id() -> None:
    html = render_commitments(ROWS[:1], {})
    assert 'title="第32段"' in html and "kd-2023" not in html.replace('href="#p-kd-2023-', "")


def test_empty_ledger_and_no_match_have_friendly_messages(csv_dir: Path) -> None:
    tab = _tab(FakeLedger())
    table, figures, download, figures_download, summary, page = tab.show(ALL, ALL, ALL, "")
    assert EMPTY in table and "暂无承诺记录" in table and NO_FIGURES in figures
    assert download["value"] is None and download["interactive"] is False
    assert summary == "" and page["value"] is None and page["interactive"] is False
    assert figures_download["value"] is None and not csv_dir.exists()
    assert tab.reload(ALL, ALL, ALL, "")[0]["choices"] == [(ALL, ALL)]
    assert NO_MATCH in render_commitments([], TITLES, filtered=True)


# --- filters ---------------------------------------------------------------------------------------
def test_choices_list_years_newest_first_and_every_area_once_across_scripts() -> None:
    assert year_choices([2024, 2023, 2022]) == [(ALL, ALL), ("2024年", "2024"), ("2023年", "2023"), ("2022年", "2022")]
    areas = area_choices(AREAS)
    assert [label for label, _ in areas] == [ALL, "（一）城鎮建設", "（二）產業發展", f"（三）{XSS}", "（四）鄉村振興"]
    assert [label for label, _ in area_choices(AREAS, to_simplified)][1:3] == ["（一）城镇建设", "（二）产业发展"]
    assert STATUSES == (MET, PARTLY, MISSED, UNMENTIONED, PENDING)


def test_filters_by_year_area_status_and_text_in_either_script(ledger: FakeLedger) -> None:
    def items(**given) -> list[str]:
        return [f"{c.year}{c.item}" for c in select_commitments(ledger, Filters(**given))]

    assert len(items()) == 5 and ledger.calls[-1] == {"year": None, "status": None, "text": None}
    assert items(year="2024") == ["2024停车位"]
    assert items(status=MET) == ["2023停車位"]
    town = dict(area_choices(AREAS))["（一）城鎮建設"]
    assert items(area=town) == ["2023停車位", "2023智能排口", "2024停车位"]  # both reports' 城镇建设
    assert items(text="停车位") == items(text="停車位") == ["2023停車位", "2024停车位"]
    assert items(year="2023", area=town, status=PARTLY, text=" 排口 ") == ["2023智能排口"]
    assert items(year=None, area=None, status=None, text=None) == items()  # cleared dropdowns
    assert [a.year for a in select_figures(ledger, Filters(year="2023"))] == [2023]
    assert [a.year for a in select_figures(ledger, Filters(text="地区生产总值"))] == [2022]
    assert not Filters().active and Filters(text="x").active and not Filters(status="乱写").active


def test_show_renders_the_filtered_rows_and_says_when_nothing_matches(ledger: FakeLedger) -> None:
    tab = _tab(ledger)
    table, figures, *_ = tab.show("2023", ALL, MISSED, "")
    assert "共 1 项承诺：未达成 1" in table and "科技型中小企業" in table and "共 1 条成果数据" in figures
    table, *_ = tab.show(ALL, ALL, ALL, "没有这个词")
    assert NO_MATCH in table and EMPTY not in table


def test_reload_refreshes_choices_and_keeps_only_choices_that_still_exist(ledger: FakeLedger) -> None:
    tab = _tab(ledger)
    town = dict(area_choices(AREAS))["（一）城鎮建設"]
    year, area, table, *_ = tab.reload("2024", town, ALL, "")
    assert (year["value"], area["value"]) == ("2024", town) and "共 1 项承诺" in table
    ledger._commitments, ledger._areas = ROWS[:1], AREAS[:1]  # a report was deleted
    ledger.writes += 1
    year, area, table, *_ = tab.reload("2024", town, ALL, "")
    assert year["value"] == ALL and ("2024年", "2024") not in year["choices"]
    assert area["value"] == town and "共 1 项承诺" in table


# --- CSV -------------------------------------------------------------------------------------------
def test_csv_download_holds_the_filtered_rows_with_a_bom_for_excel(ledger: FakeLedger, csv_dir: Path) -> None:
    tab = _tab(ledger)
    _, _, download, figures_download, *_ = tab.show(ALL, ALL, ALL, "停车位")
    path = Path(download["value"])
    assert download["interactive"] and path.name == "承诺台账.csv" and path.is_relative_to(csv_dir)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = commitment_rows(select_commitments(ledger, Filters(text="停车位")))
    assert [r["承诺"] for r in rows] == [r["commitment"] for r in expected] == ["新建停車位50只", "新建停车位60只"]
    assert rows[0]["回顾段"] == "7" and rows[0]["状态"] == MET and rows[0]["目标数值"] == "50"
    assert {r["不低于目标"] for r in rows} == {"否"}
    assert rows[0]["报告"] == "坎墩街道2023年目標任務" and rows[0]["回顾报告"].startswith("坎墩街道2024年报告")
    assert list(rows[0]) == list(RESIDENT_COMMITMENT_HEADERS.values())
    assert not any(h.isascii() for h in rows[0]) and "False" not in text and "True" not in text
    assert "kd-202" not in text and "报告编号" in COMMITMENT_HEADERS.values()  # ids for staff's CLI only
    assert figures_download["value"] is None  # no figure mentions 停车位
    figures_csv = Path(tab.show(ALL, ALL, ALL, "")[3]["value"])
    figures_text = figures_csv.read_text("utf-8-sig")
    assert figures_csv.name == "成果数据.csv" and figures_text.startswith("指标,年份,数值,换算值,换算单位,同比%,报告")
    assert "58億元,5800000000,元,2.8" in figures_text
    assert tab.show(ALL, ALL, ALL, "停车位")[2]["value"] == str(path)  # same rows: same file, written once
    assert csv_file([], RESIDENT_COMMITMENT_HEADERS, "x") is None


def test_the_page_script_converts_every_report_text_and_the_csv(ledger: FakeLedger) -> None:
    with gr.Blocks() as page:
        script = gr.Radio(["auto", "simplified", "traditional"], value="auto")
        tab = LedgerTab(ledger, script)
    wired = [f for f in page.fns.values() if (script._id, "change") in f.targets]
    assert [f.fn for f in wired] == [tab.redraw]  # choices and tables redrawn on a switch
    assert script in tab.inputs
    assert all(isinstance(update, type(gr.skip())) for update in tab.redraw(False, ALL, ALL, ALL, "", "simplified"))
    assert ledger.calls == []  # not shown yet: a switch reads nothing
    assert "新建停车位50只" in tab.redraw(True, ALL, ALL, ALL, "", "simplified")[2]
    year, area, table, figures, download, figures_download, _, page = tab.reload(ALL, ALL, ALL, "", "simplified")
    assert "新建停车位50只" in table and "（二）产业发展" in table and "坎墩街道2023年目标任务" in table
    assert "停車" not in table and "地区生产总值" in figures and "58亿元" in figures
    assert ("（一）城镇建设", dict(area_choices(AREAS))["（一）城鎮建設"]) in area["choices"]
    traditional = tab.show(ALL, ALL, ALL, "", "traditional")[0]
    assert "新建停車位60只" in traditional and "回顧：90只" in traditional  # reasons and quotes too
    exported = Path(download["value"]).read_text("utf-8-sig")
    assert "新建停车位50只" in exported and "停車" not in exported and "承诺" in exported  # headers stay as they are
    exported_page = Path(page["value"]).read_text("utf-8")
    assert "新建停车位50只" in exported_page and "停車" not in exported_page
    assert tab.show(ALL, ALL, ALL, "", "auto")[0] == render_commitments(ROWS, TITLES)  # the reports' own script



def test_a_large_ledger_draws_a_page_of_rows_and_the_csv_keeps_them_all(csv_dir: Path) -> None:
    many = [commitment(f"新建停车位{n}只", f"{n}只", PENDING, paragraph=n) for n in range(ledger_tab.MAX_ROWS + 50)]
    tab = _tab(FakeLedger(many, FIGURES * 200, TITLES))
    table, figures, download, *_ = tab.show(ALL, ALL, ALL, "")
    assert table.count("<tr>") == figures.count("<tr>") == ledger_tab.MAX_ROWS + 1  # the header row too
    assert f"共 {len(many)} 项承诺" in table and f"显示前 {ledger_tab.MAX_ROWS} 项" in table
    rows = list(csv.DictReader(io.StringIO(Path(download["value"]).read_text("utf-8-sig"))))
    assert len(rows) == len(many)
    small, *_ = tab.show(ALL, ALL, ALL, "新建停车位7只")
    assert "显示前" not in small

# --- summary chart and page ----------------------------------------------------------------------
def test_the_tab_charts_each_government_year_and_follows_the_filters(ledger: FakeLedger) -> None:
    tab = _tab(ledger)
    summary = tab.show(ALL, ALL, ALL, "")[4]
    assert 'aria-label="慈溪市坎墩街道 2023年：共 4 项，达成 1 项，部分达成 1 项，未达成 1 项，未提及 1 项"' in summary
    assert 'aria-label="慈溪市坎墩街道 2024年：共 1 项，待回顾 1 项"' in summary
    assert 'style="width:100.0%' in summary and 'style="width:25.0%' in summary  # bars as long as their counts
    assert "<caption>" in summary and '<td class="num">4</td>' in summary  # the table of the same counts
    missed = tab.show(ALL, ALL, MISSED, "")[4]
    assert "共 1 项，未达成 1 项" in missed and "2024年" not in missed


def test_the_page_download_holds_the_filtered_rows_escaped(ledger: FakeLedger, csv_dir: Path) -> None:
    page = _tab(ledger).show("2023", ALL, ALL, "")[5]
    path = Path(page["value"])
    assert page["interactive"] and path.name == "承诺台账统计.html" and path.is_relative_to(csv_dir)
    text = path.read_text("utf-8")
    assert '<html lang="zh-CN">' in text and "筛选：2023年" in text and "新建停车位60只" not in text
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "《坎墩街道2023年目標任務》第32段" in text and "新建停车位共90只，附属工程同步完工。" in text  # citations


# --- the app ---------------------------------------------------------------------------------------
class AssistantWithLedger(FakeAssistant):
    def __init__(self, ledger) -> None:
        super().__init__()
        self.ledger = ledger


def _blocks(app: gr.Blocks, kind: type) -> list:
    return [b for b in app.blocks.values() if isinstance(b, kind)]


@pytest.mark.parametrize("password", [None, "s3cret"])
def test_app_has_the_ledger_tab_for_everyone_and_no_new_endpoint(ledger: FakeLedger, password) -> None:
    app = build_app(AssistantWithLedger(ledger), gate=StaffGate(password))
    tabs = [t.label for t in _blocks(app, gr.Tab)]
    assert tabs == ["问答", "报告原文", "承诺台账", *(["工作人员"] if password else [])]
    endpoints = list(app.get_api_info()["named_endpoints"])
    assert endpoints == ["/ask", *(["/delete_report"] if password else [])]
    labels = {b.label for b in _blocks(app, gr.Dropdown)}
    assert {"年份", "领域", "状态"} <= labels
    assert {b.label for b in _blocks(app, gr.DownloadButton)} == {"下载承诺 CSV", "下载成果数据 CSV", "下载统计网页"}


def test_the_ledger_is_read_when_its_tab_is_first_opened_not_when_the_page_is_built_or_loaded(
        ledger: FakeLedger) -> None:
    app = build_app(AssistantWithLedger(ledger), gate=StaffGate(None))
    assert ledger.calls == []  # building (`govqa serve`'s start) read nothing
    tab = next(t for t in _blocks(app, gr.Tab) if t.label == "承诺台账")
    loads = [f.fn for f in app.fns.values() if any(target[1] == "load" for target in f.targets)]
    assert not any(isinstance(getattr(fn, "__self__", None), LedgerTab) for fn in loads)  # nor does a page load
    opening = next(f for f in app.fns.values() if (tab._id, "select") in f.targets)
    shown = opening.fn(False, ALL, ALL, ALL, "", "auto")
    assert shown[0] is True and ("2024年", "2024") in shown[1]["choices"]
    assert "停車位50只" in shown[3] and 'class="ledger-chart"' in shown[7]  # the table and the chart
    assert Path(shown[5]["value"]).name == "承诺台账.csv" and shown[5]["interactive"]
    calls = len(ledger.calls)
    again = opening.fn(True, ALL, ALL, ALL, "", "auto")  # opened again in the same page: kept as it is
    assert again[0] is True and all(isinstance(update, type(gr.skip())) for update in again[1:])
    assert len(ledger.calls) == calls


class CountingLedger(FakeLedger):
    """Counts every read of rows (commitments, figures, areas, years)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.reads = 0

    def __getattribute__(self, name: str):
        if name in ("commitments", "figures", "areas", "years"):
            object.__setattr__(self, "reads", object.__getattribute__(self, "reads") + 1)
        return object.__getattribute__(self, name)


def test_a_second_page_opening_the_tab_reads_no_rows_and_is_shown_the_same() -> None:
    ledger = CountingLedger(ROWS, FIGURES, TITLES, AREAS, GOVERNMENTS)
    tab = _tab(ledger)
    first = tab.open(False, ALL, ALL, ALL, "", "auto")
    assert ledger.reads > 0
    reads = ledger.reads
    assert tab.open(False, ALL, ALL, ALL, "", "auto") == first  # another page
    assert tab.open(False, None, ALL, None, "  ", "auto") == first  # 全部, a cleared dropdown and box: the same view
    assert tab.show("2023", ALL, ALL, "停车位") == tab.show("2023", ALL, ALL, "停车位")  # a repeated filter
    reads = ledger.reads - reads
    assert reads == 2  # the filter, once: commitments and figures
    assert tab.open(False, ALL, ALL, ALL, "", "traditional") != first  # each script is its own view


def test_a_write_to_the_ledger_is_shown_at_the_next_opening(ledger: FakeLedger) -> None:
    tab = _tab(ledger)
    table = tab.open(False, ALL, ALL, ALL, "", "auto")[3]
    assert "共 5 项承诺" in table and "路灯" not in table
    ledger.add(commitment("路灯", "30盏", PENDING, year=2025, doc_id="kd-2024"))
    _, year, _, table, *_ = tab.open(False, ALL, ALL, ALL, "", "auto")
    assert "共 6 项承诺" in table and "新建路灯30盏" in table and ("2025年", "2025") in year["choices"]


def test_views_kept_are_bounded_and_a_view_whose_files_were_removed_is_drawn_again(
        ledger: FakeLedger, csv_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(ledger_tab, "VIEWS", 2)
    tab = _tab(ledger)
    for text in ("停", "车", "位", "排口"):
        tab.show(ALL, ALL, ALL, text)
    assert len(tab._views) == 2
    path = Path(tab.show(ALL, ALL, ALL, "")[2]["value"])
    path.unlink()
    assert Path(tab.show(ALL, ALL, ALL, "")[2]["value"]).read_bytes() == path.read_bytes()


def test_assistant_without_a_ledger_gets_no_ledger_tab() -> None:
    assert "承诺台账" not in [t.label for t in _blocks(build_app(FakeAssistant()), gr.Tab)]


# --- a real ledger ---------------------------------------------------------------------------------
PLAN_REPORT = ("測試街道2022年工作總結和2023年工作計劃\n一、2022年工作回顧\n2022年，全街道實現地區生產總值58億元，同比增長2.8%。\n"
               "二、2023年工作計劃\n（一）城鎮建設\n新建停車位50只。\n（二）產業發展\n力爭新申報高新技術企業2家。\n"
               "（三）鄉村振興\n加快鄉村振興。\n")  # an area without a commitment
REVIEW_REPORT = ("测试街道2023年工作回顾和2024年工作计划\n一、2023年工作回顾\n2023年，新建停车位60只。新申报高新技术企业1家。\n"
                 "二、2024年工作计划\n（一）城镇建设\n计划新建停车位80只。\n")


def test_a_real_ledger_lists_links_and_filters(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    for doc_id, text in (("ceshi-2023", PLAN_REPORT), ("ceshi-2024", REVIEW_REPORT)):
        path = tmp_path / f"{doc_id}.txt"
        path.write_text(text, encoding="utf-8")
        ledger.update(parse_report(read_report_lines(path), doc_id=doc_id, source=path.name))
    tab = _tab(ledger)
    table, *_ = tab.show(ALL, ALL, MET, "停车位")
    assert "共 1 项承诺：达成 1" in table and "新建停車位50只" in table
    assert 'href="#p-ceshi-2023-' in table and 'href="#p-ceshi-2024-' in table
    assert [label for label, _ in area_choices(ledger.areas())] == [ALL, "（一）城鎮建設", "（二）產業發展", "（三）鄉村振興"]
    table, figures, *_ = tab.show("2024", ALL, ALL, "")
    assert "新建停车位80只" in table and PENDING in table and NO_FIGURES_MATCH in figures


def test_a_real_ledgers_version_changes_with_every_write_from_any_connection(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    other = Ledger(tmp_path / "ledger.sqlite3")  # as `govqa ingest` in another process: its own connection
    tab = _tab(ledger)
    seen = [ledger.version()]
    path = tmp_path / "ceshi-2023.txt"
    path.write_text(PLAN_REPORT, encoding="utf-8")
    assert EMPTY in tab.show(ALL, ALL, ALL, "")[0]
    other.update(parse_report(read_report_lines(path), doc_id="ceshi-2023", source=path.name))
    seen.append(ledger.version())
    assert "新建停車位50只" in tab.show(ALL, ALL, ALL, "")[0]
    assert ledger.years() == [2023, 2022]  # a commitment's year and a figure's
    other.link()
    seen.append(ledger.version())
    other.remove("ceshi-2023")
    seen.append(ledger.version())
    assert len(set(seen)) == len(seen) and EMPTY in tab.show(ALL, ALL, ALL, "")[0]
    assert Ledger(tmp_path / "again.sqlite3").version() != seen[0]  # another (or rebuilt) ledger: a new epoch
