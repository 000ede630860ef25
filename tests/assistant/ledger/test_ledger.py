"""The commitment ledger: extraction on the sample, linking to the fictional 2024 report, CLI, chat."""

import csv
import io
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.answer.question import prepare
from assistant.cli.ledger import register
from assistant.ledger.chat import answer_from_ledger
from assistant.ledger.extract import PENDING, Commitment, Source, extract, report_year
from assistant.ledger.link import MET, MISSED, PARTLY, STATUSES, UNMENTIONED, Evidence, link
from assistant.ledger.store import Ledger
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from eval.ledger.score import score
from index.embedding import SentenceTransformerEmbedder
from index.reading import read_report_lines
from index.structure import parse_report
from index.textnorm import normalize
from tests.fakes import FICTIONAL_2024, SAMPLE, FakeEmbedder

FIXTURE = FICTIONAL_2024
SAMPLE_ID, FIXTURE_ID = "kandun-2022-review-2023-plan", "kandun-2024-fictional"


def _parse(path: Path, doc_id: str):
    return parse_report(read_report_lines(path), doc_id=doc_id, source=path.name)


@pytest.fixture(scope="module")
def sample():
    return _parse(SAMPLE, SAMPLE_ID)


@pytest.fixture(scope="module")
def fictional():
    return _parse(FIXTURE, FIXTURE_ID)


@pytest.fixture(scope="module")
def linked(tmp_path_factory, sample, fictional) -> Ledger:
    """Both reports, linked by words alone (no model): fast, and what the CLI and chat tests read."""
    ledger = Ledger(tmp_path_factory.mktemp("ledger") / "ledger.sqlite3")
    ledger.update(sample)
    ledger.update(fictional)
    return ledger


def _row(rows, item: str, value: float, unit: str, place: str = "") -> Commitment:
    found = [c for c in rows if item in normalize(c.item) and c.value == value and c.unit == unit
             and place in normalize(c.place)]
    assert len(found) == 1, (item, value, [(c.item, c.value, c.unit, c.place) for c in rows])
    return found[0]


# --- extraction --------------------------------------------------------------------------------
def test_sample_lists_the_acceptance_commitments(sample):
    rows = extract(sample).commitments
    assert _row(rows, "停车位", 50, "只", "三四灶村文化礼堂").target == "50只"
    assert _row(rows, "停车位", 40, "只", "坎东初中").action == "新建"  # inherited from the clause before
    assert _row(rows, "智能排口", 20, "套").place.startswith("周家路江")
    assert _row(rows, "临水护栏", 2500, "米").place.startswith("江西直路")
    high_tech = _row(rows, "高新技术企业", 2, "家")
    assert (normalize(high_tech.action), high_tech.strength) == ("新申报", "計劃")  # kept in the report's script
    assert _row(rows, "科技型中小企业", 20, "家").strength == "計劃"
    assert _row(rows, "宁波股交所挂牌", 3, "家").source.sentence.startswith("大力推動優質企業")
    assert {c.year for c in rows} == {2023}


def test_numbers_are_normalised_ranges_and_each(sample):
    rows = extract(sample).commitments
    listed = _row(rows, "上市企业后备库", 1, "家")
    assert (listed.high, listed.target) == (2, "1-2家")
    talent = [c for c in rows if normalize(c.item).endswith("人才项目") or normalize(c.item).endswith("英才项目")]
    assert sorted(normalize(c.item) for c in talent) == ["宁波甬江人才项目", "慈溪上林英才项目"]  # 各1个 → two rows
    assert _row(rows, "独角兽", 1, "家").strength == "力爭"


def test_rhetoric_and_review_figures_are_not_commitments(sample):
    rows = extract(sample).commitments
    assert not [c for c in rows if "支点" in normalize(c.text)]  # 兩個重要支點
    assert min(c.source.paragraph for c in rows) >= 27  # nothing from 一、2022年工作回顧


