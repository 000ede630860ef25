"""eval.variants / page_chrome / recovery: a report's web page and TXT must read back as its DOCX does."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup

from eval.page_chrome import chrome_lines
from eval.recovery import recovery
from eval.variants import build, docx_blocks, gbk_text, web_page
from index.reading import read_report_lines

TITLE = "2025年安徽省政府工作报告"
BODY = ("各位代表：", "一、2024年工作回顾",
        "全省地区生产总值增长5.8%，经济总量跨上5万亿元台阶。粮食产量836.9亿斤，再创历史新高。规上工业增加值增长9%，"
        "增速居工业大省第1位。社会消费品零售总额、固定资产投资、一般公共预算收入等指标增速快于全国。城镇新增就业75.95万人，"
        "创历年新高，城乡居民人均可支配收入分别增长4.3%、6.2%。", "主要指标如下。")  # an article outweighs the footer
TABLE = (("指标", "2024年完成", "2025年目标"), ("地区生产总值增速", "5.8%", "5.5%左右"), ("城镇新增就业", "75.95万人", "68万人"))
TAIL = "二、2025年工作安排"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    document = docx.Document()
    for text in (TITLE, *BODY):
        document.add_paragraph(text)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph(TAIL)
    path = tmp_path / "anhui-2025.docx"
    document.save(path)
    return path


def test_blocks_keep_paragraphs_and_tables_in_order(report: Path) -> None:
    assert docx_blocks(report) == [TITLE, *BODY, [list(row) for row in TABLE], TAIL]


def test_the_web_page_reads_as_the_docx_without_its_chrome(report: Path, tmp_path: Path) -> None:
    page = web_page(report)
    chrome = chrome_lines(page)
    visible = "".join(BeautifulSoup(page, "lxml").get_text().split())
    assert {"首页", "当前位置：首页>政务公开>政府工作报告", "分享到：微信微博QQ空间"} <= set(chrome)
    assert any("版权所有" in line for line in chrome) and any("ICP备" in line for line in chrome)
    assert all(line in visible for line in chrome)  # the chrome is on the page
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    docx_lines = read_report_lines(report)
    assert "地区生产总值增速：2024年完成5.8%，2025年目标5.5%左右。" in docx_lines  # the table, as a table
    assert read_report_lines(path) == docx_lines  # title, body and table rows; no menu, info line or footer


def test_the_gbk_text_spaces_its_title_and_reads_as_the_docx(report: Path, tmp_path: Path) -> None:
    data = gbk_text(report)
    assert data.decode("gbk").startswith("2025年 安 徽 省 政 府 工 作 报 告\r\n\r\n\u3000\u3000各位代表：")
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert recovery(read_report_lines(report), read_report_lines(path)).recovered == 6  # all but the two table rows


def test_recovery_counts_whole_lines_and_leaks_outside_the_docx() -> None:
    found = recovery(["推进政务公开。", "第一段。第二句。"], ["推进政务 公开。", "第一段。", "第二句。", "首页 政务公开"],
                     chrome=["首页", "政务公开", "联系我们"])
    assert (found.recovered, found.leaked) == (1, 2)  # a paragraph cut in two is lost; a body line is no leak


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_variants_are_built_by_libreoffice(report: Path, tmp_path: Path) -> None:
    [pdf] = build("pdf", [report], tmp_path / "work")
    assert pdf.read_bytes().startswith(b"%PDF") and TITLE in "".join(read_report_lines(pdf))
