"""The HTTP layer in front of Gradio (pure ASGI): what is refused before any handler runs.

- `/monitoring…`: not served (Gradio's dashboard shows every endpoint's call counts).
- Every request but a result stream: a per-client rate (429); the page and its config, which Gradio
  builds anew each time (160 KB, ~50 ms of CPU), a much lower one; Gradio events (each costs a queue
  slot and a session state) one in between. Every POST: a body cap (413), counted as the body streams in.
- `POST /gradio_api/call/ask` while the client's ask limit is used up, and `…/call/delete_report`
  while it is locked out: refused here (429, with the handler's message), not after Gradio's queue.
- `POST /gradio_api/upload`: only with a live staff session's cookie from its own address (403),
  never when no staff password is set, within a per-client quota of files and bytes per hour.
- `POST /gradio_api/call/<api>`: refused (429) while the client has too many results unread; the
  call is remembered (ui/call_results.py) and `GET …/<event_id>` marks it read.

Refusals are a short generic body, and one log line per client and reason a minute (with how many
were refused meanwhile): a flood of refusals is not a flood of log lines. A client refused again and
again gets its refusals late (ui/offenders.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from assistant.errors import LockedOut, RateLimited
from assistant.ratelimit import Lockout, RateLimiter
from ui.call_results import UnreadResults
from ui.clients import ClientAddresses
from ui.offenders import RepeatOffenders

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

UPLOAD_PATH = "/gradio_api/upload"
_MONITORING = re.compile(r"^(/gradio_api)?/monitoring(/|$)")
_CALL_POST = re.compile(r"^/gradio_api/call/[^/]+/?$")
_CALL_GET = re.compile(r"^/gradio_api/call/(v2/)?[^/]+/(?P<event>[^/]+)$")
_STREAMS = re.compile(r"^/gradio_api/(queue/data|heartbeat/)")  # long-lived result streams: not counted
_PAGES = re.compile(r"^/(config/?|gradio_api/info/?)?$")  # built per request: cheap to ask for, dear to answer
_EVENTS = re.compile(r"^/gradio_api/(queue/join|call/|run/)")
MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and headers around an uploaded file
LOG_EVERY_S = 60.0  # one line per client and reason this often, however many refusals


class RefusalLog:
    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._last: dict[tuple[str, str], tuple[float, int]] = {}  # (client, reason) → (logged at, refused since)
        self._lock = threading.Lock()

    def note(self, client: str, reason: str, what: str) -> None:
        with self._lock:
            now = self.clock()
            logged, since = self._last.get((client, reason), (-LOG_EVERY_S, 0))
            if now - logged < LOG_EVERY_S:
                self._last[(client, reason)] = (logged, since + 1)
                return
            if len(self._last) > 10_000:
                self._last.clear()
            self._last[(client, reason)] = (now, 0)
        log.warning("refused %s from %s: %s%s", what, client, reason, f" ({since} more since the last line)" if since else "")


@dataclass(frozen=True)
class RequestLimits:
    """Per-client rates: every request, page loads, Gradio events; and the handlers' own ask limit and
    password lockout, peeked at (never taken) to refuse early."""

    requests: RateLimiter
    pages: RateLimiter
    events: RateLimiter
    asks: RateLimiter | None = None
    lockout: Lockout | None = None


@dataclass(frozen=True)
class UploadPolicy:
    """Who may upload and how much: `may_upload(cookie, client)` is the staff gate's; None = nobody."""

    may_upload: Callable[[str, str], bool] | None
    max_file_bytes: int
    files: RateLimiter  # per hour, as a rate
    bytes: RateLimiter
    cookie: str = "govqa_staff"


