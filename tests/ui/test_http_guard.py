"""The HTTP guard in front of Gradio, as ASGI against a stub app: refusals happen before any handler runs."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from assistant.ratelimit import Lockout, RateLimiter
from ui.call_results import UnreadResults
from ui.clients import ClientAddresses
from ui.http_guard import HttpGuard, RequestLimits, UploadPolicy
from ui.offenders import RepeatOffenders
from ui.uploads import discard_upload, sweep


class StubApp:
    """Reads the whole body, answers a /call POST with an event id."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.bodies: list[int] = []

    async def __call__(self, scope, receive, send) -> None:
        self.calls.append(scope["path"])
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.bodies.append(-1)
                return
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        self.bodies.append(size)
        body = json.dumps({"event_id": f"e{len(self.calls)}"}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


def request(guard, path: str, method: str = "POST", body: bytes = b"", host: str = "198.51.100.1",
            headers: dict | None = None, chunks: int = 1, length: bool = True) -> tuple[int, dict]:
    raw_headers = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    if length:
        raw_headers.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "path": path, "method": method, "client": (host, 5000), "headers": raw_headers}
    parts = [body[i::chunks] for i in range(chunks)] if chunks > 1 else [body]
    messages = [{"type": "http.request", "body": part, "more_body": i < len(parts) - 1} for i, part in enumerate(parts)]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(guard(scope, receive, send))
    status = next((m["status"] for m in sent if m["type"] == "http.response.start"), 0)
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(payload) if payload else {}


