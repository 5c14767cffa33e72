"""The one door to Qt: every GUI module imports Qt names from here, never from PySide6.

Importing this module is the first PySide6 import of the process, so the two things that
must happen before anything else touches Qt happen here, once:

- ``refcount_guard.apply()``: PySide6 6.12.x on Python 3.11 leaks references to
  True/None with every signal until the interpreter aborts (see refcount_guard.py);
- ``memory.lean_pyside_import_hook()``: PySide6's import hook would otherwise keep the
  source of every later import in ``linecache`` (see memory.py).

Names are looked up on first use (``from switcher.gui.qt import QWidget``) rather than
star-imported, as Anki's ``aqt.qt`` does: a star import would make PySide6 create every
one of its ~1,500 wrapper types at startup, which costs the idle tray memory and time it
never needs. ``QtNetwork`` (Windows IPC) is a module attribute imported only when asked.
"""

from __future__ import annotations

import importlib

from PySide6 import QtCore, QtGui, QtWidgets

from switcher.gui import memory, refcount_guard

refcount_guard.apply()  # before any signal is emitted
memory.lean_pyside_import_hook()  # before the rest of the app is imported through us

PYSIDE_VERSION = QtCore.qVersion()
_EAGER = (QtCore, QtGui, QtWidgets)
_LAZY_MODULES = frozenset({"QtNetwork"})


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"PySide6.{name}")
        globals()[name] = module
        return module
    for module in _EAGER:
        value = getattr(module, name, None)
        if value is not None:
            globals()[name] = value  # found once, then a plain module attribute
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r} (not in QtCore, QtGui or QtWidgets)")
