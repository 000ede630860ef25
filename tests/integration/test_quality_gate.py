"""The quality gate: the development question set through the real pipeline (m3e-small, Chroma)."""

import json


from assistant.settings import PROJECT_ROOT, Settings
from eval.gate import REAL_GATE, check_gate
from eval.harness import evaluate



def test_dev_set_meets_the_quality_gate(tmp_path):
    out = tmp_path / "eval"
    results = evaluate(PROJECT_ROOT / "eval" / "questions" / "dev.jsonl", out, retriever="ours",
                       settings=Settings(index_dir=tmp_path / "index"))
    metrics = results["ours"]
    assert metrics["questions"] >= 100
    assert check_gate(metrics) == []
    assert json.loads((out / "metrics.json").read_text("utf-8")) == metrics


def test_real_reports_indexed_together_meet_their_gate(tmp_path):
    """All 32 real reports and the sample in one index: the right government and year, named in the answer."""
    results = evaluate(PROJECT_ROOT / "eval" / "questions" / "real-dev.jsonl", tmp_path / "eval", retriever="ours",
                       settings=Settings(index_dir=tmp_path / "unused"), reports=[PROJECT_ROOT / "eval" / "corpus" / "real"])
    metrics = results["ours"]
    assert metrics["questions"] >= 150
    assert check_gate(metrics, REAL_GATE) == []
