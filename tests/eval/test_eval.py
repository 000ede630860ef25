"""eval: metric arithmetic on canned answers (no model, no index), the gate, and the question sets themselves."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.records import Answer, Citation
from assistant.settings import PROJECT_ROOT
from index.records import Chunk, Hit
from index.structure import parse_report
from eval.gate import GATE, check_gate
from eval.harness import format_table, load_questions, run_eval
from eval.naive import CHUNK_SIZE, NaiveRetriever
from index.ingest import doc_id_for
from index.reading import read_report_lines
from index.textnorm import normalize

ROOT = PROJECT_ROOT
SAMPLE_REPORT = ROOT / "data" / "reports" / "kandun-2022-review-2023-plan.txt"
# The sample's question sets; the real-report sets (real-*.jsonl) are checked against their own corpus.
QUESTION_FILES = sorted(p for p in (ROOT / "eval" / "questions").glob("*.jsonl") if not p.name.startswith("real-"))

GDP = "街道預計可實現地區生產總值58億元，同比增長2.8%。"
OTHER = "完成固定資產投資11.2億元。"
METRICS_KEYS = {"questions", "retrieval", "answer", "refusal", "latency_ms", "by_kind"}


def hit(text: str, n: int) -> Hit:
    return Hit(Chunk(f"c{n}", "doc", n, ("一、回顾",), text, normalize(text)), 1.0 / n, text)


def citation(text: str) -> Citation:
    return Citation(1, "doc", "报告", "一、回顾", 3, text, text)


def question(qid: str, text: str, kind: str, answerable: bool = True, facts: tuple[str, ...] = ("58亿元",)) -> dict:
    gold = ["可實現地區生產總值58億元"] if answerable else []
    return {"id": qid, "question": text, "answerable": answerable, "gold_paragraphs": gold,
            "answer_facts": list(facts) if answerable else [], "kind": kind}


QUESTIONS = [
    # gold at rank 2, cited, fact present (in Simplified while the report is Traditional)
    question("q1", "GDP多少？", "figure"),
    # gold at rank 1, answered, but a fact is missing and the citation is not gold
    question("q2", "增速<script>alert(1)</script>", "figure", facts=("58亿元", "3.5%")),
    # gold never retrieved, refused
    question("q3", "地区生产总值？", "paraphrase"),
    # unanswerable and refused
    question("q4", "2030年目标？", "unanswerable", answerable=False),
    # unanswerable but answered
    question("q5", "2031年目标？", "unanswerable", answerable=False),
]

ANSWERS = {
    "GDP多少？": Answer("", True, "预计实现地区生产总值58亿元[1]", (citation(GDP),), (hit(OTHER, 1), hit(GDP, 2)), 10.0),
    "增速<script>alert(1)</script>": Answer("", True, "58億元[1]", (citation(OTHER),), (hit(GDP, 1),), 20.0),
    "地区生产总值？": Answer("", False, "没有找到", (), tuple(hit(OTHER, n) for n in range(1, 11)), 30.0),
    "2030年目标？": Answer("", False, "没有找到", (), (hit(OTHER, 1),), 40.0),
    "2031年目标？": Answer("", True, "目标是……", (citation(OTHER),), (hit(OTHER, 1),), 50.0),
}


class FakeAssistant:
    """Returns the canned answer of each question and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, object]] = []

    def ask(self, text: str, history=None, *, scope=None) -> Answer:
        self.asked.append((text, history))
        return ANSWERS[text]


@pytest.fixture
def evaluated(tmp_path: Path) -> tuple[dict, Path, FakeAssistant]:
    fake = FakeAssistant()
    return run_eval(fake, QUESTIONS, tmp_path, progress=False), tmp_path, fake


