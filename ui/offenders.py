"""Clients that keep being refused: their refusals are answered slowly.

A refusal costs the server about a millisecond of CPU (parsing, the guard, the response); an abuser
looping at 20 a second costs it more than its allowed work does. A client refused `after_refusals`
times within `window_s` gets each further refusal after `delay_s`: a client that waits for its
answers (as scripts do) slows to a few attempts per connection it may hold, and waiting costs the
server nothing. A person who meets a limit is refused a few times, never this often.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_MAX_KEYS = 10_000  # clients tracked; the oldest windows go first, so memory stays bounded under abuse


class RepeatOffenders:
    def __init__(self, after_refusals: int, window_s: float, delay_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.after_refusals, self.window_s, self.delay_s, self.clock = after_refusals, window_s, delay_s, clock
        self._windows: dict[str, tuple[float, int]] = {}  # client → (window start, refusals in it)
        self._lock = threading.Lock()

    def refused(self, client: str) -> float:
        """Count one refusal of `client`; the seconds to wait before sending it (0 until it is a repeat offender)."""
        if self.after_refusals <= 0:
            return 0.0  # 0 = never slowed
        with self._lock:
            now = self.clock()
            start, count = self._windows.get(client, (now, 0))
            if now - start >= self.window_s:
                start, count = now, 0
            if client not in self._windows and len(self._windows) >= _MAX_KEYS:
                self._windows.pop(min(self._windows, key=lambda k: self._windows[k][0]))
            self._windows[client] = (start, count + 1)
        return self.delay_s if count + 1 > self.after_refusals else 0.0
