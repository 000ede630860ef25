"""A full disk: refused before writing with a clear message; a write that still fails frees the reserve."""

from __future__ import annotations

import errno
import sqlite3

import pytest

import index.ingest as ingest
from index.disk import RESERVE_FILE, is_disk_full, keep_reserve
from index.errors import DiskFull


def test_ingest_is_refused_before_any_write_when_space_is_short(fake_assistant, sample_report, monkeypatch):
    fake_assistant.ingest([sample_report])
    before = {c.chunk_id for c in fake_assistant.catalog.chunks()}
    monkeypatch.setattr(ingest, "free_bytes", lambda directory: 10 * 1024 * 1024)
    big = sample_report.parent / sample_report.name  # the same file: unchanged, nothing to write, no refusal
    assert fake_assistant.ingest([big])[0].status == "unchanged"
    from tests.fakes import FICTIONAL_2024

    with pytest.raises(DiskFull, match="磁盘空间不足：索引所在磁盘剩余 10.0 MB"):
        fake_assistant.ingest([FICTIONAL_2024])
    assert {c.chunk_id for c in fake_assistant.catalog.chunks()} == before == fake_assistant.vectors.ids()


def test_a_write_failing_for_space_frees_the_reserve_and_says_so(fake_assistant, sample_report, monkeypatch):
    fake_assistant.ingest([sample_report])
    index_dir = fake_assistant.catalog.path.parent
    assert keep_reserve(index_dir, size=1024 * 1024) and (index_dir / RESERVE_FILE).exists()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fake_assistant.vectors, "add", full)
    from tests.fakes import FICTIONAL_2024

    with pytest.raises(DiskFull, match="磁盘空间已满"):
        fake_assistant.ingest([FICTIONAL_2024])
    assert not (index_dir / RESERVE_FILE).exists()
    assert [r.doc_id for r in fake_assistant.reports()] == ["kandun-2022-review-2023-plan"]


def test_what_counts_as_a_full_disk(tmp_path, monkeypatch):
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"), tmp_path)
    wrapped = RuntimeError("Error in compaction")
    wrapped.__cause__ = OSError(errno.ENOSPC, "x")
    assert is_disk_full(wrapped, tmp_path)
    assert not is_disk_full(ValueError("bad value"), tmp_path)  # this disk has room
    monkeypatch.setattr("index.disk.free_bytes", lambda directory: 1024)
    assert is_disk_full(RuntimeError("Failed to apply logs to the metadata segment"), tmp_path)
