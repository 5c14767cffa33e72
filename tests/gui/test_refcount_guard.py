"""The PySide6 6.12 refcount bug on CPython 3.11 (see switcher/gui/refcount_guard.py): without
the guard a long-running app aborts; with it, it keeps going."""

from __future__ import annotations

import subprocess
import sys

import pytest

from switcher.gui import refcount_guard

SIGNALLING = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
{guard}
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
app = QCoreApplication([])
class O(QObject):
    changed = Signal(bool)
o = O()
o.changed.connect(lambda busy: None)
for i in range(200_000):
    o.changed.emit(i % 2 == 0)          # Python emits: True loses a reference each time
timer = QTimer()
timer.setInterval(0)
count = [0]
def tick():
    count[0] += 1
    if count[0] >= 200_000:
        app.quit()
timer.timeout.connect(tick)             # Qt calls Python: None loses a reference each time
timer.start()
app.exec()
print("survived", count[0])
"""


def run(guard: bool) -> subprocess.CompletedProcess:
    code = SIGNALLING.format(guard="import switcher.gui.qt" if guard else "")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_guard_keeps_a_long_running_app_alive():
    result = run(guard=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived 200000" in result.stdout


def test_without_the_guard_the_bug_aborts_the_process():
    if not refcount_guard.needed():
        pytest.skip("this Python/PySide6 pair does not have the bug (pyproject excludes 6.12.0)")
    result = run(guard=False)
    if result.returncode == 0:
        pytest.skip("this PySide6 no longer drops references; refcount_guard can go")
    assert "_dealloc" in result.stderr  # bool_dealloc / none_dealloc
