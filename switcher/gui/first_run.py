"""First-run window, shown in sandbox mode: ways to bring in real accounts, or keep playing.

Imports here go to the user's REAL config (the paths from before the sandbox replaced
SWITCHER_CONFIG_DIR/AWS_CONFIG_FILE), always after showing what would be added.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core import config as config_store
from ..core import importer
from ..core.errors import SwitcherError
from . import icons


class FirstRunWindow(QWidget):
    left_sandbox = Signal()  # real accounts were imported: the app should use them now
    add_account_requested = Signal()

    def __init__(self, *, real_config: Path, real_aws_config: Path, parent=None) -> None:
        super().__init__(parent)
        self.real_config = real_config
        self.real_aws_config = real_aws_config
        self.setWindowTitle("Welcome to Switcher")
        self.setWindowIcon(icons.app_icon())
        self.setMinimumWidth(520)

        logo = QLabel()
        logo.setPixmap(icons.app_icon("sandbox").pixmap(56, 56))
        title = QLabel("<h2 style='margin:0'>Welcome to Switcher</h2>")
        intro = QLabel(
            "No accounts are configured yet, so Switcher started in <b>sandbox mode</b>: "
            "demo accounts backed by a local AWS stand-in, nothing touches real AWS. "
            "Try the tray menu, then bring in your own accounts:"
        )
        intro.setWordWrap(True)

        profiles = self._count_profiles()
        shown_path = _tilde(real_aws_config)
        self.import_aws = QCommandLinkButton(
            "Import from ~/.aws/config",
            f"{profiles} role profile{'s' if profiles != 1 else ''} found in {shown_path}"
            if profiles
            else f"No role profiles found in {shown_path}",
        )
        self.import_aws.setObjectName("importAwsConfig")
        self.import_aws.setEnabled(profiles > 0)
        self.import_aws.clicked.connect(self.import_aws_config)
        self.add_account = QCommandLinkButton(
            "Add an account", "Alias, 12-digit account ID, roles and where the base credentials come from"
        )
        self.add_account.setObjectName("addAccount")
        self.add_account.clicked.connect(self._add_account)
        self.paste_esr = QCommandLinkButton(
            "Paste an AWS Extend Switch Roles configuration",
            "The text from the browser extension's settings; you see a preview first",
        )
        self.paste_esr.setObjectName("pasteEsr")
        self.paste_esr.clicked.connect(self.import_esr)
        self.explore = QCommandLinkButton(
            "Keep exploring the sandbox", "Open the tray menu and switch to a demo account"
        )
        self.explore.setObjectName("keepExploring")
        self.explore.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(title, 1, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(head)
        layout.addWidget(intro)
        layout.addSpacing(6)
        for button in (self.import_aws, self.add_account, self.paste_esr, self.explore):
            layout.addWidget(button)
        self.adjustSize()

    def _count_profiles(self) -> int:
        from ..core.targets import profile_targets, read_aws_profiles

        try:
            return len(profile_targets(read_aws_profiles(self.real_aws_config)))
        except SwitcherError:
            return 0

    def _confirm_and_apply(self, planner) -> bool:
        try:
            plan = planner(config_store.load(self.real_config))
        except SwitcherError as exc:
            QMessageBox.warning(self, "Switcher", str(exc))
            return False
        if not plan.changed:
            QMessageBox.information(self, "Switcher", "Nothing to import: " + plan.summary())
            return False
        answer = QMessageBox.question(
            self, "Import into your Switcher config?",
            f"This will be written to {self.real_config}:\n\n{plan.summary()}",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            importer.apply(planner, self.real_config)
        except SwitcherError as exc:
            QMessageBox.warning(self, "Switcher", str(exc))
            return False
        self.close()
        self.left_sandbox.emit()
        return True

    def import_aws_config(self) -> bool:
        path = self.real_aws_config
        return self._confirm_and_apply(lambda config: importer.plan_aws_config_file(config, path))

    def import_esr(self) -> bool:
        dialog = QDialog(self)
        dialog.setWindowTitle("Paste an AWS Extend Switch Roles configuration")
        text = QPlainTextEdit()
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        text.setPlaceholderText("[profile acme-prod]\naws_account_id = 123456789012\nrole_name = Admin")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview…")
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        box = QVBoxLayout(dialog)
        box.addWidget(text)
        box.addWidget(buttons)
        dialog.resize(520, 360)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        content = text.toPlainText()
        return self._confirm_and_apply(lambda config: importer.plan_esr(config, content))

    def _add_account(self) -> None:
        self.close()
        self.add_account_requested.emit()


def _tilde(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home):] if text.startswith(home + "/") else text
