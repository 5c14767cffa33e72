"""Fixtures for the tray's widget tests (see tray_env.py); importing them here makes them
visible to every module in tests/gui."""

from .tray_env import browser_stand_in, core_env  # noqa: F401
