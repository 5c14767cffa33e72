"""QuickSwitch wiring: palette hotkey and per-target hotkeys through the real X11 backend
on Xvfb (key presses by xdotool), conflicts, a combo held by another X client, changes
applied without restart, and status for `switcher status`."""

from __future__ import annotations

import contextlib
import os
import time
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from Xlib import XK, X, error
from Xlib import display as xdisplay_mod

from switcher.core.model import Settings
from switcher.gui.hotkeys.x11 import X11Backend
from switcher.gui.key_capture import KeyCaptureEdit
from switcher.gui.quickswitch import QuickSwitch
from tests.fixtures.desktop import xdotool

from .palette_fakes import FakeController, make_target

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)"),
]

TARGETS = [
    make_target("production", "Admin", "111122223333", hotkey="Ctrl+Alt+P"),
    make_target("staging", "Admin", "444455556666", "eu-west-1"),
]


@pytest.fixture
def quick(xdisplay, qtbot, qapp, tmp_path):
    notes = []
    controller = FakeController(TARGETS, tmp_path / "state.json")
    ctx = SimpleNamespace(controller=controller, app=qapp, tray=None,
                          notify=lambda title, msg: notes.append((title, msg)))
    q = QuickSwitch(ctx, backend=X11Backend(xdisplay["DISPLAY"]))
    q.notes = notes
    qtbot.addWidget(q.palette)
    yield q
    q.close()


def press(env, keys):
    xdotool(env, "key", keys)


@contextlib.contextmanager
def ctrl_alt_a_held_by_another_client(env):
    """Another X client grabs Ctrl+Alt+A (asserting that it could) and holds it for the block."""
    other = xdisplay_mod.Display(env["DISPLAY"])
    try:
        catcher = error.CatchError()
        other.screen().root.grab_key(other.keysym_to_keycode(XK.XK_a), X.ControlMask | X.Mod1Mask,
                                     False, X.GrabModeAsync, X.GrabModeAsync, onerror=catcher)
        other.sync()
        assert catcher.get_error() is None
        yield
    finally:
        other.close()


def test_palette_hotkey_toggles_the_palette(xdisplay, quick, qtbot):
    quick.apply_settings(Settings(), TARGETS)  # default Ctrl+Alt+A
    assert quick.status()["hotkeys"] == {"Ctrl+Alt+A": "ok", "Ctrl+Alt+P": "ok"}
    assert quick.status()["backend"] == "x11"
    press(xdisplay, "ctrl+alt+a")
    qtbot.waitUntil(quick.palette.isVisible, timeout=3000)
    assert quick.palette.windowTitle() == "Switcher"
    assert quick.notes == []


def test_target_hotkey_opens_its_console_without_the_palette(xdisplay, quick, qtbot):
    quick.apply_settings(Settings(), TARGETS)
    press(xdisplay, "ctrl+alt+p")
    qtbot.waitUntil(lambda: quick.controller.calls == [("console", "production/Admin")], timeout=3000)
    assert not quick.palette.isVisible()


def test_changes_apply_without_restart(xdisplay, quick, qtbot):
    quick.apply_settings(Settings(), TARGETS)
    moved = [TARGETS[0], make_target("staging", "Admin", "444455556666", "eu-west-1", hotkey="alt+ctrl+s")]
    quick.apply_settings(Settings(palette_hotkey="Ctrl+Alt+Space"), moved)
    assert quick.status()["hotkeys"] == {"Ctrl+Alt+Space": "ok", "Ctrl+Alt+P": "ok", "Ctrl+Alt+S": "ok"}
    press(xdisplay, "ctrl+alt+a")  # released: nothing happens
    press(xdisplay, "ctrl+alt+s")
    qtbot.waitUntil(lambda: quick.controller.calls == [("console", "staging/Admin")], timeout=3000)
    assert not quick.palette.isVisible()
    press(xdisplay, "ctrl+alt+space")
    qtbot.waitUntil(quick.palette.isVisible, timeout=3000)
    with ctrl_alt_a_held_by_another_client(xdisplay):
        pass  # the old palette combo is free for other programs again


def test_conflicts_and_invalid_combos_are_reported_once(xdisplay, quick):
    targets = [make_target("production", "Admin", "111122223333", hotkey="ctrl+alt+a"),
               make_target("staging", "Admin", "444455556666", hotkey="Ctrl+Alt+Nope")]
    quick.apply_settings(Settings(), targets)
    hotkeys = quick.status()["hotkeys"]
    assert hotkeys["Ctrl+Alt+A"] == "ok"  # the palette keeps it
    assert hotkeys["Ctrl+Alt+A (production/Admin)"] == "Ctrl+Alt+A is already used by the search palette"
    assert "unknown key" in hotkeys["Ctrl+Alt+Nope"]
    assert len(quick.notes) == 2
    assert ("Hotkey not available", "Ctrl+Alt+A for production/Admin: "
            "Ctrl+Alt+A is already used by the search palette") in quick.notes
    quick.apply_settings(Settings(), targets)  # a config reload: no second round of notes
    assert len(quick.notes) == 2


