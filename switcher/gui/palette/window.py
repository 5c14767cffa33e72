"""The palette window: frameless, always on top, titled ``Switcher``; built once and kept
hidden so that the hotkey only has to show it.

Enter opens the console, Ctrl+Enter copies credentials, Alt+Enter copies the Switch Role
link, Shift+Enter the console sign-in URL; Ctrl+R lists the regions to open the selected
target in, Ctrl+, opens Settings, and ``>`` at the start of the query lists these commands
by name. Esc goes back from a list of commands or regions, else hides, as focus loss does.
The chosen row spins until the controller reports back; a failure is shown in red under
the search field (the tray notifies as well).
"""

from __future__ import annotations

import re

from switcher.gui.palette.commands import (
    COMMAND_PREFIX,
    COMMANDS,
    ChoiceDelegate,
    ChoiceModel,
    ChoiceRole,
    command_choices,
    region_choices,
)
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
    QPalette,
    QPoint,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

TITLE = "Switcher"
PLACEHOLDER = "Search accounts, roles, account ids, regions…  (> for commands)"
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
    Qt.KeyboardModifier.ShiftModifier: "url",
}
# non-breaking spaces inside each "key action" pair: a wrap falls between pairs only
HINT = " · ".join(pair.replace(" ", "\u00a0") for pair in (
    "Enter console", "Ctrl+Enter creds ({fmt})", "Alt+Enter link", "Shift+Enter URL",
    "Ctrl+R region", "Ctrl+, settings", "> commands"))
HINT_COMMANDS = "Enter  run the command      Esc  back to targets"
HINT_REGIONS = "Enter  open the console of {name} in this region      Esc  back to targets"
SETTINGS_KEY = "Ctrl+,"
NO_TARGETS = f"No accounts yet — add one in Settings ({SETTINGS_KEY})"
NO_MATCH = f"No match for '{{query}}' — type less, or add the account in Settings ({SETTINGS_KEY})"
NO_COMMAND = "No command matches '{query}' — " + ", ".join(c.title for c in COMMANDS)
NO_REGION = "No region matches '{query}' — type part of a code or a name: eu-w, Ireland"
TARGETS, COMMAND_LIST, REGION_LIST = "targets", "commands", "regions"  # what the list shows


