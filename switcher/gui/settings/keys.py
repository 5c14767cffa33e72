"""“Add keys…”: long-term access keys for a keyring source, the GUI's `switcher keys add`.

The secret is typed into a password field and goes straight to the OS keyring through the
controller; it is never shown, logged or written to the config (only the source name is).
"""

from __future__ import annotations

from switcher.core.errors import SwitcherError
from switcher.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QVBoxLayout,
)
from switcher.gui.settings.fields import TONE_PROPERTY


class AddKeysDialog(QDialog):
    def __init__(self, controller, source: str = "", parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.added: str | None = None
        self.setWindowTitle("Add keys")
        self.setMinimumWidth(440)
        intro = QLabel(
            "Long-term access keys (AKIA…) of an IAM user, kept in the OS keyring under a "
            "source name that accounts can use as “Credentials from”."
        )
        intro.setWordWrap(True)
        self.source = QLineEdit(source, objectName="keysSource", placeholderText="e.g. work")
        self.key_id = QLineEdit(objectName="keysAccessKeyId", placeholderText="AKIA…")
        self.secret = QLineEdit(objectName="keysSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhNoPredictiveText)
        self.error = QLabel(objectName="keysError")
        self.error.setProperty(TONE_PROPERTY, "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Source name:", self.source)
        form.addRow("Access key ID:", self.key_id)
        form.addRow("Secret access key:", self.secret)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Store in keyring")
        self.buttons.accepted.connect(self.store)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def store(self) -> bool:
        source = self.source.text().strip()
        try:
            self.controller.add_keys(source, self.key_id.text(), self.secret.text())
        except SwitcherError as exc:  # the core's messages never contain the secret
            self.error.setText(str(exc))
            return False
        self.secret.clear()
        self.added = source
        self.accept()
        return True
