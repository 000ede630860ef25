"""Per-session rate limit for the public chat: a token bucket per session key."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from assistant.errors import RateLimited

_MAX_SESSIONS = 10_000  # buckets kept; the idle ones go first, so memory stays bounded under abuse


class RateLimiter:
    def __init__(self, per_minute: int, burst: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(per_minute // 4, 1))
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill time)
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Take one request from the key's bucket, or raise RateLimited with the wait in seconds."""
        if self.rate <= 0:
            return  # 0 per minute = no limit
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                raise RateLimited(f"提问太频繁，请 {int((1 - tokens) / self.rate) + 1} 秒后再试。")
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > _MAX_SESSIONS:
                oldest = min(self._buckets, key=lambda k: self._buckets[k][1])
                del self._buckets[oldest]
