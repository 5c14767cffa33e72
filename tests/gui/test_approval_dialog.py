"""The approval prompt of a ``confirm`` role: names the target and the asking program;
Allow once is the default (Enter), Allow for 1 hour the second choice, Esc and Deny deny.
Also the MFA prompt asked for another program: its title and the program it names."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from switcher.core.targets import Target
from switcher.gui.approval_dialog import HOUR, ONCE, ApprovalDialog
from switcher.gui.mfa_dialog import MfaDialog

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

TARGET = Target(name="prod/Admin", kind="account", account_id="222222222222",
                role_name="Admin", region="us-east-1", account_alias="prod")
CALLER = "/usr/bin/python3 -m switcher creds prod/Admin (pid 4242), started by aws s3 ls (pid 41)"


@pytest.fixture
def dialog(qtbot):
    d = ApprovalDialog(TARGET, CALLER)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.once.setFocus()
    return d


def test_names_the_target_and_the_program_with_its_pid_and_command_line(dialog):
    assert dialog.windowTitle().startswith("Switcher approval")
    assert "prod/Admin" in dialog.windowTitle()
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "prod/Admin" in shown and CALLER in shown
    assert [b.text() for b in (dialog.once, dialog.hour, dialog.deny)] == [
        "Allow once", "Allow for 1 hour", "Deny"]


def test_enter_allows_once(qtbot, dialog):
    assert dialog.once.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.choice == ONCE


def test_escape_denies(qtbot, dialog):
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.choice is None


@pytest.mark.parametrize(("button", "choice"), [("hour", HOUR), ("deny", None), ("once", ONCE)])
def test_each_button(qtbot, dialog, button, choice):
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.choice == choice


def test_a_command_line_is_shown_as_text_not_markup(qtbot):
    d = ApprovalDialog(TARGET, "evil <b>bold</b> (pid 1)")
    qtbot.addWidget(d)
    label = d.findChild(QLabel, "approvalCaller")
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_an_mfa_code_asked_for_another_program_says_so(qtbot):
    d = MfaDialog(TARGET, "arn:aws:iam::222222222222:mfa/tester", caller=CALLER)
    qtbot.addWidget(d)
    assert d.windowTitle().startswith("Switcher MFA") and "prod/Admin" in d.windowTitle()
    asker = d.findChild(QLabel, "mfaCaller")
    assert asker is not None and asker.text() == CALLER
    plain = MfaDialog(TARGET, "arn:aws:iam::222222222222:mfa/tester")
    qtbot.addWidget(plain)
    assert plain.windowTitle() == "MFA code" and plain.findChild(QLabel, "mfaCaller") is None
