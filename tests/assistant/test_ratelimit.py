import pytest

from assistant.errors import LockedOut, RateLimited
from assistant.ratelimit import Lockout, RateLimiter


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


def test_a_cost_takes_that_many_tokens():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=100, clock=clock, message="配额用完，请 {wait} 秒后再试。")
    limiter.check("a", cost=80)
    with pytest.raises(RateLimited, match="配额用完，请 61 秒后再试"):
        limiter.check("a", cost=80)  # 20 left, one a second: 60 s for the 60 missing (+1)


def test_lockout_per_key_then_over_all_keys_and_a_success_clears_the_key():
    clock = Clock()
    lockout = Lockout(per_key=2, overall=4, window_s=100, clock=clock)
    lockout.failed("a")
    lockout.succeeded("a")  # the right password: a's failures are forgotten
    lockout.failed("a")
    lockout.check("a")
    lockout.failed("a")
    with pytest.raises(LockedOut, match="分钟后再试"):
        lockout.check("a")
    lockout.check("b")  # 3 failures in all (a success forgets a's, not the total), none of them b's
    lockout.failed("b")
    with pytest.raises(LockedOut):
        lockout.check("c")  # 4 in all: everyone is locked
    clock.now = 101
    lockout.check("a")
    lockout.check("c")
