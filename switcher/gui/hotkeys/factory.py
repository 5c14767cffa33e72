"""Pick the hotkey backend for the running platform and Qt session."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from .base import SHOW_COMMAND_HINT, HotkeyBackend, UnsupportedBackend


def create_backend(parent: QObject | None = None) -> HotkeyBackend:
    if sys.platform == "win32":
        from .windows import WindowsBackend

        return WindowsBackend(parent)
    if sys.platform == "darwin":
        from .macos import MacBackend

        return MacBackend(parent)
    platform = QGuiApplication.platformName()
    if platform == "xcb":
        try:
            from .x11 import X11Backend
        except ImportError:
            return UnsupportedBackend(
                "global hotkeys on X11 need python-xlib (pip install python-xlib); "
                f"meanwhile {SHOW_COMMAND_HINT}", parent)
        return X11Backend(os.environ.get("DISPLAY"), parent)
    if platform.startswith("wayland"):
        from .wayland_portal import PortalBackend

        return PortalBackend(parent)
    return UnsupportedBackend(
        f"no global hotkeys on the {platform or 'unknown'} platform; {SHOW_COMMAND_HINT}", parent)
