"""switcher.gui.memory: PySide's per-import check answers as before without filling
linecache, and release() is safe to call anywhere."""

from __future__ import annotations

import linecache
import sys
import threading

import pytest

from switcher.gui import memory

pytest.importorskip("PySide6.QtCore")


@pytest.fixture
def lean_hook():
    import PySide6.QtCore  # noqa: F401 - installs PySide's import hook

    feature = sys.modules["PySide6.support.feature"]
    # a PySide6 upgrade that renames this must be noticed: the tray would cost ~4 MB more
    assert hasattr(feature, "_mod_uses_pyside")
    original = feature._mod_uses_pyside
    memory.lean_pyside_import_hook()
    yield feature
    feature._mod_uses_pyside = original


def _write_module(tmp_path, name: str, body: str):
    (tmp_path / f"{name}.py").write_text(body)
    sys.path.insert(0, str(tmp_path))
    try:
        return __import__(name)  # the import statement's path: PySide hooks __import__
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_imports_after_pyside_leave_linecache_alone(lean_hook, tmp_path):
    linecache.clearcache()
    module = _write_module(tmp_path, "m_plain_module", "X = 1\n" * 200)
    assert module.X == 1
    assert str(tmp_path / "m_plain_module.py") not in linecache.cache


def test_same_answer_as_pyside(lean_hook, tmp_path):
    feature = lean_hook
    uses = _write_module(tmp_path, "m_uses_qt", "import PySide6.QtCore\n")
    plain = _write_module(tmp_path, "m_no_qt", "import json\n")
    assert feature._mod_uses_pyside(uses) is True
    assert feature._mod_uses_pyside(plain) is False
    assert feature._mod_uses_pyside(sys) is False  # built in: no source


def test_installing_twice_keeps_one_wrapper(lean_hook):
    feature = lean_hook
    first = feature._mod_uses_pyside
    memory.lean_pyside_import_hook()
    assert feature._mod_uses_pyside is first


def test_release_from_a_worker_thread():
    linecache.getlines(memory.__file__)
    worker = threading.Thread(target=memory.release)
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    assert memory.__file__ not in linecache.cache
