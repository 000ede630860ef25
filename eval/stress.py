"""Load test: N simulated residents asking through the chat's API for a fixed time.

Starts `govqa serve` on 127.0.0.1 (a free port, the given index dir), waits for it, then runs
N threads, each its own gradio_client session, asking development questions in turn. Bounded in
time and in count; prints requests, errors and latency percentiles, and stops the server.

    python -m eval.stress --users 20 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.settings import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "dev.jsonl"
MAX_REQUESTS_PER_USER = 2_000  # a hard bound whatever the duration
CLIENT_PROCESSES = 4


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency_ms: float | None, error: str | None = None) -> None:
        with self.lock:
            if error is None:
                self.latencies_ms.append(latency_ms)
            else:
                self.errors.append(error)

    def summary(self, users: int, seconds: float) -> dict:
        ms = np.array(self.latencies_ms or [0.0])
        return {
            "users": users, "seconds": seconds, "requests": len(self.latencies_ms) + len(self.errors),
            "errors": len(self.errors), "throughput_rps": round(len(self.latencies_ms) / seconds, 1),
            "p50_ms": round(float(np.percentile(ms, 50))), "p95_ms": round(float(np.percentile(ms, 95))),
            "p99_ms": round(float(np.percentile(ms, 99))), "first_errors": self.errors[:3],
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, timeout_s: float = 180) -> subprocess.Popen:
    # The limiter is per session and a simulated resident asks far faster than a person: off here.
    env = {**os.environ, "GOVQA_INDEX_DIR": str(index_dir), "GOVQA_RATE_LIMIT_PER_MINUTE": "0",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "govqa"), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"govqa serve exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError(f"govqa serve did not listen on port {port} within {timeout_s:.0f} s")


def resident(url: str, questions: list[str], offset: int, until: float, tally: Tally) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # a failed connection is an error of the run, not a crash of it
        tally.add(None, f"connect: {exc}")
        return
    for i in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() >= until:
            return
        started = time.perf_counter()
        try:
            answer = client.predict(questions[(offset + i) % len(questions)], [], api_name="/ask")
            if "answered" not in answer:
                raise ValueError(f"unexpected reply: {str(answer)[:80]}")
            tally.add((time.perf_counter() - started) * 1000)
        except Exception as exc:
            tally.add(None, f"{type(exc).__name__}: {exc}"[:200])


def _resident_group(job: tuple[str, list[str], list[int], float]) -> tuple[list[float], list[str]]:
    url, questions, residents, seconds = job
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=resident, args=(url, questions, i * 7, until, tally)) for i in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return tally.latencies_ms, tally.errors


def run(users: int, seconds: float, index_dir: Path) -> dict:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    port = free_port()
    server = start_server(index_dir, port)
    try:
        url = f"http://127.0.0.1:{port}/"
        from gradio_client import Client

        Client(url, verbose=False).predict(questions[0], [], api_name="/ask")  # warm: model and index loaded
        # Residents in several processes: one Python process's GIL would make 20 client threads
        # wait on each other and count that wait as server latency.
        groups = [list(range(i, users, CLIENT_PROCESSES)) for i in range(min(CLIENT_PROCESSES, users))]
        with ProcessPoolExecutor(len(groups)) as pool:
            parts = list(pool.map(_resident_group, [(url, questions, g, seconds) for g in groups]))
        tally = Tally()
        for latencies, errors in parts:
            tally.latencies_ms += latencies
            tally.errors += errors
        return tally.summary(users, seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description="govqa load test against a local govqa serve")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--index-dir", type=Path, default=PROJECT_ROOT / "var" / "index")
    args = parser.parse_args()
    result = run(args.users, args.seconds, args.index_dir)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()
