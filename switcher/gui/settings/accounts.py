"""Accounts and roles editor: the widgets over the drafts of ``drafts.AccountDrafts``.

Every edit goes to the drafts first; what the page marks as wrong (a field's red frame and
the message under it, a cell's frame, the list of role problems under the table) is what
the drafts say, so the marks and the messages never disagree. The window merges ``build()`` onto the file as it is on disk at save time, so a
CLI edit made meanwhile survives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from switcher.core.errors import InputError
from switcher.core.model import DEFAULT_REGION, PRESET_COLORS, Account, Config
from switcher.gui import icons
from switcher.gui.key_capture import KeyCaptureEdit
from switcher.gui.labels import LOGOUT_CHOICES, MULTI_SESSION_LABEL, MULTI_SESSION_TIP
from switcher.gui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPen,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QValidator,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.settings.drafts import (
    FIELD_CHECKS,
    FIELD_LABELS,
    FLAG_COLUMNS,
    REQUIRED_FIELDS,
    ROLE_COLUMNS,
    ROLE_HEADERS,
    AccountDrafts,
    Draft,
    safe_color,
)
from switcher.gui.settings.fields import (
    Field,
    add_browser_choices,
    error_label,
    list_beside_form,
    set_invalid,
    text_of,
    tone_background,
    tone_border,
)

INVALID_ROLE = Qt.ItemDataRole.UserRole + 1  # a cell's error message, drawn as a red frame
# an account's multi_session as its checkbox shows it; None: the general setting's
_TRISTATE = {None: Qt.CheckState.PartiallyChecked, True: Qt.CheckState.Checked,
             False: Qt.CheckState.Unchecked}


class AccountIdValidator(QValidator):
    """Digits only, 12 at most; a pasted "1234-5678-9012" or "1234 5678 9012" (how the
    console shows an id) keeps its digits."""

    def validate(self, text: str, pos: int):
        digits = "".join(ch for ch in text if ch not in " -")
        if not digits.isdigit() and digits:
            return QValidator.State.Invalid, text, pos
        if len(digits) > 12:
            return QValidator.State.Invalid, text, pos
        pos -= sum(1 for ch in text[:pos] if ch in " -")
        state = QValidator.State.Acceptable if len(digits) == 12 else QValidator.State.Intermediate
        return state, digits, max(0, pos)


class InvalidCellDelegate(QStyledItemDelegate):
    """Frames a bad cell in red: the background tint alone vanishes under the selection
    highlight of the row being edited."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        if index.data(INVALID_ROLE):
            painter.save()
            painter.setPen(QPen(tone_border(option.palette, "error"), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class AccountsPage(QWidget):
    edited = Signal()

    def __init__(self, *, regions: list[str], sources: list[str], parent=None) -> None:
        super().__init__(parent)
        self.model = AccountDrafts(sources=sources)  # load() reads ~/.aws/config for role profiles
        self._current = -1
        self._loading = False

        self.list = QListWidget()
        self.list.setObjectName("accountList")
        self.list.setMinimumWidth(200)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._select)
        add = QPushButton("&Add account", objectName="addAccount")
        add.clicked.connect(self.add_account)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_account)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)

        # --- account form ---
        self.alias = QLineEdit(objectName="alias", placeholderText="e.g. acme-prod")
        self.account_id = QLineEdit(objectName="accountId", placeholderText="12 digits")
        self.account_id.setValidator(AccountIdValidator(self.account_id))
        self.region = QComboBox(objectName="region", editable=True)
        self.region.addItems(regions)
        self.color = QLineEdit(objectName="color", placeholderText="6 hex digits, e.g. F2B0A9")
        self.color.setMaximumWidth(110)
        self.source = QComboBox(objectName="source", editable=True)
        self.source.addItems(["", *sources])
        self.source.lineEdit().setPlaceholderText("default credential chain")
        # an editable combo is as narrow as its longest item, which may be none at all
        placeholder = self.source.fontMetrics().horizontalAdvance("default credential chain")
        self.source.setMinimumWidth(placeholder + 60)
        self.source.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.add_keys_button = QPushButton("Add keys…", objectName="addKeys")
        self.add_keys_button.setToolTip("Store an IAM user's access keys in the OS keyring as a source")
        self.browser = QComboBox(objectName="browser", editable=True)
        add_browser_choices(self.browser)
        self.browser.lineEdit().setPlaceholderText("the general setting")
        self.logout_first = QComboBox(objectName="logoutFirst")
        for label, value in LOGOUT_CHOICES:
            self.logout_first.addItem(label, value)
        # three states, as the config has them: partly checked leaves it to the general setting
        self.multi_session = QCheckBox(MULTI_SESSION_LABEL, objectName="multiSession")
        self.multi_session.setTristate(True)
        self.multi_session.setToolTip(f"{MULTI_SESSION_TIP} Partly checked: the general setting.")
        self.mfa_serial = QLineEdit(objectName="mfaSerial", placeholderText="arn:aws:iam::123456789012:mfa/me")
        self.mfa_process = QLineEdit(objectName="mfaProcess", placeholderText="e.g. ykman oath accounts code -s aws")

        widgets: dict[str, QWidget] = {
            "alias": self.alias, "id": self.account_id, "region": self.region, "color": self.color,
            "source": self.source, "browser": self.browser, "mfa_serial": self.mfa_serial,
            "mfa_process": self.mfa_process,
        }
        self.fields: dict[str, Field] = {
            key: Field(widget, FIELD_CHECKS[key], optional=key not in REQUIRED_FIELDS)
            for key, widget in widgets.items()
        }
        for key, field in self.fields.items():
            field.edited.connect(lambda key=key: self._field_edited(key))
        self.logout_first.currentIndexChanged.connect(lambda _i: self._field_edited("logout_first"))
        self.multi_session.stateChanged.connect(lambda _s: self._field_edited("multi_session"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

        # each message in full right under its field: a problem named only in a tooltip or
        # cut to one line is a problem the user has to hunt for
        def row(label: str, widget: QWidget, key: str | None = None) -> None:
            form.addRow(label, widget)
            if key is not None:
                form.addRow("", self.fields[key].label)

        row("Alias:", self.alias, "alias")
        row("Account ID:", self.account_id, "id")
        row("Region:", self.region, "region")
        row("Colour:", self._color_row(), "color")
        source_row = QHBoxLayout()
        source_row.setContentsMargins(0, 0, 0, 0)
        source_row.addWidget(self.source, 1)
        source_row.addWidget(self.add_keys_button)
        source_box = QWidget()
        source_box.setLayout(source_row)
        row("Credentials from:", source_box, "source")
        row("Browser:", self.browser, "browser")
        row("Console sign-out:", self.logout_first)
        row("Multi-session:", self.multi_session)
        row("MFA device:", self.mfa_serial, "mfa_serial")
        row("MFA code command:", self.mfa_process, "mfa_process")

        # --- roles ---
        self.roles = QTableWidget(0, len(ROLE_COLUMNS))
        self.roles.setObjectName("roles")
        self.roles.setHorizontalHeaderLabels(ROLE_HEADERS)
        header = self.roles.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 90, 90, 105, 100)):
            self.roles.setColumnWidth(column, width)
        self.roles.verticalHeader().setVisible(False)
        self.roles.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.roles.setItemDelegate(InvalidCellDelegate(self.roles))
        self.roles.itemChanged.connect(self._role_cell_changed)
        add_role = QPushButton("Add r&ole", objectName="addRole")
        add_role.clicked.connect(self.add_role)
        remove_role = QPushButton("Remove role")
        remove_role.clicked.connect(self.remove_role)
        role_buttons = QHBoxLayout()
        role_buttons.addWidget(QLabel("<b>Roles</b>"))
        role_buttons.addStretch(1)
        role_buttons.addWidget(add_role)
        role_buttons.addWidget(remove_role)

        # the roles' problems (and the account's as a whole), each on its own line in full;
        # each bad cell is framed where it is too
        self.problems = error_label("accountProblems")

        right = QVBoxLayout()
        right.addLayout(form)
        right.addSpacing(6)
        right.addLayout(role_buttons)
        right.addWidget(self.roles, 1)
        right.addWidget(self.problems)
        self.form_box = list_beside_form(self, left, right, 210)
        self._select(-1)

    def _color_row(self) -> QWidget:
        box = QHBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        for name, hex_ in PRESET_COLORS.items():
            button = QToolButton(objectName=f"preset-{name}")
            button.setIcon(icons.swatch(hex_, 18))
            button.setToolTip(f"{name} ({hex_}), a console preset")
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, h=hex_: self.color.setText(h))
            box.addWidget(button)
        pick = QToolButton(text="Custom…")
        pick.clicked.connect(self._pick_color)
        box.addWidget(pick)
        box.addSpacing(8)
        box.addWidget(self.color)
        box.addStretch(1)
        widget = QWidget()
        widget.setLayout(box)
        return widget

    def set_sources(self, sources: list[str]) -> None:
        """The AWS CLI profiles and keyring sources offered (e.g. after leaving the sandbox)."""
        with self._quiet():
            current = self.source.currentText()
            self.source.clear()
            self.source.addItems(["", *sources])
            self.source.setCurrentText(current)
        self.model.sources = list(sources)

    def add_source(self, source: str) -> None:
        """A keyring source was just added: offer it, and use it for this account."""
        if self.source.findText(source) < 0:
            self.source.addItem(source)
        if self._current >= 0:
            self.source.setCurrentText(source)

    def _pick_color(self) -> None:
        current = QColor(f"#{self.color.text()}") if self.fields["color"].error is None and self.color.text() else QColor("#99BCE3")
        chosen = QColorDialog.getColor(current, self, "Account colour")
        if chosen.isValid():
            self.color.setText(chosen.name()[1:].upper())

    @property
    def drafts(self) -> list[Draft]:
        return self.model.drafts

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Changes made by the page itself, not edits: the drafts already hold them."""
        loading, self._loading = self._loading, True
        try:
            yield
        finally:
            self._loading = loading

    # --- drafts -------------------------------------------------------------------------

    def load(self, config: Config) -> None:
        """Show ``config``; the selected account and role stay selected (e.g. after a save)."""
        alias = self.model[self._current].get("alias") if 0 <= self._current < len(self.model) else None
        role_row = self.roles.currentRow()
        self.model.load(config.accounts, role_profiles=_role_profiles())  # ~/.aws/config may have changed too
        aliases = [d.get("alias") for d in self.model.drafts]
        if alias in aliases:
            self._refresh_list(aliases.index(alias))
            if 0 <= role_row < self.roles.rowCount():
                self.roles.setCurrentCell(role_row, 0)
        else:
            self._refresh_list(0 if self.model.drafts else -1)

    def stage(self, planned: tuple[Account, ...]) -> None:
        """An import's accounts, into the drafts (unsaved); the first new one is selected."""
        count = len(self.model)
        self.model.stage(planned)
        select = count if len(self.model) > count else max(self._current, 0)
        self._refresh_list(select if len(self.model) else -1)
        self.edited.emit()

    def carry(self, drafts: list[Draft]) -> None:
        """Edits made elsewhere (in the sandbox), into the drafts; the last one is selected."""
        if not drafts:
            return
        self.model.carry(drafts)
        self._refresh_list(len(self.model) - 1)
        self.edited.emit()

    def reveal_problems(self) -> None:
        """Save was pressed: the problems of fields not typed in yet show too."""
        self.model.reveal()
        self._validate_account()

    def _refresh_list(self, select: int) -> None:
        with self._quiet():
            self.list.clear()
            for draft in self.model.drafts:
                self.list.addItem(QListWidgetItem(icons.swatch(safe_color(draft.get("color"))), _list_text(draft)))
        self.list.setCurrentRow(select)
        self._select(select)

    def _select(self, row: int) -> None:
        if self._loading:
            return
        self._current = row
        self.form_box.setEnabled(row >= 0)
        self.remove_button.setEnabled(row >= 0)
        selected = 0 <= row < len(self.model)
        draft = self.model[row] if selected else {}
        with self._quiet():
            for key, field in self.fields.items():
                field.set_text(str(draft.get(key) or ""))
            if selected and not draft.get("region"):
                # shown as the default, so held as the default: the drafts decide what is wrong
                self.model.set_field(row, "region", DEFAULT_REGION)
                self.fields["region"].set_text(DEFAULT_REGION)
            index = [val for _label, val in LOGOUT_CHOICES].index(draft.get("logout_first"))
            self.logout_first.setCurrentIndex(index)
            self.multi_session.setCheckState(_TRISTATE[draft.get("multi_session")])
            self.roles.setRowCount(0)
            for role in draft.get("roles", []):
                self._append_role_row(role)
        self._validate_account()

    def _append_role_row(self, role: dict[str, Any]) -> None:
        r = self.roles.rowCount()
        self.roles.insertRow(r)
        for c, key in enumerate(ROLE_COLUMNS):
            value = role.get(key)
            if key in FLAG_COLUMNS:
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                item.setToolTip("Every hand-out of this role's credentials to another program "
                                "needs a click in the tray")
                self.roles.setItem(r, c, item)
                continue
            item = QTableWidgetItem("" if value is None else str(value))
            self.roles.setItem(r, c, item)
            if key == "hotkey":
                self._hotkey_cell(item)

    def _hotkey_cell(self, item: QTableWidgetItem) -> None:
        """The palette's key capture widget over the cell; the item keeps the value."""
        edit = KeyCaptureEdit(item.text())
        edit.setFrame(False)
        edit.comboChanged.connect(lambda combo, item=item: item.setText(combo))
        self.roles.setCellWidget(item.row(), item.column(), edit)

    def _field_edited(self, key: str) -> None:
        if self._loading or self._current < 0:
            return
        if key == "logout_first":
            value = self.logout_first.currentData()
        elif key == "multi_session":
            value = {v: k for k, v in _TRISTATE.items()}[self.multi_session.checkState()]
        else:
            value = text_of(self.fields[key].widget)
        self.model.set_field(self._current, key, value)
        if key in ("alias", "id", "color"):
            draft = self.model[self._current]
            item = self.list.item(self._current)
            item.setText(_list_text(draft))
            item.setIcon(icons.swatch(safe_color(draft.get("color"))))
        self._validate_account()
        self.edited.emit()

    def _role_cell_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or self._current < 0:
            return
        column = ROLE_COLUMNS[item.column()]
        if column in FLAG_COLUMNS:
            text = "true" if item.checkState() == Qt.CheckState.Checked else ""
        else:
            text = item.text()
        self.model.set_cell(self._current, item.row(), column, text)
        self._validate_account()
        self.edited.emit()

    def set_palette_hotkey(self, text: str) -> None:
        """The General page's palette hotkey changed: a role's may conflict with it now."""
        self.model.palette_hotkey = text
        self._validate_account()

    def add_account(self) -> None:
        self._refresh_list(self.model.add_account())
        self.alias.setFocus()
        self.edited.emit()

    def remove_account(self) -> None:
        if 0 <= self._current < len(self.model):
            self.model.remove_account(self._current)
            self._refresh_list(min(self._current, len(self.model) - 1))
            self.edited.emit()

    def add_role(self) -> None:
        if self._current < 0:
            return
        self.model.add_role(self._current)
        with self._quiet():
            self._append_role_row({})
        self._validate_account()
        row = self.roles.rowCount() - 1
        self.roles.setCurrentCell(row, 0)
        self.roles.editItem(self.roles.item(row, 0))
        self.edited.emit()

    def remove_role(self) -> None:
        row = self.roles.currentRow()
        if self._current < 0 or row < 0:
            return
        self.model.remove_role(self._current, row)
        self.roles.removeRow(row)
        self._validate_account()
        self.edited.emit()

    # --- validation -----------------------------------------------------------------------

    def problem_list(self) -> list[str]:
        """Every problem of the selected account (see ``AccountDrafts.problems``)."""
        return self.model.problems(self._current)

    def _validate_account(self) -> None:
        self._mark_cells()
        selected = 0 <= self._current < len(self.model)
        for key, field in self.fields.items():
            field.error = self.model.field_problem(self._current, key) if selected else None
            field.show_error(field.error)
        field_labels = tuple(f"{label}: " for label in FIELD_LABELS.values())
        rest = [p for p in self.problem_list() if not p.startswith(field_labels)]
        self.problems.setText("\n".join(rest))
        self.problems.setVisible(bool(rest))

    def _mark_cells(self) -> None:
        """Every cell as the drafts judge it: one edit can fix or break another cell (a
        name that "via" refers to, a hotkey another role or the palette takes)."""
        if not 0 <= self._current < len(self.model):
            return
        with self._quiet():
            for row in range(min(self.roles.rowCount(), len(self.model.roles(self._current)))):
                for col, column in enumerate(ROLE_COLUMNS):
                    self._mark_cell(row, col, self.model.cell_problem(self._current, row, column))

    def _mark_cell(self, row: int, col: int, error: str | None) -> None:
        item = self.roles.item(row, col)
        if item is None:
            return
        item.setBackground(tone_background(self.palette(), "error") if error else QColor(0, 0, 0, 0))
        item.setToolTip(error or "")
        item.setData(INVALID_ROLE, error or None)
        widget = self.roles.cellWidget(row, col)  # the hotkey capture covers its item
        if widget is not None:
            set_invalid(widget, bool(error))
            widget.setToolTip(error or "")

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._mark_cells()  # a cell's tint is taken from the palette when it is marked

    def fields_ok(self) -> bool:
        return all(f.error is None for f in self.fields.values())

    def build(self) -> list[tuple[str | None, Account]]:
        """(original alias or None for a new account, validated account) per draft."""
        return self.model.build()


def _list_text(draft: Draft) -> str:
    return f"{draft.get('alias') or '(new account)'}\n{draft.get('id') or ''}"


def _role_profiles() -> set[str]:
    from switcher.core.targets import profile_targets

    try:
        return {t.name for t in profile_targets()}
    except InputError:
        return set()  # a broken ~/.aws/config: the window says so elsewhere; no profile targets
