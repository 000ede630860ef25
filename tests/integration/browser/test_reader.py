"""Issue 15's chat problems 1 and 4–7 with several reports indexed: scope, whose report, grouped sources,
copy / share / print, the citation reader with deep links, Back and reload, one script switch, list answers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.integration.browser.steps import ask, shot, wait_for_final_reply

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

JILIN = "2025年吉林省政府工作报告"
KANDUN_GDP = "2022年坎墩街道地区生产总值是多少？"


def choose_government(page, name: str) -> None:
    page.get_by_text("选择提问范围").click()
    page.get_by_label("政府").click()
    page.get_by_role("option", name=name, exact=False).click()
    expect(page.locator("#govqa-scope-line")).to_contain_text(f"提问范围：{name}")


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_scope_says_whose_report_and_the_answer_copies_shares_and_prints(page, app_url: str) -> None:
    expect(page.locator("#govqa-scope-line")).to_contain_text("全部已索引报告（3 份，3 个政府）")
    choose_government(page, "吉林省")
    ask(page, "地区生产总值是多少？")
    reply = wait_for_final_reply(page)
    expect(reply.locator(".answer-text")).to_contain_text(f"据《{JILIN}》")  # problem 1: whose figure it is
    expect(reply.locator(".source-report")).to_have_text([f"《{JILIN}》 · 吉林省 · 2025年"])  # grouped by report
    expect(page.locator('[data-testid="user"]').last).to_contain_text("范围：吉林省")
    shot(page, "15-1-scoped-answer-says-whose")

    reply.get_by_role("link", name="复制").click()  # problem 4: plain text with numbered sources
    copied = clipboard(page)
    assert copied.startswith("问：地区生产总值是多少？\n范围：吉林省\n答：据《") and "<" not in copied, copied
    assert re.search(rf"\[1\] 《{JILIN}》 .+ 第\d+段：“", copied), copied
    expect(page.locator("#govqa-toast")).to_have_text("已复制回答和来源")

    reply.get_by_role("link", name="分享链接").click()
    link = clipboard(page)
    assert parse_qs(urlsplit(link).query) == {"q": ["地区生产总值是多少？"], "gov": ["吉林省"]}, link
    shared = page.context.new_page()  # the link asks the question again, in its scope
    shared.size = page.size
    shared.goto(link)
    expect(wait_for_final_reply(shared).locator(".answer-text")).to_contain_text(f"据《{JILIN}》")
    expect(shared.locator("#govqa-scope-line")).to_contain_text("提问范围：吉林省")
    shared.close()

    with page.expect_popup() as printing:  # a print view of this answer with its sources unfolded
        reply.get_by_role("link", name="打印").click()
    view = printing.value
    view.size = page.size
    expect(view.locator(".print-only")).to_have_text("问：地区生产总值是多少？（范围：吉林省）")
    expect(view.locator("details.source").first).to_have_attribute("open", "")
    expect(view.locator("mark").first).to_be_visible()
    assert view.locator(".answer-actions, textarea, button").count() == 0
    shot(view, "15-4-print-view")
    view.close()

    page.get_by_role("button", name="复制全部对话").click()
    assert clipboard(page) == copied


def test_list_answer_one_item_per_line_without_repeated_badges(page) -> None:
    choose_government(page, "吉林省")
    ask(page, "2025年重点做好哪几个方面工作？")
    text = wait_for_final_reply(page).locator(".answer-text")
    lines = text.evaluate("t => t.innerText.split('\\n')")  # problem 7: not one run-on paragraph
    assert len(lines) == 9 and lines[1].startswith("（一）") and lines[8].startswith("（八）"), lines
    badges = text.locator("a.cite-badge").all_inner_texts()
    assert all(a != b for a, b in zip(badges, badges[1:])), badges
    assert not text.inner_text().lstrip("据《》").startswith("1.")
    shot(page, "15-7-list-answer")


def test_reader_opens_the_cited_sentence_with_back_reload_and_deep_links(page, app_url: str) -> None:
    ask(page, KANDUN_GDP)
    reply = wait_for_final_reply(page)
    reply.locator("a.cite-badge").first.click()
    reply.locator("a.open-viewer").first.click()
    focused = page.locator("#govqa-viewer .para.focus")
    expect(focused.locator("mark")).to_contain_text("58億元")  # problem 6: the sentence, not the paragraph
    expect(focused.locator("mark")).to_be_in_viewport()
    back = page.get_by_role("link", name="‹ 返回答案")
    expect(back).to_be_focused()
    assert "?open=p-kandun-2022-review-2023-plan-5~" in page.url
    shot(page, "15-6-reader-at-cited-sentence", full_page=False)

    page.go_back()  # Back returns to the answer, not out of the app
    expect(page.locator("#govqa-chat")).to_be_visible()
    assert "open=" not in page.url
    page.go_forward()
    expect(focused.locator("mark")).to_be_visible()
    back.click()
    expect(page.locator("#govqa-chat")).to_be_visible()

    page.reload()  # the conversation survives
    expect(wait_for_final_reply(page).locator(".answer-text")).to_contain_text("58亿元")
    expect(page.locator('[data-testid="user"]')).to_have_count(1)

    direct = page.context.new_page()  # a paragraph link opened directly
    direct.size = page.size
    direct.goto(app_url + "?open=p-kandun-2022-review-2023-plan-5~0-0")
    expect(direct.locator("#govqa-viewer .para.focus mark")).to_be_in_viewport()
    shot(direct, "15-6-deep-link-opened", full_page=False)
    direct.close()


def test_script_switch_converts_everything_and_keeps_the_vote(page) -> None:
    ask(page, KANDUN_GDP)
    reply = wait_for_final_reply(page)
    page.get_by_role("button", name="踩").last.click()
    comment = page.get_by_placeholder("补充说明（可选）")
    expect(comment).to_be_focused()  # problem 9: the comment box in view, under the answer
    expect(comment).to_be_in_viewport()
    page.get_by_label("简体").check()  # problem 5: sources and the viewer too, not only the answer line
    reply = wait_for_final_reply(page)
    expect(reply.locator("details.source mark")).to_contain_text("58亿元")
    expect(reply.locator(".source-report")).to_contain_text("坎墩街道2022年工作总结和2023年工作计划")
    expect(page.get_by_role("button", name="已踩")).to_have_count(1)  # the 👎 still given
    shot(page, "15-5-simplified-everything-vote-kept")
    reply.locator("a.cite-badge").first.click()
    reply.locator("a.open-viewer").first.click()
    expect(page.locator("#govqa-viewer .para.focus")).to_contain_text("地区生产总值58亿元")
    page.get_by_label("繁體").check()
    expect(page.locator("#govqa-viewer .para.focus")).to_contain_text("地區生產總值58億元")
    page.reload()
    expect(page.get_by_label("繁體")).to_be_checked()
