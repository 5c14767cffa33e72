"""Inline validation for editor fields: the same ``check_*`` rules as the CLI, run as the
user types, with the message right under the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from switcher.core.errors import InputError
from switcher.gui.labels import BROWSER_CHOICES
from switcher.gui.qt import QComboBox, QLabel, QLineEdit, QObject, QSizePolicy, Qt, QWidget, Signal

ERROR_STYLE = "color: #b3261e;"
INVALID_PROPERTY = "invalid"
FIELD_STYLESHEET = """
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border: 1px solid #d93025; background: #fdecea; }
QTableWidget QLineEdit { border: none; }
"""


class SummaryLine(QLabel):
    """One line of fixed height for error summaries: a long message is elided (…) to the
    current width instead of wrapping or widening the window; ``full_text`` keeps it all."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setStyleSheet(ERROR_STYLE)
        self.setFixedHeight(self.fontMetrics().height() + 6)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_summary(self, text: str, tooltip: str = "") -> None:
        self.full_text = text
        self.setToolTip(tooltip)
        self._elide()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.width() if self.isVisible() else 10_000
        super().setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, width))


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setObjectName("fieldError")
    return label


def text_of(widget: QWidget) -> str:
    """The value a field holds; for a combo whose shown entry carries data (a friendly
    label for a raw config value), that data."""
    if isinstance(widget, QComboBox):
        shown = widget.currentText()
        index = widget.findText(shown)
        data = widget.itemData(index) if index >= 0 else None
        return str(data) if isinstance(data, str) else shown
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
                 inline: bool = True, parent: QObject | None = None) -> None:
        """``inline=False``: the caller shows ``error`` elsewhere (a summary line); the
        widget still gets the red border and the message as its tooltip."""
        super().__init__(parent or widget)
        self.widget = widget
        self.inline = inline
        self._tooltip = widget.toolTip()
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
                index = self.widget.findData(text) if text else -1
                if index >= 0:
                    self.widget.setCurrentIndex(index)
                else:
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
        if self.inline:
            self.label.setVisible(bool(self.error))
        self.widget.setToolTip(self.error or self._tooltip)
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


def add_browser_choices(combo: QComboBox) -> None:
    """The browser presets, each keeping its config value as item data (and tooltip)."""
    for label, value in BROWSER_CHOICES:
        combo.addItem(label, value)
        combo.setItemData(combo.count() - 1, value, Qt.ItemDataRole.ToolTipRole)
