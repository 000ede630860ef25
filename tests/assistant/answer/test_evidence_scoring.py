"""Sentence scoring and selection over hand-built hits (real jieba vocabulary, no model, no store)."""

import pytest

from assistant.answer.evidence import (
    MIN_SENTENCE_CHARS,
    TOP_PARAGRAPHS,
    Evidence,
    is_lead,
    score_sentences,
    select,
)
from assistant.answer.question import prepare
from assistant.answer.weights import AnswerWeights
from index.lexical import LexicalIndex
from index.records import Chunk, Hit
from index.textnorm import normalize
from tests.fakes import shared_jieba_tokenizer

PARKING = "全年新建停车位建设工作稳步推进。全年新建停车位共计50只。持续推进美丽乡村建设，改善人居环境。"
OTHER = ["2022年街道实现地区生产总值58亿元。", "永安路东延工程完工。", "完成临水护栏建设2513米。"]




@pytest.fixture(scope="module")
def lexical():
    return LexicalIndex([normalize(t) for t in [PARKING, *OTHER]], shared_jieba_tokenizer())


def _hit(text, year=None, paragraph=1, doc_id="kandun"):
    chunk = Chunk(f"{doc_id}-{paragraph}", doc_id, paragraph, ("一、工作回顾",), text, normalize(text), year)
    return Hit(chunk, 1.0, text)


def _question(text):
    return prepare(text, None, 200, plan_year=None)


def _scored(text, hits, lexical):
    return score_sentences(_question(text), hits, lexical)


def _by_sentence(evidence):
    return {e.sentence: e for e in evidence}


def test_a_sentence_covering_the_question_outranks_one_that_does_not(lexical):
    evidence = _scored("美丽乡村建设怎么样？", [_hit(PARKING)], lexical)
    assert evidence[0].sentence == "持续推进美丽乡村建设，改善人居环境。"
    assert evidence[0].coverage == 1.0
    assert all(e.coverage < 1.0 and e.score < evidence[0].score for e in evidence[1:])


def test_evidence_is_best_first_and_records_where_each_sentence_is(lexical):
    evidence = _scored("全年新建停车位多少？", [_hit(OTHER[0]), _hit(PARKING, paragraph=2)], lexical)
    assert [e.score for e in evidence] == sorted((e.score for e in evidence), reverse=True)
    by = _by_sentence(evidence)
    assert (by["全年新建停车位共计50只。"].hit_rank, by["全年新建停车位共计50只。"].position) == (1, 1)
    assert (by[OTHER[0]].hit_rank, by[OTHER[0]].position) == (0, 0)


def test_a_figure_question_prefers_the_sentence_with_a_number(lexical):
    # Both sentences carry 全年新建停车位; only one gives the figure, and it comes second in the paragraph.
    figure = _by_sentence(_scored("全年新建停车位多少？", [_hit(PARKING)], lexical))
    plain = _by_sentence(_scored("全年新建停车位的情况", [_hit(PARKING)], lexical))
    numbered, unnumbered = "全年新建停车位共计50只。", "全年新建停车位建设工作稳步推进。"
    assert figure[numbered].has_number and not figure[unnumbered].has_number
    assert figure[numbered].coverage == figure[unnumbered].coverage  # the number, not the words, decides
    assert figure[numbered].score > figure[unnumbered].score
    assert plain[numbered].score == pytest.approx(plain[unnumbered].score)  # no figure asked: no preference
    assert _scored("全年新建停车位多少？", [_hit(PARKING)], lexical)[0].sentence == numbered


def test_chinese_numerals_with_a_measure_word_count_as_a_number(lexical):
    evidence = _by_sentence(_scored("新建停车位多少？", [_hit("全年新建停车位三百只。新建停车位工作推进顺利。")], lexical))
    assert evidence["全年新建停车位三百只。"].has_number
    assert not evidence["新建停车位工作推进顺利。"].has_number


def test_a_year_asked_penalises_a_sentence_from_another_years_section(lexical):
    sentence = "全年新建停车位共计50只。"
    asked = "2023年全年新建停车位多少？"
    score = {year: _scored(asked, [_hit(sentence, year=year)], lexical)[0] for year in (2022, 2023, None)}
    assert score[2022].score < score[2023].score
    assert score[2023].score == pytest.approx(score[None].score)  # a section without a year is not penalised
    assert score[2022].section_year == 2022
    # Without a year asked, the section's year does not matter.
    unasked = {year: _scored("全年新建停车位多少？", [_hit(sentence, year=year)], lexical)[0].score for year in (2022, 2023)}
    assert unasked[2022] == pytest.approx(unasked[2023])


def test_a_sentence_naming_the_year_asked_beats_one_naming_another(lexical):
    # The 2022 paragraph ranks first in retrieval; the year asked (2023) still puts the 2023 sentence ahead.
    hits = [_hit("2022年全年新建停车位40只。", year=2022, paragraph=1), _hit("2023年全年新建停车位50只。", year=2023, paragraph=2)]
    assert _scored("2023年全年新建停车位多少？", hits, lexical)[0].sentence.startswith("2023年")
    assert _scored("2022年全年新建停车位多少？", hits, lexical)[0].sentence.startswith("2022年")


