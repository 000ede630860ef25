"""Residents asking while abusive clients attack: the chat must stay as fast as without them.

Starts `govqa serve` (this tree, production limits, a staff password), then runs the residents alone
for `seconds`, then the residents and the abusers together for `seconds`. Every resident and every
abuser is its own loopback address (127.0.1.x, 127.0.3.x), as they would be on the internet, so the
per-address limits apply to each as in production. A resident asks through the raw API, reads the
answer, and thinks 4–6 s; an abuser repeats its attack at up to ABUSER_RATE a second. Every loop is
bounded in count and time. Prints and returns both phases' figures.

    python -m tests.integration.hostile_load --users 50 --seconds 60 --abusers 8
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from tests.integration.serving import ask, call, client, serving

PASSWORD = "load-test-口令"
THINK_S = (4.0, 6.0)  # a resident reads the answer before the next question
MAX_ASKS_PER_USER = 500
USERS_PER_PROCESS = 25  # residents mostly think: 25 threads share a process's GIL without waiting on it
ABUSER_RATE = 20  # attempts a second per abuser: abusive, yet the load generator leaves the server its cores
MAX_ATTEMPTS_PER_ABUSER = 3_000
QUESTIONS = ("2022年坎墩街道地区生产总值是多少？", "2023年计划建设多少个停车位？", "2023年计划安装多少套智能排口？",
             "2022年工业总产值是多少？", "我们街道去年经济怎么样？")


def resident(url: str, index: int, until: float, out: list) -> None:
    with client(f"127.0.1.{index + 1}") as http:
        for i in range(MAX_ASKS_PER_USER):
            if time.monotonic() >= until:
                return
            started = time.perf_counter()
            try:
                event, payload = ask(http, url, QUESTIONS[(index + i) % len(QUESTIONS)])
                error = None if event == "complete" and payload[0].get("answered") is not None else f"{event}: {payload}"
            except Exception as exc:  # an error of the run, not a crash of it
                error = f"{type(exc).__name__}: {exc}"
            out.append(((time.perf_counter() - started) * 1000, error))
            time.sleep(min(random.uniform(*THINK_S), max(until - time.monotonic(), 0)))


def _residents(job: tuple[str, list[int], float]) -> list:
    url, indexes, seconds = job
    out: list = []
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=resident, args=(url, i, until, out)) for i in indexes]
    for thread in threads:
        thread.start()
        time.sleep(THINK_S[1] / len(threads))  # residents arrive spread over a think time, not all at once
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return out


# --- the abusers: each repeats one attack --------------------------------------------------------
def _flood_unread(url, http, port, address):
    event, payload = ask(http, url, read=False)
    return event if event == "posted" else str(payload)[:3]


def _flood_read(url, http, port, address):
    event, payload = ask(http, url)
    return f"{event}: limited" if "太频繁" in str(payload) else event


def _guess(url, http, port, address):
    event, payload = call(http, url, "delete_report", "kandun-2022-review-2023-plan", f"guess-{random.random()}")
    return f"{event}: locked" if "锁定" in str(payload) else event


def _upload(url, http, port, address):
    return str(http.post(f"{url}/gradio_api/upload", files={"files": ("spam.txt", b"x" * 5 * 1024 * 1024)}).status_code)


def _big_body(url, http, port, address):
    try:
        return str(http.post(f"{url}/gradio_api/queue/join", content=b"x" * 2 * 1024 * 1024).status_code)
    except Exception as exc:  # the server may close before the body is sent
        return type(exc).__name__


def _pages(url, http, port, address):
    return str(http.get(f"{url}/config").status_code)


class _Sockets:
    """Slow (a header byte now and then) or idle (nothing) connections, kept open as long as allowed:
    each attempt opens one more and sends a byte down one of the others (slowloris sends one every few
    seconds per connection; that is what it needs to hold them)."""

    def __init__(self, trickle: bool, keep: int = 80) -> None:
        self.trickle, self.keep, self.open, self.turn = trickle, keep, [], 0

    def __call__(self, url, http, port, address):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1, source_address=(address, 0))
            s.setblocking(False)
            if self.trickle:
                s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
            self.open.append(s)
        except OSError:
            return "refused"
        alive = []
        self.turn += 1
        for i, s in enumerate(self.open):
            try:
                if self.trickle and i % 20 == self.turn % 20:
                    s.send(b"X")
                if s.recv(1) == b"":
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                continue
            alive.append(s)
        self.open = alive[-self.keep:]
        return f"open≈{len(self.open) // 10 * 10}"


ATTACKS = {
    "unread-calls": _flood_unread, "asks-new-session": _flood_read, "slowloris": lambda: _Sockets(True),
    "idle-connections": lambda: _Sockets(False), "password-guesses": _guess, "anonymous-uploads": _upload,
    "huge-bodies": _big_body, "config-flood": _pages,
}
_FACTORIES = {"slowloris", "idle-connections"}


def abuser(url: str, port: int, name: str, index: int, until: float) -> Counter:
    attack = ATTACKS[name]() if name in _FACTORIES else ATTACKS[name]
    address, outcomes = f"127.0.3.{index + 1}", Counter()
    with client(address, timeout=10) as http:
        for _ in range(MAX_ATTEMPTS_PER_ABUSER):
            if time.monotonic() >= until:
                break
            started = time.monotonic()
            try:
                outcomes[attack(url, http, port, address)] += 1
            except Exception as exc:
                outcomes[type(exc).__name__] += 1
            time.sleep(max(0.0, 1 / ABUSER_RATE - (time.monotonic() - started)))
    return outcomes


def _abusers(job: tuple[str, int, int, float]) -> dict:
    url, port, count, seconds = job
    # Abusers stand for machines elsewhere: here they share the server's two cores, so they run at the
    # lowest priority and their own CPU (a third of a core) is not counted as the server's slowness.
    os.nice(19)
    until = time.monotonic() + seconds
    names = list(ATTACKS)[:count]
    results: dict[str, Counter] = {}

    def run(i: int, name: str) -> None:
        results[name] = abuser(url, port, name, i, until)

    threads = [threading.Thread(target=run, args=(i, name)) for i, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    outcomes = {name: dict(c.most_common(4)) for name, c in results.items()}
    return {"outcomes": outcomes, "generator_cpu_s": round(time.process_time(), 1)}


def summary(rows: list, seconds: float) -> dict:
    ms = np.array([latency for latency, error in rows if error is None] or [0.0])
    errors = [error for _, error in rows if error is not None]
    return {"requests": len(rows), "errors": len(errors), "throughput_rps": round(len(rows) / seconds, 1),
            "p50_ms": round(float(np.percentile(ms, 50))), "p95_ms": round(float(np.percentile(ms, 95))),
            "p99_ms": round(float(np.percentile(ms, 99))), "first_errors": errors[:3]}


def phase(server, users: int, seconds: float, abusers: int) -> dict:
    groups = [list(range(i, min(i + USERS_PER_PROCESS, users))) for i in range(0, users, USERS_PER_PROCESS)]
    cpu = server.cpu_s()
    with ProcessPoolExecutor(len(groups) + (1 if abusers else 0)) as pool:
        attacks = pool.submit(_abusers, (server.url, server.port, abusers, seconds)) if abusers else None
        parts = list(pool.map(_residents, [(server.url, g, seconds) for g in groups]))
        result = summary([row for part in parts for row in part], seconds)
        if attacks is not None:
            result["abusers"] = attacks.result()
    result["server_cpu_s"] = round(server.cpu_s() - cpu, 1)  # of 2 × seconds on this machine
    return result


def run(users: int = 50, seconds: float = 60, abusers: int = 8, workdir: Path | None = None) -> dict:
    workdir = Path(workdir or tempfile.mkdtemp(prefix="govqa-hostile-"))
    with serving(workdir / "index", workdir, staff_password=PASSWORD) as server:
        with client("127.0.1.254") as warm:
            ask(warm, server.url)  # model and index loaded
        quiet = phase(server, users, seconds, 0)
        attacked = phase(server, users, seconds, abusers)
        attacked["server_rss_mb"] = round(server.rss_mb())
        tracebacks = server.log_text().count("Traceback")
    return {"users": users, "seconds": seconds, "abusers": abusers, "without_abusers": quiet,
            "with_abusers": attacked, "tracebacks_in_log": tracebacks,
            "load_average_1min": round(os.getloadavg()[0], 1)}  # the machine is shared: context for the figures


def main() -> None:
    parser = argparse.ArgumentParser(description="residents' latency with and without abusive clients")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--abusers", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.users, args.seconds, args.abusers), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
