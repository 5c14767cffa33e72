"""Every window of a started tray app, as ``switcher tray`` configures it: the app icon
(what the taskbar, the Wayland compositor and alt-tab show) and a minimum size (a window
shrunk by a tiling compositor or the user must not clip its own content)."""

from __future__ import annotations

import pytest

from switcher.core.targets import Target
from switcher.gui import app as tray_main
from switcher.gui.qt import QApplication, QMessageBox, QPalette, QSystemTrayIcon

# The offscreen platform cannot raise windows or pass size hints, and has no tray to watch.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints|grabbing)",
    r"No such signal QPlatformNativeInterface::systemTrayWindowChanged")

# smaller than this, the windows' own rows and buttons no longer fit
MIN_WIDTH, MIN_HEIGHT = 200, 90


@pytest.fixture
def configured_app(qapp):
    """qapp configured like ``switcher tray`` does it, put back after the test."""
    saved = (qapp.windowIcon(), qapp.style().name(), QPalette(qapp.palette()),
             qapp.applicationName(), qapp.applicationDisplayName(), qapp.desktopFileName(),
             qapp.quitOnLastWindowClosed())
    tray_main.configure(qapp)
    yield qapp
    icon, style, palette, name, display, desktop, quit_on_close = saved
    for widget in QApplication.topLevelWidgets():
        widget.close()
    qapp.setWindowIcon(icon)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setApplicationName(name)
    qapp.setApplicationDisplayName(display)
    qapp.setDesktopFileName(desktop)
    qapp.setQuitOnLastWindowClosed(quit_on_close)


def open_every_window(qtbot, tray) -> list:
    """Shows them all; returns the ones only the caller holds (pytest-qt keeps weak refs)."""
    from switcher.gui.first_run import PasteEsrDialog
    from switcher.gui.mfa_dialog import MfaDialog
    from switcher.gui.settings.keys import AddKeysDialog

    tray.show_palette()
    tray.open_settings()
    tray.open_first_run()
    target = next(t for t in tray.controller.targets() if t.name == "prod/Deploy")
    assert isinstance(target, Target)
    windows = [
        MfaDialog(target, "arn:aws:iam::222222222222:mfa/tester"),
        PasteEsrDialog(tray.real_paths[0]),
        AddKeysDialog(tray.controller),
        # the first run's and Settings' questions ("Import 3 roles?", unsaved edits)
        QMessageBox(QMessageBox.Icon.Question, "Switcher", "Import these roles?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No),
    ]
    for window in windows:
        qtbot.addWidget(window)
        window.show()
    return windows


def test_every_window_has_the_app_icon_and_a_minimum_size(qtbot, core_env, configured_app):
    from switcher.gui.tray_app import TrayApp

    tray = TrayApp(configured_app, sandbox=False, icon=QSystemTrayIcon())
    try:
        tray.start()
        qtbot.waitUntil(lambda: tray.started, timeout=10000)
        held = open_every_window(qtbot, tray)
        shown = [w for w in QApplication.topLevelWidgets() if w.isWindow() and w.isVisible()]
        titles = {w.windowTitle() for w in shown}
        assert {"Welcome to Switcher", "MFA code", "Add keys"} <= titles, titles
        assert tray.quickswitch is not None and tray.quickswitch.palette in shown
        assert tray.settings_window in shown and len(shown) == 7
        for window in shown:
            name = f"{type(window).__name__} {window.windowTitle()!r}"
            assert not window.windowIcon().isNull(), f"{name} has no window icon"
            size = window.minimumSize()
            assert size.width() >= MIN_WIDTH and size.height() >= MIN_HEIGHT, \
                f"{name}: minimum size {size.width()}x{size.height()}"
            # and what it asks for fits in it: nothing clipped at the minimum
            hint = window.minimumSizeHint()
            assert size.width() >= hint.width() and size.height() >= hint.height(), \
                f"{name}: minimum {size.toTuple()} below its content's {hint.toTuple()}"
        del held
    finally:
        tray.shutdown()


@pytest.mark.parametrize(("style", "expected"), [(None, "fusion"), ("Windows", "windows")])
def test_the_tray_app_is_created_with_its_style(tmp_path, style, expected):
    """new_app() passes the style as ``-style`` instead of calling setStyle() afterwards;
    the app must still get it (a process of its own: this one has its QApplication)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SWITCHER_STYLE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if style:
        env["SWITCHER_STYLE"] = style
    code = ("from switcher.gui import app\n"
            "qapp = app.new_app()\n"
            "print(qapp.style().name(), qapp.desktopFileName(), qapp.quitOnLastWindowClosed())\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [expected, "switcher", "False"]
