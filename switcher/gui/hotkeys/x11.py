"""X11: XGrabKey on the root window through our own python-xlib connection, read by a
QSocketNotifier so that key presses arrive as ordinary Qt events on the main thread.

A grab is per (keycode, exact modifier state), so every combination is grabbed four times:
plain, with CapsLock, with NumLock, and with both - otherwise the hotkey dies whenever a
lock is on. Another client holding the combo makes the server answer BadAccess; the
requests are asynchronous, so we sync and look at the error handler before answering.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier
from Xlib import XK, X, error
from Xlib import display as xdisplay
from Xlib.protocol import event as xevent

from ...core import keyspec
from ...core.keyspec import KeyCombo
from .base import HotkeyBackend, HotkeyError

_RELEVANT = (
    keyspec.X11_MASKS["Shift"] | keyspec.X11_MASKS["Ctrl"]
    | keyspec.X11_MASKS["Alt"] | keyspec.X11_MASKS["Meta"]
)


class _CoreDisplay(xdisplay.Display):
    """A connection that skips python-xlib's extension set-up: grabs, the modifier map
    and a client message are all core protocol, and importing and querying the ~13
    extensions costs ~1 MB of the idle tray's memory and a dozen round trips."""

    def list_extensions(self):
        return []


class X11Backend(HotkeyBackend):
    name = "x11"

    def __init__(self, display_name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        try:
            self._display = _CoreDisplay(display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            self._display = None
            self.unsupported_reason = f"cannot open the X display for hotkeys: {exc}"
            return
        self._root = self._display.screen().root
        self._numlock = self._numlock_mask()
        self._grabs: dict[KeyCombo, tuple[int, int]] = {}  # combo -> (keycode, base mask)
        self.last_event_time = X.CurrentTime  # server time of the last hotkey press
        # a held key repeats: presses without a release in between, or (classic X
        # autorepeat) a release and a press with the same timestamp; fire once per stroke
        self._down: set[int] = set()
        self._released_at: dict[int, int] = {}
        self._notifier = QSocketNotifier(self._display.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _numlock_mask(self) -> int:
        # NumLock is Mod2 on nearly every keymap, but the server is the authority
        keycode = self._display.keysym_to_keycode(XK.XK_Num_Lock)
        if keycode:
            for index, codes in enumerate(self._display.get_modifier_mapping()):
                if keycode in codes:
                    return 1 << index
        return keyspec.X11_NUMLOCK_MASK

    def _grab(self, combo: KeyCombo) -> None:
        keycode = self._display.keysym_to_keycode(combo.x11_keysym())
        if not keycode:
            raise HotkeyError(f"{combo}: the keyboard map has no {combo.key} key")
        done: list[int] = []
        for mask in combo.x11_masks_with_locks(self._numlock):
            catcher = error.CatchError()
            self._root.grab_key(keycode, mask, False, X.GrabModeAsync, X.GrabModeAsync,
                                onerror=catcher)
            self._display.sync()  # the round trip delivers any error for the grab above
            failure = catcher.get_error()
            if failure is not None:
                for grabbed in done:
                    self._root.ungrab_key(keycode, grabbed)
                self._display.sync()
                if isinstance(failure, error.BadAccess):
                    raise HotkeyError(f"{combo} is already taken by another program")
                raise HotkeyError(f"{combo}: the X server refused the grab ({type(failure).__name__})")
            done.append(mask)
        self._grabs[combo] = (keycode, combo.x11_mask())
        self._drain()  # the sync may have read events into python-xlib's queue

    def _ungrab(self, combo: KeyCombo) -> None:
        grab = self._grabs.pop(combo, None)
        if grab is None or self._display is None:
            return
        for mask in combo.x11_masks_with_locks(self._numlock):
            self._root.ungrab_key(grab[0], mask)
        self._display.sync()

    def _drain(self, *_args) -> None:
        display = self._display
        if display is None:
            return
        try:
            while display.pending_events():
                event = display.next_event()
                if event.type == X.KeyPress:
                    repeat = event.detail in self._down or \
                        self._released_at.get(event.detail) == event.time
                    self._down.add(event.detail)
                    if not repeat:
                        self.last_event_time = event.time
                        self._on_press(event.detail, event.state & _RELEVANT)
                elif event.type == X.KeyRelease:
                    self._down.discard(event.detail)
                    self._released_at[event.detail] = event.time
        except error.ConnectionClosedError:
            self._notifier.setEnabled(False)
            self.unsupported_reason = "the X connection for hotkeys was closed"

    def _on_press(self, keycode: int, mask: int) -> None:
        for combo, (code, base) in list(self._grabs.items()):
            if code == keycode and base == mask:
                self._fire(combo)
                return

    def activate_window(self, window_id: int) -> None:
        """Ask the window manager to focus ``window_id`` as a pager would (source 2), with
        the time of the hotkey press. Qt only knows the times of events on its own
        connection, so its own request can look stale to focus-stealing prevention."""
        if self._display is None or not window_id:
            return
        window = self._display.create_resource_object("window", window_id)
        message = xevent.ClientMessage(
            window=window, client_type=self._display.intern_atom("_NET_ACTIVE_WINDOW"),
            data=(32, [2, self.last_event_time, 0, 0, 0]),
        )
        self._root.send_event(message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        self._display.flush()

    def close(self) -> None:
        super().close()
        if self._display is not None:
            self._notifier.setEnabled(False)
            self._display.close()
            self._display = None
