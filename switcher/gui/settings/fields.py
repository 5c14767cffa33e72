"""Inline validation for editor fields: the same ``check_*`` rules as the CLI, run as the
user types, with the message right under the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from ...core.errors import InputError

ERROR_STYLE = "color: #b3261e;"
INVALID_PROPERTY = "invalid"
FIELD_STYLESHEET = """
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border: 1px solid #d93025; background: #fdecea; }
QTableWidget QLineEdit { border: none; }
"""


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setObjectName("fieldError")
    return label


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(type(widget).__name__)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    if widget.property(INVALID_PROPERTY) != invalid:
        widget.setProperty(INVALID_PROPERTY, invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class Field(QObject):
    """A widget + its check: ``value`` is the normalised value, ``error`` the message."""

    edited = Signal()

    def __init__(self, widget: QWidget, check: Callable[[str], Any], *, optional: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or widget)
        self.widget = widget
        self.check = check
        self.optional = optional
        self.label = error_label()
        self.error: str | None = None
        self._loading = False
        if isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(self._changed)
        else:
            widget.textChanged.connect(self._changed)

    def set_text(self, text: str | None) -> None:
        self._loading = True
        try:
            if isinstance(self.widget, QComboBox):
                self.widget.setCurrentText(text or "")
            else:
                self.widget.setText(text or "")
        finally:
            self._loading = False
        self.validate()

    def validate(self) -> bool:
        text = text_of(self.widget).strip()
        self.error = None
        if text or not self.optional:
            try:
                self.check(text)
            except InputError as exc:
                self.error = str(exc)
        self.label.setText(self.error or "")
        self.label.setVisible(bool(self.error))
        set_invalid(self.widget, bool(self.error))
        return self.error is None

    @property
    def value(self) -> Any:
        text = text_of(self.widget).strip()
        if not text and self.optional:
            return None
        return self.check(text)

    def _changed(self, _text: str) -> None:
        self.validate()
        if not self._loading:
            self.edited.emit()
