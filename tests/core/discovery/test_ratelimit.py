"""The limiter on a simulated service: a sliding one-second window of ``quota`` requests,
as the sandbox's throttle and Identity Center's quotas behave, on a fake clock."""

from __future__ import annotations

from collections import deque

from switcher.core.discovery.ratelimit import AdaptiveLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _simulate(quota: int, seconds: float, **kwargs) -> tuple[int, int, AdaptiveLimiter]:
    clock = Clock()
    limiter = AdaptiveLimiter(clock=clock, sleep=clock.sleep, **kwargs)
    window: deque[float] = deque()
    ok = throttled = 0
    while clock.now < seconds:
        sent = limiter.acquire()
        while window and window[0] <= sent - 1.0:
            window.popleft()
        if len(window) >= quota:
            throttled += 1
            limiter.throttled(sent)
        else:
            window.append(sent)
            ok += 1
            limiter.succeeded(sent)
    return ok, throttled, limiter


def test_it_finds_the_quota_and_stays_close_to_it():
    ok, throttled, limiter = _simulate(20, 120)
    assert ok / 120 >= 0.9 * 20  # within 10% of the quota on average, ramp-up included
    assert throttled / (ok + throttled) < 0.05
    assert 0.7 * 20 <= limiter.rate <= 1.3 * 20


def test_unthrottled_it_ramps_up_quickly():
    _ok, throttled, limiter = _simulate(10_000, 5)
    assert throttled == 0 and limiter.rate > 100


def test_a_ceiling_is_never_passed():
    ok, throttled, limiter = _simulate(100, 30, ceiling=7)
    assert throttled == 0 and limiter.rate == 7 and ok <= 7 * 30 + 2


def test_throttles_of_one_congestion_cut_once():
    clock = Clock()
    limiter = AdaptiveLimiter(initial=20, clock=clock, sleep=clock.sleep)
    sent = [limiter.acquire() for _ in range(5)]
    for at in sent:
        limiter.throttled(at)
    assert limiter.rate == 20 * limiter.decrease


def test_a_learned_rate_starts_below_it_without_slow_start():
    limiter = AdaptiveLimiter(learned=20)
    assert limiter.rate == 20 * limiter.decrease and not limiter.slow_start
    ok, throttled, _ = _simulate(20, 10, learned=20)
    assert throttled <= 3
