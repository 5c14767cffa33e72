"""Work around a reference-counting bug of PySide6 6.12.0 on CPython < 3.12.

pyproject.toml excludes 6.12.0 (6.11.3 does not have the bug: 100,000 emits, no change in
the counts); this guard is for installs that end up with it anyway (a distribution's
PySide6, a pinned environment), and it covers every 6.12.x because no fixed 6.12 release
is known yet.

Measured here (PySide6 6.12.0, Python 3.11): every ``Signal.emit()`` called from Python
returns ``True`` without taking a reference, and every call of a Python slot from a
Qt-emitted signal drops one reference to ``None``. On 3.12+ these singletons are immortal
and nothing happens; on 3.11 their counts sink with every signal until CPython frees
``True`` or ``None`` and aborts ("Fatal Python error: bool_dealloc" / "none_dealloc"),
after a few thousand emits: minutes to hours in a tray app that runs all day.

The guard gives the affected singletons a very large extra count once, which makes them
effectively immortal as 3.12 does by design. It changes nothing else and is skipped where
the bug cannot bite. tests/gui/test_refcount_guard.py shows the bug and that the guard
holds.
"""

from __future__ import annotations

import ctypes
import sys

# 2**40 extra references: at a million lost references per second that lasts 12 days
# of continuous signalling; in practice the app loses a few per user action.
EXTRA = 1 << 40
_applied = False


def needed() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False  # True/None are immortal there
    import PySide6

    return PySide6.__version__.startswith("6.12.")


def apply() -> bool:
    global _applied
    if _applied or not needed():
        return False
    for obj in (None, True, False, Ellipsis, NotImplemented):
        # ob_refcnt is the first field of every CPython object header
        ctypes.c_ssize_t.from_address(id(obj)).value += EXTRA
    _applied = True
    return True
