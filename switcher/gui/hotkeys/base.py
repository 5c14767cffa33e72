"""One interface for global hotkeys on every platform (the aws-vault prompt-driver shape):
``register(combo, callback)``, ``unregister(combo)``; callbacks run on the Qt main thread.

A combination that cannot be had raises ``HotkeyError`` with a line for a person; the
caller reports it and carries on with the other hotkeys.
"""

from __future__ import annotations

from collections.abc import Callable

from switcher.core import keyspec
from switcher.core.errors import SwitcherError
from switcher.core.keyspec import KeyCombo
from switcher.gui.qt import QObject

Callback = Callable[[], None]


class HotkeyError(SwitcherError):
    """This combination cannot be registered (taken, invalid, or no hotkeys here)."""


class HotkeyBackend(QObject):
    name = "none"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callbacks: dict[KeyCombo, Callback] = {}

    # a backend that cannot work here says why, for the settings window and `switcher status`
    unsupported_reason: str | None = None

    @property
    def available(self) -> bool:
        return self.unsupported_reason is None

    def register(self, combo: str, callback: Callback) -> str:
        """Grab ``combo``; return its canonical spelling. Re-registering replaces the callback."""
        try:
            parsed = keyspec.parse(combo)
        except SwitcherError as exc:
            raise HotkeyError(str(exc)) from None
        if self.unsupported_reason:
            raise HotkeyError(self.unsupported_reason)
        if parsed not in self._callbacks:
            self._grab(parsed)
        self._callbacks[parsed] = callback
        return str(parsed)

    def unregister(self, combo: str) -> None:
        try:
            parsed = keyspec.parse(combo)
        except SwitcherError:
            return
        if self._callbacks.pop(parsed, None) is not None:
            self._ungrab(parsed)

    def unregister_all(self) -> None:
        for parsed in list(self._callbacks):
            self._callbacks.pop(parsed)
            self._ungrab(parsed)

    def registered(self) -> list[str]:
        return [str(c) for c in self._callbacks]

    def close(self) -> None:
        self.unregister_all()

    def _fire(self, parsed: KeyCombo) -> None:
        callback = self._callbacks.get(parsed)
        if callback is not None:
            callback()

    # --- per platform ---------------------------------------------------------------------
    def _grab(self, combo: KeyCombo) -> None:
        raise HotkeyError(self.unsupported_reason or "global hotkeys are not supported here")

    def _ungrab(self, combo: KeyCombo) -> None:
        pass


class UnsupportedBackend(HotkeyBackend):
    """No global hotkeys on this platform/session; ``switcher show`` still works."""

    name = "unsupported"

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.unsupported_reason = reason


SHOW_COMMAND_HINT = (
    "bind `switcher show` to a key in your desktop's keyboard shortcut settings"
)
