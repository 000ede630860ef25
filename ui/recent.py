"""A small bounded cache of the most recently used results, shared by every page the server draws."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Recent(Generic[T]):
    """At most `size` results, the least recently used dropped first; safe across Gradio's threads.

    Results are made one at a time: visitors opening the same view together wait for one making of it
    (on 2 cores, making two at once is no faster) and then share it.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._results: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()  # the dict
        self._making = threading.Lock()  # one result made at a time

    def get(self, key: Hashable, make: Callable[[], T], valid: Callable[[T], bool] = lambda _: True) -> T:
        """The result for key, made (and kept) when none is kept or the kept one is no longer valid."""
        if (found := self._kept(key, valid)) is not None:
            return found
        with self._making:
            if (found := self._kept(key, valid)) is not None:
                return found
            result = make()
            with self._lock:
                self._results[key] = result
                while len(self._results) > self.size:
                    self._results.popitem(last=False)
            return result

    def __len__(self) -> int:
        return len(self._results)

    def _kept(self, key: Hashable, valid: Callable[[T], bool]) -> T | None:
        with self._lock:
            found = self._results.get(key)
            if found is None:
                return None
            if not valid(found):
                del self._results[key]
                return None
            self._results.move_to_end(key)
            return found
