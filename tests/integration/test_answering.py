"""End to end with the real m3e-small model and a real Chroma on the bundled sample report."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.errors import InvalidQuestion
from assistant.service import Assistant
from assistant.settings import Settings
from index.textnorm import is_traditional, normalize, to_simplified



def test_gdp_question_is_answered_with_figure_and_citation(real_assistant):
    answer = real_assistant.ask("2022年坎墩街道地区生产总值是多少？")
    assert answer.answered
    assert "58亿元" in normalize(answer.text)
    assert "[1]" in answer.text
    cited = answer.citations[0]
    assert "58億元" in cited.text and "58億元" in cited.quote
    assert cited.section.startswith("一、2022年工作回顧")
    assert len(answer.text) < 200  # the sentence with the figure, not the 400-character paragraph
    assert len(answer.hits) >= 10


def test_every_answer_sentence_is_backed_by_a_citation_that_resolves(real_assistant):
    answer = real_assistant.ask("2023年计划在哪些地方建设停车位？")
    assert answer.answered
    for citation in answer.citations:
        paragraph = real_assistant.catalog.paragraph(citation.doc_id, citation.paragraph)
        assert paragraph is not None and paragraph.text == citation.text
        assert citation.quote and normalize(citation.quote) in normalize(citation.text)
    assert "50只" in answer.text or "50只" in to_simplified(answer.text)


def test_simplified_question_over_traditional_report_answers_in_simplified(real_assistant):
    answer = real_assistant.ask("2023年计划安装多少套智能排口？")
    assert answer.answered and "20套" in answer.text
    assert not is_traditional(answer.text)


def test_traditional_question_answers_in_traditional(real_assistant):
    answer = real_assistant.ask("2022年坎墩街道工業總產值是多少？")
    assert answer.answered and "115億元" in answer.text
    assert is_traditional(answer.text)


def test_traditional_question_over_simplified_report(tmp_path, sample_report):
    simplified = tmp_path / "kandun-simplified.txt"
    simplified.write_text(to_simplified(sample_report.read_text("utf-8")), "utf-8")
    assistant = Assistant(Settings(index_dir=tmp_path / "index"))
    assistant.ingest([simplified])
    answer = assistant.ask("2022年街道新增高新技術企業幾家？")
    assert answer.answered and "3家" in answer.text
    assert "高新技术企业3家" in answer.citations[0].text  # citations keep the report's own text


@pytest.mark.parametrize("question", [
    "坎墩街道2024年地区生产总值是多少？",
    "坎墩街道常住人口有多少？",
])
def test_questions_the_report_cannot_answer_are_refused(real_assistant, question):
    answer = real_assistant.ask(question)
    assert not answer.answered
    assert answer.text.startswith("报告中没有找到")
    assert answer.citations == ()
    assert answer.related  # the closest paragraphs, as related reading


@pytest.mark.parametrize("question", ["坎墩街道办事处的联系电话是多少？", "怎么办理居住证？", "社保卡丢了怎么补办？"])
def test_service_questions_are_sent_to_the_hotline_not_to_a_near_miss(real_assistant, question):
    answer = real_assistant.ask(question)
    assert not answer.answered and answer.text.startswith("报告中没有找到") and "12345" in answer.text
    assert answer.citations == () and answer.related == ()  # no unrelated paragraph offered as reading


def test_metadata_is_answerable(real_assistant):
    answer = real_assistant.ask("这份文件的索引号是什么？")
    assert answer.answered and "11330282002970487/2023-00268" in answer.text


def test_followup_resolves_against_history(real_assistant):
    history = [
        {"role": "user", "content": "2022年坎墩建了多少米临水护栏？"},
        {"role": "assistant", "content": "2022年完成临水护栏建设2513米。"},
    ]
    answer = real_assistant.ask("那2023年呢？", history)
    assert answer.answered and "2500米" in answer.text


@pytest.mark.parametrize("question, message", [
    ("", "请输入问题"),
    ("   \n\t ", "请输入问题"),
    ("？！。", "没有可检索的文字"),
    ("经济" * 50_000, "问题太长"),
])
def test_bad_questions_give_clear_errors(real_assistant, question, message):
    with pytest.raises(InvalidQuestion, match=message):
        real_assistant.ask(question)


def test_generative_answer_goes_through_the_llm_and_keeps_only_resolvable_citations(real_assistant):
    model = FakeListChatModel(responses=["2022年地区生产总值58亿元[1]。另有说法称为60亿元[9]。"])
    assistant = Assistant(real_assistant.settings, embedder=real_assistant.embedder, chat_model=model)
    answer = assistant.ask("2022年坎墩街道地区生产总值是多少？")
    assert answer.answered
    assert "58亿元" in answer.text and "60亿元" not in answer.text and "[9]" not in answer.text
    assert [c.n for c in answer.citations] == [1] and "58億元" in answer.citations[0].text
    assert answer.notice


class BrokenModel(FakeListChatModel):
    def _call(self, *args, **kwargs):
        raise ConnectionError("endpoint down")


def test_llm_failure_falls_back_to_extractive_answer_with_notice(real_assistant):
    assistant = Assistant(real_assistant.settings, embedder=real_assistant.embedder,
                          chat_model=BrokenModel(responses=["unused"]))
    answer = assistant.ask("2022年坎墩街道地区生产总值是多少？")
    assert answer.answered and "58亿元" in normalize(answer.text)
    assert "摘录式回答" in answer.notice


def test_refusal_never_calls_the_llm(real_assistant):
    model = FakeListChatModel(responses=["2024年地区生产总值70亿元[1]。"])
    assistant = Assistant(real_assistant.settings, embedder=real_assistant.embedder, chat_model=model)
    answer = assistant.ask("坎墩街道2024年地区生产总值是多少？")
    assert not answer.answered and model.i == 0


def test_list_announced_by_a_sentence_is_answered_with_the_cited_headings(real_assistant):
    answer = real_assistant.ask("2023年坎墩街道重点抓好哪五方面工作？")
    assert answer.answered
    assert "现代城市客厅" in answer.text and "干事创业激情" in answer.text
    assert len(answer.citations) == 6
    for citation in answer.citations:  # every cited heading resolves to an indexed paragraph
        assert real_assistant.catalog.paragraph(citation.doc_id, citation.paragraph).text == citation.text
