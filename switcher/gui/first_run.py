"""First-run window, shown in sandbox mode: ways to bring in real accounts, or keep playing.

Imports here go to the user's REAL config (the paths from before the sandbox replaced
SWITCHER_CONFIG_DIR/AWS_CONFIG_FILE), always after showing what would be added.
"""

from __future__ import annotations

from pathlib import Path

from switcher.core import config as config_store
from switcher.core.errors import SwitcherError
from switcher.core.share import importer
from switcher.gui import icons
from switcher.gui.qt import (
    QAbstractButton,
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

# Fusion draws no focus indication on command link buttons: without one, Tab seems to do
# nothing. The transparent border keeps the size the same with and without focus.
BUTTON_STYLE = """
QCommandLinkButton { border: 2px solid transparent; border-radius: 6px; padding: 4px; }
QCommandLinkButton:hover { background: palette(midlight); }
QCommandLinkButton:focus { border-color: palette(highlight); }
"""


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
            button.setStyleSheet(BUTTON_STYLE)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            layout.addWidget(button)
        self.adjustSize()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # A plain window (not a dialog) gives Enter no meaning and ignores Esc; users expect
        # Enter to press the focused choice and Esc to close the welcome window.
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QAbstractButton) and focused.isEnabled():
                focused.click()
                return
        super().keyPressEvent(event)

    def _count_profiles(self) -> int:
        from switcher.core.targets import profile_targets, read_aws_profiles

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

    def import_esr(self) -> PasteEsrDialog:
        """Open the paste dialog; it stays open until an import worked or the user cancels."""
        dialog = PasteEsrDialog(self.real_config, self)
        dialog.imported.connect(self._pasted)
        self.paste_dialog = dialog
        dialog.open()
        dialog.text.setFocus()
        return dialog

    def _pasted(self) -> None:
        self.close()
        self.left_sandbox.emit()

    def _add_account(self) -> None:
        self.close()
        self.add_account_requested.emit()


def _tilde(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home):] if text.startswith(home + "/") else text


class PasteEsrDialog(QDialog):
    """Paste, preview (the same list as Settings › Import / Export), then import.

    A text that cannot be read keeps the dialog open with the error under it, so nothing
    pasted is lost."""

    imported = Signal(str)  # summary

    def __init__(self, real_config: Path, parent=None) -> None:
        super().__init__(parent)
        from switcher.gui.settings.transfer import ImportPreview

        self.real_config = real_config
        self._planner = None
        self.setWindowTitle("Paste an AWS Extend Switch Roles configuration")
        self.text = QPlainTextEdit(objectName="esrText")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("[profile acme-prod]\naws_account_id = 123456789012\nrole_name = Admin")
        self.text.textChanged.connect(self._invalidate)
        self.preview_box = ImportPreview()
        where = QLabel(f"Imported into {_tilde(real_config)}")
        where.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.preview_button = self.buttons.addButton("Preview", QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.setObjectName("previewButton")
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.preview_button.clicked.connect(self.preview)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.text, 3)
        box.addWidget(self.preview_box, 2)
        box.addWidget(where)
        box.addWidget(self.buttons)
        self.resize(560, 480)

    def _invalidate(self) -> None:
        self._planner = None
        self.import_button.setEnabled(False)
        self.preview_box.clear()

    def preview(self) -> importer.ImportResult | None:
        content = self.text.toPlainText()

        def planner(config):
            return importer.plan_esr(config, content)

        try:
            result = planner(config_store.load(self.real_config))
        except SwitcherError as exc:
            self.preview_box.show_error(str(exc))
            return None
        self.preview_box.show_result(result)
        if result.changed:
            self._planner = planner
            self.import_button.setEnabled(True)
            self.import_button.setDefault(True)
        return result

    def do_import(self) -> bool:
        if self._planner is None:  # Enter before a preview: show it first
            self.preview()
            return False
        try:
            result = importer.apply(self._planner, self.real_config)
        except SwitcherError as exc:
            self.preview_box.show_error(str(exc))
            return False
        self.accept()
        self.imported.emit(result.summary())
        return True