class HttpGuard:
    def __init__(self, app: Callable, *, clients: ClientAddresses, limits: RequestLimits, max_body_bytes: int,
                 uploads: UploadPolicy, results: UnreadResults, offenders: RepeatOffenders | None = None) -> None:
        self.app, self.clients, self.limits = app, clients, limits
        self.max_body_bytes, self.uploads, self.results = max_body_bytes, uploads, results
        self.offenders = offenders or RepeatOffenders(0, 60, 0)
        self.refusals = RefusalLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if _MONITORING.match(path):
            await _refuse(send, 404, "not found", _has_body(scope))
            return
        client = self.clients.of_scope(scope)
        read = _CALL_GET.match(path) if method == "GET" else None
        if not (read or _STREAMS.match(path)):
            try:
                self._count(method, path, client)
            except (RateLimited, LockedOut) as exc:
                await self._refuse(send, client, 429, str(exc), type(exc).__name__, f"{method} {path}", scope)
                return
        if read:
            self.results.read(read["event"])
        if method != "POST":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope, path, client)
        if refusal is not None:
            status, reason = refusal
            await self._refuse(send, client, status, reason, reason, f"{method} {path}", scope)
            return
        limit = self.uploads.max_file_bytes + MULTIPART_OVERHEAD if path == UPLOAD_PATH else self.max_body_bytes
        receive = _capped(receive, limit)
        if _CALL_POST.match(path):
            send = self._remembering_calls(send, client)
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send, client: str, status: int, message: str, reason: str, what: str,
                      scope: Scope) -> None:
        self.refusals.note(client, reason, what)
        if delay := self.offenders.refused(client):
            await asyncio.sleep(delay)
        await _refuse(send, status, message, _has_body(scope))

    def _count(self, method: str, path: str, client: str) -> None:
        limits = self.limits
        limits.requests.check(client)
        if method == "GET" and _PAGES.match(path):
            limits.pages.check(client)
        if method == "POST" and _EVENTS.match(path):
            limits.events.check(client)
            if limits.asks is not None and _CALL_POST.match(path) and path.rstrip("/").endswith("/ask"):
                limits.asks.peek(client)
            if limits.lockout is not None and path.rstrip("/").endswith("/call/delete_report"):
                limits.lockout.check(client)

    def _refusal(self, scope: Scope, path: str, client: str) -> tuple[int, str] | None:
        length = _content_length(scope)
        if path == UPLOAD_PATH:
            return self._upload_refusal(scope, client, length)
        if length is not None and length > self.max_body_bytes:
            return 413, "request too large"
        if _CALL_POST.match(path) and self.results.full(client):
            return 429, "too many unread results"
        return None

    def _upload_refusal(self, scope: Scope, client: str, length: int | None) -> tuple[int, str] | None:
        policy = self.uploads
        if policy.may_upload is None or not policy.may_upload(_cookie(scope, policy.cookie), client):
            return 403, "uploads need a staff login"
        if length is None:
            return 411, "length required"
        if length > policy.max_file_bytes + MULTIPART_OVERHEAD:
            return 413, "file too large"
        try:
            policy.files.check(client)
            policy.bytes.check(client, cost=length)
        except RateLimited:
            return 429, "upload quota used up"
        return None

    def _remembering_calls(self, send: Send, client: str) -> Send:
        """Reads the event id out of a successful call's small JSON reply."""
        status, body = [0], bytearray()

        async def remembering(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body" and status[0] == 200 and len(body) < 4096:
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    try:
                        event_id = json.loads(body)["event_id"]
                    except (ValueError, KeyError, TypeError):
                        event_id = None
                    if isinstance(event_id, str):
                        self.results.posted(event_id, client)
            await send(message)

        return remembering


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _cookie(scope: Scope, name: str) -> str:
    for header, value in scope.get("headers", ()):
        if header == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(name)
            if morsel is not None:
                return morsel.value
    return ""


def _capped(receive: Receive, limit: int) -> Receive:
    """The app sees a disconnect once the body passes `limit` (a chunked body has no length to check first)."""
    seen = [0]

    async def capped() -> MutableMapping[str, Any]:
        message = await receive()
        if message["type"] == "http.request":
            seen[0] += len(message.get("body", b""))
            if seen[0] > limit:
                log.warning("request body cut off past %d bytes", limit)
                return {"type": "http.disconnect"}
        return message

    return capped


def _has_body(scope: Scope) -> bool:
    return any(name == b"transfer-encoding" or (name == b"content-length" and value not in (b"0", b""))
               for name, value in scope.get("headers", ()))


async def _refuse(send: Send, status: int, reason: str, close: bool) -> None:
    """`close` when a body was sent but not read: the connection goes rather than uvicorn reading it to
    reuse it. A refusal without a body keeps the connection (a new one per refusal costs the server more)."""
    body = json.dumps({"error": reason}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status,
                "headers": headers + ([(b"connection", b"close")] if close else [])})
    await send({"type": "http.response.body", "body": body})