def test_a_fragment_is_listed_as_the_whole_commitment(sample):
    """…停車位40只,并完成附屬工程: the clause continues the one that names the work (issue 15)."""
    [ancillary] = [c for c in extract(sample).commitments if "附属工程" in normalize(c.action)]
    assert ancillary.summary == "新建三四灶村文化禮堂附屬停車位50只,坎東初中停車位40只,并完成附屬工程"
    assert not [c for c in extract(sample).commitments if normalize(c.summary).startswith("并")]


def test_every_area_of_the_plan_part_is_listed(sample):
    areas = extract(sample).areas
    assert [a[:3] for a in areas] == ["二、2", "(一)", "(二)", "(三)", "(四)", "(五)"]  # (三) and (五) promise no figure


def test_a_figure_in_brackets_measures_what_stands_before_them(sample):
    metrics = {(normalize(a.metric), a.figure) for a in extract(sample).achievements if a.unit == "亩"}
    assert ("企业用地", "50畝") in metrics and ("沈五村村级工业区用地", "112畝") in metrics  # 8家企業(超50畝用地)
    assert ("企业", "50畝") not in metrics


def test_sample_achievements(sample):
    found = extract(sample).achievements
    gdp = next(a for a in found if normalize(a.metric) == "地区生产总值")
    assert (gdp.value, gdp.unit, gdp.figure, gdp.change, gdp.year) == (5.8e9, "元", "58億元", 2.8, 2022)
    petitions = next(a for a in found if "信访案件" in normalize(a.metric))
    assert (petitions.value, petitions.unit) == (1545, "件")
    railing = next(a for a in found if "临水护栏" in normalize(a.metric))
    assert (railing.value, railing.unit) == (2513, "米")
    growth_only = next(a for a in found if normalize(a.metric) == "规上工业增加值")
    assert (growth_only.value, growth_only.change) == (None, 7)


def test_time_words_are_read_in_the_report_frame():
    report = parse_report(
        ["2023-01-09", "一、工作回顧", "全年新建停車位30只，同比增長20%。",
         "二、工作計劃", "1.停車。新建停車位50只，明年建成智能排口10套。"], doc_id="t", source="t.txt")
    assert report_year(report) == 2023
    found = extract(report)
    assert [(a.year, a.value, a.change) for a in found.achievements] == [(2022, 30, 20)]
    assert [(c.year, c.value) for c in found.commitments] == [(2023, 50), (2024, 10)]


def test_extraction_precision_and_recall_against_the_hand_annotation():
    result = score()
    assert result["recall"] >= 0.9 and result["precision"] >= 0.8, result


# --- storage -----------------------------------------------------------------------------------
def test_update_replaces_rows_and_remove_resets_links(tmp_path, sample, fictional):
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    first = ledger.update(sample)
    assert ledger.update(sample) == first
    assert len(ledger.commitments(doc_id=SAMPLE_ID)) == first[0]
    assert len(ledger.figures()) == first[1]
    ledger.update(fictional)
    assert ledger.commitments(year=2023, status=PENDING) == []
    assert ledger.areas()[:6] == extract(sample).areas and len(ledger.areas()) > 6  # the 2024 plan's too
    assert ledger.remove(FIXTURE_ID)
    assert ledger.areas() == extract(sample).areas
    assert {c.link.status for c in ledger.commitments(year=2023)} == {PENDING}
    assert ledger.commitments(doc_id=FIXTURE_ID) == []


def test_filters(linked):
    assert {c.year for c in linked.commitments(year=2024)} == {2024}
    assert [normalize(c.item) for c in linked.commitments(status=PARTLY) if c.value] == ["智能排口"]
    assert all("停车" in normalize(c.source.sentence) for c in linked.commitments(text="停車位"))
    series = [(a.year, a.value) for a in linked.figures(metric="地区生产总值")]
    assert series == [(2022, 5.8e9), (2023, 6.1e9)]


