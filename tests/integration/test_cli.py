"""The `govqa` command: JSON shape, errors as messages with a non-zero exit."""

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app



@pytest.fixture
def cli_env(monkeypatch, real_assistant):
    monkeypatch.setenv("GOVQA_INDEX_DIR", str(real_assistant.settings.index_dir))
    return CliRunner()


def test_ask_json_has_exactly_the_documented_shape(cli_env):
    result = cli_env.invoke(app, ["ask", "--json", "2022年坎墩街道地区生产总值是多少？"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"question", "answered", "answer", "citations", "hits", "also_in", "kind", "latency_ms"}
    assert data["answered"] and "58亿元" in data["answer"]
    assert set(data["citations"][0]) == {"n", "doc_id", "doc_title", "report_title", "place", "year", "section",
                                         "paragraph", "quote", "text"}
    assert data["citations"][0]["place"] == "坎墩街道" and data["citations"][0]["year"] == 2023
    assert data["answer"].startswith("据《坎墩街道2022年工作总结和2023年工作计划》")
    assert set(data["hits"][0]) == {"doc_id", "section", "paragraph", "score", "text"}
    assert len(data["hits"]) >= 10


def test_ask_prints_answer_and_numbered_sources(cli_env):
    result = cli_env.invoke(app, ["ask", "2023年计划安装多少套智能排口？"])
    assert result.exit_code == 0
    assert "20套" in result.output and "[1]" in result.output and "第" in result.output


def test_empty_question_is_a_message_and_exit_code(cli_env):
    result = cli_env.invoke(app, ["ask", "   "])
    assert result.exit_code == 1
    assert "请输入问题" in result.output


def test_reports_lists_the_sample(cli_env):
    result = cli_env.invoke(app, ["reports"])
    assert result.exit_code == 0 and "kandun-2022-review-2023-plan" in result.output and "2022、2023" in result.output


def test_ingest_of_binary_file_fails_cleanly(cli_env, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"\x00\x01garbage")
    result = cli_env.invoke(app, ["ingest", str(bad)])
    assert result.exit_code == 1 and "bad.pdf" in result.output
