"""Question preparation (validation, time words, follow-ups) and intent classification, on plain strings."""

import pytest

from assistant.answer.intent import classify, is_followup
from assistant.answer.question import prepare, resolve_time_words, validate
from assistant.errors import InvalidQuestion
from index.time_role import ACHIEVED, TARGET, UNKNOWN

MAX = 50
GDP_2022 = [{"role": "user", "content": "2022年地区生产总值是多少？"}, {"role": "assistant", "content": "58亿元[1]。"}]


def _intent(text: str):
    return classify(text, text, text)


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [None, "", "   \n\t ", "\x00\x07\u200b"])
def test_an_empty_question_asks_for_one(text):
    with pytest.raises(InvalidQuestion, match="请输入问题"):
        validate(text, MAX)


def test_a_question_over_the_limit_is_refused_with_its_length():
    with pytest.raises(InvalidQuestion, match=r"问题太长（51 字），请精简到 50 字以内"):
        validate("停" * 51, MAX)
    assert validate("停" * 50, MAX) == "停" * 50


def test_a_huge_question_is_refused_before_cleaning():
    with pytest.raises(InvalidQuestion, match="问题太长"):
        validate(" " * (MAX * 4 + 1), MAX)  # all blanks, but refused on size, not as empty


def test_a_question_without_searchable_text_is_refused():
    with pytest.raises(InvalidQuestion, match="没有可检索的文字"):
        validate("？？！！……", MAX)


def test_validation_cleans_full_width_control_characters_and_runs_of_blanks():
    assert validate("  ２０２２年\x00地区   生产总值？ ", MAX) == "2022年地区 生产总值?"


def test_prepare_validates_the_question():
    with pytest.raises(InvalidQuestion):
        prepare("   ", None, MAX, 2023)


# --- time words, in the report's frame --------------------------------------------------------

@pytest.mark.parametrize("typed, search, years", [
    ("去年地区生产总值是多少？", "2022年地区生产总值是多少?", (2022,)),
    ("今年计划新建多少停车位？", "2023年计划新建多少停车位?", (2023,)),
    ("明年的目标是什么？", "2024年的目标是什么?", (2024,)),
    ("前年和去年相比增长了多少？", "2021年和2022年相比增长了多少?", (2021, 2022)),
])
def test_relative_years_are_read_in_the_reports_frame(typed, search, years):
    question = prepare(typed, None, MAX, plan_year=2023)
    assert question.search == search
    assert question.years == years
    assert question.typed == typed.replace("？", "?")  # what the user typed is kept, time words and all


def test_the_frame_is_the_reports_plan_year_not_today():
    assert resolve_time_words("今年新建多少停车位", 2019) == "2019年新建多少停车位"


def test_without_a_plan_year_time_words_stay():
    question = prepare("去年地区生产总值是多少？", None, MAX, plan_year=None)
    assert question.search == "去年地区生产总值是多少?" and question.years == ()


def test_time_words_in_the_history_are_resolved_too():
    history = [{"role": "user", "content": "去年地区生产总值是多少？"}]
    question = prepare("那2023年呢？", history, MAX, plan_year=2023)
    assert question.search == "2023年地区生产总值是多少?"


# --- follow-ups -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["那2023年呢？", "那2023呢？"])
def test_a_followup_with_a_new_year_asks_the_same_of_that_year(typed):
    question = prepare(typed, GDP_2022, MAX, plan_year=2023)
    assert question.search == "2023年地区生产总值是多少?"
    assert question.years == (2023,)
    assert question.focus == question.search  # a year alone adds no words of its own
    assert question.intent.wants_number  # the figure asked before is still asked


def test_a_followup_with_its_own_words_focuses_on_them():
    question = prepare("那工业总产值呢？", GDP_2022, MAX, plan_year=2023)
    assert question.focus == "工业总产值"
    assert "地区生产总值" in question.search and "工业总产值" in question.search  # the topic comes along
    assert question.years == (2022,)


def test_a_long_answer_in_the_history_does_not_invalidate_the_next_question():
    history = [*GDP_2022[:1], {"role": "assistant", "content": "地区生产总值" * (MAX * 4)}]
    assert prepare("那2023年呢？", history, MAX, plan_year=2023).search == "2023年地区生产总值是多少?"


def test_the_last_user_turn_is_the_one_followed_up():
    history = [{"role": "user", "content": "2021年新建了多少停车位？"}, *GDP_2022]
    assert prepare("那2023年呢？", history, MAX, 2023).search == "2023年地区生产总值是多少?"


@pytest.mark.parametrize("typed", ["2023年新建多少停车位？", "坎墩街道的临水护栏建设完成了多少米？"])
def test_a_question_that_is_not_a_followup_is_left_alone(typed):
    question = prepare(typed, GDP_2022, MAX, plan_year=2023)
    assert question.search == question.focus == typed.replace("？", "?")
    assert "地区生产总值" not in question.search


