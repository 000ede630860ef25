"""kill -9 during `govqa ingest`, at several points: the previous report keeps serving, and a re-run
completes with no duplicate or stale chunks in either store."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import Settings

GOVQA = str(Path(sys.executable).parent / "govqa")


def consistent(assistant: Assistant) -> bool:
    return {c.chunk_id for c in assistant.catalog.chunks()} == assistant.vectors.ids()


@pytest.mark.parametrize("kill_after_s", [0.5, 2.0, 3.5, 5.0])
def test_kill_during_ingest_keeps_old_report_and_rerun_completes(tmp_path, sample_report, kill_after_s):
    env = {**os.environ, "GOVQA_INDEX_DIR": str(tmp_path / "index")}
    path = tmp_path / sample_report.name
    old = sample_report.read_text("utf-8")
    path.write_text(old, "utf-8")
    subprocess.run([GOVQA, "ingest", str(path)], env=env, check=True, capture_output=True)
    settings = Settings(index_dir=tmp_path / "index")
    before = {c.chunk_id for c in Assistant(settings).catalog.chunks()}

    path.write_text(old.replace("年", "年 ").replace("58億元", "59億元"), "utf-8")
    process = subprocess.Popen([GOVQA, "ingest", str(path)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(kill_after_s)
    process.send_signal(signal.SIGKILL)
    process.wait()

    serving = Assistant(settings)
    after_kill = {c.chunk_id for c in serving.catalog.chunks()}
    assert after_kill in (before, {c.chunk_id for c in serving.catalog.chunks()})
    answer = serving.ask("2022年地区生产总值是多少？")
    assert answer.answered and ("58" in answer.text or "59" in answer.text)  # old or new, whole

    subprocess.run([GOVQA, "ingest", str(path)], env=env, check=True, capture_output=True)
    done = Assistant(settings)
    assert consistent(done)
    assert len(done.reports()) == 1
    assert "59億元" in done.ask("2022年地区生产总值是多少？").citations[0].text
