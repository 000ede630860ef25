"""Residents' and staff's main paths in a real headless Chromium (fixtures in conftest.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.feedback import FeedbackRow, FeedbackStore
from tests.integration.browser.steps import ask, last_reply, shot, wait_for_final_reply

QUESTION = "2022年坎墩街道地区生产总值是多少？"
FOLLOW_UP = "那工业总产值呢？"
XSS = "<img src=x onerror=alert(1)>"
playwright_api = pytest.importorskip("playwright.sync_api")


# --- steps -----------------------------------------------------------------------------------------
# Records the answer text of the last reply each time it changes before its sources appear.
WATCH_STREAM_JS = """() => {
  window.partials = [];
  new MutationObserver(() => {
    const replies = document.querySelectorAll('[data-testid="bot"]');
    const last = replies[replies.length - 1];
    const text = last && !last.querySelector('.sources') && last.querySelector('.answer-text');
    if (text && window.partials.at(-1) !== text.textContent) window.partials.push(text.textContent);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def wait_for_row(store: FeedbackStore, question: str, timeout_s: float = 10) -> FeedbackRow:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rows = [r for r in store.rows() if r.question == question and r.rating == -1 and r.comment]
        if rows:
            return rows[-1]
        time.sleep(0.2)
    raise AssertionError(f"no 👎 row with a comment for {question!r}: {store.rows()}")


def test_resident_asks_opens_source_follows_up_and_votes(page, index_dir: Path) -> None:
    expect = playwright_api.expect
    page.evaluate(WATCH_STREAM_JS)
    ask(page, QUESTION)
    reply = last_reply(page)
    expect(reply.locator("a.cite-badge")).to_have_text("1")
    expect(reply.locator(".answer-text")).to_contain_text("58亿元")
    partials = page.evaluate("window.partials")
    assert len(partials) >= 3, partials  # the text grew over several updates before the sources came
    shot(page, "01-answer-with-badge")

    reply.locator("a.cite-badge").first.click()  # the badge unfolds its source below the answer
    source = reply.locator("details.source").first
    expect(source).to_have_attribute("open", "")
    expect(source.locator("mark")).to_contain_text("58億元")  # the report's own (Traditional) text
    expect(source).to_contain_text("第5段")
    shot(page, "02-source-highlighted")

    source.locator("a.open-viewer").click()
    focused = page.locator("#govqa-viewer .para.focus")
    expect(focused).to_have_attribute("id", "p-kandun-2022-review-2023-plan-5")
    expect(focused).to_be_in_viewport()
    shot(page, "03-paragraph-in-viewer", full_page=False)  # the report is long: show where it scrolled to

    page.get_by_role("tab", name="问答").click()
    ask(page, FOLLOW_UP)
    expect(page.locator('[data-testid="bot"]')).to_have_count(2)
    reply = wait_for_final_reply(page)
    expect(reply.locator(".answer-text")).to_contain_text("115亿元")
    shot(page, "04-follow-up")

    page.get_by_role("button", name="踩").last.click()
    comment = page.get_by_placeholder("补充说明（可选）")
    comment.fill("想知道的是2023年的计划")
    shot(page, "05-thumbs-down-with-comment")
    comment.press("Enter")
    expect(page.get_by_text("已收到，谢谢！")).to_be_visible()
    row = wait_for_row(FeedbackStore.for_index(index_dir), FOLLOW_UP)
    assert row.answered and "115" in row.answer and row.history[0]["content"] == QUESTION
    assert row.comment == "想知道的是2023年的计划" and row.citations[0]["paragraph"] == 5


def test_refusal_shows_closest_paragraphs_and_coverage_and_script_switch(page) -> None:
    expect = playwright_api.expect
    ask(page, "坎墩街道2024年的GDP是多少？")
    reply = wait_for_final_reply(page)
    expect(reply.locator(".answer-text")).to_contain_text("报告中没有找到")
    expect(reply.locator(".sources")).to_contain_text("相关段落")
    expect(reply.locator(".coverage")).to_contain_text("一、2022年工作回顧")
    page.get_by_label("繁體").check()
    expect(last_reply(page).locator(".answer-text")).to_contain_text("報告中沒有找到")
    last_reply(page).evaluate("reply => reply.scrollIntoView({block: 'start'})")
    shot(page, "06-refusal-in-traditional")


def test_resident_page_has_no_staff_controls_and_api_refuses(page, app_url: str) -> None:
    from gradio_client import Client

    expect = playwright_api.expect
    page.get_by_role("tab", name="工作人员").click()
    expect(page.get_by_label("工作人员密码")).to_be_visible()
    assert page.locator("input[type=file]").count() == 0
    for label in ("确认导入", "删除", "退出登录"):
        assert page.get_by_role("button", name=label, exact=True).count() == 0, label
    shot(page, "10-resident-sees-login-only")

    client = Client(app_url, verbose=False)
    for password in ("", "wrong"):
        with pytest.raises(Exception, match="需要工作人员登录"):
            client.predict("kandun-2022-review-2023-plan", password, api_name="/delete_report")
    assert client.predict("2022年坎墩街道地区生产总值是多少？", [], api_name="/ask")["answered"]  # still indexed


def test_markup_in_a_question_is_shown_as_text(page) -> None:
    expect = playwright_api.expect
    ask(page, XSS)
    question = page.locator('[data-testid="user"]').last
    expect(question).to_contain_text(XSS)
    wait_for_final_reply(page)
    assert page.locator('[data-testid="user"] img, [data-testid="bot"] img').count() == 0
    shot(page, "11-markup-question-as-text")
