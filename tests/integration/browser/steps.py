"""What the browser tests do on a page: ask, wait for the answer, take screenshots."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
PASSWORD = "staff-测试-pw"
# The sizes issue 15 was tried at: a laptop and a phone.
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
QUESTION_BOX = "输入问题，回车发送"


def shot(page, step: str, full_page: bool = True) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{step}-{page.size}.png"), full_page=full_page)


def ask(page, question: str) -> None:
    box = page.get_by_placeholder(QUESTION_BOX)
    box.fill(question)
    box.press("Enter")


def last_reply(page):
    return page.locator('[data-testid="bot"]').last


def wait_for_final_reply(page):
    """The last reply once streaming is over: only the final render wraps it in .reply (with its actions)."""
    from playwright.sync_api import expect

    reply = last_reply(page)
    expect(reply.locator(".reply")).to_have_count(1)
    return reply
