"""A list question answered by a sentence that counts what it announces gets the numbered items after it,
each cited: its own paragraph's items under its number, later paragraphs under theirs (fake embedder)."""

import pytest

REPORT = """2025年某县人民政府工作报告
一、2024年工作回顾
全县地区生产总值增长5%。
二、2025年主要任务
（一）办好民生实事
今年将继续办好群众可感可及的3件民生实事。一是新增义务教育学位2000个。二是支持500名高校毕业生到基层就业。三是实施白内障复明手术1000例。
继续实施2项惠农工程。
1.高标准农田建设工程
年度目标：新建高标准农田5万亩。
2.农村供水保障工程
（二）防范化解风险
推动构建房地产发展新模式。
"""


@pytest.fixture
def assistant(fake_assistant, tmp_path):
    path = tmp_path / "county-2025.txt"
    path.write_text(REPORT, encoding="utf-8")
    fake_assistant.ingest([path])
    return fake_assistant


def test_items_in_the_announcing_paragraph_are_quoted_under_its_citation(assistant):
    answer = assistant.ask("今年要办哪3件民生实事？")
    assert answer.answered
    for item in ("新增义务教育学位2000个", "支持500名高校毕业生到基层就业", "实施白内障复明手术1000例"):
        assert item in answer.text
    assert len(answer.citations) == 1 and "3件民生实事" in answer.citations[0].quote


def test_items_in_the_paragraphs_after_are_each_cited(assistant):
    answer = assistant.ask("今年要实施哪两项惠农工程？")
    assert answer.answered
    assert "高标准农田建设工程" in answer.text and "农村供水保障工程" in answer.text
    cited = {c.quote for c in answer.citations}
    assert {"1.高标准农田建设工程", "2.农村供水保障工程"} <= cited
    assert all(assistant.catalog.paragraph(c.doc_id, c.paragraph).text == c.text for c in answer.citations)
