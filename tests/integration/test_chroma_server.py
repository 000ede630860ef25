"""The same code against a real Chroma server (`chroma run` on loopback), as a scaled-out deployment runs."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index.errors import GovQAError
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from eval.gate import check_gate
from eval.harness import evaluate



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    port = free_port()
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path_factory.mktemp("chroma")), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield port
    server.terminate()
    server.wait(timeout=30)


def server_settings(tmp_path, port) -> Settings:
    return Settings(index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=port)


def test_ingest_and_ask_against_the_server(tmp_path, chroma_server):
    assistant = Assistant(server_settings(tmp_path, chroma_server))
    assistant.ensure_index()
    answer = assistant.ask("2022年坎墩街道地区生产总值是多少？")
    assert answer.answered and "58亿元" in answer.text
    doc_id = assistant.reports()[0].doc_id
    # Within one report, dense search fetches that report's vectors from the server by id.
    dense = assistant.index.search("地区生产总值", k=3, doc_ids=[doc_id], mode="dense")
    assert dense and all(hit.chunk.doc_id == doc_id for hit in dense)
    assert "58亿元" in assistant.ask("2022年坎墩街道地区生产总值是多少？", doc_ids=[doc_id]).text


def test_a_new_replica_rebuilds_its_catalog_and_bm25_from_the_server(tmp_path, chroma_server):
    writer = Assistant(server_settings(tmp_path / "writer", chroma_server))
    writer.ensure_index()
    replica = Assistant(server_settings(tmp_path / "replica", chroma_server))  # empty local index dir
    assert replica.ensure_index() == []  # nothing ingested: the reports came from Chroma
    assert {c.chunk_id for c in replica.catalog.chunks()} == {c.chunk_id for c in writer.catalog.chunks()}
    answer = replica.ask("2023年计划安装多少套智能排口？")
    assert answer.answered and "20套" in answer.text


def test_a_restart_behind_the_server_answers_before_its_upkeep(tmp_path, chroma_server, monkeypatch):
    """The sync and the vector check (all the server's ids: 572,000 at 10,000 reports) run after the first question
    can be answered, not before the server starts listening."""
    import threading
    Assistant(server_settings(tmp_path, chroma_server)).ensure_index()
    restarted = Assistant(server_settings(tmp_path, chroma_server))
    release, synced = threading.Event(), threading.Event()
    sync = restarted.sync
    monkeypatch.setattr(restarted, "sync", lambda: release.wait(30) and (sync(), synced.set()))
    assert restarted.ensure_index(background=True) == []  # returns while the upkeep waits
    answer = restarted.ask("2023年计划安装多少套智能排口？")
    assert answer.answered and "20套" in answer.text and not synced.is_set()
    release.set()
    assert synced.wait(30)


def test_eval_gate_holds_against_the_server(tmp_path, chroma_server):
    results = evaluate(PROJECT_ROOT / "eval" / "questions" / "dev.jsonl", None, retriever="ours",
                       settings=server_settings(tmp_path, chroma_server))
    assert check_gate(results["ours"]) == []


def test_unreachable_server_is_a_clear_error(tmp_path):
    assistant = Assistant(server_settings(tmp_path, free_port()))
    with pytest.raises(GovQAError, match="无法连接向量库"):
        assistant.ensure_index()


def test_server_lost_mid_session_degrades_to_bm25_then_recovers(tmp_path_factory, tmp_path):
    """Its own server, stopped and restarted on the same port and data: no crash, answers throughout."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    data, port = tmp_path_factory.mktemp("chroma-restart"), free_port()

    def start():
        process = subprocess.Popen([chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                return process
            except OSError:
                time.sleep(0.3)
        process.kill()
        pytest.fail("chroma run did not start")

    server = start()
    assistant = Assistant(server_settings(tmp_path, port))
    assistant.ensure_index()
    server.terminate()
    server.wait(timeout=30)
    answer = assistant.ask("2023年计划安装多少套智能排口？")  # dense is down: BM25 still answers
    assert answer.answered and "20套" in answer.text
    server = start()
    try:
        assert assistant.vectors.ids()  # reconnected to the restarted server
        assert assistant.index.search("智能排口", mode="dense")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_running_replica_picks_up_another_replicas_ingest_and_delete(tmp_path, chroma_server):
    writer = Assistant(server_settings(tmp_path / "writer", chroma_server))
    replica = Assistant(server_settings(tmp_path / "replica", chroma_server))
    writer.ensure_index()
    replica.ensure_index()
    stop = replica.keep_in_sync(0.2)
    try:
        writer.ingest([PROJECT_ROOT / "tests" / "fixtures" / "kandun-2024-fictional.txt"])
        deadline = time.monotonic() + 30
        while len(replica.reports()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert {r.doc_id for r in replica.reports()} == {r.doc_id for r in writer.reports()}
        writer.delete("kandun-2024-fictional")
        while len(replica.reports()) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [r.doc_id for r in replica.reports()] == [r.doc_id for r in writer.reports()]
    finally:
        stop.set()
