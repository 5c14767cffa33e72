"""macOS: Carbon's RegisterEventHotKey through ctypes. Unlike an event tap it needs no
Accessibility permission, and the handler runs on the main run loop, which Qt's Cocoa
event dispatcher drives. Not run here: the key codes, modifier bits and four-char codes
are unit-tested on every platform."""

from __future__ import annotations

import ctypes
import ctypes.util

from switcher.core.keyspec import KeyCombo
from switcher.gui.hotkeys.base import HotkeyBackend, HotkeyError
from switcher.gui.qt import QObject, QTimer


def fourcc(code: str) -> int:
    """Carbon's OSType: four ASCII characters packed big-endian ('keyb' -> 0x6B657962)."""
    data = code.encode("ascii")
    if len(data) != 4:
        raise ValueError(code)
    return int.from_bytes(data, "big")


kEventClassKeyboard = fourcc("keyb")
kEventHotKeyPressed = 5
kEventParamDirectObject = fourcc("----")
typeEventHotKeyID = fourcc("hkid")
SIGNATURE = fourcc("SWCH")
eventHotKeyExistsErr = -9878
eventHotKeyInvalidErr = -9879


class EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


EventHandlerProc = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class MacBackend(HotkeyBackend):
    name = "macos"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        path = ctypes.util.find_library("Carbon")
        if not path:
            self.unsupported_reason = "the Carbon framework is not available"
            return
        carbon = self._carbon = ctypes.cdll.LoadLibrary(path)
        carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        carbon.InstallEventHandler.argtypes = [ctypes.c_void_p, EventHandlerProc, ctypes.c_uint32,
                                               ctypes.POINTER(EventTypeSpec), ctypes.c_void_p,
                                               ctypes.POINTER(ctypes.c_void_p)]
        carbon.RegisterEventHotKey.argtypes = [ctypes.c_uint32, ctypes.c_uint32, EventHotKeyID,
                                               ctypes.c_void_p, ctypes.c_uint32,
                                               ctypes.POINTER(ctypes.c_void_p)]
        carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
        carbon.GetEventParameter.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32,
                                             ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                             ctypes.c_void_p]
        self._target = carbon.GetApplicationEventTarget()
        self._handler = EventHandlerProc(self._on_event)  # kept alive: Carbon holds a raw pointer
        spec = EventTypeSpec(kEventClassKeyboard, kEventHotKeyPressed)
        self._handler_ref = ctypes.c_void_p()
        carbon.InstallEventHandler(self._target, self._handler, 1, ctypes.byref(spec), None,
                                   ctypes.byref(self._handler_ref))
        self._refs: dict[KeyCombo, tuple[int, ctypes.c_void_p]] = {}
        self._next_id = 1

    def _grab(self, combo: KeyCombo) -> None:
        ident = self._next_id
        ref = ctypes.c_void_p()
        status = self._carbon.RegisterEventHotKey(
            combo.mac_keycode(), combo.mac_modifiers(), EventHotKeyID(SIGNATURE, ident),
            self._target, 0, ctypes.byref(ref))
        if status == eventHotKeyExistsErr:
            raise HotkeyError(f"{combo} is already taken by another program")
        if status != 0:
            raise HotkeyError(f"{combo}: macOS refused the hotkey (OSStatus {status})")
        self._next_id += 1
        self._refs[combo] = (ident, ref)

    def _ungrab(self, combo: KeyCombo) -> None:
        entry = self._refs.pop(combo, None)
        if entry is not None:
            self._carbon.UnregisterEventHotKey(entry[1])

    def _on_event(self, _call_ref, event, _user_data) -> int:
        hotkey = EventHotKeyID()
        self._carbon.GetEventParameter(event, kEventParamDirectObject, typeEventHotKeyID, None,
                                       ctypes.sizeof(hotkey), None, ctypes.byref(hotkey))
        if hotkey.signature == SIGNATURE:
            for combo, (ident, _ref) in list(self._refs.items()):
                if ident == hotkey.id:
                    QTimer.singleShot(0, lambda c=combo: self._fire(c))
        return 0  # noErr
