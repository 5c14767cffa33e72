"""The MFA prompt: names the account, role and device; accepts exactly 6 digits (spaces and
dashes, as authenticator apps show and copy them, are ignored) and goes on by itself once
six digits are in, as the console's own MFA page does."""

from __future__ import annotations

import html
from collections.abc import Iterable

from switcher.core.errors import InputError
from switcher.core.model import Account
from switcher.core.targets import Target
from switcher.core.validate import check_token_code
from switcher.gui import icons
from switcher.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    Qt,
    QVBoxLayout,
)

SANDBOX_NOTE = "Sandbox: any 6 digits work."


def account_text(target: Target, accounts: Iterable[Account] = ()) -> str:
    """``alias  (id)``; a profile target has no alias of its own, so a Switcher account with
    the same id lends its alias, and else the id stands alone."""
    alias = target.account_alias or next((a.alias for a in accounts if a.id == target.account_id), None)
    return f"{alias}  ({target.account_id})" if alias else target.account_id


class MfaDialog(QDialog):
    def __init__(self, target: Target, device: str, parent=None, *, sandbox: bool = False,
                 accounts: Iterable[Account] = (), caller: str | None = None) -> None:
        super().__init__(parent)
        # Qt appends the application name; a code asked for another program says so in
        # the title too, the one thing a window switcher or `xdotool search` shows
        self.setWindowTitle(f"Switcher MFA: {target.name}" if caller else "MFA code")
        self.setWindowIcon(icons.app_icon())
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setMinimumWidth(440)

        heading = QLabel(f"<b>Enter the MFA code for {html.escape(target.name)}</b>")
        form = QFormLayout()
        if target.kind == "profile":
            form.addRow("Profile:", QLabel(target.name))
        form.addRow("Account:", QLabel(account_text(target, accounts)))
        form.addRow("Role:", QLabel(target.role_name))
        device_label = QLabel(device)
        device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Device:", device_label)
        if caller:
            asker = QLabel(caller)
            asker.setObjectName("mfaCaller")
            asker.setWordWrap(True)
            asker.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow("Asked by:", asker)

        self.code = QLineEdit()
        self.code.setObjectName("mfaCode")
        self.code.setPlaceholderText("6 digits")
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"[\d \-]{0,16}"), self))
        self.code.setMaxLength(16)
        font = QFont(self.code.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 130)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form.addRow("Code:", self.code)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Continue")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.code.textChanged.connect(self._on_text)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        form.setHorizontalSpacing(14)
        self.code.setMinimumHeight(34)
        layout.addWidget(heading)
        layout.addLayout(form)
        self.sandbox_note = QLabel(SANDBOX_NOTE) if sandbox else None
        if self.sandbox_note is not None:
            self.sandbox_note.setObjectName("mfaSandboxNote")
            layout.addWidget(self.sandbox_note)
        layout.addWidget(self.buttons)

    def _on_text(self, _text: str) -> None:
        complete = self.digits() is not None
        self.ok_button.setEnabled(complete)
        if complete:
            self.accept()

    def digits(self) -> str | None:
        """The code without spaces and dashes when it is exactly 6 digits, else None."""
        try:
            return check_token_code(self.code.text().replace(" ", "").replace("-", ""))
        except InputError:
            return None

    def accept(self) -> None:
        if self.digits() is not None:  # Enter with fewer digits does nothing
            super().accept()

    def value(self) -> str | None:
        return self.digits() if self.result() == QDialog.DialogCode.Accepted else None


def ask_mfa_code(target: Target, device: str, parent=None, *, sandbox: bool = False,
                 accounts: Iterable[Account] = (), caller: str | None = None) -> str | None:
    """Modal prompt on the main thread; None when cancelled. ``caller``: the program the
    code is asked for, when it is not the tray's own switch."""
    dialog = MfaDialog(target, device, parent, sandbox=sandbox, accounts=accounts, caller=caller)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.code.setFocus()
    dialog.exec()
    return dialog.value()
