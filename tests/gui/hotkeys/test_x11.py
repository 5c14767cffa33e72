"""The X11 hotkey backend against a real X server (Xvfb) with real key presses (xdotool).

Qt itself runs offscreen here (pytest-qt's in-process app); the backend has its own X
connection to the test display, and its QSocketNotifier works on any Qt platform, so the
grab, the key press and the callback on the main thread are all real.
"""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from Xlib import XK, X, error
from Xlib import display as xlib_display

from switcher.gui.hotkeys.base import HotkeyError
from switcher.gui.hotkeys.x11 import X11Backend
from tests.fixtures.desktop import xdotool

pytestmark = pytest.mark.desktop


@pytest.fixture
def backend(xdisplay, qtbot):
    hotkeys = X11Backend(xdisplay["DISPLAY"])
    assert hotkeys.available, hotkeys.unsupported_reason
    yield hotkeys
    hotkeys.close()


def press(env, keys):
    # no --clearmodifiers: it would also switch NumLock/CapsLock off around the press
    xdotool(env, "key", keys)


def test_registered_combo_fires_on_the_main_thread(xdisplay, backend, qtbot):
    hits = []
    assert backend.register("alt+ctrl+a", lambda: hits.append(threading.current_thread())) == "Ctrl+Alt+A"
    press(xdisplay, "ctrl+alt+a")
    qtbot.waitUntil(lambda: len(hits) == 1, timeout=3000)
    assert hits[0] is threading.main_thread()
    # plain "a" and other modifiers do not fire
    press(xdisplay, "a")
    press(xdisplay, "ctrl+a")
    press(xdisplay, "ctrl+alt+shift+a")
    press(xdisplay, "ctrl+alt+a")
    qtbot.waitUntil(lambda: len(hits) == 2, timeout=3000)
    qtbot.wait(200)
    assert len(hits) == 2


def test_fires_with_numlock_and_capslock_on(xdisplay, backend, qtbot):
    hits = []
    # a letter: Xvfb's bare keymap makes xdotool remap function keys on the fly
    backend.register("Ctrl+Alt+K", lambda: hits.append(1))
    try:
        press(xdisplay, "Num_Lock")
        press(xdisplay, "ctrl+alt+k")
        qtbot.waitUntil(lambda: len(hits) == 1, timeout=3000)
        press(xdisplay, "Caps_Lock")
        press(xdisplay, "ctrl+alt+k")
        qtbot.waitUntil(lambda: len(hits) == 2, timeout=3000)
    finally:
        press(xdisplay, "Num_Lock")
        press(xdisplay, "Caps_Lock")


def test_each_combo_calls_its_own_callback(xdisplay, backend, qtbot):
    hits = []
    backend.register("Ctrl+Alt+1", lambda: hits.append("one"))
    backend.register("Meta+Shift+2", lambda: hits.append("two"))
    press(xdisplay, "super+shift+2")
    press(xdisplay, "ctrl+alt+1")
    qtbot.waitUntil(lambda: len(hits) == 2, timeout=3000)
    assert hits == ["two", "one"]
    assert sorted(backend.registered()) == ["Ctrl+Alt+1", "Shift+Meta+2"]


def test_unregister_releases_the_grab(xdisplay, backend, qtbot):
    backend.register("Ctrl+Alt+U", lambda: None)
    backend.unregister("ctrl+alt+u")
    assert backend.registered() == []
    # a second client can now take it: the server no longer has our grab
    other = xdisplay_grab(xdisplay["DISPLAY"], "u")
    other.close()


def xdisplay_grab(name, key, mask=X.ControlMask | X.Mod1Mask):
    conn = xlib_display.Display(name)
    keycode = conn.keysym_to_keycode(XK.string_to_keysym(key))
    catcher = error.CatchError()
    conn.screen().root.grab_key(keycode, mask, False, X.GrabModeAsync, X.GrabModeAsync,
                                onerror=catcher)
    conn.sync()
    assert catcher.get_error() is None, "the combo should have been free"
    return conn


