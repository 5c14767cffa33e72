"""Inline validation for editor fields: the same ``check_*`` rules as the CLI, run as the
user types, with the message right under the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from switcher.core.errors import InputError
from switcher.gui.labels import BROWSER_CHOICES
from switcher.gui.qt import (
    QColor,
    QComboBox,
    QLabel,
    QLineEdit,
    QObject,
    QPalette,
    QSizePolicy,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.theme import is_dark  # one rule: window darker than its text


def list_beside_form(page: QWidget, left, right, list_width: int) -> QWidget:
    """Lay ``page`` out as its list (layout ``left``) beside its form (layout ``right``) in
    a splitter, the form taking the spare width; the form's box, which the page enables
    while a row is selected."""
    left_box = QWidget()
    left_box.setLayout(left)
    form_box = QWidget()
    form_box.setLayout(right)
    split = QSplitter()
    split.addWidget(left_box)
    split.addWidget(form_box)
    split.setStretchFactor(1, 1)
    split.setSizes([list_width, 850 - list_width])
    QVBoxLayout(page).addWidget(split)
    return form_box


INVALID_PROPERTY = "invalid"
TONE_PROPERTY = "tone"  # "error", "warning", "info" or "ok": coloured by tone_stylesheet()

# Only the hues are fixed; how light or dark each colour is follows the palette, so a dark
# colour scheme gets light red text on a dark red tint instead of dark red on pale pink.
HUES = {"error": QColor("#d93025"), "warning": QColor("#e37400"), "info": QColor("#1e8e3e"),
        "ok": QColor("#1e8e3e")}


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def tone_text(palette: QPalette, tone: str) -> QColor:
    """The tone's hue at a lightness that reads on the palette's window and base."""
    hue, sat, _light, _a = HUES[tone].getHsl()
    return QColor.fromHsl(hue, min(sat, 200), 190 if is_dark(palette) else 90)


def tone_background(palette: QPalette, tone: str) -> QColor:
    return _mix(palette.color(QPalette.ColorRole.Base), HUES[tone], 0.22 if is_dark(palette) else 0.1)


def tone_border(palette: QPalette, tone: str) -> QColor:
    return _mix(palette.color(QPalette.ColorRole.Base), HUES[tone], 0.7)


def tone_stylesheet(palette: QPalette) -> str:
    """The window's style sheet: invalid fields, error and status texts, the banner."""
    err_bg, err_border = tone_background(palette, "error").name(), tone_border(palette, "error").name()
    rules = [
        f'QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 1px solid {err_border}; '
        f'background: {err_bg}; color: {palette.color(QPalette.ColorRole.Text).name()}; }}',
        "QTableWidget QLineEdit { border: none; }",
    ]
    for tone in HUES:
        rules.append(f'QLabel[tone="{tone}"] {{ color: {tone_text(palette, tone).name()}; }}')
        rules.append(
            f'QLabel[banner="true"][tone="{tone}"] {{ background: {tone_background(palette, tone).name()}; '
            f'color: {tone_text(palette, tone).name()}; border: 1px solid {tone_border(palette, tone).name()}; '
            "border-radius: 4px; }")
    return "\n".join(rules)


def set_tone(widget: QWidget, tone: str | None) -> None:
    if widget.property(TONE_PROPERTY) != tone:
        widget.setProperty(TONE_PROPERTY, tone)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def error_label(object_name: str = "fieldError") -> QLabel:
    label = QLabel()
    label.setProperty(TONE_PROPERTY, "error")
    label.setWordWrap(True)
    label.setVisible(False)
    label.setObjectName(object_name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # as wide as the field above it: a form grows only expanding fields, and a wrapped
    # label left at its own width breaks every few words and gets clipped
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
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
        """``inline=False``: the caller shows ``error`` elsewhere; the widget still gets
        the red border and the message as its tooltip."""
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
        self.show_error(self.error)
        return self.error is None

    def show_error(self, error: str | None) -> None:
        """Mark the field with ``error`` (or clear it): red frame, the message in full
        under the field and as its tooltip."""
        self.label.setText(error or "")
        if self.inline:
            self.label.setVisible(bool(error))
        self.widget.setToolTip(error or self._tooltip)
        set_invalid(self.widget, bool(error))

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