def make(per_minute: int = 600, may_upload=None, max_unread: int = 2, asks: RateLimiter | None = None,
         lockout: Lockout | None = None, offenders: RepeatOffenders | None = None) -> tuple[HttpGuard, StubApp, list[str]]:
    app, dropped = StubApp(), []
    uploads = UploadPolicy(may_upload, max_file_bytes=1000, files=RateLimiter(2, burst=2), bytes=RateLimiter(1, burst=70_000))
    limits = RequestLimits(requests=RateLimiter(per_minute, burst=per_minute // 4 or 1), pages=RateLimiter(8, burst=2),
                           events=RateLimiter(per_minute, burst=per_minute // 4 or 1), asks=asks, lockout=lockout)
    guard = HttpGuard(app, clients=ClientAddresses(), limits=limits, max_body_bytes=100, uploads=uploads,
                      results=UnreadResults(max_unread, 60, dropped.append), offenders=offenders)
    return guard, app, dropped


def test_monitoring_is_not_served() -> None:
    guard, app, _ = make()
    for path in ("/monitoring", "/monitoring/summary", "/gradio_api/monitoring/abc"):
        assert request(guard, path, "GET")[0] == 404
    assert app.calls == []


def test_uploads_need_a_staff_cookie_from_its_own_address_and_fit_the_quota() -> None:
    guard, app, _ = make()  # no staff password: nobody uploads
    assert request(guard, "/gradio_api/upload", body=b"x" * 10)[0] == 403
    allowed = {("good", "198.51.100.1")}
    guard, app, _ = make(may_upload=lambda cookie, client: (cookie, client) in allowed)
    assert request(guard, "/gradio_api/upload", body=b"x" * 10)[0] == 403  # no cookie
    assert request(guard, "/gradio_api/upload", body=b"x" * 10, headers={"cookie": "govqa_staff=good"},
                   host="198.51.100.9")[0] == 403  # the cookie from another address
    ok = {"cookie": "govqa_staff=good; other=1"}
    assert request(guard, "/gradio_api/upload", body=b"x" * 10, headers=ok)[0] == 200
    assert request(guard, "/gradio_api/upload", body=b"x" * 10, headers=ok, length=False)[0] == 411
    assert request(guard, "/gradio_api/upload", body=b"x" * 100_000, headers=ok)[0] == 413
    assert request(guard, "/gradio_api/upload", body=b"x" * 10, headers=ok)[0] == 200
    assert request(guard, "/gradio_api/upload", body=b"x" * 10, headers=ok)[0] == 429  # 2 files an hour here
    assert app.calls == ["/gradio_api/upload"] * 2


def test_bodies_are_capped_with_or_without_a_length() -> None:
    guard, app, _ = make()
    assert request(guard, "/gradio_api/queue/join", body=b"x" * 101)[0] == 413
    assert app.calls == []
    request(guard, "/gradio_api/queue/join", body=b"x" * 300, chunks=3, length=False)
    assert app.bodies == [-1]  # the app saw a disconnect once the body passed the cap


def test_posts_are_rate_limited_per_client_address() -> None:
    guard, app, _ = make(per_minute=8)  # burst 2
    assert [request(guard, "/gradio_api/queue/join")[0] for _ in range(3)] == [200, 200, 429]
    assert request(guard, "/gradio_api/queue/join", host="198.51.100.2")[0] == 200
    assert request(guard, "/config", "GET")[0] == 429  # page files count too…
    assert request(guard, "/gradio_api/queue/data", "GET")[0] == 200  # …result streams do not


def test_repeat_offenders_are_counted_per_client_within_a_window() -> None:
    now = [0.0]
    offenders = RepeatOffenders(after_refusals=3, window_s=60, delay_s=5, clock=lambda: now[0])
    assert [offenders.refused("a") for _ in range(5)] == [0, 0, 0, 5, 5]
    assert offenders.refused("b") == 0  # another client is not slowed
    now[0] = 61.0  # a new window: a client that stopped is forgiven
    assert offenders.refused("a") == 0
    assert RepeatOffenders(0, 60, 5).refused("a") == 0  # 0 = never slowed


def test_a_repeat_offenders_refusals_are_sent_late_and_others_are_not() -> None:
    offenders = RepeatOffenders(after_refusals=2, window_s=60, delay_s=0.2)
    guard, app, _ = make(per_minute=4, offenders=offenders)  # burst 1

    def timed(host: str) -> tuple[int, float]:
        started = time.perf_counter()
        return request(guard, "/gradio_api/queue/join", host=host)[0], time.perf_counter() - started

    results = [timed("198.51.100.1") for _ in range(5)]
    assert [status for status, _ in results] == [200, 429, 429, 429, 429]
    assert max(seconds for _, seconds in results[:3]) < 0.1 and min(seconds for _, seconds in results[3:]) >= 0.2
    status, seconds = timed("198.51.100.2")
    assert status == 200 and seconds < 0.1  # another client's allowed work is never delayed


def test_page_loads_have_their_own_lower_limit() -> None:
    guard, app, _ = make()
    assert [request(guard, "/config", "GET")[0] for _ in range(3)] == [200, 200, 429]
    assert request(guard, "/assets/index.js", "GET")[0] == 200  # the page's files are not page loads


def test_asks_over_the_limit_and_locked_out_password_calls_are_refused_before_gradio() -> None:
    asks = RateLimiter(per_minute=60, burst=1, clock=lambda: 0.0)
    lockout = Lockout(per_key=1, overall=100, window_s=900)
    guard, app, _ = make(asks=asks, lockout=lockout)
    assert request(guard, "/gradio_api/call/ask")[0] == 200  # peeked, not taken: the handler takes it
    asks.check("198.51.100.1")
    status, body = request(guard, "/gradio_api/call/ask")
    assert status == 429 and "提问太频繁" in body["error"]
    lockout.failed("198.51.100.1")
    status, body = request(guard, "/gradio_api/call/delete_report")
    assert status == 429 and "已暂时锁定" in body["error"]
    assert app.calls == ["/gradio_api/call/ask"]


def test_unread_call_results_are_capped_per_client_and_reading_frees_them() -> None:
    guard, app, _ = make(max_unread=2)
    assert request(guard, "/gradio_api/call/ask")[1] == {"event_id": "e1"}
    request(guard, "/gradio_api/call/ask")
    status, body = request(guard, "/gradio_api/call/ask")
    assert status == 429 and body == {"error": "too many unread results"}
    assert request(guard, "/gradio_api/call/ask", host="198.51.100.2")[0] == 200  # other clients unaffected
    request(guard, "/gradio_api/call/ask/e1", "GET")  # reading one result frees a place
    assert request(guard, "/gradio_api/call/ask")[0] == 200


def test_call_results_are_dropped_after_their_ttl_read_or_not() -> None:
    now = [0.0]
    dropped: list[str] = []
    results = UnreadResults(per_client=5, ttl_s=60, drop=dropped.append, clock=lambda: now[0])
    results.posted("read", "a")
    results.posted("unread", "a")
    results.read("read")
    now[0] = 30
    results.posted("young", "a")
    now[0] = 61
    assert results.expire() == (2, 1) and dropped == ["read", "unread"]
    assert not results.full("a")


def test_uploads_are_swept_after_their_ttl(tmp_path) -> None:
    old, young = tmp_path / "a" / "old.txt", tmp_path / "b" / "young.txt"
    for path in (old, young):
        path.parent.mkdir()
        path.write_text("x")
    known = {str(old), str(young), str(tmp_path / "gone.txt")}
    import os
    os.utime(old, (0, 0))
    assert sweep(known, older_than_s=3600) == 1
    assert known == {str(young)} and not old.exists() and not old.parent.exists() and young.exists()
    discard_upload(young, known)
    assert known == set() and not young.parent.exists()
