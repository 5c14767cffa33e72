"""Background work for the GUI: run a function in the thread pool, get the result back on the
main thread by a queued signal, and let a worker ask the main thread something (the MFA
prompt) while it waits.

The pattern follows Anki's ``run_on_main`` / background operations: widgets never create
threads themselves, they hand a callable to a ``Jobs`` object.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from switcher.gui.qt import QObject, QRunnable, QThread, QThreadPool, Signal, Slot


class _Relay(QObject):
    # Lives on the main thread; emitting from a worker makes Qt queue the delivery.
    done = Signal(int, bool, object)
    call = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.token, self.fn, self.relay = token, fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the main thread
            self.relay.done.emit(self.token, False, exc)
        else:
            self.relay.done.emit(self.token, True, result)


class Jobs(QObject):
    """Runs callables off the main thread; ``on_done(ok, result_or_exception)`` runs on it."""

    active_changed = Signal(int)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A private pool so a hanging network call never starves Qt's global pool users.
        self.pool = pool or QThreadPool(self)
        self.pool.setMaxThreadCount(max(self.pool.maxThreadCount(), 4))
        self._relay = _Relay(self)
        self._relay.done.connect(self._finished)
        self._relay.call.connect(self._call_on_main)
        self._tokens = itertools.count(1)
        self._pending: dict[int, Callable[[bool, Any], None]] = {}
        self._waiting: set[threading.Event] = set()
        self._closed = False

    @property
    def active(self) -> int:
        return len(self._pending)

    def submit(self, fn: Callable[[], Any], on_done: Callable[[bool, Any], None]) -> int:
        token = next(self._tokens)
        self._pending[token] = on_done
        self.active_changed.emit(len(self._pending))
        self.pool.start(_Runnable(token, fn, self._relay))
        return token

    @Slot(int, bool, object)
    def _finished(self, token: int, ok: bool, payload: object) -> None:
        on_done = self._pending.pop(token, None)
        self.active_changed.emit(len(self._pending))
        if on_done is not None and not self._closed:
            on_done(ok, payload)

    def call_on_main(self, fn: Callable[[], Any], default: Any = None) -> Any:
        """From a worker: run ``fn`` on the main thread and wait for its result.

        On the main thread it simply calls ``fn``. When the app shuts down while a worker
        waits, the worker gets ``default`` (for the MFA prompt: None, i.e. cancelled).
        """
        if QThread.currentThread() is self.thread():
            return fn()
        if self._closed:
            return default
        box: dict[str, Any] = {"result": default}
        event = threading.Event()

        def job() -> None:
            try:
                box["result"] = fn()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the worker
                box["error"] = exc
            finally:
                event.set()

        self._waiting.add(event)
        try:
            self._relay.call.emit(job)
            event.wait()
        finally:
            self._waiting.discard(event)
        if "error" in box:
            raise box["error"]
        return box["result"]

    @Slot(object)
    def _call_on_main(self, job: Callable[[], None]) -> None:
        if self._closed:
            return  # close() already released the worker with its default; no dialog at quit
        job()

    def close(self, wait_ms: int = 0) -> None:
        """Stop delivering results and release workers blocked in ``call_on_main``."""
        self._closed = True
        for event in list(self._waiting):
            event.set()
        if wait_ms:
            self.pool.waitForDone(wait_ms)
