"""index.reading: every format is written by the test itself; bad input must fail with the right ReportError."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from index.errors import EmptyReport, NeedsOCR, ReportError, ReportTooLarge, UndecodableText, UnsupportedFormat
from index.reading import SUPPORTED_SUFFIXES, read_report_lines
from index.reading.sizes import ReadLimits

BIG5_TEXT = "一、2022年工作回顧\n街道預計可實現地區生產總值58億元"
GB_TEXT = "一、2022年工作回顾\r\n\r\n　　街道预计可实现地区生产总值58亿元，同比增长2.8%。\r\n（一）坚持稳中求进\r\n"
GB_LINES = ["一、2022年工作回顾", "街道预计可实现地区生产总值58亿元，同比增长2.8%。", "（一）坚持稳中求进"]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- TXT


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b""), ("utf-16", b"")],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom"],
)
def test_txt_encodings_give_the_same_lines(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = write(tmp_path, "report.txt", prefix + GB_TEXT.encode(encoding))
    assert read_report_lines(path) == GB_LINES


def test_txt_big5_keeps_traditional_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "big5.txt", BIG5_TEXT.encode("big5"))
    assert read_report_lines(path) == ["一、2022年工作回顧", "街道預計可實現地區生產總值58億元"]


def test_txt_short_gbk_text_is_not_mistaken_for_big5(tmp_path: Path) -> None:
    # These bytes also decode as valid Big5 ("珨﹜2022爛馱釬隙嘈…"): plausibility must pick GBK.
    path = write(tmp_path, "short.txt", "一、2022年工作回顾\n街道预计可实现地区生产总值58亿元".encode("gbk"))
    assert read_report_lines(path) == ["一、2022年工作回顾", "街道预计可实现地区生产总值58亿元"]


def test_txt_mixed_line_endings_and_uppercase_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "REPORT.TXT", "第一段\r\n第二段\r第三段\n\n  \n第四段".encode())
    assert read_report_lines(path) == ["第一段", "第二段", "第三段", "第四段"]


def test_markdown_heading_marks_are_removed(tmp_path: Path) -> None:
    path = write(tmp_path, "report.md", "# 政府工作报告\n\n## 一、2022年工作回顾\n正文。\n".encode())
    assert read_report_lines(path) == ["政府工作报告", "一、2022年工作回顾", "正文。"]


@pytest.mark.parametrize("content", [b"", b"  \r\n\n\t\xe3\x80\x80\n"], ids=["empty", "blank"])
def test_empty_txt_is_refused(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "empty.txt", content)
    with pytest.raises(EmptyReport, match="empty.txt"):
        read_report_lines(path)


def test_binary_with_nul_bytes_is_undecodable(tmp_path: Path) -> None:
    path = write(tmp_path, "binary.txt", os.urandom(4096) + b"\x00\x00" + os.urandom(64))
    with pytest.raises(UndecodableText, match="binary.txt"):
        read_report_lines(path)


def test_random_bytes_without_nul_are_undecodable(tmp_path: Path) -> None:
    data = bytes(b or 1 for b in os.urandom(4096))
    path = write(tmp_path, "noise.txt", data)
    with pytest.raises(UndecodableText, match="noise.txt"):
        read_report_lines(path)


def test_latin1_text_is_refused_rather_than_garbled(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.txt", "Rapport annuel, café crème à Genève\n".encode("latin-1"))
    with pytest.raises(UndecodableText) as caught:
        read_report_lines(path)
    assert "latin1.txt" in str(caught.value) and "GB18030" in str(caught.value)


def test_control_characters_are_undecodable(tmp_path: Path) -> None:
    path = write(tmp_path, "controls.txt", bytes(range(1, 9)) * 20 + "正文".encode())
    with pytest.raises(UndecodableText, match="controls.txt"):
        read_report_lines(path)


# ---------------------------------------------------------------- common checks


def test_file_over_max_bytes_is_refused_before_reading(tmp_path: Path) -> None:
    # Not a valid DOCX either: only a size check made before parsing reports ReportTooLarge.
    path = write(tmp_path, "big.docx", b"x" * 2048)
    with pytest.raises(ReportTooLarge, match="big.docx"):
        read_report_lines(path, ReadLimits(max_bytes=1024))


@pytest.mark.parametrize("name", ["report.doc", "report.xlsx", "report"])
def test_unknown_suffix_is_unsupported(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "正文".encode())
    with pytest.raises(UnsupportedFormat, match=name):
        read_report_lines(path)


def test_missing_file_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="gone.txt"):
        read_report_lines(tmp_path / "gone.txt")


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}


# ---------------------------------------------------------------- DOCX

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def add_chinese_numbering(document: docx.document.Document) -> str:
    """A "一、" list as Chinese templates define it; returns its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W_NS} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def number(paragraph, num_id: str, level: int) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_docx_paragraphs_numbering_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("政府工作报告", level=1)
    document.add_paragraph("各位代表：")
    document.add_paragraph("")  # empty paragraph: skipped
    document.add_paragraph("稳住经济基本盘", style="List Number")
    document.add_paragraph("持续改善民生", style="List Number")
    document.add_paragraph("不显示编号的项目符号", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("指标", "2022年", "增长"), ("地区生产总值", "58亿元", "2.8%")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    num_id = add_chinese_numbering(document)
    items = [("2022年工作回顾", 0), ("坚持稳中求进", 1), ("加快产业升级", 1), ("2023年工作安排", 0), ("总体要求", 1)]
    for text, level in items:
        number(document.add_paragraph(text), num_id, level)
    document.add_paragraph("第一行\n第二行")  # soft line break
    path = tmp_path / "report.docx"
    document.save(path)

    assert read_report_lines(path) == [
        "政府工作报告",
        "各位代表：",
        "1.稳住经济基本盘",
        "2.持续改善民生",
        "不显示编号的项目符号",
        "地区生产总值：2022年58亿元，增长2.8%。",  # a data row names its columns; the header row goes
        "一、2022年工作回顾",
        "（一）坚持稳中求进",
        "（二）加快产业升级",
        "二、2023年工作安排",
        "（一）总体要求",
        "第一行",
        "第二行",
    ]


def test_docx_single_cell_layout_table_keeps_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "第一段正文。"
    cell.add_paragraph("第二段正文。")
    path = tmp_path / "layout.docx"
    document.save(path)
    assert read_report_lines(path) == ["第一段正文。", "第二段正文。"]


def test_docx_that_is_not_a_zip_is_unsupported(tmp_path: Path) -> None:
    path = write(tmp_path, "fake.docx", "这不是 Word 文件".encode())
    with pytest.raises(UnsupportedFormat) as caught:
        read_report_lines(path)
    assert "不是有效的 DOCX 文件" in str(caught.value) and "fake.docx" in str(caught.value)


def test_zip_without_word_document_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedFormat, match="other.docx"):
        read_report_lines(path)


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))  # ~8 KB on disk
    assert path.stat().st_size < 100_000
    with pytest.raises(ReportTooLarge) as caught:  # a ReportError
        read_report_lines(path, ReadLimits(max_bytes=100_000))  # unzipped limit: 20 × 100 KB
    assert "bomb.docx" in str(caught.value) and "解压后" in str(caught.value)


