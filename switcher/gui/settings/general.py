"""General settings: palette hotkey, browser, clipboard delay, sign-out, duration, start at
login."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace

from switcher.core import browser_spec, hotkeys, keyspec
from switcher.core.model import CREDS_FORMATS, Settings
from switcher.gui.key_capture import KeyCaptureEdit
from switcher.gui.labels import FORMAT_LABELS, MULTI_SESSION_LABEL, MULTI_SESSION_TIP
from switcher.gui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.settings.fields import (
    TONE_PROPERTY,
    Field,
    add_browser_choices,
    set_invalid,
    set_tone,
    text_of,
)

WAYLAND_HINT = (
    "Global hotkeys are not available on this Wayland desktop. Bind a shortcut to the "
    "command <code>switcher show</code> in your desktop's keyboard settings instead."
)


class GeneralPage(QWidget):
    edited = Signal()
    hotkey_changed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.base = Settings()
        # {owner: combo} of every role's hotkey as edited now; set by the window
        self.other_hotkeys: Callable[[], dict[str, str]] = dict
        self.hotkey = KeyCaptureEdit()
        self.hotkey.setObjectName("paletteHotkey")
        self.hotkey_error = QLabel(objectName="hotkeyError")
        self.hotkey_error.setProperty(TONE_PROPERTY, "error")
        self.hotkey_error.setWordWrap(True)
        self.hotkey_error.setVisible(False)
        self.hotkey_status = QLabel(objectName="hotkeyStatus")
        self.hotkey_status.setWordWrap(True)
        self.hotkey_status.setVisible(False)
        self.hotkey.comboChanged.connect(lambda _combo: self._hotkey_changed())

        self.browser = QComboBox(objectName="defaultBrowser", editable=True)
        add_browser_choices(self.browser)
        self.browser_field = Field(self.browser, browser_spec.check)
        self.browser_field.edited.connect(self.edited)
        self.clear_delay = QSpinBox(objectName="clearDelay")
        self.clear_delay.setRange(0, 3600)
        self.clear_delay.setSuffix(" s")
        self.clear_delay.setSpecialValueText("never")
        self.clear_delay.valueChanged.connect(lambda _v: self.edited.emit())
        self.creds_format = QComboBox(objectName="credsFormat")
        for fmt in CREDS_FORMATS:
            self.creds_format.addItem(FORMAT_LABELS[fmt], fmt)
        self.creds_format.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.logout_first = QCheckBox("Sign out of any console session before signing in",
                                      objectName="logoutFirst")
        self.logout_first.setToolTip("Breaks the console's multi-session mode; leave off if you use it.")
        self.logout_first.toggled.connect(lambda _b: self.edited.emit())
        self.multi_session = QCheckBox(MULTI_SESSION_LABEL, objectName="multiSession")
        self.multi_session.setToolTip(MULTI_SESSION_TIP)
        self.multi_session.toggled.connect(lambda _b: self.edited.emit())
        self.duration = QSpinBox(objectName="defaultDuration")
        self.duration.setRange(0, 43200)
        self.duration.setSingleStep(900)
        self.duration.setSuffix(" s")
        self.duration.setSpecialValueText("role default (1 h)")
        self.duration.valueChanged.connect(lambda _v: self.edited.emit())
        self.duration_error = QLabel()
        self.duration_error.setProperty(TONE_PROPERTY, "error")
        self.duration_error.setVisible(False)
        self.mfa_process = QLineEdit(objectName="mfaProcess", placeholderText="e.g. ykman oath accounts code -s aws")
        self.mfa_process.textChanged.connect(lambda _t: self.edited.emit())
        self.start_at_login = QCheckBox("Start Switcher when I log in", objectName="startAtLogin")
        self.start_at_login.toggled.connect(lambda _b: self.edited.emit())

        for widget in (self.hotkey, self.browser, self.creds_format, self.clear_delay,
                       self.duration, self.mfa_process):
            widget.setMaximumWidth(340)

        def group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for label, widget in rows:
                form.addRow(label, widget)
            return box

        search = group("Search palette", [
            ("Hotkey:", self.hotkey), ("", self.hotkey_error), ("", self.hotkey_status)])
        if sys.platform.startswith("linux") and os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
            hint = QLabel(WAYLAND_HINT)
            hint.setWordWrap(True)
            search.layout().addRow("", hint)
        layout = QVBoxLayout(self)
        layout.addWidget(search)
        layout.addWidget(group("Console and browser", [
            ("Default browser:", self.browser), ("", self.browser_field.label),
            ("Sign-out:", self.logout_first), ("Multi-session:", self.multi_session)]))
        layout.addWidget(group("Credentials", [
            ("Copy as:", self.creds_format), ("Clear clipboard after:", self.clear_delay),
            ("Default session length:", self.duration), ("", self.duration_error),
            ("MFA code command:", self.mfa_process)]))
        layout.addWidget(group("Startup", [("", self.start_at_login)]))
        layout.addStretch(1)

    def load(self, settings: Settings, *, start_at_login: bool, shown: Settings | None = None) -> None:
        """``settings`` from the file; ``shown``: values to show instead, as unsaved edits."""
        self.base = settings
        settings = shown or settings
        self.hotkey.setCombo(settings.palette_hotkey or "")
        self.browser_field.set_text(settings.browser or "default")
        self.clear_delay.setValue(int(settings.clipboard_clear_seconds))
        self.creds_format.setCurrentIndex(CREDS_FORMATS.index(settings.creds_format))
        self.logout_first.setChecked(settings.logout_first)
        self.multi_session.setChecked(settings.multi_session)
        self.duration.setValue(settings.default_duration or 0)
        self.mfa_process.setText(settings.mfa_process or "")
        self.start_at_login.setChecked(start_at_login or settings.start_at_login)
        self._hotkey_changed()

    def _hotkey_changed(self) -> None:
        text = self.hotkey.combo()
        # an unusable combination gets keyspec's own message from conflict() too
        error = hotkeys.conflict(text, self.other_hotkeys()) if text else None
        self.hotkey_error.setText(error or "")
        self.hotkey_error.setVisible(bool(error))
        set_invalid(self.hotkey, bool(error))
        self.hotkey_changed.emit(text)
        self.edited.emit()

    def recheck_hotkey(self) -> None:
        self.blockSignals(True)  # only the message changes, not the setting
        try:
            self._hotkey_changed()
        finally:
            self.blockSignals(False)

    def show_hotkey_status(self, status: dict | None) -> None:
        """What the hotkey backend reported (e.g. a combination taken by another program)."""
        problems = []
        for combo, state in ((status or {}).get("hotkeys") or {}).items():
            if state != "ok":
                problems.append(f"{combo}: {state}")
        unavailable = (status or {}).get("hotkeys_unavailable")
        if unavailable:
            problems.append(f"{unavailable}. Bind `switcher show` in your desktop's keyboard settings.")
        set_tone(self.hotkey_status, "error" if problems else None)
        self.hotkey_status.setText("\n".join(problems))
        self.hotkey_status.setVisible(bool(problems))

    def build(self) -> Settings:
        hotkey = self.hotkey.combo().strip()
        duration = self.duration.value() or None
        return replace(
            self.base,
            palette_hotkey=keyspec.check(hotkey) if hotkey else "",
            browser=browser_spec.check(text_of(self.browser)),
            clipboard_clear_seconds=self.clear_delay.value(),
            creds_format=self.creds_format.currentData(),
            logout_first=self.logout_first.isChecked(),
            multi_session=self.multi_session.isChecked(),
            default_duration=duration,
            mfa_process=self.mfa_process.text().strip() or None,
            start_at_login=self.start_at_login.isChecked(),
        )
