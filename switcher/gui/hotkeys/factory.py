"""Pick the hotkey backend for the running platform and Qt session."""

from __future__ import annotations

import os
import sys

from switcher.gui.hotkeys.base import SHOW_COMMAND_HINT, HotkeyBackend, UnsupportedBackend
from switcher.gui.qt import QGuiApplication, QObject


def create_backend(parent: QObject | None = None) -> HotkeyBackend:
    if sys.platform == "win32":
        from switcher.gui.hotkeys.windows import WindowsBackend

        return WindowsBackend(parent)
    if sys.platform == "darwin":
        from switcher.gui.hotkeys.macos import MacBackend

        return MacBackend(parent)
    platform = QGuiApplication.platformName()
    if platform == "xcb":
        from switcher.gui.hotkeys.x11 import X11Backend  # libX11 through ctypes: nothing to install

        return X11Backend(os.environ.get("DISPLAY"), parent)
    if platform.startswith("wayland"):
        from switcher.gui.hotkeys.wayland_portal import PortalBackend

        return PortalBackend(parent)
    return UnsupportedBackend(
        f"no global hotkeys on the {platform or 'unknown'} platform; {SHOW_COMMAND_HINT}", parent)
