"""KeyCaptureEdit: records what is pressed, validates inline, releases our grabs while
recording; and the Qt key -> key-spec mapping it is built on."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from switcher.gui.key_capture import KeyCaptureEdit, combo_from_event

M = Qt.KeyboardModifier
K = Qt.Key
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")


@pytest.mark.parametrize(
    ("key", "mods", "expected"),
    [
        (K.Key_A, M.ControlModifier | M.AltModifier, "Ctrl+Alt+A"),
        (K.Key_F5, M.MetaModifier, "Meta+F5"),
        (K.Key_Exclam, M.ControlModifier | M.ShiftModifier, "Ctrl+Shift+1"),
        (K.Key_Question, M.AltModifier | M.ShiftModifier, "Alt+Shift+Slash"),
        (K.Key_PageDown, M.ControlModifier, "Ctrl+PageDown"),
        (K.Key_Control, M.ControlModifier, None),  # only a modifier so far
        (K.Key_Shift, M.ControlModifier | M.ShiftModifier, None),
        (K.Key_VolumeUp, M.ControlModifier, None),  # no hotkey API knows it
    ],
)
def test_combo_from_event(key, mods, expected):
    assert combo_from_event(key, mods, mac=False) == expected


def test_mac_swaps_command_and_control():
    assert combo_from_event(K.Key_P, M.ControlModifier, mac=True) == "Meta+P"
    assert combo_from_event(K.Key_P, M.MetaModifier, mac=True) == "Ctrl+P"


@pytest.fixture
def edit(qtbot):
    widget = KeyCaptureEdit()
    qtbot.addWidget(widget)
    widget.show()
    widget.setFocus()
    return widget


def test_records_the_pressed_combination(qtbot, edit):
    with qtbot.waitSignal(edit.comboChanged) as changed:
        qtbot.keyClick(edit, K.Key_A, M.ControlModifier | M.AltModifier)
    assert changed.args == ["Ctrl+Alt+A"]
    assert edit.combo() == "Ctrl+Alt+A"
    assert edit.text() == "Ctrl+Alt+A"
    assert edit.error() == ""
    qtbot.keyClick(edit, K.Key_K, M.MetaModifier | M.ShiftModifier)
    assert edit.combo() == "Shift+Meta+K"


def test_typing_does_not_edit_the_text(qtbot, edit):
    qtbot.keyClicks(edit, "abc")  # plain letters are recorded as (invalid) combos, never typed
    assert edit.combo() == "C"
    assert "every program" in edit.error()


def test_invalid_combination_is_shown_inline(qtbot, edit):
    with qtbot.waitSignal(edit.errorChanged) as err:
        qtbot.keyClick(edit, K.Key_A, M.ShiftModifier)
    assert "add Ctrl, Alt or Meta" in err.args[0]
    assert "d93025" in edit.styleSheet()
    assert edit.toolTip() == err.args[0]
    qtbot.keyClick(edit, K.Key_A, M.ShiftModifier | M.ControlModifier)
    assert edit.error() == ""
    assert edit.styleSheet() == ""


def _shown_with_a_line_edit(qtbot, edit: KeyCaptureEdit) -> tuple[QWidget, QLineEdit]:
    """Show ``edit`` above a plain line edit, somewhere for the focus to go, in an active
    window; return (window, line edit): the caller keeps the window alive."""
    parent = QWidget()
    layout = QVBoxLayout(parent)
    other = QLineEdit()
    layout.addWidget(edit)
    layout.addWidget(other)
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)
    parent.activateWindow()
    return parent, other


def test_backspace_clears_and_tab_still_moves_focus(qtbot):
    edit = KeyCaptureEdit("alt+ctrl+x")
    _parent, other = _shown_with_a_line_edit(qtbot, edit)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    assert edit.combo() == "Ctrl+Alt+X"  # normalised on the way in
    qtbot.keyClick(edit, K.Key_Tab, M.ControlModifier)  # a modifier: recorded, not focus
    assert edit.combo() == "Ctrl+Tab"
    assert edit.hasFocus()
    qtbot.keyClick(edit, K.Key_Backspace)
    assert edit.combo() == ""
    qtbot.keyClick(edit, K.Key_Tab)
    qtbot.waitUntil(other.hasFocus, timeout=2000)


def test_set_combo_keeps_and_flags_bad_text(qtbot, edit):
    edit.setCombo("Ctrl+Nope")
    assert edit.combo() == "Ctrl+Nope"
    assert "unknown key" in edit.error()
    edit.setCombo(None)
    assert edit.combo() == "" and edit.error() == ""


def test_focus_suspends_global_hotkeys(qtbot):
    calls = []
    KeyCaptureEdit.suspend_hook = calls.append
    try:
        edit = KeyCaptureEdit()
        _parent, other = _shown_with_a_line_edit(qtbot, edit)
        other.setFocus()
        qtbot.waitUntil(other.hasFocus, timeout=2000)
        edit.setFocus()
        qtbot.waitUntil(lambda: calls == [True], timeout=2000)
        other.setFocus()
        qtbot.waitUntil(lambda: calls == [True, False], timeout=2000)
    finally:
        KeyCaptureEdit.suspend_hook = None