class PaletteWindow(QWidget):
    shown = Signal()
    hidden = Signal()
    settings_requested = Signal()

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
        self.mode = TARGETS
        self._subject: str | None = None  # the target a command or a region acts on
        self._target_query = ""  # the query to return to from a list of regions
        self._region_target = None

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
        self.search.setPlaceholderText(PLACEHOLDER)
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

        # commands and regions: a list of their own, so the targets' view and its ranking
        # stay as they were when the user comes back
        self.choices = ChoiceModel(self)
        self.choice_list = QListView(frame)
        self.choice_list.setObjectName("paletteChoices")
        self.choice_list.setModel(self.choices)
        self.choice_list.setItemDelegate(ChoiceDelegate(self.choice_list))
        self.choice_list.setUniformItemSizes(True)
        self.choice_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.choice_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.choice_list.setFrameShape(QFrame.Shape.NoFrame)
        self.choice_list.doubleClicked.connect(lambda index: self._choose(index))
        self.choice_list.hide()
        layout.addWidget(self.choice_list, 1)

        self.empty_label = QLabel(frame)
        self.empty_label.setObjectName("paletteEmpty")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.empty_label.hide()
        layout.addWidget(self.empty_label, 1)

        footer = QHBoxLayout()
        self.hint_label = QLabel(frame)
        self.count_label = QLabel(frame)
        for lbl in (self.hint_label, self.count_label):
            small = QFont(lbl.font())
            small.setPointSizeF(small.pointSizeF() * 0.85)
            lbl.setFont(small)
            lbl.setStyleSheet("color: palette(placeholder-text);")
        # with a large font the keys wrap to a second line rather than widen the window
        self.hint_label.setWordWrap(True)
        self.hint_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        footer.addWidget(self.hint_label, 1)
        footer.addWidget(self.count_label)
        layout.addLayout(footer)

        self._apply_colours()

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

    def visible_choices(self) -> list[str]:
        """The titles the list of commands or regions shows now."""
        return [c.title for c in self.choices.choices()]

    def current_choice(self):
        index = self.choice_list.currentIndex()
        return index.data(ChoiceRole) if index.isValid() else None

    def visible_names(self, limit: int | None = None) -> list[str]:
        rows = self.model.rowCount() if limit is None else min(limit, self.model.rowCount())
        return [self.model.index(r).data(NameRole) for r in range(rows)]

    # --- showing ------------------------------------------------------------------------

    def show_palette(self) -> None:
        if self._targets_dirty:
            self.reload_targets()
        self._set_mode(TARGETS)
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
        if self.mode == COMMAND_LIST:
            self.hint_label.setText(HINT_COMMANDS)
            return
        if self.mode == REGION_LIST:
            self.hint_label.setText(HINT_REGIONS.format(name=self._subject))
            return
        config = getattr(self.controller, "config", None)
        fmt = config.settings.creds_format if config is not None else "env"
        self.hint_label.setText(HINT.format(fmt=fmt))

    def _apply_colours(self) -> None:
        # Only palette roles: a dark desktop scheme gives dark rows, fields and frames.
        # The error red is the one colour of our own, in a shade that reads on either.
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        red = "#ff8a80" if dark else "#c5221f"
        sheet = (
            "#paletteFrame { background: palette(window); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
            "#paletteSearch { border: 1px solid palette(mid); border-radius: 6px; padding: 2px 8px;"
            " background: palette(base); }"
            "#paletteList, #paletteChoices { background: palette(base); border-radius: 6px; }"
            "#paletteEmpty { background: palette(base); border-radius: 6px;"
            " color: palette(placeholder-text); padding: 24px; }"
            f"#paletteError {{ color: {red}; font-weight: 600; }}"
        )
        if sheet != self.styleSheet():  # setting it sends a palette change of its own
            self.setStyleSheet(sheet)

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
        self._set_mode(TARGETS)
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
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()  # the desktop switched between light and dark
        elif event.type() == QEvent.Type.ActivationChange:
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
        ctrl = mods == Qt.KeyboardModifier.ControlModifier
        if key == Qt.Key.Key_Escape:
            if self.mode == REGION_LIST:
                self._back_to_targets(self._target_query)
            elif self.mode == COMMAND_LIST:
                self._back_to_targets("")
            else:
                self.hide()
            return True
        if ctrl and key == Qt.Key.Key_Comma:
            self.open_settings()
            return True
        if ctrl and key == Qt.Key.Key_R and self.mode != REGION_LIST:
            self.show_regions(self._subject if self.mode == COMMAND_LIST else self.current_name())
            return True
        view = self.list if self.mode == TARGETS else self.choice_list
        if key in _NAV_KEYS:
            if not view.currentIndex().isValid():
                self._select_row(0, view)
            else:
                QApplication.sendEvent(view, QKeyEvent(event.type(), key, Qt.KeyboardModifier.NoModifier))
            return True
        if key in _ENTER_KEYS:
            if self.mode != TARGETS:
                self._choose(self.choice_list.currentIndex())
                return True
            action = ACTIONS.get(Qt.KeyboardModifier(mods))
            if action:
                self.trigger(action)
            return True
        return False

    # --- commands and regions -----------------------------------------------------------

    def open_settings(self) -> None:
        self.hide()
        self.settings_requested.emit()

    def show_regions(self, name: str | None) -> None:
        """The regions of ``name``'s partition, to open its console in one of them."""
        if not name:
            self.set_error("Select a target first; its regions are listed then")
            return
        try:
            target = self.controller.target(name)
        except Exception as exc:  # noqa: BLE001 - a target gone with a reload: say so inline
            self.set_error(f"{name}: {exc}")
            return
        if self.mode == TARGETS:
            self._target_query = self.search.text()
        self._subject = target.name
        self._region_target = target
        self._set_mode(REGION_LIST)
        self._set_query_quietly("")
        self.search.setPlaceholderText(f"Region for {target.name}: type a code or a name…")
        self._refresh_choices()
        # start on the account's own region: Enter alone then does what plain Enter would
        own = next((r for r, c in enumerate(self.choices.choices()) if c.strong), 0)
        self._select_row(own, self.choice_list)

    def _choose(self, index: QModelIndex) -> None:
        choice = index.data(ChoiceRole) if index.isValid() else None
        if choice is None:
            self.set_error("Nothing to run; Esc goes back to the targets")
            return
        if self.mode == REGION_LIST:
            self._run(self._subject, "console", region=choice.key)
        elif choice.key == "settings":
            self.open_settings()
        elif choice.key == "region":
            self.show_regions(self._subject)
        elif choice.key == "url":
            self._run(self._subject, "url")

    def _set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        if mode != REGION_LIST:
            self.search.setPlaceholderText(PLACEHOLDER)
        self._update_hint()
        self._update_empty_state()

    def _back_to_targets(self, query: str) -> None:
        self._set_mode(TARGETS)
        self._set_query_quietly(query)
        self.model.set_query(query)
        if self._subject is not None:
            row = self.targets_model.row_of(self._subject)
            ranked = self.model.row_for_source(row) if row is not None else None
            if ranked is not None:
                self._select_row(ranked)
        self._update_empty_state()

    def _set_query_quietly(self, text: str) -> None:
        self._quiet_query = True
        try:
            self.search.setText(text)
        finally:
            self._quiet_query = False

    def _refresh_choices(self) -> None:
        text = self.search.text()
        if self.mode == COMMAND_LIST:
            choices = command_choices(text[len(COMMAND_PREFIX):], self._subject)
        else:
            choices = region_choices(self._region_target, text)
        self.choices.set_choices(choices)
        self._select_row(0, self.choice_list)
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        query = self.search.text().strip()
        if self.mode == TARGETS:
            view, count = self.list, self.model.rowCount()
            if self.targets_model.rowCount() == 0:
                message = NO_TARGETS
            else:
                message = NO_MATCH.format(query=query)
        else:
            view, count = self.choice_list, self.choices.rowCount()
            if self.mode == COMMAND_LIST:
                message = NO_COMMAND.format(query=query[len(COMMAND_PREFIX):].strip())
            else:
                message = NO_REGION.format(query=query)
        other = self.choice_list if view is self.list else self.list
        other.hide()
        view.setVisible(count > 0)
        self.empty_label.setText(message)
        self.empty_label.setVisible(count == 0)

    @property
    def empty_text(self) -> str:
        """What the palette says instead of a list, when it has no rows to show."""
        return self.empty_label.text() if self.empty_label.isVisibleTo(self) else ""

    def trigger(self, action: str, index: QModelIndex | None = None) -> None:
        index = index if index is not None and index.isValid() else self.list.currentIndex()
        name = index.data(NameRole) if index.isValid() else None
        if not name:
            self.set_error(f"Nothing matches; type less, or add the account in Settings ({SETTINGS_KEY})")
            return
        self._run(name, action)

    def _run(self, name: str | None, action: str, *, region: str | None = None) -> None:
        if not name:
            self.set_error("Select a target first")
            return
        self.set_error("")
        self._pending = (name, action)
        if action == "console":
            if region:
                self.controller.open_console(name, region)
            else:
                self.controller.open_console(name)
        elif action == "creds":
            self.controller.copy_credentials(name)
        elif action == "link":
            self.controller.copy_link(name)
        elif action == "url":
            self.controller.copy_console_url(name)
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
        if self._quiet_query:
            return
        if self.mode == REGION_LIST:
            self._refresh_choices()
            return
        if text.startswith(COMMAND_PREFIX):
            if self.mode == TARGETS:
                # the commands act on what was selected when ">" was typed
                self._subject = self.current_name()
                self._set_mode(COMMAND_LIST)
            self._refresh_choices()
            return
        if self.mode == COMMAND_LIST:
            self._set_mode(TARGETS)
        self.model.set_query(text)
        self._update_empty_state()

    def _after_reset(self) -> None:
        self._select_row(0)
        if self.mode == TARGETS:
            self._update_empty_state()
        total = self.targets_model.rowCount()
        matches = self.model.total_matches
        if self.model.query.strip():
            self.count_label.setText(f"{matches:,} of {total:,}" if matches else "no match")
        else:
            self.count_label.setText(f"{total:,} target" if total == 1 else f"{total:,} targets")

    def _select_row(self, row: int, view: QListView | None = None) -> None:
        view = view or self.list
        model = view.model()
        if model.rowCount() > row:
            index = model.index(row, 0)
            view.setCurrentIndex(index)
            view.scrollTo(index)
        else:
            view.setCurrentIndex(QModelIndex())
