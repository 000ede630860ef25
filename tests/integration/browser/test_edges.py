"""Issue 15 problem 3: greetings, thanks and service how-tos get a short honest reply, never a cited unrelated
sentence; a refusal's closest paragraphs are body text, not headings or the 索引号 line."""

from __future__ import annotations

import pytest

from tests.integration.browser.steps import ask, shot, wait_for_final_reply

expect = pytest.importorskip("playwright.sync_api").expect


def test_greeting_service_question_and_refusal_are_answered_honestly(page) -> None:
    ask(page, "你好")
    reply = wait_for_final_reply(page)
    expect(reply.locator(".answer-text")).not_to_contain_text("请用中文")
    expect(reply.locator(".answer-text")).to_contain_text("报告")
    assert reply.locator("a.cite-badge, .sources, .coverage").count() == 0

    ask(page, "怎么办理居住证？")
    expect(page.locator('[data-testid="bot"]')).to_have_count(2)
    reply = wait_for_final_reply(page)
    expect(reply.locator(".answer-text")).to_contain_text("12345")
    assert reply.locator("a.cite-badge, .sources li").count() == 0  # no cited sentence about something else
    shot(page, "15-3-greeting-and-service-question")

    ask(page, "坎墩街道2024年的GDP是多少？")
    expect(page.locator('[data-testid="bot"]')).to_have_count(3)
    related = wait_for_final_reply(page).locator(".sources li")
    expect(related.first).to_be_visible()
    for text in related.all_inner_texts():
        assert "索引号" not in text and "各位代表" not in text and not text.split("：", 1)[-1].startswith(("一、", "二、"))