# --- linking -----------------------------------------------------------------------------------
EXPECTED = [  # (item or goal words, target value, unit, status, review figure)
    ("停车位", 50, "只", MET, "90只"),  # 50 + 40 promised in one sentence, "共90只" reviewed
    ("停车位", 40, "只", MET, "90只"),
    ("智能排口", 20, "套", PARTLY, "12套"),  # 60% ≥ PARTIAL_SHARE
    ("临水护栏", 2500, "米", MET, "2600米"),
    ("高新技术企业", 2, "家", MET, "4家"),  # 新申报…4家, not 有效…35家
    ("科技型中小企业", 20, "家", MISSED, "8家"),  # 40% < PARTIAL_SHARE
    ("企业工程中心", 2, "家", MET, "2家"),
    ("独角兽", 1, "家", UNMENTIONED, ""),
    ("甬江", 1, "个", MET, "1个"),
    ("上林", 1, "个", MISSED, ""),  # 未能引进
    ("后备库", 1, "家", MET, "2家"),  # a range is met at its low end
    ("股交所", 3, "家", MISSED, "1家"),
    ("附属工程", None, "", MET, ""),  # 附属工程同步完工
    ("担山北路", None, "", MET, ""),  # 已纳入…大中修计划
    ("安置用地", None, "", PARTLY, ""),  # 正在推进
    ("三类水", None, "", UNMENTIONED, ""),
    ("重大项目尽早开工", None, "", UNMENTIONED, ""),
]


def _statuses(ledger: Ledger) -> list[tuple]:
    rows = ledger.commitments(year=2023, doc_id=SAMPLE_ID)
    out = []
    for words, value, unit, _, _ in EXPECTED:
        row = next(c for c in rows if words in normalize(c.item + c.action) and c.value == value and c.unit == unit)
        out.append((words, value, unit, row.link.status, row.link.achieved))
    return out


@pytest.mark.integration
def test_statuses_with_the_real_model(tmp_path, sample, fictional):
    ledger = Ledger(tmp_path / "ledger.sqlite3", embedder=SentenceTransformerEmbedder())
    ledger.update(sample)
    assert {c.link.status for c in ledger.commitments()} == {PENDING}  # nothing reviews 2023 yet
    ledger.update(fictional)
    assert _statuses(ledger) == EXPECTED
    parking = ledger.commitments(text="坎东初中")[0]
    assert parking.link.evidence == Source(FIXTURE_ID, 7, parking.link.evidence.section,
                                           "新建三四灶村文化礼堂附属停车位和坎东初中停车位共90只，附属工程同步完工。")
    assert "同句2项合计" in parking.link.reason and "语义相似" in parking.link.scores
    assert {c.link.status for c in ledger.commitments(year=2024)} == {PENDING}


def test_statuses_by_words_alone_are_the_same(linked):
    assert _statuses(linked) == EXPECTED


def _promise(value: float, unit: str = "套", high: float | None = None) -> Commitment:
    source = Source("old", 1, ("二、2023年目标任务",), "安装智能排口20套。")
    return Commitment(source, 2023, "安装", "智能排口", "", f"{value:g}{unit}", value, high, False, unit, "安装",
                      f"安装智能排口{value:g}{unit}")


def _review(text: str, value: float | None = None, unit: str = "套") -> Evidence:
    return Evidence(Source("new", 5, ("一、2023年工作回顾",), text), 2023, text, value, unit if value else "",
                    f"{value:g}{unit}" if value else "")


@pytest.mark.parametrize("achieved, status", [(20, MET), (10, PARTLY), (9, MISSED)])
def test_partial_share_boundary(achieved, status):
    [linked_row] = link([_promise(20)], [_review(f"安装智能排口{achieved}套", achieved)])
    assert linked_row.link.status == status


@pytest.mark.parametrize("text, status", [("智能排口安装未能完成", MISSED), ("智能排口安装正在推进", PARTLY),
                                          ("智能排口全部安装到位", MET), ("停车位建设全面完成", UNMENTIONED)])
def test_words_decide_without_a_figure(text, status):
    assert link([_promise(20)], [_review(text)])[0].link.status == status


def test_fake_embedder_gates_unrelated_meaning():
    """A cosine below the floor vetoes a word match (the fake embedder scores by shared bigrams)."""
    evidence = [_review("安装智能排口12套", 12)]
    assert link([_promise(20)], evidence, FakeEmbedder(), min_cosine=0.99)[0].link.status == UNMENTIONED
    assert link([_promise(20)], evidence, FakeEmbedder(), min_cosine=0.2)[0].link.status == PARTLY


