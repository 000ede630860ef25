"""Limits on how often one client may do something: a token bucket per key, and a lockout after
repeated failures (per key and over all keys). Keys are client addresses (ui/clients.py)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from assistant.errors import LockedOut, RateLimited

_MAX_KEYS = 10_000  # buckets kept; the idle ones go first, so memory stays bounded under abuse


class RateLimiter:
    def __init__(self, per_minute: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic,
                 message: str = "提问太频繁，请 {wait} 秒后再试。") -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(per_minute // 4, 1))
        self.clock = clock
        self.message = message
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill time)
        self._lock = threading.Lock()

    def check(self, key: str, cost: float = 1.0) -> None:
        """Take `cost` from the key's bucket, or raise RateLimited with the wait in seconds."""
        self._take(key, cost)

    def peek(self, key: str) -> None:
        """Raise RateLimited as `check` would for one more, taking nothing: lets the HTTP layer refuse a
        request cheaply that the handler, which takes the token, would refuse anyway."""
        self._take(key, 1.0, take=False)

    def _take(self, key: str, cost: float, take: bool = True) -> None:
        if self.rate <= 0:
            return  # 0 per minute = no limit
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                raise RateLimited(self.message.format(wait=int((min(cost, self.capacity) - tokens) / self.rate) + 1))
            self._buckets[key] = (tokens - cost if take else tokens, now)
            if len(self._buckets) > _MAX_KEYS:
                oldest = min(self._buckets, key=lambda k: self._buckets[k][1])
                del self._buckets[oldest]


class Lockout:
    """Failures within `window_s`: a key with `per_key` of them, or all keys with `overall` together,
    is refused until the window has passed its oldest failure. A success clears the key's failures."""

    def __init__(self, per_key: int, overall: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_key, self.overall, self.window_s, self.clock = per_key, overall, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Raise LockedOut when the key, or everyone, has failed too often lately."""
        with self._lock:
            now = self.clock()
            mine = self._recent(self._failures.get(key, deque()), now)
            if len(mine) >= self.per_key:
                raise LockedOut(_locked(mine[0] + self.window_s - now))
            if len(self._recent(self._all, now)) >= self.overall:
                raise LockedOut(_locked(self._all[0] + self.window_s - now))

    def failed(self, key: str) -> int:
        """Count a failure; returns the key's recent failures."""
        with self._lock:
            now = self.clock()
            mine = self._recent(self._failures.setdefault(key, deque()), now)
            mine.append(now)
            self._all.append(now)
            if len(self._failures) > _MAX_KEYS:
                self._failures.pop(next(iter(self._failures)))
            return len(mine)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times


def _locked(wait_s: float) -> str:
    return f"密码错误次数过多，已暂时锁定，请 {max(int(wait_s / 60) + 1, 1)} 分钟后再试。"
