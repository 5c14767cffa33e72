"""SessionTracker: what is live and for how long, the once-per-session warning, and the
keyring scan whose result is recorded only on the main thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from switcher.core.usage import UsageState
from switcher.gui.jobs import Jobs
from switcher.gui.sessions import EXPIRY_WARNING_S, SessionTracker, scan_candidates, scan_job

from .palette_fakes import make_target


@pytest.fixture
def jobs(qapp):
    j = Jobs()
    yield j
    j.close()
    j.pool.waitForDone(10_000)


@pytest.fixture
def tracker(jobs):
    return SessionTracker(jobs)


def _in(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_sessions_are_listed_soonest_first_and_expired_ones_left_out(tracker):
    tracker.note("b/R", _in(3000))
    tracker.note("a/R", _in(600))
    tracker.note("gone/R", _in(-5))
    assert list(tracker.sessions()) == ["a/R", "b/R"]
    assert 590 < tracker.seconds_left("a/R") <= 600
    assert tracker.seconds_left("gone/R") is None
    assert tracker.seconds_left("never/R") is None


def test_check_expiry_warns_once_per_session(tracker):
    warned, changed = [], []
    tracker.expiring.connect(lambda name, left: warned.append((name, left)))
    tracker.changed.connect(lambda: changed.append(True))
    tracker.note("a/R", _in(EXPIRY_WARNING_S - 10))
    tracker.note("b/R", _in(EXPIRY_WARNING_S + 600))
    tracker.check_expiry()
    tracker.check_expiry()
    assert [w[0] for w in warned] == ["a/R"] and 0 < warned[0][1] <= EXPIRY_WARNING_S
    assert changed == []
    tracker.note("a/R", _in(EXPIRY_WARNING_S - 20))  # a new session: worth a new warning
    tracker.check_expiry()
    assert [w[0] for w in warned] == ["a/R", "a/R"]


def test_an_expired_session_is_dropped_with_a_change_signal(tracker):
    changed = []
    tracker.changed.connect(lambda: changed.append(True))
    tracker.note("a/R", _in(-1))
    tracker.check_expiry()
    assert changed == [True] and tracker.expiry == {}


def test_forget_all(tracker):
    tracker.note("a/R", _in(600))
    tracker.forget_all()
    assert tracker.sessions() == {}


def test_scan_candidates_prefers_recent_and_takes_all_when_few():
    targets = [make_target(f"acct{i}", "R", f"{i:012d}") for i in range(5)]
    names = [t.name for t in scan_candidates(targets, ["acct3/R", "unknown/R"], limit=10)]
    assert names == ["acct3/R", "acct0/R", "acct1/R", "acct2/R", "acct4/R"]
    names = [t.name for t in scan_candidates(targets, ["acct3/R", "acct1/R"], limit=4)]
    assert names == ["acct3/R", "acct1/R"]  # too many to look up each: only the recent ones


def test_scan_job_stops_at_the_first_keyring_failure():
    targets = [make_target(a, "R", "111111111111") for a in ("a", "b", "c", "d")]
    end = _in(900)

    def read(target):
        if target.account_alias == "c":
            raise RuntimeError("keyring went away")
        return None if target.account_alias == "b" else SimpleNamespace(expiration=end)

    assert scan_job(targets, read) == {"a/R": end}


def test_scan_reads_in_a_worker_and_records_on_the_main_thread(qtbot, tracker, tmp_path):
    targets = [make_target("a", "R", "111111111111"), make_target("b", "R", "222222222222")]
    end = _in(1200)
    read_threads, changed_on_main = [], []

    def read(target):
        read_threads.append(threading.current_thread() is threading.main_thread())
        return SimpleNamespace(expiration=end) if target.account_alias == "a" else None

    tracker.changed.connect(
        lambda: changed_on_main.append(QThread.currentThread() is QApplication.instance().thread()))
    tracker.scan(targets, UsageState(tmp_path / "state.json"), read)
    assert tracker.expiry == {}  # nothing is recorded before the result is back
    qtbot.waitUntil(lambda: bool(changed_on_main), timeout=10_000)
    assert changed_on_main == [True]
    assert read_threads == [False, False]
    assert tracker.expiry == {"a/R": end}


def test_a_scan_finishing_after_forget_all_brings_nothing_back(qtbot, tracker, jobs, tmp_path):
    release = threading.Event()

    def read(target):
        release.wait(10)
        return SimpleNamespace(expiration=_in(1200))

    tracker.scan([make_target("a", "R", "111111111111")], UsageState(tmp_path / "state.json"), read)
    tracker.forget_all()
    release.set()
    assert jobs.pool.waitForDone(10_000)
    qtbot.waitUntil(lambda: jobs.active == 0, timeout=10_000)
    assert tracker.sessions() == {}
