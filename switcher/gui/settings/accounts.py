"""Accounts and roles editor.

Works on drafts (plain dicts, one per account) so that half-typed values never reach the
config; ``build()`` turns the drafts into validated ``Account`` objects. The window merges
them onto the file as it is on disk at save time, so a CLI edit made meanwhile survives.
"""

from __future__ import annotations

import copy
from typing import Any

from switcher.core import browser_spec, keyspec
from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import DEFAULT_REGION, PRESET_COLORS, Account, Config, Role
from switcher.gui import icons
from switcher.gui.labels import LOGOUT_CHOICES
from switcher.gui.qt import (
    QAbstractItemView,
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
    QSplitter,
    QStyledItemDelegate,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.settings.fields import Field, SummaryLine, add_browser_choices, set_invalid

ROLE_COLUMNS = ("name", "duration", "external_id", "mfa_serial", "via", "hotkey")
ROLE_HEADERS = ("Role (path/name)", "Duration (s)", "External ID", "MFA device", "Via target", "Hotkey")
PALETTE_OWNER = "the search palette"
INVALID_ROLE = Qt.ItemDataRole.UserRole + 1  # a cell's error message, drawn as a red frame
_THIS = "\0this"  # the key being checked, never a real owner name
ROLE_CHECKS = {
    "name": v.check_role_name,
    "duration": v.check_duration,
    "external_id": v.check_external_id,
    "mfa_serial": v.check_mfa_serial,
    "via": lambda s: s,
    "hotkey": keyspec.check,
}


class InvalidCellDelegate(QStyledItemDelegate):
    """Frames a bad cell in red: the background tint alone vanishes under the selection
    highlight of the row being edited."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        if index.data(INVALID_ROLE):
            painter.save()
            painter.setPen(QPen(QColor("#d93025"), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class AccountsPage(QWidget):
    edited = Signal()

    def __init__(self, *, regions: list[str], sources: list[str], parent=None) -> None:
        super().__init__(parent)
        self.drafts: list[dict[str, Any]] = []
        self.base: tuple[Account, ...] = ()
        self._current = -1
        self._loading = False
        self.palette_hotkey = ""  # the General page's, for conflict checks
        self.sources = list(sources)  # AWS CLI profiles and keyring sources: credentials, not targets
        # what "via" may name besides our own roles; load() reads ~/.aws/config for it
        self.role_profiles: set[str] = set()

        self.list = QListWidget()
        self.list.setObjectName("accountList")
        self.list.setMinimumWidth(200)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._select)
        add = QPushButton("Add account")
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
        left_box = QWidget()
        left_box.setLayout(left)

        # --- account form ---
        self.alias = QLineEdit(objectName="alias", placeholderText="e.g. acme-prod")
        self.account_id = QLineEdit(objectName="accountId", placeholderText="12 digits")
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
        self.mfa_serial = QLineEdit(objectName="mfaSerial", placeholderText="arn:aws:iam::123456789012:mfa/me")
        self.mfa_process = QLineEdit(objectName="mfaProcess", placeholderText="e.g. ykman oath accounts code -s aws")

        # errors go to one fixed-height summary line: a label appearing under a field would
        # push everything below it down while the user types
        self.fields: dict[str, Field] = {
            "alias": Field(self.alias, v.check_alias, optional=False, inline=False),
            "id": Field(self.account_id, v.check_account_id, optional=False, inline=False),
            "region": Field(self.region, v.check_region, optional=False, inline=False),
            "color": Field(self.color, v.check_color, inline=False),
            "source": Field(self.source, lambda s: s, inline=False),
            "browser": Field(self.browser, browser_spec.check, inline=False),
            "mfa_serial": Field(self.mfa_serial, v.check_mfa_serial, inline=False),
            "mfa_process": Field(self.mfa_process, lambda s: s, inline=False),
        }
        for key, field in self.fields.items():
            field.edited.connect(lambda key=key: self._field_edited(key))
        self.logout_first.currentIndexChanged.connect(lambda _i: self._field_edited("logout_first"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

        form.addRow("Alias:", self.alias)
        form.addRow("Account ID:", self.account_id)
        form.addRow("Region:", self.region)
        form.addRow("Colour:", self._color_row())
        source_row = QHBoxLayout()
        source_row.setContentsMargins(0, 0, 0, 0)
        source_row.addWidget(self.source, 1)
        source_row.addWidget(self.add_keys_button)
        source_box = QWidget()
        source_box.setLayout(source_row)
        form.addRow("Credentials from:", source_box)
        form.addRow("Browser:", self.browser)
        form.addRow("Console sign-out:", self.logout_first)
        form.addRow("MFA device:", self.mfa_serial)
        form.addRow("MFA code command:", self.mfa_process)

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
        add_role = QPushButton("Add role")
        add_role.clicked.connect(self.add_role)
        remove_role = QPushButton("Remove role")
        remove_role.clicked.connect(self.remove_role)
        role_buttons = QHBoxLayout()
        role_buttons.addWidget(QLabel("<b>Roles</b>"))
        role_buttons.addStretch(1)
        role_buttons.addWidget(add_role)
        role_buttons.addWidget(remove_role)

        # One line whose height never changes: the first problem (and how many more);
        # the tooltip lists them all, and each bad field or cell is marked where it is.
        self.problems = SummaryLine()
        self.problems.setObjectName("accountProblems")

        right = QVBoxLayout()
        right.addLayout(form)
        right.addSpacing(6)
        right.addLayout(role_buttons)
        right.addWidget(self.roles, 1)
        right.addWidget(self.problems)
        self.form_box = QWidget()
        self.form_box.setLayout(right)

        split = QSplitter()
        split.addWidget(left_box)
        split.addWidget(self.form_box)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
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

    # --- drafts -------------------------------------------------------------------------

    def load(self, config: Config) -> None:
        """Show ``config``; the selected account and role stay selected (e.g. after a save)."""
        alias = self.drafts[self._current].get("alias") if 0 <= self._current < len(self.drafts) else None
        role_row = self.roles.currentRow()
        self.role_profiles = _role_profiles()  # ~/.aws/config may have changed too
        self.base = config.accounts
        self.drafts = [self._draft(a) for a in config.accounts]
        aliases = [d.get("alias") for d in self.drafts]
        if alias in aliases:
            self._refresh_list(aliases.index(alias))
            if 0 <= role_row < self.roles.rowCount():
                self.roles.setCurrentCell(role_row, 0)
        else:
            self._refresh_list(0 if self.drafts else -1)

    @staticmethod
    def _draft(account: Account) -> dict[str, Any]:
        data = account.to_dict()
        data["_original"] = account.alias
        return data

    def _refresh_list(self, select: int) -> None:
        self._loading = True
        self.list.clear()
        for draft in self.drafts:
            item = QListWidgetItem(icons.swatch(_safe_color(draft.get("color"))),
                                   f"{draft.get('alias') or '(new account)'}\n{draft.get('id') or ''}")
            self.list.addItem(item)
        self._loading = False
        self.list.setCurrentRow(select)
        self._select(select)

    def _select(self, row: int) -> None:
        if self._loading:
            return
        self._current = row
        self.form_box.setEnabled(row >= 0)
        self.remove_button.setEnabled(row >= 0)
        draft = self.drafts[row] if 0 <= row < len(self.drafts) else {}
        self._loading = True
        try:
            for key, field in self.fields.items():
                field.set_text(str(draft.get(key) or ""))
            if not draft.get("region"):
                self.fields["region"].set_text(DEFAULT_REGION if row >= 0 else "")
            index = [val for _label, val in LOGOUT_CHOICES].index(draft.get("logout_first"))
            self.logout_first.setCurrentIndex(index)
            self.roles.setRowCount(0)
            for role in draft.get("roles", []):
                self._append_role_row(role)
        finally:
            self._loading = False
        self._validate_account()

    def _append_role_row(self, role: dict[str, Any]) -> None:
        r = self.roles.rowCount()
        self.roles.insertRow(r)
        for c, key in enumerate(ROLE_COLUMNS):
            value = role.get(key)
            item = QTableWidgetItem("" if value is None else str(value))
            self.roles.setItem(r, c, item)
            if key == "hotkey":
                self._hotkey_cell(item)
            self._check_cell(r, c)

    def _hotkey_cell(self, item: QTableWidgetItem) -> None:
        """The palette's key capture widget over the cell; the item keeps the value."""
        try:
            from switcher.gui.key_capture import KeyCaptureEdit
        except ImportError:
            return  # plain text editing, validated like any other cell
        edit = KeyCaptureEdit(item.text())
        edit.setFrame(False)
        edit.comboChanged.connect(lambda combo, item=item: item.setText(combo))
        self.roles.setCellWidget(item.row(), item.column(), edit)

    def _field_edited(self, key: str) -> None:
        if self._loading or self._current < 0:
            return
        draft = self.drafts[self._current]
        if key == "logout_first":
            value = self.logout_first.currentData()
        else:
            from switcher.gui.settings.fields import text_of

            value = text_of(self.fields[key].widget).strip() or None
        if value is None:
            draft.pop(key, None)
        else:
            draft[key] = value
        if key in ("alias", "id", "color"):
            item = self.list.item(self._current)
            item.setText(f"{draft.get('alias') or '(new account)'}\n{draft.get('id') or ''}")
            item.setIcon(icons.swatch(_safe_color(draft.get("color"))))
        self._validate_account()
        self.edited.emit()

    def _role_cell_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or self._current < 0:
            return
        self.drafts[self._current]["roles"] = self._roles_from_table()
        self._loading = True
        try:
            self._check_cell(item.row(), item.column())
            if ROLE_COLUMNS[item.column()] in ("via", "name"):
                for column in ("duration", "via"):  # they depend on each other and the name
                    self._check_cell(item.row(), ROLE_COLUMNS.index(column))
            if ROLE_COLUMNS[item.column()] in ("hotkey", "name"):
                self.recheck_hotkeys()  # a conflict may have appeared or gone elsewhere too
        finally:
            self._loading = False
        self._validate_account()
        self.edited.emit()

    def _cell_in_context(self, row: int, column: str, text: str) -> str | None:
        """What a cell's own check cannot know: other roles, other accounts, the palette."""
        if column == "hotkey":
            return self.hotkey_conflict(row, text)
        roles = self.drafts[self._current].get("roles", [])
        role = roles[row] if row < len(roles) else {}
        if column == "via":
            own = f"{self.drafts[self._current].get('alias')}/{role.get('name')}"
            if text == own:
                return "a role cannot be assumed via itself"
            if text not in self._target_names():
                if text in self.sources:
                    return (f"{text!r} is a credentials source, not a role; name an alias/role "
                            "or an AWS CLI profile that has role_arn")
                return f"no target named {text!r} (an alias/role here or an AWS CLI profile with role_arn)"
        if column == "duration" and role.get("via"):
            try:
                v.check_duration(text, chained=True)
            except InputError as exc:
                return str(exc)
        return None

    def _target_names(self) -> set[str]:
        """What the core's ``resolve`` accepts, counting unsaved drafts as saved."""
        names = set(self.role_profiles)
        for draft in self.drafts:
            alias = draft.get("alias")
            roles = [r.get("name") for r in draft.get("roles", []) if r.get("name")]
            names.update(f"{alias}/{name}" for name in roles)
            if len(roles) == 1:
                names.add(alias)  # the shorthand of an account with one role
        return names

    # --- hotkey conflicts ---------------------------------------------------------------

    def hotkey_specs(self, skip: tuple[int, int] | None = None) -> dict[str, str]:
        """{owner: combo} of the palette and every role in every draft (not saved yet)."""
        specs = {PALETTE_OWNER: self.palette_hotkey} if self.palette_hotkey else {}
        for index, draft in enumerate(self.drafts):
            for row, role in enumerate(draft.get("roles", [])):
                if (index, row) != skip and role.get("hotkey"):
                    owner = f"{draft.get('alias') or 'new account'}/{role.get('name') or '(no name)'}"
                    specs[owner] = role["hotkey"]
        return specs

    def hotkey_conflict(self, row: int, text: str) -> str | None:
        specs = self.hotkey_specs(skip=(self._current, row))
        specs[_THIS] = text
        return keyspec.conflicts(specs).get(_THIS)

    def set_palette_hotkey(self, text: str) -> None:
        self.palette_hotkey = text
        self._loading = True
        try:
            self.recheck_hotkeys()
        finally:
            self._loading = False
        self._validate_account()

    def recheck_hotkeys(self) -> None:
        column = ROLE_COLUMNS.index("hotkey")
        for row in range(self.roles.rowCount()):
            self._check_cell(row, column)

    def _check_cell(self, row: int, col: int) -> str | None:
        item = self.roles.item(row, col)
        if item is None:
            return None
        text = item.text().strip()
        error = None
        if text or col == 0:
            try:
                ROLE_CHECKS[ROLE_COLUMNS[col]](text)
            except InputError as exc:
                error = str(exc)
            if error is None and self._current >= 0:
                error = self._cell_in_context(row, ROLE_COLUMNS[col], text)
        item.setBackground(QColor("#fdecea") if error else QColor(0, 0, 0, 0))
        item.setToolTip(error or "")
        item.setData(INVALID_ROLE, error or None)
        widget = self.roles.cellWidget(row, col)  # the hotkey capture covers its item
        if widget is not None:
            set_invalid(widget, bool(error))
            widget.setToolTip(error or "")
        return error

    def _roles_from_table(self) -> list[dict[str, Any]]:
        roles = []
        for r in range(self.roles.rowCount()):
            role: dict[str, Any] = {}
            for c, key in enumerate(ROLE_COLUMNS):
                item = self.roles.item(r, c)
                text = item.text().strip() if item else ""
                if text:
                    role[key] = text
            roles.append(role)
        return roles

    def add_account(self) -> None:
        self.drafts.append({"region": DEFAULT_REGION, "roles": [], "_original": None})
        self._refresh_list(len(self.drafts) - 1)
        self.alias.setFocus()
        self.edited.emit()

    def remove_account(self) -> None:
        if 0 <= self._current < len(self.drafts):
            del self.drafts[self._current]
            self._refresh_list(min(self._current, len(self.drafts) - 1))
            self.edited.emit()

    def add_role(self) -> None:
        if self._current < 0:
            return
        self.drafts[self._current].setdefault("roles", []).append({})
        self._loading = True
        try:
            self._append_role_row({})
        finally:
            self._loading = False
        row = self.roles.rowCount() - 1
        self.roles.setCurrentCell(row, 0)
        self.roles.editItem(self.roles.item(row, 0))
        self._validate_account()
        self.edited.emit()

    def remove_role(self) -> None:
        row = self.roles.currentRow()
        if self._current < 0 or row < 0:
            return
        self.roles.removeRow(row)
        self.drafts[self._current]["roles"] = self._roles_from_table()
        self._validate_account()
        self.edited.emit()

    # --- validation -----------------------------------------------------------------------

    def problem_list(self) -> list[str]:
        """Every problem of the selected account: fields, then each bad cell, then what
        only the whole account can tell (e.g. a role listed twice)."""
        labels = {"alias": "Alias", "id": "Account ID", "region": "Region", "color": "Colour",
                  "source": "Credentials from", "browser": "Browser", "mfa_serial": "MFA device",
                  "mfa_process": "MFA code command"}
        problems = [f"{labels[k]}: {f.error}" for k, f in self.fields.items() if f.error]
        for r in range(self.roles.rowCount()):
            for c in range(len(ROLE_COLUMNS)):
                item = self.roles.item(r, c)
                if item is not None and item.toolTip():
                    problems.append(f"Role row {r + 1}, {ROLE_HEADERS[c]}: {item.toolTip()}")
        if not problems and 0 <= self._current < len(self.drafts):
            try:
                _build(self.drafts[self._current])
            except InputError as exc:
                problems.append(str(exc))
        return problems

    def _validate_account(self) -> None:
        problems = self.problem_list()
        if not problems:
            text = ""
        elif len(problems) == 1:
            text = problems[0]
        else:
            text = f"{len(problems)} problems — {problems[0]}"
        self.problems.set_summary(text, "\n".join(problems))

    def fields_ok(self) -> bool:
        return all(f.error is None for f in self.fields.values())

    def build(self) -> list[tuple[str | None, Account]]:
        """(original alias or None for a new account, validated account) per draft."""
        out = []
        for draft in self.drafts:
            try:
                out.append((draft.get("_original"), _build(draft)))
            except InputError as exc:
                name = draft.get("alias") or "new account"
                raise InputError(f"{name}: {exc}") from None
        return out

    def is_dirty(self) -> bool:
        try:
            built = self.build()
        except InputError:
            return True
        return tuple(a for _o, a in built) != self.base


def _build(draft: dict[str, Any]) -> Account:
    data = {k: val for k, val in copy.deepcopy(draft).items() if not k.startswith("_")}
    roles = []
    for role in data.pop("roles", []):
        role = dict(role)
        if "duration" in role:
            role["duration"] = v.check_duration(role["duration"])
        if "hotkey" in role:
            role["hotkey"] = keyspec.check(role["hotkey"])
        if not role.get("name"):
            raise InputError("a role has no name")
        roles.append(Role.from_dict(role))
    if data.get("browser"):
        data["browser"] = browser_spec.check(data["browser"])
        if data["browser"] is None:
            del data["browser"]
    data["roles"] = []
    account = Account.from_dict(data)
    return account.with_roles(tuple(roles))


def _role_profiles() -> set[str]:
    from switcher.core.targets import profile_targets

    try:
        return {t.name for t in profile_targets()}
    except InputError:
        return set()  # a broken ~/.aws/config: the window says so elsewhere; no profile targets


def _safe_color(value: str | None) -> str | None:
    try:
        return v.check_color(value) if value else None
    except InputError:
        return None
