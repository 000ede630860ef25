"""eval/fit.py on hand-built evidence: the fit recovers which features mark an answering sentence, the
threshold grid trades refusals against wrong answers, and the weights file round-trips."""

import numpy as np
import pytest

from assistant.answer.evidence import Evidence
from assistant.answer.pipeline import Found
from assistant.answer.question import prepare
from assistant.answer.verdict import Verdict
from assistant.answer.weights import FEATURES, AnswerWeights, SentenceFeatures, fitted
from eval.fit import COVERAGE_GRID, Observed, fit_sentence_weights, fit_thresholds, sentence_table


def _features(coverage=0.0, rank=0.0, number=0.0):
    return SentenceFeatures(coverage, coverage, coverage, rank, number, 0.0, 0.0, 0.0, 0.0)


def test_the_fit_weights_what_separates_answering_sentences():
    rng = np.random.default_rng(7)
    coverage = rng.uniform(size=400)
    rank = rng.uniform(size=400)  # noise: says nothing about the label here
    labels = coverage + rng.normal(scale=0.1, size=400) > 0.6
    features = np.array([_features(c, r).vector() for c, r in zip(coverage, rank)])
    weights = fit_sentence_weights(features, labels, np.ones(len(labels)))
    assert set(weights) == set(FEATURES)
    assert sum(abs(w) for w in weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert weights["focus_coverage"] > 0.2 and abs(weights["rank"]) < 0.05


def _observed(question_text, answerable, facts, sentence, coverage, refused=False):
    question = prepare(question_text, None, 200, plan_year=None)
    evidence = Evidence(0, 0, sentence, 1.0, coverage, any(ch.isdigit() for ch in sentence), None, _features(coverage))
    found = Found([], [evidence], [evidence], Verdict(not refused, "其他原因" if refused else ""), {}, [])
    row = {"question": question_text, "answerable": answerable, "answer_facts": facts, "gold_paragraphs": []}
    return Observed(row, ((question, found),))


def test_thresholds_sit_between_the_answerable_and_the_unanswerable():
    observed = [
        *[_observed("美丽乡村建设怎么样？", True, ["美丽乡村"], "持续推进美丽乡村建设。", 0.8) for _ in range(3)],
        *[_observed("垃圾分类怎么样？", False, [], "持续推进美丽乡村建设。", 0.2) for _ in range(3)],
        _observed("地铁怎么样？", False, [], "持续推进美丽乡村建设。", 0.9, refused=True),  # refused anyway
    ]
    bars = fit_thresholds(observed, AnswerWeights())
    # Bars above 0.2 refuse the unanswerable three, up to 0.8 answer the answerable: the middle of them.
    assert 0.4 <= bars["min_coverage"] <= 0.6
    # Nothing on figure questions to decide by: every bar is as good, the middle one is taken.
    assert bars["min_quantity_coverage"] == COVERAGE_GRID[(len(COVERAGE_GRID) - 1) // 2]


def test_only_answerable_questions_give_sentence_labels():
    observed = [_observed("美丽乡村建设怎么样？", True, ["美丽乡村"], "持续推进美丽乡村建设。", 0.8),
                _observed("垃圾分类怎么样？", False, [], "持续推进美丽乡村建设。", 0.2)]
    features, labels, weights = sentence_table(observed)
    assert features.shape == (1, len(FEATURES)) and labels.tolist() == [True] and weights.tolist() == [0.5]


def test_weights_round_trip_and_unknown_names_are_refused(tmp_path):
    weights = AnswerWeights(focus_coverage=0.5, source="test")
    path = tmp_path / "weights.json"
    path.write_text(weights.to_json(), encoding="utf-8")
    assert AnswerWeights.read(path) == weights
    path.write_text('{"focus_coverag": 0.5}', encoding="utf-8")
    with pytest.raises(ValueError, match="focus_coverag"):
        AnswerWeights.read(path)


def test_the_shipped_weights_are_fitted_and_score_coverage_up():
    shipped = fitted()
    assert shipped.source.startswith("fitted by eval/fit.py")
    assert shipped.score(_features(coverage=1.0)) > shipped.score(_features(coverage=0.0))
    # Fitted on many reports, a sentence of the other time role (a target asked, a result given) counts against.
    assert shipped.role_other < 0
