"""The approval prompt for a role marked ``confirm``: another program wants its
credentials, and the user decides. Allow once is the default (Enter); Esc or closing the
window denies."""

from __future__ import annotations

import html

from switcher.core.targets import Target
from switcher.gui import icons
from switcher.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
)

ONCE, HOUR = "once", "hour"
WHAT = {"credentials": "its credentials", "console_url": "a console sign-in"}


class ApprovalDialog(QDialog):
    def __init__(self, target: Target, caller: str, what: str = "credentials", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Switcher approval: {target.name}")  # Qt appends the app name
        self.setWindowIcon(icons.app_icon())
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setMinimumWidth(460)
        self.choice: str | None = None

        heading = QLabel(f"<b>A program asks for {html.escape(WHAT.get(what, what))} of "
                         f"{html.escape(target.name)}</b>")
        form = QFormLayout()
        form.addRow("Target:", QLabel(target.name))
        program = QLabel(caller)
        program.setObjectName("approvalCaller")
        program.setTextFormat(Qt.TextFormat.PlainText)  # a command line is not markup
        program.setWordWrap(True)
        program.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Program:", program)

        self.buttons = QDialogButtonBox()
        self.once = QPushButton("Allow once")
        self.hour = QPushButton("Allow for 1 hour")
        self.deny = QPushButton("Deny")
        for button, role in ((self.once, QDialogButtonBox.ButtonRole.AcceptRole),
                             (self.hour, QDialogButtonBox.ButtonRole.AcceptRole),
                             (self.deny, QDialogButtonBox.ButtonRole.RejectRole)):
            self.buttons.addButton(button, role)
        self.once.setDefault(True)
        self.once.setAutoDefault(True)
        self.once.clicked.connect(lambda: self._choose(ONCE))
        self.hour.clicked.connect(lambda: self._choose(HOUR))
        self.deny.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def reject(self) -> None:  # Esc, Deny, the window's close button
        self.choice = None
        super().reject()


def ask_approval(target: Target, caller: str, what: str = "credentials") -> str | None:
    """Modal prompt on the main thread: ONCE, HOUR, or None (denied)."""
    dialog = ApprovalDialog(target, caller, what)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.once.setFocus()
    dialog.exec()
    return dialog.choice
