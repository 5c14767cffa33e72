"""Benchmark hook for bench/bench_palette.py: after each show, append the monotonic time
of the palette's first painted rows to the file named by ``SWITCHER_TRACE_FILE``.

The tray app installs it only when that variable is set, so the palette users run has no
trace code in its paint path.
"""

from __future__ import annotations

import time

from switcher.gui.qt import QEvent, QObject, QTimer


class PaintTrace(QObject):
    def __init__(self, palette, path: str) -> None:
        super().__init__(palette)
        self.path = path
        self._armed = False
        palette.shown.connect(self._arm)  # emitted in showEvent, before the first paint
        palette.list.viewport().installEventFilter(self)

    def _arm(self) -> None:
        self._armed = True

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if self._armed and event.type() == QEvent.Type.Paint:
            self._armed = False
            QTimer.singleShot(0, self._write)  # after this paint, not before it
        return False

    def _write(self) -> None:
        with open(self.path, "a", encoding="ascii") as handle:
            handle.write(f"palette-painted {time.monotonic():.6f}\n")


def install(palette, path: str) -> PaintTrace:
    return PaintTrace(palette, path)
