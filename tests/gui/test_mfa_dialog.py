"""The MFA prompt: names account, role and device; exactly 6 digits; it submits itself on
the sixth digit; the sandbox says any code works."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from switcher.core.model import Account, Role
from switcher.core.targets import Target
from switcher.gui.mfa_dialog import SANDBOX_NOTE, MfaDialog

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


def test_accepts_only_digits_and_goes_on_by_itself_at_the_sixth(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "12ab3-4 5")
    assert dialog.code.text() == "123-4 5"  # letters never get in
    assert dialog.isVisible() and not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.code, "6")
    assert not dialog.isVisible()  # no Enter needed
    assert dialog.value() == "123456"


@pytest.mark.parametrize("pasted", ["123 456", "123-456", " 123 456 "])
def test_a_pasted_code_with_a_space_or_dash_is_accepted(qtbot, dialog, pasted):
    dialog.code.insert(pasted)  # what a paste does: the validator sees the whole text
    assert not dialog.isVisible()
    assert dialog.value() == "123456"


def test_title_does_not_repeat_the_app_name(dialog):
    assert dialog.windowTitle() == "MFA code"  # Qt adds " — Switcher" itself


def test_enter_with_fewer_digits_does_nothing(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "12345")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.value() is None


def test_escape_cancels(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "65432")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.value() is None


def _open(qtbot, target=TARGET, **kw) -> MfaDialog:
    d = MfaDialog(target, DEVICE, **kw)
    qtbot.addWidget(d)
    return d


def _shown(d: MfaDialog) -> str:
    return " ".join(label.text() for label in d.findChildren(QLabel))


def test_the_sandbox_says_any_six_digits_work(qtbot):
    assert SANDBOX_NOTE == "Sandbox: any 6 digits work."
    assert SANDBOX_NOTE in _shown(_open(qtbot, sandbox=True))
    assert "any 6 digits" not in _shown(_open(qtbot))


PROFILE = Target(name="legacy-admin", kind="profile", account_id="555566667777",
                 role_name="OrganizationAccountAccessRole", region="us-east-1")


def test_a_profile_target_names_its_account_too(qtbot):
    shown = _shown(_open(qtbot, PROFILE))
    assert "legacy-admin" in shown and "555566667777" in shown and "—" not in shown
    # an account of ours with the same id lends its alias
    ours = Account("legacy", "555566667777", roles=(Role("Admin"),))
    shown = _shown(_open(qtbot, PROFILE, accounts=(ours,)))
    assert "legacy  (555566667777)" in shown
