"""switcher.gui.jobs on its own: results come back on the main thread, a worker can ask the
main thread (and gets its exception back), and close() lets nothing through afterwards."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from switcher.gui.jobs import Jobs


def _on_main() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


@pytest.fixture
def jobs(qapp):
    j = Jobs()
    yield j
    j.close()
    j.pool.waitForDone(10_000)


def _wait_blocked(jobs: Jobs, count: int = 1, timeout: float = 10.0) -> None:
    # without spinning the event loop: the worker's request must stay unanswered
    deadline = time.monotonic() + timeout
    while len(jobs._waiting) < count:
        assert time.monotonic() < deadline, "the worker never reached call_on_main"
        time.sleep(0.005)


def test_results_and_failures_arrive_on_the_main_thread(qtbot, jobs):
    results, failures = [], []
    jobs.submit(lambda: ("value", _on_main()), lambda ok, result: results.append((ok, result, _on_main())))

    def boom():
        raise ValueError("nope")

    jobs.submit(boom, lambda ok, exc: failures.append((ok, type(exc), _on_main())))
    qtbot.waitUntil(lambda: bool(results and failures), timeout=10_000)
    assert results == [(True, ("value", False), True)]  # computed in a worker, delivered on main
    assert failures == [(False, ValueError, True)]
    assert jobs.active == 0


def test_active_counts_jobs_until_their_result_is_delivered(qtbot, jobs):
    counts = []
    jobs.active_changed.connect(counts.append)
    release = threading.Event()
    jobs.submit(release.wait, lambda ok, result: None)
    assert jobs.active == 1
    release.set()
    qtbot.waitUntil(lambda: jobs.active == 0, timeout=10_000)
    assert counts == [1, 0]


def test_call_on_main_runs_there_and_returns_the_value(qtbot, jobs):
    seen = []
    jobs.submit(lambda: jobs.call_on_main(lambda: ("code", _on_main()), default=None),
                lambda ok, result: seen.append((ok, result)))
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [(True, ("code", True))]


def test_call_on_main_passes_an_exception_back_to_the_worker(qtbot, jobs):
    ran_on_main = []

    def fails_on_main():
        ran_on_main.append(_on_main())
        raise KeyError("from the main thread")

    def work():
        try:
            jobs.call_on_main(fails_on_main, default="unused")
        except KeyError as exc:
            return ("caught in worker", exc.args[0], _on_main())
        return "not raised"

    seen = []
    jobs.submit(work, lambda ok, result: seen.append((ok, result)))
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [(True, ("caught in worker", "from the main thread", False))]
    assert ran_on_main == [True]


def test_call_on_main_from_the_main_thread_just_calls(jobs):
    assert jobs.call_on_main(lambda: 7, default=0) == 7


def test_close_releases_a_worker_blocked_in_call_on_main_with_the_default(qtbot, jobs):
    got = []
    jobs.submit(lambda: got.append(jobs.call_on_main(lambda: "answer", default="DEFAULT")),
                lambda ok, result: None)
    _wait_blocked(jobs)
    jobs.close()
    assert jobs.pool.waitForDone(10_000), "the worker is still blocked after close()"
    assert got == ["DEFAULT"]


def test_after_close_call_on_main_returns_the_default_at_once(qtbot, jobs):
    jobs.close()
    got = []
    jobs.submit(lambda: got.append(jobs.call_on_main(lambda: "answer", default="DEFAULT")),
                lambda ok, result: None)
    assert jobs.pool.waitForDone(10_000)
    assert got == ["DEFAULT"]


def test_on_done_is_not_called_after_close(qtbot, jobs):
    release = threading.Event()
    called = []
    jobs.submit(lambda: release.wait(10), lambda ok, result: called.append(ok))
    jobs.close()
    release.set()
    assert jobs.pool.waitForDone(10_000)
    qtbot.wait(100)  # let the queued result reach the main thread
    QApplication.processEvents()
    assert called == []


def test_a_main_thread_request_queued_before_close_never_runs(qtbot, jobs):
    # the MFA dialog of a worker that asked just before quit must not pop up during shutdown
    ran = []
    jobs.submit(lambda: jobs.call_on_main(lambda: ran.append("prompt") or "code", default=None),
                lambda ok, result: None)
    _wait_blocked(jobs)  # the request is queued for the main thread, not yet delivered
    jobs.close()
    assert jobs.pool.waitForDone(10_000)
    qtbot.wait(100)
    QApplication.processEvents()
    assert ran == []
