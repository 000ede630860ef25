"""The 承诺台账 tab in a real headless Chromium (fixtures in conftest.py): issue 15's ledger problems."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.integration.browser.steps import shot

playwright_api = pytest.importorskip("playwright.sync_api")

SAMPLE_ID = "kandun-2022-review-2023-plan"
# Every area of the plan parts imported (the sample's five, hailar-2015's ten): (三) and (五) of the sample and
# (五) and (八) of hailar-2015 have no commitment the ledger can read, and were missing from the filter.
AREAS = ("(一)堅持把“民之所盼”", "(三)堅持將“產業引領”", "(五)堅持用“實干巧干”", "（五）深化改革开放", "（八）加强社会管理创新")


def test_ledger_tab_finds_a_commitment_and_opens_its_paragraph(page) -> None:
    expect = playwright_api.expect
    page.get_by_role("tab", name="承诺台账").click()
    ledger = page.locator("#govqa-ledger")
    # A fragment (并完成附屬工程) is shown with the work it completes.
    whole = "新建三四灶村文化禮堂附屬停車位50只,坎東初中停車位40只,并完成附屬工程"
    expect(ledger.get_by_text(whole, exact=True)).to_have_count(1)  # a row of its own, not only in 原句
    expect(ledger).to_contain_text("坎墩街道2022年工作总结和2023年工作计划")  # the report by its title
    assert SAMPLE_ID not in ledger.inner_text()  # never by its file slug

    page.get_by_label("领域").click()  # the area filter lists every area, those without a commitment too
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    listed = options.all_inner_texts()
    assert all(any(text.startswith(area) for text in listed) for area in AREAS), listed
    shot(page, "12-ledger-areas", full_page=False)
    page.keyboard.press("Escape")

    page.get_by_label("搜索").fill("停车位")  # Simplified, the report is Traditional
    expect(ledger.locator("tr").filter(has_text="智能排口")).to_have_count(0)  # the filter applied
    row = ledger.locator("tr").filter(has_text="新建停車位50只")
    expect(row).to_have_count(1)
    expect(row.locator(".status")).to_have_text("待回顾")  # no 2024 report reviews it in this index
    with page.expect_download() as download:
        page.get_by_role("button", name="下载承诺 CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert "承诺" in header and not any(name.isascii() for name in header), header  # Chinese headers
    assert {line[header.index("不低于目标")] for line in body} <= {"是", "否"}  # not True/False
    assert "False" not in sum(rows, []) and SAMPLE_ID not in sum(rows, [])
    commitments = [line[header.index("承诺")] for line in body]
    assert "新建停車位50只（三四灶村文化禮堂）" in commitments and not any("智能排口" in c for c in commitments)
    shot(page, "12-ledger")

    page.get_by_label("搜索").fill("")
    page.get_by_text("成果数据（各年回顾中报告的数字）").click()
    figures = page.locator("#govqa-ledger-figures")
    gdp = figures.locator("tr").filter(has_text="地區生產總值").first
    expect(gdp).to_contain_text("58億元")
    assert gdp.inner_text().count("元") == 1  # the unit written once: no 单位 column repeating 元
    expect(figures.locator("th")).to_have_text(["指标", "数值", "同比", "年份", "出处"])
    expect(figures.locator("tr").filter(has_text="50畝").locator("td").first).to_contain_text("企業用地")  # not 企業
    shot(page, "12-ledger-figures")

    page.get_by_label("搜索").fill("停车位")
    row.get_by_role("link", name="承诺 第32段").click()
    focused = page.locator("#govqa-viewer .para.focus")
    expect(focused).to_have_attribute("id", f"p-{SAMPLE_ID}-32")
    expect(focused).to_be_in_viewport()
