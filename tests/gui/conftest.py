"""Fixtures for the tray's widget tests (see tray_env.py); importing them here makes them
visible to every module in tests/gui."""

import pytest

from .tray_env import browser_stand_in, core_env  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_clipboard_after_test(request):
    """Qt's offscreen platform crashes at interpreter exit (SIGSEGV, exit 139) when the
    clipboard still holds a QMimeData we set; on xcb it does not. Emptying it after each
    test keeps the suite's exit code honest."""
    yield
    if "qapp" in request.fixturenames or "qtbot" in request.fixturenames:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.clipboard().clear()