def test_without_history_a_followup_shape_is_searched_as_typed():
    question = prepare("那工业总产值呢？", None, MAX, plan_year=2023)
    assert question.search == question.focus == "那工业总产值呢?"


@pytest.mark.parametrize("text, expected", [
    ("那2023年呢？", True), ("这个项目投资多少？", True), ("工业总产值呢", True), ("多少钱", True),
    ("2023年坎墩街道新建多少停车位？", False),
])
def test_followups_are_recognised_by_shape(text, expected):
    assert is_followup(text) is expected


# --- intent -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, flag", [
    ("2022年地区生产总值是多少？", "wants_number"),
    ("一般公共预算收入增长了百分之几？", "wants_number"),
    ("坎墩街道有几个社区？", "wants_number"),
    ("永安路东延工程什么时候完工？", "wants_time"),
    ("清水湾社区哪一年获评未来社区？", "wants_time"),
    ("2023年有哪些重点工作？", "wants_list"),
    ("这份报告分为哪两大部分？", "wants_outline"),
    ("政府承诺了哪些民生实事？", "about_promise"),
    ("去年说要新建的停车位建了吗？", "about_promise"),
    ("2023年计划新建的停车位完成了吗？", "asks_status"),
])
def test_intent_flags(text, flag):
    assert getattr(_intent(text), flag) is True


def test_a_plain_fact_question_raises_no_other_flag():
    intent = _intent("坎墩街道新建了停车位吗？")
    assert not any(value for name, value in vars(intent).items() if name != "role_asked")
    assert intent.role_asked == UNKNOWN


@pytest.mark.parametrize("text, role", [
    ("安徽省2025年城镇新增就业目标是多少？", TARGET),
    ("今年打算改造多少户城中村？", TARGET),
    ("去年粮食产量是多少？", ACHIEVED),
    ("2024年旅游业取得了什么成效？", ACHIEVED),
    ("安徽2024年粮食产量是多少？", UNKNOWN),  # the year alone: year features decide, not the role
])
def test_the_role_asked_comes_from_the_words(text, role):
    assert _intent(text).role_asked == role


def test_a_planned_figure_is_not_a_promise():
    intent = _intent("2023年计划建设多少个停车位？")
    assert intent.wants_number
    assert not intent.about_promise and not intent.asks_status


def test_done_without_a_plan_or_promise_is_not_a_status_question():
    assert not _intent("停车位建设完成了吗？").asks_status


def test_status_of_a_plan_is_also_about_a_promise():
    intent = _intent("2023年计划新建的停车位完成了吗？")
    assert intent.asks_status and intent.about_promise


def test_content_sections_are_not_the_outline():
    assert not _intent("2023年企业技术改造以哪些方面为重点？").wants_outline


def test_a_promise_is_read_in_the_users_own_words_not_the_merged_followup():
    history = [{"role": "user", "content": "政府承诺新建多少停车位？"}]
    question = prepare("那2023年呢？", history, MAX, plan_year=2023)
    assert "承诺" in question.search
    assert not question.intent.about_promise


def test_figure_intent_follows_the_followups_own_words():
    # 那工业总产值呢 after a "how many" question: the focus (工业总产值) itself asks for a figure.
    assert prepare("那工业总产值呢？", GDP_2022, MAX, 2023).intent.wants_number
    # 那美丽乡村呢 does not, though the merged search still has 多少.
    question = prepare("那美丽乡村建设呢？", GDP_2022, MAX, 2023)
    assert "多少" in question.search and not question.intent.wants_number


# --- Traditional input ------------------------------------------------------------------------

@pytest.mark.parametrize("text, flag", [
    ("2022年地區生產總值是多少？", "wants_number"),
    ("清水灣社區哪一年獲評未來社區？", "wants_time"),
    ("2023年有哪些重點工作？", "wants_list"),
    ("這份報告分為哪兩大部分？", "wants_outline"),
    ("政府承諾了哪些民生實事？", "about_promise"),
    ("2023年計劃新建的停車位完成了嗎？", "asks_status"),
])
def test_traditional_input_raises_the_same_flags(text, flag):
    assert getattr(_intent(text), flag) is True


@pytest.mark.parametrize("text, flag", [
    ("坎墩街道有幾個社區？", "wants_number"),  # 幾 ≠ 几
    ("工業總產值", "wants_number"),  # 產值 ≠ 产值
    ("永安路東延工程什麼時候完工？", "wants_time"),  # 什麼時候 ≠ 什么时候
    ("永安路東延工程何時完工？", "wants_time"),  # 何時 ≠ 何时
    ("2023年重點工作分別是什麼？", "wants_list"),  # 分別 ≠ 分别
])
def test_traditional_only_characters_raise_the_same_flags(text, flag):
    assert getattr(_intent(text), flag) is True


def test_traditional_followup_with_a_new_year():
    history = [{"role": "user", "content": "2022年地區生產總值是多少？"}]
    question = prepare("那2023年呢？", history, MAX, plan_year=2023)
    assert question.search == "2023年地區生產總值是多少?" and question.years == (2023,)