def test_metrics_exact(evaluated) -> None:
    metrics, _, fake = evaluated
    assert [text for text, _ in fake.asked] == [q["question"] for q in QUESTIONS]
    assert metrics["questions"] == 5
    assert metrics["retrieval"] == {"hit@1": 0.3333, "hit@3": 0.6667, "hit@5": 0.6667, "mrr@10": 0.5}
    assert metrics["answer"] == {"fact_accuracy": 0.3333, "citation_hit": 0.3333, "names_source": 0.0}
    assert metrics["refusal"] == {"unanswerable_refused": 0.5, "answerable_answered": 0.6667}
    assert metrics["latency_ms"] == {"p50": 30.0, "p95": 50.0}


def test_metrics_by_kind(evaluated) -> None:
    by_kind = evaluated[0]["by_kind"]
    assert set(by_kind) == {"figure", "paraphrase", "unanswerable"}
    assert by_kind["figure"]["questions"] == 2
    assert by_kind["figure"]["retrieval"] == {"hit@1": 0.5, "hit@3": 1.0, "hit@5": 1.0, "mrr@10": 0.75}
    assert by_kind["figure"]["answer"] == {"fact_accuracy": 0.5, "citation_hit": 0.5, "names_source": 0.0}
    assert by_kind["paraphrase"]["refusal"]["answerable_answered"] == 0.0
    # a kind without answerable questions has no retrieval or answer metrics, rather than a fake 0
    assert by_kind["unanswerable"]["retrieval"]["hit@1"] is None
    assert by_kind["unanswerable"]["refusal"] == {"unanswerable_refused": 0.5, "answerable_answered": None}


def test_history_is_passed_to_ask() -> None:
    fake = FakeAssistant()
    history = [{"role": "user", "content": "2022年GDP？"}]
    run_eval(fake, [{**QUESTIONS[0], "history": history}], None, progress=False)
    assert fake.asked == [("GDP多少？", history)]


def test_files_written(evaluated) -> None:
    _, out, _ = evaluated
    written = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(written) == METRICS_KEYS
    assert set(written["retrieval"]) == {"hit@1", "hit@3", "hit@5", "mrr@10"}
    assert set(written["answer"]) == {"fact_accuracy", "citation_hit", "names_source"}
    assert set(written["refusal"]) == {"unanswerable_refused", "answerable_answered"}
    assert set(written["latency_ms"]) == {"p50", "p95"}
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4", "q5"]
    assert [r["first_gold_rank"] for r in rows] == [2, 1, None, None, None]
    assert [r["ok"] for r in rows] == [True, False, False, True, False]
    assert rows[1]["missing_facts"] == ["3.5%"]
    assert rows[0]["citations"] == [{"n": 1, "paragraph": 3, "quote": GDP}]
    assert {"id", "kind", "question", "answerable", "answered", "answer", "citations", "first_gold_rank",
            "missing_facts", "latency_ms", "ok"} <= rows[0].keys()
    assert (out / "report.md").is_file()


def test_report_escapes_html(evaluated) -> None:
    _, out, _ = evaluated
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<svg" in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "q2" in markdown and "q1 |" not in markdown  # only failures listed


def test_format_table_has_a_column_per_label(evaluated) -> None:
    table = format_table({"ours": evaluated[0], "naive": evaluated[0]})
    assert "ours" in table and "naive" in table and "0.333" in table and "answer.fact_accuracy" in table


def test_check_gate() -> None:
    passing = {group: {} for group in ("retrieval", "answer", "refusal")}
    for path, minimum in GATE.items():
        group, name = path.split(".")
        passing[group][name] = minimum
    assert check_gate(passing) == []
    failing = {**passing, "answer": {**passing["answer"], "fact_accuracy": 0.81}}
    assert check_gate(failing) == ["answer.fact_accuracy 0.81 < 0.85"]
    assert check_gate({**passing, "refusal": {}}) == [
        "refusal.unanswerable_refused missing (no questions to measure it) < 0.85",
        "refusal.answerable_answered missing (no questions to measure it) < 0.95",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "question": "q", "answerable": true, "gold_paragraphs": []}', "missing key 'answer_facts'"),
        ('{"id": "x", "question": "q", "answerable": "yes", "gold_paragraphs": [], "answer_facts": []}',
         "'answerable' must be a bool"),
        ('{"id": "a", "question": "q", "answerable": false, "gold_paragraphs": [], "answer_facts": []}',
         "duplicate id 'a'"),
    ],
)
def test_load_questions_names_the_bad_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "q.jsonl"
    good = '{"id": "a", "question": "q", "answerable": false, "gold_paragraphs": [], "answer_facts": []}'
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"q\.jsonl:3: .*{message}"):
        load_questions(path)


