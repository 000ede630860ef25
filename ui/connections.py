"""Connection limits below HTTP, where ASGI cannot see: uvicorn's httptools protocol with deadlines.

- A request's line and headers must arrive within `header_timeout_s` of its first byte (or of the
  connection opening); its body within 10 s plus its length at `min_body_bytes_per_s`. Otherwise
  the connection is closed: a client that trickles bytes holds a socket for seconds, not forever.
- A peer address may hold `per_client` connections and all peers `total`; past that a new
  connection is closed at once. The peer is the TCP peer: behind a reverse proxy, the proxy's own
  limits (docs/reliability.md) do this per real client.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)

BODY_GRACE_S = 10.0  # every body may take this long, whatever its length


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_s: float
    min_body_bytes_per_s: int
    per_client: int
    total: int


class OpenConnections:
    """Open connections per peer address, shared by every protocol instance of one server."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self._per_peer: dict[str, int] = {}
        self._total = 0
        self._lock = threading.Lock()
        self.refused = 0

    def admit(self, peer: str) -> bool:
        with self._lock:
            if self._total >= self.limits.total or self._per_peer.get(peer, 0) >= self.limits.per_client:
                self.refused += 1
                return False
            self._per_peer[peer] = self._per_peer.get(peer, 0) + 1
            self._total += 1
            return True

    def release(self, peer: str) -> None:
        with self._lock:
            left = self._per_peer.get(peer, 0) - 1
            if left > 0:
                self._per_peer[peer] = left
            else:
                self._per_peer.pop(peer, None)
            self._total -= 1

    def count(self, peer: str | None = None) -> int:
        with self._lock:
            return self._total if peer is None else self._per_peer.get(peer, 0)


class GuardedHttpProtocol(HttpToolsProtocol):
    """Built by uvicorn for each connection: `http=functools.partial(GuardedHttpProtocol, connections=…)`."""

    def __init__(self, *args: Any, connections: OpenConnections, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_connections = connections
        self.peer: str | None = None
        self.deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = self.client[0] if self.client else "unknown"
        if not self.open_connections.admit(peer):
            if self.open_connections.refused % 1000 == 1:  # one line per thousand, not one per connection
                log.warning("refusing connections from %s: over the connection limit (%d refused so far)",
                            peer, self.open_connections.refused)
            transport.abort()
            return
        self.peer = peer
        self._arm(self.open_connections.limits.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.peer is not None:
            self.open_connections.release(self.peer)
            self.peer = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.deadline is None:  # a new request on a kept-alive connection
            self._arm(self.open_connections.limits.header_timeout_s)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
        if self._expects_body():
            length = int(dict(self.headers).get(b"content-length", b"0") or 0)
            limits = self.open_connections.limits
            self._arm(BODY_GRACE_S + length / max(limits.min_body_bytes_per_s, 1))

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _expects_body(self) -> bool:
        headers = dict(self.headers)
        return headers.get(b"content-length", b"0") not in (b"0", b"") or b"transfer-encoding" in headers

    def _arm(self, after_s: float) -> None:
        self._disarm()
        self.deadline = self.loop.call_later(after_s, self._too_slow)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _too_slow(self) -> None:
        self.deadline = None
        if not self.transport.is_closing():
            log.debug("closed a connection from %s: its request did not arrive in time", self.peer)
            self.transport.close()
