"""A client-side rate limiter that finds the service's real quota, and the botocore hooks
that put every request of a client through it.

The limiter paces requests (one every 1/rate seconds, shared by every thread and every
client given the same limiter) and adapts the rate as TCP adapts its window: it doubles
every second until the first throttle (slow start), then grows by ``increase`` requests
per second each second while unthrottled and is cut to ``decrease`` × rate on a throttle
(additive increase, multiplicative decrease). A rate an earlier run learned (``learned``,
kept in the inventory) is where the next one starts, just below it. Throttles of requests sent before the last
cut are the same congestion and cut nothing more. ``ceiling`` caps the rate (a source's
``max_requests_per_second``).

botocore's own ``adaptive`` retry mode has the same idea (a token bucket with CUBIC), but
its bucket is per client, it starts unlimited (a pool of workers bursts into a wall of
429s first), it has no ceiling, and its retries spend the standard mode's retry quota,
which a long throttled run empties; bench/bench_discover.py compares the two. So
botocore's retries are switched off for these clients (``client_config``) and ``attach``
does both: ``before-send`` waits for the limiter (that wait is not network time: the
per-request deadline is paused), ``needs-retry`` feeds the answer back and retries
throttles until THROTTLE_ATTEMPTS, server errors and dropped connections a few times with
backoff. Nothing else is retried, so no request is repeated needlessly.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

THROTTLE_CODES = frozenset({
    "TooManyRequestsException", "ThrottlingException", "Throttling", "ThrottledException",
    "RequestThrottledException", "RequestLimitExceeded", "SlowDown",
})
THROTTLE_ATTEMPTS = 60  # a request throttled this often fails (its account is retried next run)
ERROR_ATTEMPTS = 4  # server errors and dropped connections
BACKOFF = 0.25  # seconds, doubled per attempt, with jitter
SENT_AT = "switcher_limiter_sent_at"


@dataclass
class Counters:
    """What a run sent: ``requests`` (every attempt that left), ``throttled`` (429s),
    ``retried`` (attempts after a server error), ``failed`` (requests given up on)."""

    requests: int = 0
    throttled: int = 0
    retried: int = 0
    failed: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)


class AdaptiveLimiter:
    """Requests per second, adapted to the throttles seen (see the module docstring)."""

    def __init__(self, ceiling: float | None = None, *, initial: float = 8.0,
                 learned: float | None = None,
                 floor: float = 0.5, increase: float = 1.0, decrease: float = 0.85,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep) -> None:
        self.ceiling = ceiling
        self.floor = floor
        self.increase = increase
        self.decrease = decrease
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        # a rate learned by an earlier run starts just below it, without the slow start's
        # overshoot into the quota
        start = learned * self.decrease if learned else initial
        self.rate = self._cap(start)
        self._next = clock()
        self._last_cut = float("-inf")
        self.slow_start = not learned

    def _cap(self, rate: float) -> float:
        return max(self.floor, min(rate, self.ceiling) if self.ceiling else rate)

    def acquire(self) -> float:
        """Wait for this request's turn; returns the time it was sent at (for feedback)."""
        with self._lock:
            now = self._clock()
            slot = max(self._next, now)
            self._next = slot + 1.0 / self.rate
        if slot > now:
            self._sleep(slot - now)
        return slot

    def succeeded(self, sent_at: float) -> None:
        with self._lock:
            # per answer: +1 doubles the rate each second, +increase/rate adds `increase`
            # requests per second each second
            step = 1.0 if self.slow_start else self.increase / self.rate
            self.rate = self._cap(self.rate + step)

    def throttled(self, sent_at: float) -> None:
        with self._lock:
            if sent_at <= self._last_cut:
                return  # sent at the old rate: this congestion has been answered already
            now = self._clock()
            self.slow_start = False
            self.rate = self._cap(self.rate * self.decrease)
            self._last_cut = now
            # the quota's window is full right now: the next request waits one interval
            self._next = max(self._next, now + 1.0 / self.rate)


def client_config(workers: int):
    """botocore's Config for a discovery client: its own retries off (``attach`` retries),
    enough pooled connections for the workers, timeouts for one request."""
    from botocore.config import Config

    return Config(retries={"mode": "standard", "total_max_attempts": 1},
                  max_pool_connections=max(10, workers + 2), connect_timeout=5,
                  read_timeout=20)


def _error_code(response) -> tuple[int, str]:
    if response is None:
        return 0, ""
    http, parsed = response
    status = getattr(http, "status_code", 0) or 0
    code = ""
    if isinstance(parsed, dict):
        code = str((parsed.get("Error") or {}).get("Code") or "")
    return status, code


def attach(client, limiter: AdaptiveLimiter, counters: Counters) -> None:
    """Put every request of ``client`` (a botocore client made with ``client_config``)
    through ``limiter``, counting in ``counters``."""

    def before_send(request, **_kwargs):
        from switcher.core.aws import deadline

        with deadline.paused():
            sent_at = limiter.acquire()
        context = getattr(request, "context", None)
        if isinstance(context, dict):
            context[SENT_AT] = sent_at
        counters.add("requests")

    def needs_retry(response=None, caught_exception=None, attempts=1, request_dict=None,
                    **_kwargs):
        sent_at = ((request_dict or {}).get("context") or {}).get(SENT_AT, float("-inf"))
        status, code = _error_code(response)
        if caught_exception is None and 200 <= status < 300:
            limiter.succeeded(sent_at)
            return None
        if status == 429 or code in THROTTLE_CODES:
            counters.add("throttled")
            limiter.throttled(sent_at)
            if attempts < THROTTLE_ATTEMPTS:
                return 0  # at once: the limiter decides when it goes
            counters.add("failed")
            return None
        if _retryable(status, caught_exception):
            if attempts < ERROR_ATTEMPTS:
                counters.add("retried")
                return BACKOFF * 2 ** (attempts - 1) * (0.5 + random.random() / 2)
            counters.add("failed")
        return None

    events = client.meta.events
    events.register("before-send", before_send)
    events.register("needs-retry", needs_retry)


def _retryable(status: int, exc: BaseException | None) -> bool:
    if exc is None:
        return status >= 500
    from botocore import exceptions as bx

    from switcher.core.aws.deadline import DeadlineExceeded

    if isinstance(exc, DeadlineExceeded):
        return False
    return isinstance(exc, (bx.ConnectionError, bx.HTTPClientError))
