import pytest

from assistant.errors import RateLimited
from assistant.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_per_session():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=2, clock=clock)  # one token every 10 s
    limiter.check("a")
    limiter.check("a")
    with pytest.raises(RateLimited, match="秒后再试"):
        limiter.check("a")
    limiter.check("b")  # another session has its own bucket
    clock.now = 10.0
    limiter.check("a")
    with pytest.raises(RateLimited):
        limiter.check("a")


def test_zero_means_no_limit():
    limiter = RateLimiter(per_minute=0)
    for _ in range(1000):
        limiter.check("a")
