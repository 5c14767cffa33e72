"""Windows: RegisterHotKey with no window (the hotkey posts WM_HOTKEY to this thread's
queue), picked out of Qt's event loop by a native event filter. Not run here: the pure
parts (VK codes, MOD_* flags, the MSG parsing) are unit-tested on every platform."""

from __future__ import annotations

import ctypes
from ctypes import wintypes

from switcher.core.keyspec import KeyCombo
from switcher.gui.hotkeys.base import HotkeyBackend, HotkeyError
from switcher.gui.qt import QAbstractNativeEventFilter, QCoreApplication, QObject, QTimer

WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_MSG_TYPES = (b"windows_generic_MSG", b"windows_dispatcher_MSG")


def hotkey_id(event_type, address: int) -> int | None:
    """The hotkey id if the native message at ``address`` is a WM_HOTKEY, else None."""
    if bytes(event_type) not in _MSG_TYPES or not address:
        return None
    msg = wintypes.MSG.from_address(int(address))
    return int(msg.wParam) if msg.message == WM_HOTKEY else None


class _Filter(QAbstractNativeEventFilter):
    def __init__(self, backend: WindowsBackend) -> None:
        super().__init__()
        self._backend = backend

    def nativeEventFilter(self, event_type, message):
        ident = hotkey_id(event_type, int(message))
        if ident is None:
            return False, 0
        # leave the native filter before running user code (it may show windows)
        QTimer.singleShot(0, lambda: self._backend.on_hotkey(ident))
        return True, 0


class WindowsBackend(HotkeyBackend):
    name = "windows"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        self._user32.RegisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT]
        self._user32.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
        self._ids: dict[KeyCombo, int] = {}
        self._next_id = 1
        self._filter = _Filter(self)
        QCoreApplication.instance().installNativeEventFilter(self._filter)

    def _grab(self, combo: KeyCombo) -> None:
        ident = self._next_id
        if not self._user32.RegisterHotKey(None, ident, combo.win_modifiers(), combo.win_vk()):
            code = ctypes.get_last_error()  # type: ignore[attr-defined]
            if code == ERROR_HOTKEY_ALREADY_REGISTERED:
                raise HotkeyError(f"{combo} is already taken by another program")
            raise HotkeyError(f"{combo}: Windows refused the hotkey (error {code})")
        self._next_id += 1
        self._ids[combo] = ident

    def _ungrab(self, combo: KeyCombo) -> None:
        ident = self._ids.pop(combo, None)
        if ident is not None:
            self._user32.UnregisterHotKey(None, ident)

    def on_hotkey(self, ident: int) -> None:
        for combo, known in list(self._ids.items()):
            if known == ident:
                self._fire(combo)
                return
