"""Hostile report files are contained: a lying zip header, deep or huge HTML, too many paragraphs, and
a reader that blows up — each a ReportError naming the file, fast and in bounded memory, and a bad
file never stops the good files of the same batch."""

from __future__ import annotations

import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from index.errors import ReportTooLarge, UnreadableReport, UnsupportedFormat
from index.reading import read_report_lines
from index.reading.sizes import ReadLimits

INFLATED = 64 * 1024 * 1024  # what the lying member really inflates to
DECLARED = 1000


def lying_docx(path: Path) -> Path:
    """A zip whose document.xml declares 1,000 bytes (and their CRC) but inflates to 64 MB of zeros."""
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = raw.compress(b"\0" * INFLATED) + raw.flush()
    crc = zlib.crc32(b"\0" * DECLARED)
    name = b"word/document.xml"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), DECLARED, len(name), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), DECLARED, len(name),
                          0, 0, 0, 0, 0, 0)
    body = local + name + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), len(body), 0)
    path.write_bytes(body + central + name + end)
    return path


def test_a_docx_whose_header_lies_about_its_size_is_refused_without_inflating_it(tmp_path: Path) -> None:
    path = lying_docx(tmp_path / "liar.docx")
    with zipfile.ZipFile(path) as archive:  # what the old check trusted
        assert sum(i.file_size for i in archive.infolist()) == DECLARED
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsupportedFormat, match="liar.docx.*大小与声明不符"):
        read_report_lines(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak  # zipfile alone would have inflated 64 MB at once
    assert time.perf_counter() - started < 2


def test_an_honest_docx_still_reads(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、2024年工作回顾")
    document.add_paragraph("新建口袋公园3个。")
    document.save(tmp_path / "ok.docx")
    assert read_report_lines(tmp_path / "ok.docx") == ["一、2024年工作回顾", "新建口袋公园3个。"]


@pytest.mark.parametrize("tag, depth", [("span", 3_000), ("div", 100_000)])
def test_deeply_nested_html_is_refused_quickly(tmp_path: Path, tag: str, depth: int) -> None:
    path = tmp_path / f"deep-{tag}.html"
    path.write_text(f"<html><body><p>前言。</p>{f'<{tag}>' * depth}正文。{f'</{tag}>' * depth}</body></html>", "utf-8")
    started = time.perf_counter()
    with pytest.raises(ReportTooLarge, match=f"嵌套层级过深：deep-{tag}.html"):
        read_report_lines(path)
    assert time.perf_counter() - started < 10  # was 8.6 s at 8,000 levels and about 2 h at 100,000


def test_html_nested_within_the_limit_reads(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div>" * 200 + "<p>新建口袋公园3个。</p>" + "</div>" * 200 + "</body></html>",
                    "utf-8")
    assert read_report_lines(path) == ["新建口袋公园3个。"]


def test_a_page_of_a_million_paragraphs_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "million.html"
    path.write_text("<html><body>" + "<p>第一段文字。</p>" * 1_000_000 + "</body></html>", "utf-8")
    started = time.perf_counter()
    with pytest.raises(ReportTooLarge, match="标签过多：million.html"):
        read_report_lines(path)
    assert time.perf_counter() - started < 5  # parsing it took 35 s, embedding it ~40 min


@pytest.mark.parametrize("limits, message", [
    (ReadLimits(max_paragraphs=100), "段落过多.*101 段，上限 100 段"),
    (ReadLimits(max_chars=1000), "文字过多"),
])
def test_paragraph_and_character_caps(tmp_path: Path, limits: ReadLimits, message: str) -> None:
    path = tmp_path / "long.txt"
    path.write_text("\n".join(f"第{i}段，新建道路十公里。" for i in range(101)), "utf-8")
    with pytest.raises(ReportTooLarge, match=message):
        read_report_lines(path, limits)


def test_an_unforeseen_reader_failure_is_this_files_error(tmp_path: Path, monkeypatch) -> None:
    import index.reading.web_page as web_page

    def explode(path, limits):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(web_page, "read_html", explode)
    path = tmp_path / "broken.html"
    path.write_text("<p>x</p>", "utf-8")
    with pytest.raises(UnreadableReport, match="broken.html"):
        read_report_lines(path)


def test_a_bad_file_does_not_stop_the_good_ones_of_its_batch(fake_assistant, sample_report, tmp_path: Path) -> None:
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<span>" * 3_000 + "正文" + "</span>" * 3_000 + "</body></html>", "utf-8")
    liar = lying_docx(tmp_path / "liar.docx")
    errors: list = []
    results = fake_assistant.ingest([deep, sample_report, liar], errors=errors)
    assert [r.doc_id for r in results] == ["kandun-2022-review-2023-plan"]
    assert [path.name for path, _ in errors] == ["deep.html", "liar.docx"]
    assert [r.doc_id for r in fake_assistant.reports()] == ["kandun-2022-review-2023-plan"]
