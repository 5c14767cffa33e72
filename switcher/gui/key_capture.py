"""``KeyCaptureEdit``: a field that records the key combination pressed in it.

Press Ctrl+Alt+A and it reads "Ctrl+Alt+A"; Backspace or Delete alone clears it; Tab
alone still moves focus. Combinations that cannot be global hotkeys are kept but shown
in red with the reason (``error()``), as the settings page shows its own line for it.
While the field has focus our own global hotkeys are released (``suspend_hook``), or the
X server would hand the very combination being recorded to the hotkey instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from switcher.core import keyspec
from switcher.core.errors import InputError
from switcher.gui.qt import QFocusEvent, QKeyEvent, QLineEdit, QStyle, Qt, Signal

K = Qt.Key
_KEYS: dict[int, str] = {
    K.Key_Space: "Space", K.Key_Return: "Enter", K.Key_Enter: "Enter", K.Key_Tab: "Tab",
    K.Key_Backtab: "Tab", K.Key_Escape: "Escape", K.Key_Backspace: "Backspace",
    K.Key_Delete: "Delete", K.Key_Insert: "Insert", K.Key_Home: "Home", K.Key_End: "End",
    K.Key_PageUp: "PageUp", K.Key_PageDown: "PageDown", K.Key_Left: "Left", K.Key_Up: "Up",
    K.Key_Right: "Right", K.Key_Down: "Down", K.Key_Print: "Print", K.Key_Pause: "Pause",
    K.Key_Comma: "Comma", K.Key_Period: "Period", K.Key_Slash: "Slash",
    K.Key_Semicolon: "Semicolon", K.Key_Apostrophe: "Apostrophe",
    K.Key_BracketLeft: "BracketLeft", K.Key_BracketRight: "BracketRight",
    K.Key_Backslash: "Backslash", K.Key_Minus: "Minus", K.Key_Equal: "Equal",
    K.Key_QuoteLeft: "Grave",
    # with Shift held Qt reports the shifted symbol; name the key that was pressed (US layout)
    K.Key_Exclam: "1", K.Key_At: "2", K.Key_NumberSign: "3", K.Key_Dollar: "4",
    K.Key_Percent: "5", K.Key_AsciiCircum: "6", K.Key_Ampersand: "7", K.Key_Asterisk: "8",
    K.Key_ParenLeft: "9", K.Key_ParenRight: "0", K.Key_Underscore: "Minus", K.Key_Plus: "Equal",
    K.Key_BraceLeft: "BracketLeft", K.Key_BraceRight: "BracketRight", K.Key_Bar: "Backslash",
    K.Key_Colon: "Semicolon", K.Key_QuoteDbl: "Apostrophe", K.Key_Less: "Comma",
    K.Key_Greater: "Period", K.Key_Question: "Slash", K.Key_AsciiTilde: "Grave",
}
_MODIFIER_KEYS = {K.Key_Control, K.Key_Alt, K.Key_Shift, K.Key_Meta, K.Key_Super_L,
                  K.Key_Super_R, K.Key_AltGr, K.Key_Hyper_L, K.Key_Hyper_R, K.Key_CapsLock,
                  K.Key_NumLock}


def key_name(key: int) -> str | None:
    if K.Key_A <= key <= K.Key_Z or K.Key_0 <= key <= K.Key_9:
        return chr(key)
    if K.Key_F1 <= key <= K.Key_F24:
        return f"F{key - K.Key_F1 + 1}"
    return _KEYS.get(key)


def modifier_names(mods: Qt.KeyboardModifier, *, mac: bool = sys.platform == "darwin") -> list[str]:
    M = Qt.KeyboardModifier
    # on macOS Qt reports Command as ControlModifier and Control as MetaModifier
    ctrl, meta = (M.MetaModifier, M.ControlModifier) if mac else (M.ControlModifier, M.MetaModifier)
    names = []
    for flag, name in ((ctrl, "Ctrl"), (M.AltModifier, "Alt"), (M.ShiftModifier, "Shift"), (meta, "Meta")):
        if mods & flag:
            names.append(name)
    return names


def combo_from_event(key: int, mods: Qt.KeyboardModifier, *, mac: bool = sys.platform == "darwin") -> str | None:
    """"Ctrl+Alt+A" for a key press, or None when only modifiers are down (or the key is
    one no hotkey API knows)."""
    if key in _MODIFIER_KEYS:
        return None
    name = key_name(key)
    if name is None:
        return None
    return "+".join([*modifier_names(mods, mac=mac), name])


class KeyCaptureEdit(QLineEdit):
    comboChanged = Signal(str)
    errorChanged = Signal(str)

    # set by the quick-switch: called with True while recording, False after
    suspend_hook: Callable[[bool], None] | None = None

    def __init__(self, combo: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)  # text comes from key presses, not typing
        self.setPlaceholderText("Click, then press a key combination")
        # QLineEdit's own clear button is disabled in a read-only field: the × would show
        # but do nothing, so the field has its own
        self.clear_action = self.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton),
            QLineEdit.ActionPosition.TrailingPosition)
        self.clear_action.setObjectName("clearCombo")
        self.clear_action.setToolTip("Clear")
        self.clear_action.triggered.connect(lambda: self.setCombo(""))
        self.clear_action.setVisible(bool(combo))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Key combination")
        self._error = ""
        self._combo = ""
        self.textChanged.connect(self._on_text)  # the clear button edits text directly
        self.setCombo(combo)

    def combo(self) -> str:
        return self._combo

    def error(self) -> str:
        return self._error

    def setCombo(self, combo: str | None) -> None:
        text = (combo or "").strip()
        try:
            text = keyspec.normalise(text) if text else ""
        except InputError:
            pass  # keep what the user had; validation below marks it
        if text == self.text():
            self._on_text(text)  # no textChanged for the same text; validate anyway
        else:
            self.setText(text)

    def _on_text(self, text: str) -> None:
        self._combo = text
        self.clear_action.setVisible(bool(text))
        error = ""
        if text:
            try:
                keyspec.parse(text)
            except InputError as exc:
                error = str(exc)
        if error != self._error:
            self._error = error
            self.errorChanged.emit(error)
        self.setStyleSheet("QLineEdit { border: 1px solid #d93025; }" if error else "")
        self.setToolTip(error)
        self.comboChanged.emit(text)

    def event(self, event) -> bool:
        # Tab with a modifier is a combination to record, not a focus move
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (K.Key_Tab, K.Key_Backtab) and event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
                self.keyPressEvent(event)
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier
        if plain and key in (K.Key_Backspace, K.Key_Delete):
            self.setCombo("")
            return
        if plain and key in (K.Key_Tab, K.Key_Escape):
            event.ignore()  # Tab moves on; Esc belongs to the dialog
            super().keyPressEvent(event)
            return
        combo = combo_from_event(key, mods)
        if combo is None:
            preview = "+".join(modifier_names(mods))
            self.setPlaceholderText(f"{preview}+…" if preview else "Press a key combination")
            return
        self.setText(combo)
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        self.setPlaceholderText("Click, then press a key combination")
        super().keyReleaseEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        hook = type(self).suspend_hook
        if hook is not None:
            hook(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        hook = type(self).suspend_hook
        if hook is not None:
            hook(False)
