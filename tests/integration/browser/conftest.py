"""One `govqa serve` and one headless Chromium for every browser test (Debian's /usr/bin/chromium, never a
downloaded browser), as residents meet it: the bundled sample and two real reports imported by staff.
Each test runs at a desktop and a phone size; screenshots go to test-artifacts/browser/<step>-<size>.png."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from tests.integration.browser.steps import ARTIFACTS, CHROMIUM, PASSWORD, SIZES
from tests.integration.serving import Server, serving

# Two real reports of other governments and levels beside the sample: a province's DOCX, a district's GBK TXT.
IMPORTED = (PROJECT_ROOT / "eval/corpus/real/jilin-2025.docx", PROJECT_ROOT / "eval/corpus/real/hailar-2015.txt")
SAMPLE = PROJECT_ROOT / "data/reports/kandun-2022-review-2023-plan.txt"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: run `make browser` as root (apt-get install chromium)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e .[dev]")
# Answers take well under a second alone; on a loaded 2-core CI machine far more than expect()'s 5 s default.
playwright_api.expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("browser") / "index"
    subprocess.run([sys.executable, "-c", "from assistant.cli import app; app()", "ingest", str(SAMPLE),
                    *map(str, IMPORTED)], cwd=PROJECT_ROOT, check=True, capture_output=True,
                   env={**os.environ, "GOVQA_INDEX_DIR": str(index), "HF_HUB_OFFLINE": "1"})
    return index


@pytest.fixture(scope="session")
def server(index_dir: Path, tmp_path_factory) -> Iterator[Server]:
    # Every test's fresh browser loads the page uncached from one address: the per-client limits (tested in
    # test_abuse.py) would refuse its assets after a few tests, and the wrong passwords some tests try on
    # purpose would lock the staff tests out.
    unlimited = {**dict.fromkeys(("requests_per_minute", "pages_per_minute", "events_per_minute",
                                  "rate_limit_per_minute"), "0"), "staff_failures_before_lockout": "1000"}
    with serving(index_dir, tmp_path_factory.mktemp("serve"), staff_password=PASSWORD, **unlimited) as running:
        yield running


@pytest.fixture(scope="session")
def app_url(server: Server) -> str:
    return server.url + "/"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


# Per module: Playwright's sync API keeps an event loop running while it is open, which would break later
# tests of the session that call asyncio.run().
@pytest.fixture(scope="module")
def chromium(artifacts: Path) -> Iterator:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture(params=sorted(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def page(chromium, app_url: str, size: str):
    """A fresh context is a fresh Gradio session and browser storage: not logged in, empty chat."""
    context = chromium.new_context(viewport=SIZES[size], locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(30_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"])  # copy and share links are checked
    page = context.new_page()
    page.size = size  # shot() names screenshots by it
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    yield page
    context.close()
    assert not dialogs, f"a script opened a dialog: {dialogs}"
