"""A full disk, on a real small filesystem (a 120 MB tmpfs; needs root to mount, skipped otherwise):
ingest is refused with a clear message before writing, and an ingest that still runs out of space
leaves the previous index openable and answering — from a new process, while the disk is still full."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import index.ingest as ingest
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from index.errors import DiskFull
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
QUESTION = "2022年坎墩街道地区生产总值是多少？"


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=120m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_bytes: int) -> None:
    free = shutil.disk_usage(disk).free
    subprocess.run(["fallocate", "-l", str(free - leave_bytes), str(disk / "filler")], check=True)


def long_report(path: Path, paragraphs: int) -> Path:
    lines = ["测试街道2025年工作报告", "一、2024年工作回顾"]
    lines += [f"第{i}项：完成道路建设{i % 97 + 1}公里，新增绿地{i % 13 + 1}公顷，服务居民{i * 7}人次。" for i in range(paragraphs)]
    path.write_text("\n".join(lines), "utf-8")
    return path


def govqa(index_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GOVQA_INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1",
           "GOVQA_MIN_FREE_DISK_BYTES": str(10 * 1024 * 1024)}  # the default 200 MB is more than this whole disk
    return subprocess.run([sys.executable, "-c", "from assistant.cli import app; app()", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_ingest_is_refused_with_a_clear_message_and_the_old_report_keeps_answering(small_disk, tmp_path):
    index_dir = small_disk / "index"
    assert govqa(index_dir, "ask", QUESTION).returncode == 0  # the sample, indexed on first use
    fill(small_disk, 20 * 1024 * 1024)
    refused = govqa(index_dir, "ingest", str(long_report(tmp_path / "long.txt", 3000)))
    assert refused.returncode == 1 and "磁盘空间不足" in refused.stderr and "Traceback" not in refused.stderr
    answer = govqa(index_dir, "ask", QUESTION)  # was: Chroma traceback on ingest, then ask/serve failed to start
    assert answer.returncode == 0 and "58億元" in answer.stdout


def test_running_out_of_space_mid_ingest_leaves_the_index_openable(small_disk, tmp_path, monkeypatch):
    settings = Settings(index_dir=small_disk / "index", min_free_disk_bytes=0)
    writer = Assistant(settings, embedder=FakeEmbedder())
    writer.ensure_index()  # the sample, and the disk reserve
    fill(small_disk, 2 * 1024 * 1024)
    monkeypatch.setattr(ingest, "BYTES_PER_CHUNK", 0)  # the estimate misses: the disk fills during the write
    with pytest.raises(DiskFull, match="磁盘空间已满"):
        writer.ingest([long_report(tmp_path / "long.txt", 3000)])
    assert shutil.disk_usage(small_disk).free < 40 * 1024 * 1024  # still nearly full: the filler stays
    opened = subprocess.run([sys.executable, "-c", (
        "from pathlib import Path; from assistant.service import Assistant; from assistant.settings import Settings; "
        "from tests.fakes import FakeEmbedder; "
        f"a = Assistant(Settings(index_dir=Path({str(settings.index_dir)!r})), embedder=FakeEmbedder()); "
        f"print([r.doc_id for r in a.reports()], a.ask({QUESTION!r}).answered)")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert opened.returncode == 0, opened.stderr[-2000:]
    assert opened.stdout.strip() == "['kandun-2022-review-2023-plan'] True"
