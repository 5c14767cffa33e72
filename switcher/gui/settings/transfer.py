"""Import (a preview first, then into the editor for Save to write) and export of targets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from switcher.core.errors import SwitcherError
from switcher.core.model import Config
from switcher.core.paths import aws_config_file
from switcher.core.share import exporter, importer
from switcher.gui.controller import Controller
from switcher.gui.qt import (
    QComboBox,
    QFileDialog,
    QFontDatabase,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.settings.fields import set_tone, tone_text

KINDS = (
    ("esr", "AWS Extend Switch Roles configuration (paste)"),
    ("link", "Switch Role link (paste)"),
    ("aws-config", "AWS CLI config file (role profiles)"),
)


class ImportPreview(QWidget):
    """What an import would add and skip (with reasons), or why it cannot be read.

    Shared by Settings › Import / Export and the first-run paste dialog so both show the
    same thing before anything is written; ``hint`` says what writes it."""

    def __init__(self, parent=None, *, hint: str = "nothing is saved until you press Import") -> None:
        super().__init__(parent)
        self.list = QListWidget(objectName="importPreview")
        self.message = QLabel(objectName="importMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lines: list[tuple[str, str]] = []  # (text, tone), recoloured on a palette change
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"Preview ({hint}):"))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)

    def clear(self) -> None:
        self.list.clear()
        self._lines = []
        self.message.clear()
        set_tone(self.message, None)

    def show_result(self, result: importer.ImportResult) -> None:
        self.clear()
        for alias in result.added_accounts:
            self._line(f"would add account {alias}", "ok")
        for name in result.added_roles:
            self._line(f"would add role {name}", "ok")
        for entry, why in result.skipped:
            self._line(f"would skip {entry}: {why}", "warning")
        prefix = "" if result.changed else "Nothing new to import. "
        self.message.setText(prefix + would(result.summary()))

    def show_error(self, message: str) -> None:
        self.clear()
        set_tone(self.message, "error")
        self.message.setText(message)

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _line(self, text: str, tone: str) -> None:
        item = QListWidgetItem(text)
        item.setForeground(tone_text(self.palette(), tone))
        self.list.addItem(item)
        self._lines.append((text, tone))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            for row, (_text, tone) in enumerate(self._lines):
                self.list.item(row).setForeground(tone_text(self.palette(), tone))


def would(summary: str) -> str:
    """An import report ("added 1 account, …; skipped 0") as what a preview would do."""
    return "would add " + summary.removeprefix("added ").replace("; skipped ", "; would skip ", 1)


class TransferPage(QWidget):
    """An import is planned against the config as edited in the window (``editor_config``),
    shown as a preview, then put into the editor: Save writes it, once, with the rest."""

    staged = Signal(object)  # the ImportResult whose config the editor should take in

    def __init__(self, controller: Controller, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._planner: Callable[[Config], importer.ImportResult] | None = None
        # set by the window; raises SwitcherError while the edited accounts have problems
        self.editor_config: Callable[[], Config] = lambda: controller.config

        self.kind = QComboBox(objectName="importKind")
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.text = QPlainTextEdit(objectName="importText")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.text.setFont(mono)
        self.text.textChanged.connect(self._invalidate)
        self.text_label = QLabel("&Text to import (paste it here):")
        self.text_label.setBuddy(self.text)  # Alt+T: no hunting for the box with the mouse
        self.file = QLineEdit(objectName="importFile")
        self.file.setText(str(aws_config_file()))
        self.file.textChanged.connect(self._invalidate)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.file_box = QWidget()
        self.file_box.setLayout(file_row)

        self.preview_button = QPushButton("&Preview", objectName="previewButton")
        self.preview_button.clicked.connect(self.preview)
        self.import_button = QPushButton("&Import into the editor", objectName="importButton")
        self.import_button.setToolTip("Adds these to the Accounts page; Save writes them")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        self.preview_box = ImportPreview(hint="nothing is written until you Import, then Save")
        self.preview_list = self.preview_box.list
        self.message = self.preview_box.message

        imp = QGroupBox("Import")
        box = QVBoxLayout(imp)
        box.addWidget(self.kind)
        box.addWidget(self.text_label)
        box.addWidget(self.text, 2)
        box.addWidget(self.file_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        box.addWidget(self.preview_box, 1)

        exp = QGroupBox("Export")
        ebox = QVBoxLayout(exp)
        row = QHBoxLayout()
        for key, label in (("esr", "As Extend Switch Roles config"), ("aws-config", "As AWS CLI profiles")):
            button = QPushButton(label, objectName=f"export-{key}")
            button.clicked.connect(lambda _=False, k=key: self.export(k))
            row.addWidget(button)
        row.addStretch(1)
        self.copy_export = QPushButton("Copy")
        self.copy_export.clicked.connect(
            lambda: controller.clipboard.copy(self.export_text.toPlainText(), secret=False)
        )
        self.save_export = QPushButton("Save as…")
        self.save_export.clicked.connect(self._save_export)
        row.addWidget(self.copy_export)
        row.addWidget(self.save_export)
        ebox.addLayout(row)
        self.export_text = QPlainTextEdit(objectName="exportText", readOnly=True)
        self.export_text.setFont(mono)
        ebox.addWidget(self.export_text)

        layout = QVBoxLayout(self)
        layout.addWidget(imp, 3)
        layout.addWidget(exp, 2)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.text.setVisible(kind != "aws-config")
        self.text_label.setVisible(kind != "aws-config")
        self.file_box.setVisible(kind == "aws-config")
        self.text.setPlaceholderText(
            "[profile acme-prod]\naws_account_id = 123456789012\nrole_name = Admin\ncolor = F2B0A9"
            if kind == "esr"
            else "https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=Admin"
        )
        self._invalidate()

    def _invalidate(self) -> None:
        self._planner = None
        self.import_button.setEnabled(False)
        self.preview_box.clear()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "AWS CLI config", self.file.text())
        if path:
            self.file.setText(path)

    def _make_planner(self) -> Callable[[Config], importer.ImportResult]:
        kind = self.kind.currentData()
        if kind == "esr":
            text = self.text.toPlainText()
            return lambda config: importer.plan_esr(config, text)
        if kind == "link":
            url = self.text.toPlainText().strip()
            return lambda config: importer.plan_link(config, url)
        path = Path(self.file.text().strip()).expanduser()
        return lambda config: importer.plan_aws_config_file(config, path)

    def _edited_config(self) -> Config:
        try:
            return self.editor_config()
        except SwitcherError as exc:
            raise SwitcherError(f"Fix the accounts being edited first: {exc}") from None

    def preview(self) -> importer.ImportResult | None:
        self._invalidate()
        planner = self._make_planner()
        try:
            result = planner(self._edited_config())
        except SwitcherError as exc:
            self._error(str(exc))
            return None
        self.preview_box.show_result(result)
        if result.changed:
            self._planner = planner
            self.import_button.setEnabled(True)
        return result

    def do_import(self) -> importer.ImportResult | None:
        """Into the editor, unsaved; nothing is written here."""
        if self._planner is None:
            return None
        try:
            # planned again: the accounts may have been edited since the preview
            result = self._planner(self._edited_config())
        except SwitcherError as exc:
            self._error(str(exc))
            return None
        self._invalidate()
        if not result.changed:
            self.message.setText("Nothing new to import. " + would(result.summary()))
            return result
        self.message.setText("In the editor, not saved yet: " + would(result.summary())
                             + ". Save writes it.")
        self.staged.emit(result)
        return result

    def export(self, kind: str) -> str:
        config = self.controller.config
        text = exporter.to_esr(config) if kind == "esr" else exporter.to_aws_config(config)
        self.export_text.setPlainText(text)
        return text

    def _save_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save export")
        if path:
            Path(path).write_text(self.export_text.toPlainText(), encoding="utf-8")

    def _error(self, message: str) -> None:
        self.preview_box.show_error(message)