# ---------------------------------------------------------------- the naive baseline

class CharEmbeddings(Embeddings):
    """Hashed character counts: deterministic, instant, and enough to find a paragraph by its words."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = [0.0] * 64
        for ch in text:
            vector[hashlib.md5(ch.encode()).digest()[0] % 64] += 1.0
        norm = sum(v * v for v in vector) ** 0.5 or 1.0
        return [v / norm for v in vector]


def test_naive_retriever_returns_splits_as_hits(tmp_path: Path) -> None:
    report = parse_report(read_report_lines(SAMPLE_REPORT), doc_id_for(SAMPLE_REPORT), SAMPLE_REPORT.name)
    retriever = NaiveRetriever([report], CharEmbeddings(), tmp_path)
    hits = retriever.search("坎墩街道地区生产总值", k=3)
    assert len(hits) == 3
    for h in hits:
        assert h.chunk.doc_id == doc_id_for(SAMPLE_REPORT) and h.chunk.section == () and h.chunk.year is None
        assert h.paragraph_text == h.chunk.text and len(h.chunk.text) <= CHUNK_SIZE
        assert h.chunk.search_text == normalize(h.chunk.text) and h.chunk.paragraph >= 1
    assert retriever.search("生产总值", k=3, doc_ids=["another-report"]) == []


# ---------------------------------------------------------------- the question sets

@pytest.fixture(scope="module")
def report_lines() -> list[str]:
    return [normalize(line) for line in read_report_lines(SAMPLE_REPORT)]


@pytest.fixture(scope="module")
def all_questions() -> list[dict]:
    assert QUESTION_FILES, "no eval/questions/*.jsonl"
    return [q for path in QUESTION_FILES for q in load_questions(path)]


def _about_the_sample(q: dict) -> bool:
    """Questions naming another report as gold are checked against it by check_real.py."""
    return (q.get("gold_report") or SAMPLE_REPORT.stem) == SAMPLE_REPORT.stem and not q.get("gold_reports")


def test_question_sets_are_big_enough(all_questions) -> None:
    assert len(all_questions) >= 100
    assert sum(not q["answerable"] for q in all_questions) >= 15


def test_gold_and_facts_occur_in_the_sample_report(all_questions, report_lines) -> None:
    problems = []
    for q in filter(_about_the_sample, all_questions):
        if q["answerable"] and not (q["gold_paragraphs"] and q["answer_facts"]):
            problems.append(f"{q['id']}: answerable without gold paragraphs or answer facts")
        gold = {g: normalize(g) for g in q["gold_paragraphs"]}
        gold_lines = [line for line in report_lines if any(g in line for g in gold.values())]
        problems += [f"{q['id']}: gold not in any paragraph: {g}" for g, norm in gold.items()
                     if not any(norm in line for line in report_lines)]
        problems += [f"{q['id']}: fact not in a gold paragraph: {f}" for f in q["answer_facts"]
                     if not any(normalize(f) in line for line in gold_lines)]
    assert problems == []


@pytest.mark.parametrize("name", ["real-dev.jsonl", "real-holdout.jsonl", "edges.jsonl"])
def test_real_question_sets_match_their_reports(name: str) -> None:
    """Every gold paragraph is in its gold report exactly once, every fact in a gold paragraph."""
    import subprocess
    import sys

    checker = ROOT / "eval" / "questions" / "check_real.py"
    done = subprocess.run([sys.executable, str(checker), str(ROOT / "eval" / "questions" / name)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "0 failures" in done.stdout
