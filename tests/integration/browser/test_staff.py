"""The staff workspace in a real headless Chromium (fixtures in conftest.py): log in, preview an upload with
its chunks and correct its government, import it, test retrieval against it, review residents' feedback and
download it as eval cases, delete it after a confirmation — with no message outliving its action."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.feedback import FeedbackStore
from assistant.records import Answer
from eval.harness import load_questions
from tests.integration.browser.steps import PASSWORD, shot

XSS = "<img src=x onerror=alert(1)>"
# 新建口袋公园 reads as the government 新建区 (江西南昌): the preview is where staff correct it.
SMALL_REPORT = "测试街道2024年工作总结和2025年工作计划\n一、2024年工作回顾\n2024年，测试街道新建口袋公园3个。\n" \
               "二、2025年工作计划\n2025年，计划新增公共停车位200个。\n"
CORRECTED_TITLE = "扎兰屯市2024年工作总结和2025年工作计划"
playwright_api = pytest.importorskip("playwright.sync_api")


def test_staff_logs_in_previews_uploads_and_deletes(page, tmp_path: Path, server, index_dir: Path) -> None:
    expect = playwright_api.expect
    report = tmp_path / "ceshi-street-2024.txt"
    report.write_text(SMALL_REPORT, encoding="utf-8")
    refused = f"怎么办理居住证？（{page.size}）"  # one per screen size: the review lists the newest first
    FeedbackStore.for_index(index_dir).record(refused, Answer(refused, False, "报告中没有找到这个问题的答案：…"), 0)
    voted = FeedbackStore.for_index(index_dir).record(f"2024年GDP是多少？（{page.size}）",
                                                      Answer("2024年GDP是多少？", True, "GDP58亿元[1]。"), -1, XSS)

    page.get_by_role("tab", name="工作人员").click()
    page.get_by_label("工作人员密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("密码不正确。").first).to_be_visible()
    assert page.locator("input[type=file]").count() == 0
    page.get_by_label("工作人员密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".report-list")).to_contain_text("kandun-2022-review-2023-plan")
    expect(page.get_by_text("已登录。")).to_be_visible()

    # Preview: what the file reads as, and the chunks it will be indexed as; then the government corrected.
    page.locator("input[type=file]").set_input_files(str(report))
    preview = page.locator(".preview")
    expect(preview).to_contain_text("共 5 段")
    expect(preview).to_contain_text("2024、2025")
    expect(preview).to_contain_text("发布政府：测试街道（乡镇街道）")  # problem 2: the title line names it
    expect(page.get_by_text("已登录。")).to_have_count(0)  # the login's message went as the upload started
    chunks = preview.locator("details.chunks")
    expect(chunks.locator("summary")).to_have_text("分块预览：共 3 块")
    chunks.locator("summary").click()
    expect(chunks.locator(".chunk-where").nth(2)).to_contain_text("第5段 · 二、2025年工作计划")
    expect(chunks.locator(".chunk-text").nth(2)).to_have_text("2025年，计划新增公共停车位200个。")
    page.get_by_label("发布政府（地名）").fill("扎兰屯市")
    page.get_by_role("button", name="按修改更新预览").click()
    expect(preview.locator("h3")).to_have_text(CORRECTED_TITLE)
    expect(page.get_by_label("报告标题")).to_have_value(CORRECTED_TITLE)  # the title read follows the correction
    expect(preview).to_contain_text("发布政府：扎兰屯市（区县）")
    shot(page, "07-staff-preview-before-import")

    page.get_by_role("button", name="确认导入").click()
    # The server's first import loads the embedding model: seconds on a busy CI machine.
    expect(page.get_by_text(f"已导入：《{CORRECTED_TITLE}》")).to_be_visible(timeout=60_000)
    expect(page.locator(".report-list")).to_contain_text("ceshi-street-2024")
    expect(preview).to_have_count(0)  # the imported file's preview and fields are gone
    expect(page.get_by_label("发布政府（地名）")).to_have_count(0)
    assert server.uploaded(report.name) == []  # imported: the upload is deleted
    shot(page, "08-staff-report-listed")

    # Retrieval test against the new report: ranked chunks with their scores, and the answer.
    page.get_by_role("button", name="检索测试").click()  # the staff tab's sections fold open
    page.get_by_label("检索范围").click()
    page.get_by_role("option", name=CORRECTED_TITLE, exact=False).click()
    page.get_by_label("测试问题").fill("计划新增多少公共停车位？")
    page.get_by_role("button", name="开始检索测试").click()
    ranking = page.locator("#govqa-staff-retrieval table.ranking")
    expect(ranking.locator("tr").nth(1)).to_contain_text("停车位200个")
    expect(ranking.locator("tr").nth(1)).to_contain_text("答案引用[1]")
    expect(ranking.locator("th")).to_have_text(["名次", "融合分", "向量分", "词频 BM25分", "出处", "文本块"])
    expect(page.locator("#govqa-staff-retrieval .answer-text")).to_contain_text("200个")
    expect(page.get_by_text("已导入：")).to_have_count(0)
    shot(page, "08a-staff-retrieval-test")

    # Review: newest first, the resident's comment as text, downloadable as eval cases.
    page.get_by_role("button", name="反馈复核").click()
    page.get_by_role("button", name="刷新").click()
    review = page.locator("#govqa-staff-review li")
    expect(review.first).to_contain_text(f"问：2024年GDP是多少？（{page.size}）")
    expect(review.first).to_contain_text(f"居民说明：{XSS}")
    expect(review.nth(1)).to_contain_text(refused)
    assert page.locator("#govqa-staff-review img").count() == 0
    expect(page.locator("#govqa-staff-retrieval table")).to_have_count(0)  # the retrieval test's result went
    with page.expect_download() as download:
        page.get_by_role("button", name="下载评测问题（JSONL）").click()
    cases = {case["id"]: case for case in load_questions(Path(download.value.path()))}
    assert cases[f"feedback-{voted}"]["feedback"]["comment"] == XSS
    assert set(cases[f"feedback-{voted}"]["to_complete"]) == {"answerable", "gold_paragraphs", "answer_facts"}
    assert refused in {case["question"] for case in cases.values()}
    shot(page, "08b-staff-review")

    # Delete: a first click only asks, naming the report; the second, named button deletes.
    page.get_by_label("选择要删除的报告").click()
    page.get_by_role("option", name="ceshi-street-2024", exact=False).click()
    page.get_by_role("button", name="删除", exact=True).click()
    expect(page.get_by_text(f"确定删除《{CORRECTED_TITLE}》（ceshi-street-2024）吗？")).to_be_visible()
    expect(page.locator(".report-list")).to_contain_text("ceshi-street-2024")  # nothing deleted yet
    shot(page, "08c-staff-delete-confirmation")
    page.get_by_role("button", name=f"确认删除《{CORRECTED_TITLE}》").click()
    expect(page.get_by_text("已删除：ceshi-street-2024")).to_be_visible()
    expect(page.get_by_text("确定删除")).to_have_count(0)
    expect(page.get_by_role("button", name=f"确认删除《{CORRECTED_TITLE}》")).to_have_count(0)
    expect(page.locator(".report-list")).not_to_contain_text("ceshi-street-2024")
    shot(page, "09-staff-report-deleted")
