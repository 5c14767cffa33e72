"""The MFA prompt: names account, role and device; exactly 6 digits; Enter submits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from switcher.core.targets import Target
from switcher.gui.mfa_dialog import MfaDialog

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

TARGET = Target(name="prod/Deploy", kind="account", account_id="222222222222",
                role_name="Deploy", region="us-east-1", account_alias="prod")
DEVICE = "arn:aws:iam::222222222222:mfa/tester"


@pytest.fixture
def dialog(qtbot):
    d = MfaDialog(TARGET, DEVICE)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.code.setFocus()
    return d


def test_names_account_role_and_device(dialog):
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    for part in ("prod/Deploy", "prod", "222222222222", "Deploy", DEVICE):
        assert part in shown


def test_accepts_only_six_digits(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "12ab3-4 56")
    assert dialog.code.text() == "123-4 56"  # letters never get in
    assert dialog.ok_button.isEnabled() and dialog.digits() == "123456"
    qtbot.keyClicks(dialog.code, "7")
    assert not dialog.ok_button.isEnabled()


def test_a_pasted_code_with_a_space_or_dash_is_accepted(qtbot, dialog):
    for pasted in ("123 456", "123-456", " 123 456 "):
        dialog.code.clear()
        dialog.code.insert(pasted)  # what a paste does: the validator sees the whole text
        assert dialog.ok_button.isEnabled(), pasted
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.value() == "123456"


def test_title_does_not_repeat_the_app_name(dialog):
    assert dialog.windowTitle() == "MFA code"  # Qt adds " — Switcher" itself


def test_enter_with_fewer_digits_does_nothing(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "12345")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.value() is None


def test_enter_submits_the_code(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "654321")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert dialog.value() == "654321"


def test_escape_cancels(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "654321")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.value() is None
