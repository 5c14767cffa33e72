"""How far a discovery is: ``Update`` values given to a callback, and two ways of showing
them on a stream (a bar on a terminal, plain lines otherwise). The tray gives its own
callback and shows ``update.text()`` ("Discovering… 312/2,000")."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

LISTING, ROLES, DONE = "listing", "roles", "done"


@dataclass(frozen=True)
class Update:
    source: str
    phase: str  # LISTING (accounts pages), ROLES (each account's roles), DONE
    done: int  # accounts whose roles are known (or failed) in this run
    total: int  # accounts that need their roles listed in this run (grows while LISTING)
    listed: int  # accounts listed so far
    requests: int
    elapsed: float  # seconds since this source's run started

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, from the pace so far; None until there is one."""
        if self.phase != ROLES or self.done == 0 or self.elapsed <= 0:
            return None
        return (self.total - self.done) * self.elapsed / self.done

    def text(self) -> str:
        if self.phase == LISTING:
            return f"Discovering {self.source}… {self.listed:,} accounts listed"
        return f"Discovering {self.source}… {self.done:,}/{self.total:,}"


Callback = Callable[[Update], object]


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds + 0.5)
    return f"{seconds // 60:d}:{seconds % 60:02d}"


class Bar:
    """One line redrawn in place on a terminal (at most 10 times a second)."""

    WIDTH = 24

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self._clock = stream, clock
        self._last = 0.0
        self._drawn = False

    def __call__(self, update: Update) -> None:
        now = self._clock()
        if update.phase != DONE and now - self._last < 0.1:
            return
        self._last = now
        if update.phase == DONE:
            if self._drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self._drawn = False
            return
        if update.phase == LISTING:
            line = f"{update.source}: listing accounts… {update.listed:,}"
        else:
            share = update.done / update.total if update.total else 1.0
            filled = int(share * self.WIDTH)
            line = (f"{update.source} [{'#' * filled}{'-' * (self.WIDTH - filled)}] "
                    f"{update.done:,}/{update.total:,} accounts  {update.rate:.1f} req/s  "
                    f"ETA {_clock(update.eta)}")
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self._drawn = True


class Lines:
    """Plain lines for a log or a pipe: when the listing is done, then every 10%."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._tenths: dict[str, int] = {}
        self._listed: set[str] = set()

    def __call__(self, update: Update) -> None:
        if update.phase == LISTING:
            return
        if update.source not in self._listed:
            self._listed.add(update.source)
            self.stream.write(f"{update.source}: {update.listed:,} accounts listed, "
                              f"{update.total:,} to list roles for\n")
        if update.total == 0 or update.phase == DONE:
            return
        tenth = update.done * 10 // update.total
        if tenth > self._tenths.get(update.source, 0):
            self._tenths[update.source] = tenth
            self.stream.write(f"{update.source}: {update.done:,}/{update.total:,} accounts "
                              f"({tenth * 10}%), {update.rate:.1f} requests/s\n")
        self.stream.flush()


def for_stream(stream: TextIO) -> Callback:
    """A bar when ``stream`` is a terminal, plain lines otherwise."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return Bar(stream) if tty else Lines(stream)
