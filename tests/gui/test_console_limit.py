"""The sixth-identity question: its buttons and what each answer returns."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from switcher.gui import console_limit

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE


def _ask(isolated, button):
    seen = {}

    def click() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, click)
            return
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["default"] = box.defaultButton().text()
        seen["informative"] = box.informativeText()
        [found] = [b for b in box.buttons() if b.text() == button]
        found.click()

    QTimer.singleShot(0, click)
    return console_limit.ask("dev/Admin", "chromium", isolated), seen


@pytest.mark.parametrize("button,answer", [
    ("Open in an isolated profile", console_limit.OPEN_ISOLATED),
    ("Open here anyway", console_limit.OPEN_HERE),
    ("Cancel", None),
])
def test_each_answer(qapp, button, answer):
    got, seen = _ask("chromium:isolated", button)
    assert got == answer
    assert sorted(seen["buttons"]) == ["Cancel", "Open here anyway", "Open in an isolated profile"]
    assert seen["default"] == "Open in an isolated profile"
    assert "(chromium:isolated)" in seen["informative"]


def test_a_browser_without_an_isolated_profile_offers_only_here_or_cancel(qapp):
    got, seen = _ask(None, "Open here anyway")
    assert got == console_limit.OPEN_HERE
    assert sorted(seen["buttons"]) == ["Cancel", "Open here anyway"]
    assert "chromium:isolated or firefox:container" in seen["informative"]
