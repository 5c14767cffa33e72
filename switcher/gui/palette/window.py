"""The palette window: frameless, always on top, titled ``Switcher``; built once and kept
hidden so that the hotkey only has to show it.

Enter opens the console, Ctrl+Enter copies credentials, Alt+Enter copies the Switch Role
link; Esc or focus loss hides. The chosen row spins until the controller reports back;
a failure is shown in red under the search field (the tray notifies as well).
"""

from __future__ import annotations

import re

from switcher.gui.palette.delegate import TargetDelegate
from switcher.gui.palette.filter import RankedModel
from switcher.gui.palette.model import NameRole, TargetModel
from switcher.gui.qt import (
    QAbstractItemView,
    QApplication,
    QCursor,
    QEvent,
    QFont,
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListView,
    QModelIndex,
    QObject,
    QPoint,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

TITLE = "Switcher"
RECENTS = 8
WIDTH, HEIGHT = 680, 460
SPINNER_MS = 80
ERROR_CHARS = 320  # about four wrapped lines; the tooltip keeps the whole message
_LONG_RUN = re.compile(r"\S{40}")  # ARNs and request ids have no space to wrap at

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_NAV_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
ACTIONS = {  # modifier on Enter -> controller method
    Qt.KeyboardModifier.NoModifier: "console",
    Qt.KeyboardModifier.ControlModifier: "creds",
    Qt.KeyboardModifier.AltModifier: "link",
}
HINT = "Enter  console      Ctrl+Enter  credentials ({fmt})      Alt+Enter  switch-role link      Esc  close"


class PaletteWindow(QWidget):
    shown = Signal()
    hidden = Signal()

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.controller = controller
        self.setWindowTitle(TITLE)
        self.setObjectName("palette")
        # fixed: a long label must wrap, never widen the window off the screen
        self.setFixedWidth(WIDTH)
        self.resize(WIDTH, HEIGHT)
        self._error = ""
        self._quiet_query = False
        self._pending: tuple[str, str] | None = None
        self._was_active = False
        self._targets_dirty = True

        self.targets_model = TargetModel(controller.session_seconds_left, self)
        self.model = RankedModel(self.targets_model, self)

        frame = QFrame(self)
        frame.setObjectName("paletteFrame")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(6)

        self.search = QLineEdit(frame)
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText("Search accounts, roles, account ids, regions…")
        self.search.setClearButtonEnabled(True)
        font = QFont(self.search.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.search.setFont(font)
        self.search.setMinimumHeight(38)
        self.search.textChanged.connect(self._on_query)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)

        self.error_label = QLabel(frame)
        self.error_label.setObjectName("paletteError")
        self.error_label.setStyleSheet("color: #d93025; font-weight: 600;")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        # its one-line width must not count towards the window's minimum width
        self.error_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.list = QListView(frame)
        self.list.setObjectName("paletteList")
        self.list.setModel(self.model)
        self.delegate = TargetDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setUniformItemSizes(True)  # lets the view lay out 10,000 rows without asking each
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the field
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.doubleClicked.connect(lambda index: self.trigger("console", index))
        layout.addWidget(self.list, 1)

        footer = QHBoxLayout()
        self.hint_label = QLabel(frame)
        self.count_label = QLabel(frame)
        for lbl in (self.hint_label, self.count_label):
            small = QFont(lbl.font())
            small.setPointSizeF(small.pointSizeF() * 0.85)
            lbl.setFont(small)
            lbl.setStyleSheet("color: palette(placeholder-text);")
        footer.addWidget(self.hint_label, 1)
        footer.addWidget(self.count_label)
        layout.addLayout(footer)

        self.setStyleSheet(
            "#paletteFrame { background: palette(window); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
            "#paletteSearch { border: 1px solid palette(mid); border-radius: 6px; padding: 2px 8px;"
            " background: palette(base); }"
            "#paletteList { background: palette(base); border-radius: 6px; }"
        )

        self._spinner = QTimer(self)
        self._spinner.setInterval(SPINNER_MS)
        self._spinner.timeout.connect(self._spin)
        self._clock = QTimer(self)  # time-left labels tick while the palette is open
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self.list.viewport().update)

        controller.targets_changed.connect(self._on_targets_changed)
        controller.sessions_changed.connect(self.list.viewport().update)
        controller.switch_started.connect(self._on_started)
        controller.switch_succeeded.connect(self._on_succeeded)
        controller.switch_failed.connect(self._on_failed)
        self.model.modelReset.connect(self._after_reset)
        self.reload_targets()

    # --- data ---------------------------------------------------------------------------

    def reload_targets(self) -> None:
        self._targets_dirty = False
        self.targets_model.set_targets(self.controller.targets())
        self.refresh_usage()

    def refresh_usage(self) -> None:
        usage = self.controller.usage()
        self.model.set_usage(usage.scores(), usage.recent(RECENTS), self.search.text())

    def _on_targets_changed(self) -> None:
        if self.isVisible():
            self.reload_targets()
        else:  # rebuild on the next show; a config reload while hidden costs nothing now
            self._targets_dirty = True

    def current_name(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(NameRole) if index.isValid() else None

    def visible_names(self, limit: int | None = None) -> list[str]:
        rows = self.model.rowCount() if limit is None else min(limit, self.model.rowCount())
        return [self.model.index(r).data(NameRole) for r in range(rows)]

    # --- showing ------------------------------------------------------------------------

    def show_palette(self) -> None:
        if self._targets_dirty:
            self.reload_targets()
        self._update_hint()
        self.set_error("")
        if self.search.text():
            self.search.clear()
        else:
            self._select_row(0)
        self._centre_under_mouse()
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _update_hint(self) -> None:
        config = getattr(self.controller, "config", None)
        fmt = config.settings.creds_format if config is not None else "env"
        self.hint_label.setText(HINT.format(fmt=fmt))

    def toggle(self) -> None:
        if self.isVisible() and self.isActiveWindow():
            self.hide()
        else:
            self.show_palette()

    def _centre_under_mouse(self) -> None:
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        # a little above the middle, where the eye lands, like other launchers
        self.move(QPoint(area.left() + (area.width() - self.width()) // 2,
                         area.top() + max((area.height() - self.height()) * 2 // 5, 0)))

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._was_active = False
        self._clock.stop()
        # the next open starts clean and at the normal size, whatever this one showed
        self.set_error("")
        self.resize(WIDTH, HEIGHT)
        self.hidden.emit()
        # Get ready for the next show now, not when the hotkey is pressed: an empty query
        # over 10,000 targets is the costliest reset, and recents changed with this switch.
        QTimer.singleShot(0, self._prepare_next_show)

    def _prepare_next_show(self) -> None:
        if self.isVisible():
            return
        if self.search.text():
            # not blockSignals: the field's own textChanged hides its clear (x) button
            self._quiet_query = True  # one reset below instead of two
            try:
                self.search.clear()
            finally:
                self._quiet_query = False
        self.refresh_usage()  # re-ranks the (now empty) query

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._clock.start()
        self.shown.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            if self.isActiveWindow():
                self._was_active = True
            elif self._was_active and self.isVisible():
                self.hide()  # focus went elsewhere: get out of the way

    # --- keys and actions ----------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            return self._on_key(event)  # type: ignore[arg-type]
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._on_key(event):
            super().keyPressEvent(event)

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Escape:
            self.hide()
            return True
        if key in _NAV_KEYS:
            if not self.list.currentIndex().isValid():
                self._select_row(0)
            else:
                QApplication.sendEvent(self.list, QKeyEvent(event.type(), key, Qt.KeyboardModifier.NoModifier))
            return True
        if key in _ENTER_KEYS:
            action = ACTIONS.get(Qt.KeyboardModifier(mods))
            if action:
                self.trigger(action)
            return True
        return False

    def trigger(self, action: str, index: QModelIndex | None = None) -> None:
        index = index if index is not None and index.isValid() else self.list.currentIndex()
        name = index.data(NameRole) if index.isValid() else None
        if not name:
            self.set_error("Nothing matches; type less, or add the account in Settings")
            return
        self.set_error("")
        self._pending = (name, action)
        if action == "console":
            self.controller.open_console(name)
        elif action == "creds":
            self.controller.copy_credentials(name)
        elif action == "link":
            self.controller.copy_link(name)
        else:
            raise ValueError(action)

    def set_error(self, message: str) -> None:
        self._error = message
        shown = message if len(message) <= ERROR_CHARS else message[:ERROR_CHARS - 1].rstrip() + "…"
        # a zero-width space after every 40 unbroken characters gives the wrap a place to break
        self.error_label.setText(_LONG_RUN.sub(lambda m: m.group() + "\u200b", shown))
        self.error_label.setToolTip(message)
        self.error_label.setVisible(bool(message))

    @property
    def error(self) -> str:
        """The whole message shown under the field (the label may show it shortened)."""
        return self._error if self.error_label.isVisibleTo(self) else ""

    # --- controller feedback ------------------------------------------------------------

    def _on_started(self, name: str, action: str) -> None:
        if self._pending == (name, action):
            self.targets_model.set_busy(name)
            self._spinner.start()

    def _finish(self, name: str, action: str) -> bool:
        if self._pending != (name, action):
            return False
        self._pending = None
        self._spinner.stop()
        self.targets_model.set_busy(None)
        return True

    def _on_succeeded(self, name: str, action: str, message: str) -> None:
        if self._finish(name, action):
            self.hide()

    def _on_failed(self, name: str, action: str, message: str) -> None:
        # an empty message is a cancelled MFA prompt: nothing to report
        if self._finish(name, action) and message:
            self.set_error(f"{name}: {message}")

    def _spin(self) -> None:
        self.delegate.spinner_phase = (self.delegate.spinner_phase + 1) % 12
        busy = self.targets_model.busy
        if busy:
            self.targets_model.touch(busy)

    # --- query --------------------------------------------------------------------------

    def _on_query(self, text: str) -> None:
        if not self._quiet_query:
            self.model.set_query(text)

    def _after_reset(self) -> None:
        self._select_row(0)
        total = self.targets_model.rowCount()
        matches = self.model.total_matches
        if self.model.query.strip():
            self.count_label.setText(f"{matches:,} of {total:,}" if matches else "no match")
        else:
            self.count_label.setText(f"{total:,} target" if total == 1 else f"{total:,} targets")

    def _select_row(self, row: int) -> None:
        if self.model.rowCount() > row:
            index = self.model.index(row)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)
        else:
            self.list.setCurrentIndex(QModelIndex())