# ---------------------------------------------------------------- PDF

LONG_PARAGRAPH = (
    "2022年，街道预计可实现地区生产总值58亿元，同比增长2.8%；工业总产值115亿元，同比增长5.7%；"
    "规上工业增加值同比增长7%；固定资产投资11.2亿元。实现财政总收入4.9亿元，其中一般公共预算收入2.9亿元。"
)
CROSS_PAGE_PARAGRAPH = (
    "城镇面貌持续优化，成功创建省级美丽城镇样板镇，老旧小区改造和背街小巷整治全面完成，群众满意度明显提升。"
)


def wrap(text: str, width: int = 30) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def make_pdf(path: Path, pages: list[list[str]]) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        y = 780
        for line in lines[:-1]:
            pdf.drawString(60, y, line)
            y -= 18
        pdf.drawString(290, 40, lines[-1])  # footer: the page number
        pdf.showPage()
    pdf.save()


def test_pdf_rejoins_wrapped_lines_and_drops_page_numbers(tmp_path: Path) -> None:
    wrapped = wrap(LONG_PARAGRAPH)
    assert len(wrapped) >= 3 and not wrapped[0].endswith("。")
    across = wrap(CROSS_PAGE_PARAGRAPH)
    path = tmp_path / "report.pdf"
    make_pdf(
        path,
        [
            ["政府工作报告", "一、2022年工作回顾", *wrapped, "（一）坚持稳中求进", *across[:1], "- 1 -"],
            [*across[1:], "1.推进共同富裕", "第2页"],
        ],
    )
    lines = read_report_lines(path)
    assert lines == [
        "政府工作报告",
        "一、2022年工作回顾",
        LONG_PARAGRAPH,
        "（一）坚持稳中求进",
        CROSS_PAGE_PARAGRAPH,
        "1.推进共同富裕",
    ]


