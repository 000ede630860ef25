"""The offline answerer: quoted sentences, [n] markers and citations, on hand-built hits and evidence."""


from assistant.answer.evidence import Evidence
from assistant.answer.extractive import citation_for, compose
from index.records import Chunk, Hit

GDP_PARAGRAPH = "2022年，街道实现地区生产总值58亿元。同比增长5%；完成固定资产投资20亿元，"
PARKING_PARAGRAPH = "新建停车位50只。改造老旧小区3个。"
TITLES = {"kandun": "坎墩街道2023年政府工作报告"}


def _hit(doc_id, paragraph, section, text):
    return Hit(Chunk(f"{doc_id}-{paragraph}", doc_id, paragraph, section, text, text), 1.0, text)


HITS = [
    _hit("kandun", 7, ("一、2022年工作回顾", "（一）经济发展"), GDP_PARAGRAPH),
    _hit("kandun", 12, ("二、2023年目标任务",), PARKING_PARAGRAPH),
    _hit("other", 3, (), "浒山街道新建停车位55只。"),
]


def _evidence(hit_rank, position):
    sentence = [s for s in HITS[hit_rank].paragraph_text.replace("。", "。|").replace("；", "；|").split("|") if s][position]
    return Evidence(hit_rank, position, sentence, 1.0, 1.0, True, None)


def test_one_marker_per_paragraph_numbered_in_order_of_first_use():
    # Document order as select() returns it would differ; compose numbers by first use, whatever the ranks.
    chosen = [_evidence(1, 0), _evidence(0, 0), _evidence(1, 1)]
    text, citations = compose("街道做了哪些工作？", chosen, HITS, TITLES)
    assert text == "新建停车位50只。[1]2022年，街道实现地区生产总值58亿元。[2]改造老旧小区3个。[1]"
    assert [c.n for c in citations] == [1, 2]
    assert [c.paragraph for c in citations] == [12, 7]


def test_sentences_from_one_paragraph_share_one_citation_with_both_quoted():
    text, citations = compose("地区生产总值是多少？", [_evidence(0, 0), _evidence(0, 1)], HITS, TITLES)
    assert text.count("[1]") == 2 and "[2]" not in text
    assert len(citations) == 1
    assert citations[0].quote == "2022年，街道实现地区生产总值58亿元。同比增长5%；"


def test_every_quote_ends_with_its_marker_and_a_full_stop():
    # A clause ending in ；or ，loses it and gets 。after the marker; a sentence ending in 。keeps it before.
    chosen = [_evidence(0, 1), _evidence(0, 2), _evidence(1, 0)]
    text, _ = compose("经济发展怎么样？", chosen, HITS, TITLES)
    assert text == "同比增长5%[1]。完成固定资产投资20亿元[1]。新建停车位50只。[2]"


def test_a_sentence_ending_in_a_closing_quote_gets_no_second_full_stop():
    sentence = "街道提出“全力打造品质坎墩。”"
    hits = [_hit("kandun", 1, (), sentence)]
    text, _ = compose("街道提出了什么？", [Evidence(0, 0, sentence, 1.0, 1.0, False, None)], hits, TITLES)
    assert text == "街道提出“全力打造品质坎墩。”[1]"


def test_citations_carry_title_breadcrumb_paragraph_quote_and_full_text():
    _, (citation,) = compose("地区生产总值是多少？", [_evidence(0, 0)], HITS, TITLES)
    assert citation.doc_id == "kandun"
    assert citation.doc_title == "坎墩街道2023年政府工作报告"
    assert citation.section == "一、2022年工作回顾 › （一）经济发展"
    assert citation.paragraph == 7
    assert citation.quote == "2022年，街道实现地区生产总值58亿元。"
    assert citation.text == GDP_PARAGRAPH


def test_a_report_without_a_known_title_is_cited_by_its_id():
    citation = citation_for(4, HITS[2], "浒山街道新建停车位55只。", TITLES)
    assert (citation.n, citation.doc_title, citation.section, citation.paragraph) == (4, "other", "", 3)


def test_a_traditional_question_gets_a_traditional_answer_but_the_reports_own_quote():
    text, (citation,) = compose("停車位建設了多少？", [_evidence(1, 0)], HITS, TITLES)
    assert text == "新建停車位50只。[1]"
    assert citation.quote == "新建停车位50只。" and citation.text == PARKING_PARAGRAPH


def test_a_simplified_question_gets_a_simplified_answer_from_a_traditional_report():
    hits = [_hit("kandun", 1, ("一、2022年工作回顧",), "新建停車位50個。")]
    chosen = [Evidence(0, 0, "新建停車位50個。", 1.0, 1.0, True, None)]
    text, (citation,) = compose("停车位建设了多少？", chosen, hits, TITLES)
    assert text == "新建停车位50个。[1]"
    assert citation.quote == "新建停車位50個。" and citation.section == "一、2022年工作回顧"


def test_nothing_chosen_composes_nothing():
    assert compose("停车位建设了多少？", [], HITS, TITLES) == ("", ())