def test_no_review_of_the_year_is_pending():
    assert link([_promise(20)], [])[0].link.status == PENDING


class _Catalog:
    def __init__(self, *reports) -> None:
        self._reports = {r.doc_id: r for r in reports}

    def reports(self):
        return list(self._reports.values())

    def report(self, doc_id):
        return self._reports.get(doc_id)


def test_each_report_is_counted_under_its_government(tmp_path, sample, linked):
    assert linked.governments() == {SAMPLE_ID: "慈溪市坎墩街道", FIXTURE_ID: "慈溪市坎墩街道"}  # from the title
    path = tmp_path / "old.sqlite3"
    Ledger(path).update(sample)
    with sqlite3.connect(path) as db:  # a ledger from before the government was stored
        db.execute("ALTER TABLE reports DROP COLUMN government")
    old = Ledger(path)
    assert old.governments() == {SAMPLE_ID: "坎墩街道"}  # its 发布机构 line until it is re-read
    old.sync(_Catalog(sample))
    assert old.governments() == {SAMPLE_ID: "慈溪市坎墩街道"}


# --- CLI ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli(tmp_path_factory, sample, fictional):
    """A catalog built by ingesting both reports (fake embedder), its ledger synced, GOVQA_INDEX_DIR set."""
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    assistant = Assistant(Settings(index_dir=index_dir), embedder=FakeEmbedder())
    assistant.ingest([SAMPLE, FIXTURE])
    # Ingest synced the ledger with the fake embedder; re-link by text alone, as the CLI's ledger does.
    Ledger(index_dir / "ledger.sqlite3").link()
    app = typer.Typer()
    register(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVQA_INDEX_DIR", str(index_dir))
        yield lambda *args: CliRunner().invoke(app, list(args))


def test_cli_commitments_json(cli):
    result = cli("commitments", "--year", "2023", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["year"] for r in rows} == {2023}
    parking = next(r for r in rows if r["place"] == "坎東初中")
    assert (parking["value"], parking["unit"], parking["status"]) == (40, "只", MET)
    assert (parking["review_doc_id"], parking["review_paragraph"]) == (FIXTURE_ID, 7)


def test_cli_commitments_csv_and_status_filter(cli):
    result = cli("commitments", "--status", PARTLY, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["状态"] for r in rows} == {PARTLY}  # Chinese headers, as the tab's CSV
    assert any(r["目标"] == "20套" and r["回顾数值"] == "12套" and r["不低于目标"] == "否" for r in rows)
    assert {r["报告编号"] for r in rows} == {SAMPLE_ID} and {r["报告"] for r in rows} == {"坎墩街道2022年工作总结和2023年工作计划"}


def test_cli_commitments_table_by_report(cli):
    result = cli("commitments", "--report", FIXTURE_ID)
    assert result.exit_code == 0, result.output
    assert "承诺" in result.stdout and "补装智能排口8套" in result.stdout and "共 5 条" in result.stdout


def _counts(rows: list[dict]) -> dict[tuple[str, int], Counter]:
    counted: dict = {}
    for r in rows:
        counted.setdefault(("慈溪市坎墩街道", r["year"]), Counter())[r["status"]] += 1
    return counted


def test_cli_summary_counts_the_listed_commitments_per_government_and_year(cli):
    listed = json.loads(cli("commitments", "--format", "json").stdout)
    summary = json.loads(cli("commitments", "--summary", "--format", "json").stdout)
    keys = ("met", "partly", "missed", "unmentioned", "pending")
    assert {(r["government"], r["year"]): Counter({s: r[k] for s, k in zip(STATUSES, keys) if r[k]})
            for r in summary} == _counts(listed)
    assert [r["year"] for r in summary] == [2023, 2024] and all(r["total"] == sum(r[k] for k in keys) for r in summary)
    rows = list(csv.DictReader(io.StringIO(cli("commitments", "--summary", "--format", "csv", "--year", "2024").stdout)))
    assert [(r["政府"], r["年份"], r["待回顾"], r["合计"]) for r in rows] == [("慈溪市坎墩街道", "2024", "5", "5")]
    table = cli("commitments", "--summary").stdout
    assert "政府" in table and "部分达成" in table and "慈溪市坎墩街道" in table and "共 2 条" in table


def test_cli_html_writes_the_chart_the_counts_and_the_rows(cli, tmp_path):
    path = tmp_path / "台账.html"
    result = cli("commitments", "--year", "2023", "--html", str(path))
    assert result.exit_code == 0, result.output
    assert f"已写入 {path}" in result.output and result.stdout == ""  # the rows are in the file, not printed
    page = path.read_text("utf-8")
    listed = json.loads(cli("commitments", "--year", "2023", "--format", "json").stdout)
    counts = _counts(listed)[("慈溪市坎墩街道", 2023)]
    said = "，".join(f"{s} {counts[s]} 项" for s in STATUSES if counts[s])
    assert f"慈溪市坎墩街道 2023年：共 {len(listed)} 项，{said}" in page and "筛选：2023年" in page
    assert '<html lang="zh-CN">' in page and f"共 {len(listed)} 项承诺" in page
    assert "《坎墩街道2022年工作总结和2023年工作计划》第" in page and "回顾：《坎墩街道2023年工作总结和2024年工作计划》第" in page


def test_cli_rejects_an_unknown_status(cli):
    result = cli("commitments", "--status", "done")
    assert result.exit_code == 1 and "部分达成" in result.output


def test_cli_figures_time_series(cli):
    rows = json.loads(cli("figures", "--metric", "地区生产总值", "--format", "json").stdout)
    assert [(r["year"], r["figure"], r["change_pct"]) for r in rows] == [(2022, "58億元", 2.8), (2023, "61亿元", 5.2)]
    table = cli("figures", "--metric", "信访案件").stdout
    assert "1545件" in table and "1320件" in table


# --- chat --------------------------------------------------------------------------------------
def _ledger_answer(question: str, ledger: Ledger):
    """What the pipeline's ledger route gives: only questions whose intent is a promise reach the ledger."""
    intent = prepare(question, None, 500, ledger.this_year()).intent
    return answer_from_ledger(question, intent.asks_status, ledger) if intent.about_promise else None


def test_chat_lists_promised_parking(linked):
    answer = _ledger_answer("2023年承诺了哪些停车场建设？", linked)
    assert answer is not None
    assert "50只" in answer.text and "40只" in answer.text and "达成" in answer.text
    assert [(c.doc_id, c.paragraph) for c in answer.citations] == [(SAMPLE_ID, 32), (FIXTURE_ID, 7)]
    assert "停車位50只" in answer.citations[0].quote and answer.citations[0].text.startswith("3.強化項目推進")


def test_chat_answers_last_years_outlets(linked):
    answer = _ledger_answer("去年说要装的智能排口装了吗？", linked)  # newest report 2024-01: 去年 = 2023
    assert answer is not None
    assert "2023年" in answer.text and "部分达成" in answer.text and "12套" in answer.text and "20套" in answer.text
    assert [(c.doc_id, c.paragraph) for c in answer.citations] == [(SAMPLE_ID, 32), (FIXTURE_ID, 8)]


def test_chat_answers_in_the_question_script(linked):
    answer = _ledger_answer("去年說要裝的智能排口裝了嗎？", linked)
    assert answer is not None and "部分達成" in answer.text


def test_chat_leaves_other_questions_to_the_pipeline(linked):
    assert _ledger_answer("2023年计划建设多少个停车位？", linked) is None
    assert _ledger_answer("2022年坎墩街道地区生产总值是多少？", linked) is None
    assert _ledger_answer("2023年承诺了哪些太空电梯？", linked) is None  # a promise nobody made
    dev = PROJECT_ROOT / "eval" / "questions" / "dev.jsonl"
    questions = [json.loads(line)["question"] for line in dev.read_text("utf-8").splitlines() if line.strip()]
    assert [q for q in questions if _ledger_answer(q, linked) is not None] == []  # the eval gate is unaffected