def test_a_higher_ranked_paragraph_wins_between_equal_sentences(lexical):
    hits = [_hit("全年新建停车位共计50只。", paragraph=1), _hit("全年新建停车位共计50只。", paragraph=2, doc_id="other")]
    evidence = _scored("全年新建停车位多少？", hits, lexical)
    assert [e.hit_rank for e in evidence] == [0, 1] and evidence[0].score > evidence[1].score


def test_only_the_top_paragraphs_and_sentences_long_enough_are_scored(lexical):
    hits = [_hit(f"第{i}段全年新建停车位共计50只。短句。", paragraph=i) for i in range(TOP_PARAGRAPHS + 2)]
    evidence = _scored("全年新建停车位多少？", hits, lexical)
    assert {e.hit_rank for e in evidence} == set(range(TOP_PARAGRAPHS))
    assert all(len(normalize(e.sentence)) >= MIN_SENTENCE_CHARS for e in evidence)
    assert not any(e.sentence == "短句。" for e in evidence)


# --- select -----------------------------------------------------------------------------------

def _evidence(score, hit_rank, position, sentence=None):
    return Evidence(hit_rank, position, sentence or f"句子{hit_rank}-{position}。", score, 1.0, False, None)


RANKED = [_evidence(1.0, 2, 0), _evidence(0.9, 0, 3), _evidence(0.8, 1, 1), _evidence(0.6, 0, 1)]


def test_select_keeps_close_runners_up_in_document_order():
    chosen = select(RANKED, _question("全年新建停车位多少？"))
    # 0.9 is within 85% of the best, 0.8 is not; read in paragraph then sentence order.
    assert [(e.hit_rank, e.position) for e in chosen] == [(0, 3), (2, 0)]


def test_select_keeps_more_runners_up_for_a_list_question():
    question = _question("2023年有哪些重点工作？")
    assert question.intent.wants_list
    chosen = select(RANKED, question)
    assert [e.score for e in chosen] == [0.9, 0.8, 1.0]  # document order: (0,3), (1,1), (2,0)
    assert 0.6 not in [e.score for e in chosen]  # below 70% of the best


def test_select_keeps_at_most_max_sentences():
    close = [_evidence(1.0 - i / 100, i, 0) for i in range(6)]
    assert len(select(close, _question("全年新建停车位多少？"))) == 3
    assert len(select(close, _question("全年新建停车位多少？"), max_sentences=5)) == 5
    assert [e.hit_rank for e in select(close, _question("全年新建停车位多少？"), max_sentences=1)] == [0]


def test_select_skips_a_sentence_already_chosen():
    repeated = [_evidence(1.0, 0, 0, "新建停车位50只。"), _evidence(0.99, 1, 0, "新建停车位50只。"), _evidence(0.98, 2, 0)]
    chosen = select(repeated, _question("全年新建停车位多少？"))
    assert [e.sentence for e in chosen] == ["新建停车位50只。", "句子2-0。"]


def test_select_of_nothing_is_nothing():
    assert select([], _question("全年新建停车位多少？")) == []


def test_score_then_select_end_to_end(lexical):
    question = _question("全年新建停车位多少？")
    chosen = select(score_sentences(question, [_hit(PARKING)], lexical), question)
    assert chosen[0].sentence in {"全年新建停车位建设工作稳步推进。", "全年新建停车位共计50只。"}
    assert "全年新建停车位共计50只。" in [e.sentence for e in chosen]
    assert "持续推进美丽乡村建设，改善人居环境。" not in [e.sentence for e in chosen]
    assert [e.position for e in chosen] == sorted(e.position for e in chosen)


def test_a_chosen_lead_brings_the_sentence_that_says_what_is_done():
    paragraph = ("实施城建六大攻坚行动。实施提升轨道交通分担率攻坚行动。建成6号线东站段、4号线西延伸段，提高市民出行便利度。"
                 "实施排水管网建设改造攻坚行动。")
    question = _question("提升轨道交通分担率攻坚行动要做什么？")
    chosen = select(score_sentences(question, [_hit(paragraph)], LexicalIndex([normalize(paragraph)],
                                                                             shared_jieba_tokenizer())), question)
    sentences = [e.sentence for e in chosen]
    assert "实施提升轨道交通分担率攻坚行动。" in sentences
    assert "建成6号线东站段、4号线西延伸段，提高市民出行便利度。" in sentences
    # A sentence with content is no lead: nothing is added after it.
    assert not is_lead("建成6号线东站段、4号线西延伸段，提高市民出行便利度。")


def test_a_sentence_of_the_role_asked_outranks_its_twin_of_the_other_role():
    # The same words twice, once as the year's result and once as the plan's goal; no year is asked, so
    # only the time role stored at ingest tells them apart.
    result, goal = "城镇新增就业75万人。", "城镇新增就业68万人。"
    hits = [Hit(Chunk("c1", "doc", 1, ("正文",), result, normalize(result)), 1.0, result, "a"),
            Hit(Chunk("c2", "doc", 2, ("正文",), goal, normalize(goal)), 1.0, goal, "t")]
    vocabulary = LexicalIndex([normalize(result), normalize(goal)], shared_jieba_tokenizer())
    weights = AnswerWeights(rank=0.0, role_other=-0.1)
    for question, expected in (("城镇新增就业的目标是多少？", goal), ("城镇新增就业完成了多少？", result)):
        scored = score_sentences(_question(question), hits, vocabulary, weights)
        assert scored[0].sentence == expected
