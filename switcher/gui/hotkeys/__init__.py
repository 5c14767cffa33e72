"""Global hotkeys: one interface, a backend per platform, chosen by ``create_backend``."""

from switcher.gui.hotkeys.base import HotkeyBackend, HotkeyError, UnsupportedBackend
from switcher.gui.hotkeys.factory import create_backend

__all__ = ["HotkeyBackend", "HotkeyError", "UnsupportedBackend", "create_backend"]