def test_combo_grabbed_by_another_client_is_reported_and_others_work(xdisplay, quick, qtbot):
    with ctrl_alt_a_held_by_another_client(xdisplay):
        quick.apply_settings(Settings(), TARGETS)
        status = quick.status()["hotkeys"]
        assert status["Ctrl+Alt+A"] == "Ctrl+Alt+A is already taken by another program"
        assert status["Ctrl+Alt+P"] == "ok"
        assert quick.notes == [("Hotkey not available",
                                "Ctrl+Alt+A for the search palette: Ctrl+Alt+A is already taken by another program")]
        press(xdisplay, "ctrl+alt+p")
        qtbot.waitUntil(lambda: quick.controller.calls == [("console", "production/Admin")], timeout=3000)
    quick.apply_settings(Settings(), TARGETS)  # retried on the next apply: now free
    assert quick.status()["hotkeys"]["Ctrl+Alt+A"] == "ok"


def test_recording_a_combo_releases_our_grabs(xdisplay, quick, qtbot):
    quick.apply_settings(Settings(), TARGETS)
    assert KeyCaptureEdit.suspend_hook == quick.suspend
    quick.suspend(True)
    press(xdisplay, "ctrl+alt+p")
    qtbot.wait(300)
    assert quick.controller.calls == []
    quick.suspend(False)
    press(xdisplay, "ctrl+alt+p")
    qtbot.waitUntil(lambda: quick.controller.calls == [("console", "production/Admin")], timeout=3000)


def test_no_palette_hotkey_when_cleared(xdisplay, quick):
    quick.apply_settings(Settings(palette_hotkey=""), TARGETS)
    assert quick.status()["hotkeys"] == {"Ctrl+Alt+P": "ok"}


def test_palette_hotkey_asks_the_window_manager_to_focus_the_palette(xdisplay, quick, qtbot):
    # A window manager's focus-stealing prevention needs the hotkey's own timestamp; we
    # listen on the root window as a window manager would and read the request.
    wm = xdisplay_mod.Display(xdisplay["DISPLAY"])
    try:
        wm.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        wm.sync()
        quick.apply_settings(Settings(), TARGETS)
        press(xdisplay, "ctrl+alt+a")
        qtbot.waitUntil(quick.palette.isVisible, timeout=3000)
        active = wm.intern_atom("_NET_ACTIVE_WINDOW")
        deadline = time.monotonic() + 3
        request = None
        while request is None and time.monotonic() < deadline:
            while wm.pending_events():
                ev = wm.next_event()
                if ev.type == X.ClientMessage and ev.client_type == active:
                    request = ev
            time.sleep(0.02)
        assert request is not None, "no _NET_ACTIVE_WINDOW request was sent"
        source, timestamp = request.data[1][:2]
        assert source == 2  # a pager-like request, honoured by focus-stealing prevention
        assert timestamp == quick.backend.last_event_time and timestamp != 0
        assert request.window.id == int(quick.palette.winId())
    finally:
        wm.close()


def test_platform_without_hotkeys_notifies_once_and_reports_each_combo(qapp, qtbot, tmp_path):
    from switcher.gui.hotkeys.base import UnsupportedBackend

    notes = []
    controller = FakeController(TARGETS, tmp_path / "state.json")
    ctx = SimpleNamespace(controller=controller, app=qapp, tray=None,
                          notify=lambda title, msg: notes.append((title, msg)))
    reason = "global hotkeys are not available (no portal); bind `switcher show` ..."
    quick = QuickSwitch(ctx, backend=UnsupportedBackend(reason))
    qtbot.addWidget(quick.palette)
    try:
        quick.apply_settings(Settings(), TARGETS)
        quick.apply_settings(Settings(), TARGETS)
        assert notes == [("Global hotkeys not available", reason)]
        status = quick.status()
        assert status["hotkeys"] == {"Ctrl+Alt+A": reason, "Ctrl+Alt+P": reason}
        assert status["hotkeys_unavailable"] == reason
        quick.show()  # `switcher show` still works
        assert quick.palette.isVisible()
    finally:
        quick.close()


def test_only_the_palette_itself_is_called_the_search_palette(xdisplay, quick):
    targets = [make_target("palette-dev", "Admin", "111122223333", hotkey="ctrl+alt+p"),
               make_target("staging", "Admin", "444455556666", hotkey="ctrl+alt+p")]
    quick.apply_settings(Settings(), targets)
    assert quick.status()["hotkeys"]["Ctrl+Alt+P (staging/Admin)"] == (
        "Ctrl+Alt+P is already used by palette-dev/Admin")


def test_lost_x_connection_is_a_notification(xdisplay, quick):
    quick.backend.connection_lost.emit("hotkeys stopped: X connection lost")
    assert ("Global hotkeys stopped", "hotkeys stopped: X connection lost") in quick.notes


def test_the_palette_is_built_on_first_use_not_with_the_hotkeys(qapp, qtbot, tmp_path):
    from switcher.gui.hotkeys.base import UnsupportedBackend

    controller = FakeController(TARGETS, tmp_path / "state.json")
    ctx = SimpleNamespace(controller=controller, app=qapp, tray=None, notify=lambda title, msg: None)
    quick = QuickSwitch(ctx, backend=UnsupportedBackend("no hotkeys here"))
    built = []
    quick.palette_built.connect(built.append)
    try:
        quick.apply_settings(Settings(), TARGETS)
        # `switcher status` asks about it: asking must not build it
        assert quick.status()["palette"] == "hidden"
        assert not quick.palette_is_built and built == []
        quick.show()
        qtbot.addWidget(quick.palette)
        assert quick.palette.isVisible() and built == [quick.palette]
        assert quick.status()["palette"] == "visible"
        quick.show()
        assert built == [quick.palette]  # once
    finally:
        quick.close()
