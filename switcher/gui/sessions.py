"""Which targets have a live session and when each one ends: the tray's tooltip, the
palette's "N min left" and the warning shortly before a session expires.

The tracker lives on the main thread and is changed only there. The keyring scan is a job
of its arguments (the targets to look up and the function that reads a cached session)
that returns what it found; the tracker records it when the result arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from switcher.core.targets import Target
from switcher.core.usage import UsageState
from switcher.gui.jobs import Jobs
from switcher.gui.qt import QObject, QTimer, Signal

EXPIRY_WARNING_S = 300
CHECK_INTERVAL_MS = 15_000
# Reading every target's cache at startup would be one keyring round trip each; with
# thousands of targets that is wasteful, so only the most recently used are looked up.
SESSION_SCAN_LIMIT = 200

ReadCached = Callable[[Target], Any]  # the cached credentials of a target, or None


def scan_candidates(targets: Iterable[Target], recent: list[str],
                    limit: int = SESSION_SCAN_LIMIT) -> list[Target]:
    """The targets worth a keyring lookup: the recently used, and all when there are few."""
    known = {t.name: t for t in targets}
    names = [n for n in recent if n in known]
    if len(known) <= limit:
        names += [n for n in known if n not in names]
    return [known[n] for n in names]


def scan_job(targets: list[Target], read_cached: ReadCached) -> dict[str, datetime]:
    """Off the main thread: target name -> expiration of each cached session found."""
    found: dict[str, datetime] = {}
    for target in targets:
        try:
            creds = read_cached(target)
        except Exception:  # noqa: BLE001 - no keyring: simply no (more) sessions to show
            return found
        expiration = getattr(creds, "expiration", None)
        if expiration is not None:
            found[target.name] = expiration
    return found


class SessionTracker(QObject):
    changed = Signal()
    expiring = Signal(str, float)  # target name, seconds left (once per session)

    def __init__(self, jobs: Jobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self._expiry: dict[str, datetime] = {}
        self._warned: set[str] = set()
        # bumped by forget_all: a scan started before it must not bring old sessions back
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check_expiry)
        self._timer.start()

    @property
    def expiry(self) -> dict[str, datetime]:
        """Target name -> end of its session, as noted (expired ones until the next check)."""
        return self._expiry

    def note(self, name: str, expiration: datetime) -> None:
        """A session of ``name`` lasts until ``expiration``; a new one is warned about anew."""
        self._expiry[name] = expiration
        self._warned.discard(name)

    def forget_all(self) -> None:
        self._expiry.clear()
        self._warned.clear()
        self._generation += 1

    def seconds_left(self, name: str) -> float | None:
        expiration = self._expiry.get(name)
        if expiration is None:
            return None
        left = _seconds_until(expiration, datetime.now(UTC))
        return left if left > 0 else None

    def sessions(self) -> dict[str, float]:
        """Active sessions (target name -> seconds left), soonest to expire first."""
        now = datetime.now(UTC)
        live = ((n, _seconds_until(e, now)) for n, e in self._expiry.items())
        return dict(sorted(((n, s) for n, s in live if s > 0), key=lambda kv: kv[1]))

    def expiring_soon(self) -> dict[str, float]:
        """The live sessions inside the warning window (name -> seconds left), soonest first."""
        return {n: s for n, s in self.sessions().items() if s <= EXPIRY_WARNING_S}

    def scan(self, targets: Iterable[Target], usage: UsageState, read_cached: ReadCached) -> None:
        """Look up cached sessions in the keyring, off the main thread."""
        chosen = scan_candidates(targets, usage.recent(SESSION_SCAN_LIMIT))
        generation = self._generation

        def done(ok: bool, found: Any) -> None:
            if ok and found and generation == self._generation:
                self._expiry.update(found)
                self.changed.emit()

        self.jobs.submit(lambda: scan_job(chosen, read_cached), done)

    def check_expiry(self) -> None:
        changed = False
        now = datetime.now(UTC)
        for name, expiration in list(self._expiry.items()):
            left = _seconds_until(expiration, now)
            if left <= 0:
                del self._expiry[name]
                self._warned.discard(name)
                changed = True
            elif left <= EXPIRY_WARNING_S and name not in self._warned:
                self._warned.add(name)
                self.expiring.emit(name, left)
        if changed:
            self.changed.emit()


def _seconds_until(expiration: datetime, now: datetime) -> float:
    return (expiration - now).total_seconds()