def test_pdf_without_text_needs_ocr(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    path = tmp_path / "scan.pdf"
    writer.write(path)
    with pytest.raises(NeedsOCR) as caught:
        read_report_lines(path)
    assert "OCR" in str(caught.value) and "scan.pdf" in str(caught.value)


def test_password_protected_pdf_is_unsupported(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    with pytest.raises(UnsupportedFormat) as caught:
        read_report_lines(path)
    assert "加密" in str(caught.value) and "locked.pdf" in str(caught.value)


def test_broken_pdf_is_unsupported(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.pdf", b"%PDF-1.7\n" + os.urandom(2048))
    with pytest.raises(UnsupportedFormat, match="broken.pdf"):
        read_report_lines(path)


# ---------------------------------------------------------------- HTML

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>坎墩街道2022年工作总结</title>
<style>.zoom p { text-indent: 2em; }</style>
<script>var menu = "脚本里的文字";</script></head>
<body>
<div class="header"><h1 class="logo">慈溪市人民政府门户网站</h1></div>
<div id="topNav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></div>
<div class="main-menu">办事服务 互动交流</div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 计划总结</div>
<div class="wrapper">
  <div class="left-sidebar"><h3>相关链接</h3><p>宁波市人民政府网站</p></div>
  <div class="article-box">
    <h2 class="title">坎墩街道2022年工作总结和2023年工作思路</h2>
    <div id="zoom" class="TRS_Editor">
      <p>一、2022年工作回顾</p>
      <p>　　2022年，街道预计可实现地区生产总值58亿元，
同比增长2.8%。</p>
      <p>（一）坚持稳中求进<br>（二）加快产业升级</p>
      <table><tr><th>指标</th><th>数值</th></tr><tr><td>财政总收入</td><td>4.9亿元</td></tr></table>
      <!-- 编辑注释 -->
    </div>
    <div class="bdshare">分享到：微信 微博</div>
  </div>
</div>
<footer><p>版权所有：慈溪市人民政府 浙ICP备12345678号</p></footer>
</body></html>"""


def test_html_takes_the_article_and_drops_page_chrome(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", GOV_PAGE.encode("gbk"))
    lines = read_report_lines(path)
    assert lines == [
        "坎墩街道2022年工作总结和2023年工作思路",
        "一、2022年工作回顾",
        "2022年，街道预计可实现地区生产总值58亿元，同比增长2.8%。",
        "（一）坚持稳中求进",
        "（二）加快产业升级",
        "财政总收入：数值4.9亿元。",
    ]
    text = "\n".join(lines)
    for noise in ("首页", "办事服务", "当前位置", "相关链接", "分享到", "版权所有", "脚本", "门户网站", "编辑注释"):
        assert noise not in text


def test_html_big5_page_with_article_element(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="big5"></head><body><nav>首頁 新聞</nav>'
        f"<article><header><h1>工作報告</h1></header><p>{BIG5_TEXT.splitlines()[0]}</p>"
        f"<p>{BIG5_TEXT.splitlines()[1]}</p></article><aside>熱門文章</aside></body></html>"
    )
    path = write(tmp_path, "page.htm", page.encode("big5"))
    assert read_report_lines(path) == ["工作報告", "一、2022年工作回顧", "街道預計可實現地區生產總值58億元"]


def test_html_without_markers_uses_the_densest_paragraphs(tmp_path: Path) -> None:
    page = (
        "<html><body><div><p>友情链接</p></div>"
        "<div><p>第一段正文，内容较长，说明全年经济运行情况。</p><p>第二段正文，说明民生保障情况。</p></div>"
        "</body></html>"
    )
    path = write(tmp_path, "plain.html", page.encode())
    assert read_report_lines(path) == ["第一段正文，内容较长，说明全年经济运行情况。", "第二段正文，说明民生保障情况。"]


def test_html_page_wrapped_in_a_form_keeps_its_body(tmp_path: Path) -> None:
    # ASP.NET sites wrap the whole page in <form>: dropping forms must not drop the report.
    page = (
        '<html><body><form class="search"><input name="q">站内搜索</form>'
        '<form id="form1"><div><p>一、2022年工作回顾</p><p>全年完成各项目标任务。</p></div></form></body></html>'
    )
    path = write(tmp_path, "aspnet.html", page.encode())
    assert read_report_lines(path) == ["一、2022年工作回顾", "全年完成各项目标任务。"]


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.html", b"<html><body><script>x()</script></body></html>")
    with pytest.raises(EmptyReport, match="blank.html"):
        read_report_lines(path)


def test_a_targets_table_keeps_each_figures_year_and_role(tmp_path: Path) -> None:
    """The town web page's table: an achieved and a target column must not read as one figure."""
    page = ("<html><body><div class='content'><p>主要指标完成情况如下。</p><table>"
            "<tr><th>指标</th><th>2023年完成</th><th>2024年目标</th></tr>"
            "<tr><td>地区生产总值增速</td><td>4.1%</td><td>5%左右</td></tr>"
            "<tr><td>一般公共预算收入</td><td>3.2亿元</td><td></td></tr>"
            "<tr><td colspan='3'>注：数据为初步统计</td></tr></table></div></body></html>")
    lines = read_report_lines(write(tmp_path, "town.html", page.encode("utf-8")))
    assert lines == [
        "主要指标完成情况如下。",
        "地区生产总值增速：2023年完成4.1%，2024年目标5%左右。",
        "一般公共预算收入：2023年完成3.2亿元。",
        "注：数据为初步统计",
    ]


def test_a_table_without_a_header_row_keeps_its_cells():
    from index.reading.tables import table_lines

    assert table_lines([["地区生产总值", "58亿元"], ["财政总收入", "4.9亿元"]]) == [
        "地区生产总值 | 58亿元", "财政总收入 | 4.9亿元"]


def test_a_pdf_made_from_a_real_docx_reads_as_the_docx_does() -> None:
    """LibreOffice's PDF of a real report (soffice --headless --convert-to pdf): lines wrapped mid-sentence
    and at sentence ends, page numbers, spaces where the font changes (2025 年, 5G 网络) — the same
    paragraphs come back as from the DOCX."""
    from assistant.settings import PROJECT_ROOT

    docx_lines = read_report_lines(PROJECT_ROOT / "eval" / "corpus" / "real" / "hebei-2025.docx")
    pdf_lines = read_report_lines(PROJECT_ROOT / "tests" / "fixtures" / "hebei-2025-libreoffice.pdf")
    assert pdf_lines == docx_lines
