"""X11: XGrabKey on the root window through our own X connection, read by a
QSocketNotifier so that key presses arrive as ordinary Qt events on the main thread.

The connection is libX11's own (through ctypes): Qt has already loaded the library, so
hotkeys cost the idle tray next to nothing, where python-xlib cost ~4 MB of resident
memory and ~40 modules, a tenth of the idle tray's budget.

A grab is per (keycode, exact modifier state), so every combination is grabbed four times:
plain, with CapsLock, with NumLock, and with both - otherwise the hotkey dies whenever a
lock is on. Another client holding the combo makes the server answer BadAccess; the
requests are asynchronous, so we sync and look at the error handler before answering.

A broken connection (the X server gone, the socket reset) must not take the tray with it:
libX11 first calls the process-wide I/O error handler (Qt's, which only warns, or the
default, which prints "XIO: fatal IO error") and then the display's I/O error *exit*
handler, which by default calls exit(). We chain a process-wide handler that keeps quiet
for our connection and passes every other one on, and give our connection an exit handler
that returns (XSetIOErrorExitHandler, libX11 >= 1.7; Debian 12 has 1.8): Xlib then marks
the display dead and its calls return instead of exiting. The backend becomes unavailable
with "hotkeys stopped: X connection lost" (``unsupported_reason``, the
``connection_lost`` signal, one stderr line) and the tray keeps running.
With an older libX11 there is no exit handler to install, and an I/O error handler that
returns is followed by exit(): only longjmp out of it would survive, which ctypes cannot
do safely. There a lost hotkey connection still ends the process, as it always did.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes import (
    POINTER,
    Structure,
    Union,
    byref,
    c_char_p,
    c_int,
    c_long,
    c_ubyte,
    c_uint,
    c_ulong,
    c_void_p,
)

from switcher.core import keyspec
from switcher.core.keyspec import KeyCombo
from switcher.gui.hotkeys.base import HotkeyBackend, HotkeyError
from switcher.gui.qt import QObject, QSocketNotifier, QTimer, Signal

_RELEVANT = (
    keyspec.X11_MASKS["Shift"] | keyspec.X11_MASKS["Ctrl"]
    | keyspec.X11_MASKS["Alt"] | keyspec.X11_MASKS["Meta"]
)
# X.h
KEY_PRESS, KEY_RELEASE, CLIENT_MESSAGE = 2, 3, 33
GRAB_MODE_ASYNC = 1
CURRENT_TIME = 0
BAD_ACCESS = 10
SUBSTRUCTURE_NOTIFY_MASK, SUBSTRUCTURE_REDIRECT_MASK = 1 << 19, 1 << 20
XK_NUM_LOCK = 0xFF7F
_ERROR_NAMES = {2: "BadValue", 3: "BadWindow", 10: "BadAccess"}


class _XKeyEvent(Structure):
    _fields_ = [
        ("type", c_int), ("serial", c_ulong), ("send_event", c_int), ("display", c_void_p),
        ("window", c_ulong), ("root", c_ulong), ("subwindow", c_ulong), ("time", c_ulong),
        ("x", c_int), ("y", c_int), ("x_root", c_int), ("y_root", c_int),
        ("state", c_uint), ("keycode", c_uint), ("same_screen", c_int),
    ]


class _XClientMessageEvent(Structure):
    _fields_ = [
        ("type", c_int), ("serial", c_ulong), ("send_event", c_int), ("display", c_void_p),
        ("window", c_ulong), ("message_type", c_ulong), ("format", c_int),
        ("data", c_long * 5),
    ]


class _XEvent(Union):
    _fields_ = [("type", c_int), ("xkey", _XKeyEvent), ("xclient", _XClientMessageEvent),
                ("pad", c_long * 24)]


class _XErrorEvent(Structure):
    _fields_ = [
        ("type", c_int), ("display", c_void_p), ("resourceid", c_ulong), ("serial", c_ulong),
        ("error_code", c_ubyte), ("request_code", c_ubyte), ("minor_code", c_ubyte),
    ]


class _XModifierKeymap(Structure):
    _fields_ = [("max_keypermod", c_int), ("modifiermap", POINTER(c_ubyte))]


_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(_XErrorEvent))
_IO_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p)
_IO_EXIT_HANDLER = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)
_lib: list = []
CONNECTION_LOST = "hotkeys stopped: X connection lost"

# display pointer -> its backend, for the process-wide I/O error handler
_ours: dict[int, X11Backend] = {}
_io_chain: list = []  # [our handler (kept alive), the previous one or None]


def _on_io_error(display: int) -> int:
    backend = _ours.get(display)
    if backend is not None:
        backend._connection_broke()
        return 0  # then our exit handler runs, which returns: no exit()
    previous = _io_chain[1]
    return previous(display) if previous is not None else 0


def _on_io_exit(display: int, _data: int) -> None:
    # Returning is the point: libX11's default here is exit(1).
    backend = _ours.get(display)
    if backend is not None:
        backend._connection_broke()


_IO_EXIT = _IO_EXIT_HANDLER(_on_io_exit)


def _install_io_chain(x) -> None:
    """Once per process, after Qt has installed its own handler (the app exists by now)."""
    if _io_chain:
        return
    ours = _IO_ERROR_HANDLER(_on_io_error)
    previous = x.XSetIOErrorHandler(ctypes.cast(ours, c_void_p))
    _io_chain.extend([ours, _IO_ERROR_HANDLER(previous) if previous else None])


def _xlib():
    """libX11 with the signatures we use, or None when it cannot be loaded."""
    if not _lib:
        try:
            # the soname Qt's xcb plugin itself links (already mapped: no search, no ldconfig)
            x = ctypes.CDLL("libX11.so.6")
        except OSError:
            _lib.append(None)
            return None
        x.XOpenDisplay.restype = c_void_p
        x.XOpenDisplay.argtypes = [c_char_p]
        x.XCloseDisplay.argtypes = [c_void_p]
        x.XConnectionNumber.argtypes = [c_void_p]
        x.XDefaultRootWindow.restype = c_ulong
        x.XDefaultRootWindow.argtypes = [c_void_p]
        x.XKeysymToKeycode.restype = c_ubyte
        x.XKeysymToKeycode.argtypes = [c_void_p, c_ulong]
        x.XGetModifierMapping.restype = POINTER(_XModifierKeymap)
        x.XGetModifierMapping.argtypes = [c_void_p]
        x.XFreeModifiermap.argtypes = [POINTER(_XModifierKeymap)]
        x.XGrabKey.argtypes = [c_void_p, c_int, c_uint, c_ulong, c_int, c_int, c_int]
        x.XUngrabKey.argtypes = [c_void_p, c_int, c_uint, c_ulong]
        x.XSync.argtypes = [c_void_p, c_int]
        x.XFlush.argtypes = [c_void_p]
        x.XPending.argtypes = [c_void_p]
        x.XNextEvent.argtypes = [c_void_p, POINTER(_XEvent)]
        x.XInternAtom.restype = c_ulong
        x.XInternAtom.argtypes = [c_void_p, c_char_p, c_int]
        x.XSendEvent.argtypes = [c_void_p, c_ulong, c_int, c_long, POINTER(_XEvent)]
        x.XSetErrorHandler.restype = c_void_p
        x.XSetErrorHandler.argtypes = [c_void_p]
        x.XSetIOErrorHandler.restype = c_void_p
        x.XSetIOErrorHandler.argtypes = [c_void_p]
        if hasattr(x, "XSetIOErrorExitHandler"):  # libX11 >= 1.7
            x.XSetIOErrorExitHandler.restype = None
            x.XSetIOErrorExitHandler.argtypes = [c_void_p, c_void_p, c_void_p]
        _lib.append(x)
    return _lib[0]


class X11Backend(HotkeyBackend):
    name = "x11"
    connection_lost = Signal(str)  # the reason, once, after our X connection broke

    def __init__(self, display_name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._x = _xlib()
        self._display = None
        if self._x is None:
            self.unsupported_reason = "cannot open the X display for hotkeys: libX11 is not available"
            return
        display = self._x.XOpenDisplay(display_name.encode() if display_name else None)
        if not display:
            self.unsupported_reason = (
                f"cannot open the X display for hotkeys: cannot connect to {display_name or '$DISPLAY'}")
            return
        self._display = display
        self._broken = False
        if hasattr(self._x, "XSetIOErrorExitHandler"):
            _install_io_chain(self._x)
            _ours[display] = self
            self._x.XSetIOErrorExitHandler(display, ctypes.cast(_IO_EXIT, c_void_p), None)
        self._root = self._x.XDefaultRootWindow(display)
        self._numlock = self._numlock_mask()
        self._grabs: dict[KeyCombo, tuple[int, int]] = {}  # combo -> (keycode, base mask)
        self.last_event_time = CURRENT_TIME  # server time of the last hotkey press
        # a held key repeats: presses without a release in between, or (classic X
        # autorepeat) a release and a press with the same timestamp; fire once per stroke
        self._down: set[int] = set()
        self._released_at: dict[int, int] = {}
        self._event = _XEvent()
        self._notifier = QSocketNotifier(self._x.XConnectionNumber(display),
                                         QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _numlock_mask(self) -> int:
        # NumLock is Mod2 on nearly every keymap, but the server is the authority
        keycode = self._x.XKeysymToKeycode(self._display, XK_NUM_LOCK)
        if keycode:
            mapping = self._x.XGetModifierMapping(self._display)
            if mapping:
                try:
                    per = mapping.contents.max_keypermod
                    codes = mapping.contents.modifiermap
                    for index in range(8):
                        if keycode in (codes[index * per + k] for k in range(per)):
                            return 1 << index
                finally:
                    self._x.XFreeModifiermap(mapping)
        return keyspec.X11_NUMLOCK_MASK

    def _synced_errors(self, requests) -> list[int]:
        """Run ``requests()``, sync, and return the error codes our connection got.

        Xlib's error handler is per process (Qt installs one that ignores errors on its
        own connection): ours is in place only for this round trip, then Qt's is back.
        """
        errors: list[int] = []
        display = self._display

        def on_error(err_display, event) -> int:
            if err_display == display:
                errors.append(event.contents.error_code)
            return 0

        handler = _ERROR_HANDLER(on_error)
        previous = self._x.XSetErrorHandler(ctypes.cast(handler, c_void_p))
        try:
            requests()
            self._x.XSync(display, 0)
        finally:
            self._x.XSetErrorHandler(previous)
        return errors

    def _grab(self, combo: KeyCombo) -> None:
        x, display = self._x, self._display
        keycode = x.XKeysymToKeycode(display, combo.x11_keysym())
        if not keycode:
            raise HotkeyError(f"{combo}: the keyboard map has no {combo.key} key")
        masks = combo.x11_masks_with_locks(self._numlock)

        def grab_all() -> None:
            for mask in masks:
                x.XGrabKey(display, keycode, mask, self._root, 0, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC)

        errors = self._synced_errors(grab_all)
        if self._broken:
            raise HotkeyError(CONNECTION_LOST)
        if errors:
            # the grabs that did succeed must not linger; ungrabbing one we never had is harmless
            self._synced_errors(lambda: [x.XUngrabKey(display, keycode, m, self._root) for m in masks])
            if BAD_ACCESS in errors:
                raise HotkeyError(f"{combo} is already taken by another program")
            name = _ERROR_NAMES.get(errors[0], f"error {errors[0]}")
            raise HotkeyError(f"{combo}: the X server refused the grab ({name})")
        self._grabs[combo] = (keycode, combo.x11_mask())
        self._drain()  # the sync may have read events into Xlib's queue

    def _ungrab(self, combo: KeyCombo) -> None:
        grab = self._grabs.pop(combo, None)
        if grab is None or self._display is None or self._broken:
            return
        x, display = self._x, self._display
        self._synced_errors(lambda: [x.XUngrabKey(display, grab[0], m, self._root)
                                     for m in combo.x11_masks_with_locks(self._numlock)])

    def _connection_broke(self) -> None:
        """Called from inside Xlib (its I/O error path): only flag it and stop listening;
        the display is closed once Xlib has unwound."""
        if self._broken:
            return
        self._broken = True
        self._notifier.setEnabled(False)  # the dead socket would stay readable forever
        QTimer.singleShot(0, self._after_connection_broke)

    def _after_connection_broke(self) -> None:
        self.unsupported_reason = CONNECTION_LOST
        self._grabs.clear()
        self._down.clear()
        self._close_display()
        print(f"switcher: {CONNECTION_LOST}", file=sys.stderr, flush=True)
        self.connection_lost.emit(CONNECTION_LOST)

    def _close_display(self) -> None:
        display, self._display = self._display, None
        if display is None:
            return
        self._notifier.setEnabled(False)
        # after an I/O error XCloseDisplay skips the round trip and only frees
        self._x.XCloseDisplay(display)
        _ours.pop(display, None)

    def _drain(self, *_args) -> None:
        display = self._display
        if display is None or self._broken:
            return
        x, event = self._x, self._event
        while not self._broken and x.XPending(display):
            x.XNextEvent(display, byref(event))
            key = event.xkey
            if event.type == KEY_PRESS:
                repeat = key.keycode in self._down or self._released_at.get(key.keycode) == key.time
                self._down.add(key.keycode)
                if not repeat:
                    self.last_event_time = key.time
                    self._on_press(key.keycode, key.state & _RELEVANT)
            elif event.type == KEY_RELEASE:
                self._down.discard(key.keycode)
                self._released_at[key.keycode] = key.time

    def _on_press(self, keycode: int, mask: int) -> None:
        for combo, (code, base) in list(self._grabs.items()):
            if code == keycode and base == mask:
                self._fire(combo)
                return

    def activate_window(self, window_id: int) -> None:
        """Ask the window manager to focus ``window_id`` as a pager would (source 2), with
        the time of the hotkey press. Qt only knows the times of events on its own
        connection, so its own request can look stale to focus-stealing prevention."""
        if self._display is None or self._broken or not window_id:
            return
        x, display = self._x, self._display
        event = _XEvent()
        msg = event.xclient
        msg.type = CLIENT_MESSAGE
        msg.window = window_id
        msg.message_type = x.XInternAtom(display, b"_NET_ACTIVE_WINDOW", 0)
        msg.format = 32
        msg.data[0], msg.data[1] = 2, self.last_event_time
        x.XSendEvent(display, self._root, 0, SUBSTRUCTURE_REDIRECT_MASK | SUBSTRUCTURE_NOTIFY_MASK,
                     byref(event))
        x.XFlush(display)

    def close(self) -> None:
        super().close()
        self._close_display()
