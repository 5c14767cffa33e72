"""Global hotkeys: one interface, a backend per platform, chosen by ``create_backend``."""

from .base import HotkeyBackend, HotkeyError, UnsupportedBackend
from .factory import create_backend

__all__ = ["HotkeyBackend", "HotkeyError", "UnsupportedBackend", "create_backend"]
