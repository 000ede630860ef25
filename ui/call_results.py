"""Results of Gradio's two-step API (`POST /gradio_api/call/<api>`, then `GET …/<event_id>` to read):
each client may leave only a few unread, and every call's result and session are dropped once its
TTL has passed, read or not (a read one has long been streamed by then).

Without this every POST left its result and a session state (a copy of the app's config values,
~40 KB) in the server until Gradio's LRU caps (2,000 result queues, 10,000 sessions) evicted them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class UnreadResults:
    def __init__(self, per_client: int, ttl_s: float, drop: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_client, self.ttl_s, self.drop, self.clock = per_client, ttl_s, drop, clock
        self._calls: OrderedDict[str, tuple[str, float]] = OrderedDict()  # event id → (client, posted), oldest first
        self._unread: dict[str, str] = {}  # event id → client, while nobody has asked for the result
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def full(self, client: str) -> bool:
        with self._lock:
            return self._counts.get(client, 0) >= self.per_client

    def posted(self, event_id: str, client: str) -> None:
        with self._lock:
            self._calls[event_id] = (client, self.clock())
            self._unread[event_id] = client
            self._counts[client] = self._counts.get(client, 0) + 1

    def read(self, event_id: str) -> None:
        """The result is being streamed to its reader: it no longer counts against the client."""
        with self._lock:
            self._mark_read(event_id)

    def expire(self) -> tuple[int, int]:
        """Drop every call older than the TTL; (how many, how many of them were never read)."""
        now, expired, unread = self.clock(), [], 0
        with self._lock:
            while self._calls and next(iter(self._calls.values()))[1] <= now - self.ttl_s:
                event_id, _ = self._calls.popitem(last=False)
                unread += event_id in self._unread
                self._mark_read(event_id)
                expired.append(event_id)
        for event_id in expired:
            self.drop(event_id)
        return len(expired), unread

    def _mark_read(self, event_id: str) -> None:
        client = self._unread.pop(event_id, "")
        if client:
            self._counts[client] -= 1
            if not self._counts[client]:
                del self._counts[client]

    def keep_expiring(self) -> threading.Event:
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(max(self.ttl_s / 4, 0.5)):
                expired, unread = self.expire()
                if unread:
                    log.info("dropped %d API results (%d never read) after %.0f s", expired, unread, self.ttl_s)

        threading.Thread(target=loop, name="govqa-unread-results", daemon=True).start()
        return stop


def gradio_dropper(blocks: Any) -> Callable[[str], None]:
    """Forget an event's pending messages and, for a call without a session of its own (Gradio then uses
    the event id as its session), that session's state. Gradio's internals: checked by the tests."""

    def drop(event_id: str) -> None:
        queue = blocks._queue
        session = next((s for s, ids in list(queue.pending_event_ids_session.items()) if event_id in ids), event_id)
        if session != event_id:  # a caller's own session: only its finished event goes
            queue.pending_event_ids_session.get(session, set()).discard(event_id)
            return
        queue.pending_event_ids_session.pop(session, None)
        queue.pending_messages_per_session.pop(session, None)
        holder = blocks.state_holder
        with holder.lock:
            holder.session_data.pop(session, None)
            holder.time_last_used.pop(session, None)

    return drop