def test_combo_held_by_another_client_is_reported(xdisplay, backend, qtbot):
    other = xdisplay_grab(xdisplay["DISPLAY"], "b")
    try:
        hits = []
        with pytest.raises(HotkeyError, match="Ctrl\\+Alt\\+B is already taken by another program"):
            backend.register("Ctrl+Alt+B", lambda: hits.append("b"))
        assert backend.registered() == []
        # the backend keeps working for other combos
        backend.register("Ctrl+Alt+C", lambda: hits.append("c"))
        press(xdisplay, "ctrl+alt+c")
        qtbot.waitUntil(lambda: hits == ["c"], timeout=3000)
    finally:
        other.close()
    # and once the other client is gone, the combo can be had
    backend.register("Ctrl+Alt+B", lambda: hits.append("b"))
    press(xdisplay, "ctrl+alt+b")
    qtbot.waitUntil(lambda: hits == ["c", "b"], timeout=3000)


def test_invalid_combo_is_a_hotkey_error(backend):
    with pytest.raises(HotkeyError, match="unknown key"):
        backend.register("Ctrl+Alt+Nope", lambda: None)
    with pytest.raises(HotkeyError, match="every program"):
        backend.register("Shift+K", lambda: None)


def test_no_display_is_unsupported_not_a_crash(qtbot):
    backend = X11Backend(":9999")
    assert not backend.available
    assert "cannot open the X display" in backend.unsupported_reason
    with pytest.raises(HotkeyError, match="cannot open the X display"):
        backend.register("Ctrl+Alt+A", lambda: None)


def test_holding_the_keys_fires_once(xdisplay, backend, qtbot):
    from Xlib.ext import xtest

    hits = []
    backend.register("Ctrl+Alt+H", lambda: hits.append(1))
    conn = xlib_display.Display(xdisplay["DISPLAY"])
    try:
        codes = [conn.keysym_to_keycode(k) for k in (XK.XK_Control_L, XK.XK_Alt_L, XK.XK_h)]
        for code in codes:
            xtest.fake_input(conn, X.KeyPress, code)
        conn.sync()
        # held past the server's autorepeat delay (660 ms): it sends repeats on its own
        qtbot.wait(1500)
        for code in reversed(codes):
            xtest.fake_input(conn, X.KeyRelease, code)
        conn.sync()
        qtbot.waitUntil(lambda: hits == [1], timeout=3000)
        qtbot.wait(300)
        assert hits == [1]
        press(xdisplay, "ctrl+alt+h")  # a new stroke fires again
        qtbot.waitUntil(lambda: hits == [1, 1], timeout=3000)
    finally:
        conn.close()


LOSE_CONNECTION = r"""
import os, socket, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from switcher.gui.hotkeys.base import HotkeyError
from switcher.gui.hotkeys.x11 import X11Backend

app = QApplication([])  # over xcb: Qt's own Xlib display and I/O error handler exist
backend = X11Backend()
assert backend.available, backend.unsupported_reason
backend.register("Ctrl+Alt+J", lambda: None)
lost = []
if hasattr(backend, "connection_lost"):  # so that a backend without it fails on the exit code
    backend.connection_lost.connect(lost.append)
# break the connection under libX11 the way a dying server does: the fd stays valid
# (the notifier keeps watching it) and the next read sees EOF
dup = socket.socket(fileno=os.dup(backend._notifier.socket()))
dup.shutdown(socket.SHUT_RDWR)
dup.close()
QTimer.singleShot(1500, app.quit)
app.exec()
print("lost:", lost)
print("reason:", backend.unsupported_reason)
try:
    backend.register("Ctrl+Alt+K", lambda: None)
except HotkeyError as exc:
    print("register:", exc)
backend.close()
w = QWidget()  # Qt's own connection is untouched
w.show()
app.processEvents()
print("alive")
"""


def test_a_lost_x_connection_stops_hotkeys_not_the_process(xdisplay, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", LOSE_CONNECTION], env=xdisplay,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    lines = result.stdout.splitlines()
    assert lines == [
        "lost: ['hotkeys stopped: X connection lost']",
        "reason: hotkeys stopped: X connection lost",
        "register: hotkeys stopped: X connection lost",
        "alive",
    ], result.stderr
    assert "switcher: hotkeys stopped: X connection lost" in result.stderr
    assert "XIO" not in result.stderr and "X11 connection broke" not in result.stderr
