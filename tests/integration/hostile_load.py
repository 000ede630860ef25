"""Residents asking while abusive clients attack: the chat must stay as fast as without them.

Starts `govqa serve` (this tree, production limits, a staff password), then runs the residents for
2 × `seconds` while the abusers attack in every other window (`rounds` windows of each kind): the
machine is shared, and interleaving gives both conditions the same background. Every resident and
every abuser is its own loopback address (127.0.1.x, 127.0.3.x), as they would be on the internet, so
the per-address limits apply to each as in production. A resident asks through the raw API in its own session (as a
browser tab), reads the answer, and thinks 4–6 s; an abuser repeats its attack at up to ABUSER_RATE a second. Every loop is
bounded in count and time. Prints and returns the figures of both conditions.

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
from collections.abc import Sequence
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
    """Rows of (wall-clock start, latency ms, error or None)."""
    with client(f"127.0.1.{index + 1}") as http:
        for i in range(MAX_ASKS_PER_USER):
            if time.time() >= until:
                return
            wall, started = time.time(), time.perf_counter()
            try:
                # One session per resident, as a browser tab keeps; abusers take a new one each call.
                event, payload = ask(http, url, QUESTIONS[(index + i) % len(QUESTIONS)], session=f"resident-{index}")
                error = None if event == "complete" and payload[0].get("answered") is not None else f"{event}: {payload}"
            except Exception as exc:  # an error of the run, not a crash of it
                error = f"{type(exc).__name__}: {exc}"
            out.append((wall, (time.perf_counter() - started) * 1000, error))
            time.sleep(min(random.uniform(*THINK_S), max(until - time.time(), 0)))


def _residents(job: tuple[str, list[int], float]) -> list:
    url, indexes, until = job
    out: list = []
    threads = [threading.Thread(target=resident, args=(url, i, until, out)) for i in indexes]
    for thread in threads:
        thread.start()
        time.sleep(THINK_S[1] / len(threads))  # residents arrive spread over a think time, not all at once
    for thread in threads:
        thread.join(timeout=until - time.time() + 60)
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

    def close(self) -> None:
        for s in self.open:
            s.close()
        self.open = []

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


def abuser(url: str, port: int, name: str, index: int, windows: list[tuple[float, float]]) -> Counter:
    """One attack, repeated during each (start, end) window (wall clock) and idle between them."""
    attack = ATTACKS[name]() if name in _FACTORIES else ATTACKS[name]
    address, outcomes, attempts = f"127.0.3.{index + 1}", Counter(), 0
    with client(address, timeout=10) as http:
        for start, end in windows:
            time.sleep(max(0.0, start - time.time()))
            while time.time() < end and attempts < MAX_ATTEMPTS_PER_ABUSER:
                attempts += 1
                began = time.monotonic()
                try:
                    outcomes[attack(url, http, port, address)] += 1
                except Exception as exc:
                    outcomes[type(exc).__name__] += 1
                time.sleep(max(0.0, 1 / ABUSER_RATE - (time.monotonic() - began)))
            if isinstance(attack, _Sockets):
                attack.close()  # the window is over: nothing of this attack lingers into a quiet one
    return outcomes


def _abusers(job: tuple[str, int, int | Sequence[str], list[tuple[float, float]]]) -> dict:
    """count: how many of ATTACKS (the first ones), or which."""
    url, port, count, windows = job
    # Abusers stand for machines elsewhere: here they share the server's two cores, so they run at the
    # lowest priority and their own CPU (a third of a core) is not counted as the server's slowness.
    os.nice(19)
    names = list(ATTACKS)[:count] if isinstance(count, int) else list(count)
    results: dict[str, Counter] = {}

    def attack(i: int, name: str) -> None:
        results[name] = abuser(url, port, name, i, windows)

    threads = [threading.Thread(target=attack, args=(i, name)) for i, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=windows[-1][1] - time.time() + 60)
    outcomes = {name: dict(c.most_common(4)) for name, c in results.items()}
    return {"outcomes": outcomes, "generator_cpu_s": round(time.process_time(), 1)}


def summary(rows: list, seconds: float) -> dict:
    ms = np.array([latency for latency, error in rows if error is None] or [0.0])
    errors = [error for _, error in rows if error is not None]
    return {"requests": len(rows), "errors": len(errors), "throughput_rps": round(len(rows) / seconds, 1),
            "p50_ms": round(float(np.percentile(ms, 50))), "p95_ms": round(float(np.percentile(ms, 95))),
            "p99_ms": round(float(np.percentile(ms, 99))), "first_errors": errors[:3]}


def run(users: int = 50, seconds: float = 60, abusers: int = 8, rounds: int = 3, workdir: Path | None = None,
        attacks: Sequence[str] = ()) -> dict:
    """Residents for 2 × `seconds`; abusers during every other of 2 × `rounds` windows (the 2nd, 4th, …).
    attacks: only these (one abuser each) instead of the first `abusers` of ATTACKS: what each costs."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="govqa-hostile-"))
    with serving(workdir / "index", workdir, staff_password=PASSWORD) as server:
        with client("127.0.1.254") as warm:
            ask(warm, server.url)  # model and index loaded
        width = seconds / rounds
        start = time.time() + THINK_S[1]  # once every resident has arrived
        windows = [(start + k * width, start + (k + 1) * width) for k in range(2 * rounds)]
        attacked_windows = windows[1::2]
        groups = [list(range(i, min(i + USERS_PER_PROCESS, users))) for i in range(0, users, USERS_PER_PROCESS)]
        cpu = {False: 0.0, True: 0.0}
        with ProcessPoolExecutor(len(groups) + 1) as pool:
            which = list(attacks) or abusers
            attacking = pool.submit(_abusers, (server.url, server.port, which, attacked_windows)) if which else None
            parts = [pool.submit(_residents, (server.url, g, windows[-1][1])) for g in groups]
            for k, (_, end) in enumerate(windows):  # the server's CPU, window by window
                before = server.cpu_s()
                time.sleep(max(0.0, end - time.time()))
                cpu[k % 2 == 1] += server.cpu_s() - before
            rows = [row for part in parts for row in part.result()]
            outcomes = attacking.result() if attacking is not None else {}
        rss, tracebacks = round(server.rss_mb()), server.log_text().count("Traceback")

    def under_attack(wall: float) -> bool | None:
        return next((k % 2 == 1 for k, (a, b) in enumerate(windows) if a <= wall < b), None)

    conditions = {flag: [(ms, err) for wall, ms, err in rows if under_attack(wall) is flag] for flag in (False, True)}
    quiet, attacked = (summary(conditions[flag], seconds) | {"server_cpu_s": round(cpu[flag], 1)}
                       for flag in (False, True))
    attacked |= {"abusers": outcomes, "server_rss_mb": rss}
    return {"users": users, "seconds": seconds, "abusers": abusers, "rounds": rounds, "without_abusers": quiet,
            "with_abusers": attacked, "tracebacks_in_log": tracebacks,
            "load_average_1min": round(os.getloadavg()[0], 1)}  # the machine is shared: context for the figures


def main() -> None:
    parser = argparse.ArgumentParser(description="residents' latency with and without abusive clients")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--abusers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="windows of each condition, interleaved")
    parser.add_argument("--attacks", nargs="+", choices=list(ATTACKS), default=(), help="only these (one abuser each)")
    args = parser.parse_args()
    result = run(args.users, args.seconds, args.abusers, args.rounds, attacks=args.attacks)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
