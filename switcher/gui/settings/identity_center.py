"""The Identity Center page: config.toml's ``[[sso]]`` sources as editable drafts under the
window's one Save, and ~/.aws/config's (sso-session sections, legacy SSO profiles) shown
read-only beside them, each with its sign-in state and what discovery found.

The rules are the CLI's (``core.sso.sources``: ``apply_edits`` refuses what ``switcher sso
add`` refuses); this page only shows their messages. The sign-in states (keyring),
~/.aws/config and the inventory are read in a job (``read_overview``), and Sign in /
Discover are the tray's own jobs (``tray_sso``): nothing here blocks the main thread on
the keyring, a file of the AWS CLI's or the network.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from switcher.core import paths
from switcher.core import validate as v
from switcher.core.errors import InputError, SwitcherError
from switcher.core.model import DEFAULT_REGION, Config, SsoSource
from switcher.core.sso import sources
from switcher.gui import tray_sso
from switcher.gui.qt import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.settings.fields import Field, error_label, list_beside_form, set_tone

CONSOLE_CHOICES = (("Federation sign-in (role credentials)", "federation"),
                   ("Access portal", "portal"))
FIELD_LABELS = {"name": "Name", "start_url": "Start URL", "region": "Region"}
FIELD_CHECKS = {"name": sources.check_name, "start_url": sources.check_start_url,
                "region": v.check_region}
Draft = dict[str, Any]


@dataclass(frozen=True)
class Overview:
    """What the page shows besides the drafts, read in a worker by ``read_overview``."""

    aws: dict = field(default_factory=dict)  # ~/.aws/config as botocore parsed it
    found: tuple[sources.Source, ...] = ()  # every source, config.toml's first
    states: dict[str, object] = field(default_factory=dict)  # url key -> tokens.State
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # url key -> (accounts, roles)
    error: str | None = None  # why ~/.aws/config could not be read

    def external(self) -> list[sources.Source]:
        return [s for s in self.found if not s.in_config_toml]

    def source(self, start_url: str) -> sources.Source | None:
        key = sources.url_key(start_url)
        return next((s for s in self.found if s.key == key), None)


def read_overview(config: Config) -> Overview:
    """For a worker: ~/.aws/config, each source's sign-in state (the keyring) and the
    number of accounts and roles its last discovery found."""
    from switcher.core.discovery import inventory

    error = None
    try:
        aws = sources.read_aws_config()
    except InputError as exc:
        aws, error = {}, str(exc)
    found = tuple(sources.all_sources(config, aws))
    key_of = {name: s.key for s in found for name in s.names}
    states = {key_of[name]: state for name, state in tray_sso.read_states(config, aws)}
    counts: dict[str, tuple[int, int]] = {}
    for account in inventory.load_all(config, include_hidden=True):
        key = key_of.get(account.source)
        if key is not None:
            accounts, roles = counts.get(key, (0, 0))
            counts[key] = (accounts + 1, roles + len(account.roles))
    return Overview(aws, found, states, counts, error)


def draft_of(source: SsoSource) -> Draft:
    return {**source.to_dict(), "_original": source.name}


def build(draft: Draft) -> SsoSource:
    return SsoSource(**{k: val for k, val in draft.items() if not k.startswith("_")})


def shown_path(path) -> str:
    home = os.path.expanduser("~")
    text = str(path)
    return "~" + text[len(home):] if home != "/" and text.startswith(home + os.sep) else text


class IdentityCenterPage(QWidget):
    edited = Signal()
    _progress = Signal(str, str)  # url key, text: emitted on a discovery's worker

    def __init__(self, controller, *, regions: list[str], parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.base_config = Config()
        self.drafts: list[Draft] = []
        self.overview = Overview()
        self.activity: dict[str, tuple[str, str]] = {}  # url key -> (text, tone)
        self._busy: set[tuple[str, str]] = set()  # (url key, "sign-in" | "discover")
        self._reading = False
        self._reread = False
        self._current = -1
        self._loading = False
        self._progress.connect(self._on_progress)

        self.list = QListWidget(objectName="ssoList")
        self.list.setMinimumWidth(220)
        self.list.setSpacing(2)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._select)
        self.add_button = QPushButton("&Add source", objectName="addSso")
        self.add_button.clicked.connect(self.add_source)
        self.remove_button = QPushButton("Remove", objectName="removeSso")
        self.remove_button.clicked.connect(self.remove_source)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.list)
        self.aws_error = error_label("ssoAwsError")  # ~/.aws/config could not be read
        left.addWidget(self.aws_error)
        left.addLayout(buttons)

        self.name = QLineEdit(objectName="ssoName", placeholderText="e.g. corp")
        self.start_url = QLineEdit(objectName="ssoStartUrl", placeholderText=sources.START_URL_EXAMPLE)
        self.region = QComboBox(objectName="ssoRegion", editable=True)
        self.region.addItems(regions)
        self.console = QComboBox(objectName="ssoConsole")
        for label, value in CONSOLE_CHOICES:
            self.console.addItem(label, value)
        self.console.setToolTip("How a role of this source opens the console: a federation "
                                "sign-in URL, or the access portal's own console link")
        self.max_rate = QSpinBox(objectName="ssoMaxRate")
        self.max_rate.setRange(0, 1000)
        self.max_rate.setSuffix(" requests/s")
        self.max_rate.setSpecialValueText("no limit (adaptive)")
        self.max_rate.setToolTip("A ceiling for discovery's requests to this Identity Center")
        self.fields = {key: Field(widget, FIELD_CHECKS[key], optional=False)
                       for key, widget in (("name", self.name), ("start_url", self.start_url),
                                           ("region", self.region))}
        for key, fld in self.fields.items():
            fld.edited.connect(lambda key=key: self._set(key, self.fields[key].widget))
        self.console.currentIndexChanged.connect(lambda _i: self._set("console", self.console))
        self.max_rate.valueChanged.connect(lambda _v: self._set("max_requests_per_second", self.max_rate))

        self.origin = QLabel(objectName="ssoOrigin", wordWrap=True)
        # as wide as the fields: a wrapped label left at its own width breaks every few words
        self.origin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.state = QLabel(objectName="ssoState")
        self.found_label = QLabel(objectName="ssoDiscovered")
        self.sign_in_button = QPushButton("Sign in…", objectName="ssoSignIn")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.discover_button = QPushButton("Discover", objectName="ssoDiscover")
        self.discover_button.clicked.connect(self.discover)
        self.activity_label = QLabel(objectName="ssoActivity", wordWrap=True)
        self.problems = error_label("ssoProblems")
        actions = QHBoxLayout()
        actions.addWidget(self.sign_in_button)
        actions.addWidget(self.discover_button)
        actions.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, key in (("Name:", "name"), ("Start URL:", "start_url"), ("Region:", "region")):
            form.addRow(label, self.fields[key].widget)
            form.addRow("", self.fields[key].label)
        form.addRow("Console:", self.console)
        form.addRow("Discovery limit:", self.max_rate)
        form.addRow("", self.origin)
        form.addRow("Sign-in:", self.state)
        form.addRow("Discovered:", self.found_label)
        form.addRow("", actions)
        form.addRow("", self.activity_label)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.problems)
        right.addStretch(1)
        self.form_box = list_beside_form(self, left, right, 230)
        self._select(-1)

    # --- the drafts -----------------------------------------------------------------------

    def load(self, config: Config) -> None:
        """Show ``config``'s sources; the selected one stays selected (e.g. after a save)."""
        name = self._row_name(self._current)
        self.base_config = config
        self.drafts = [draft_of(s) for s in config.sso]
        self._refresh_list(name)
        self.refresh()

    def carry(self, drafts: list[Draft]) -> None:
        """Sources edited elsewhere (in the sandbox), as new ones here, unsaved."""
        if drafts:
            self.drafts.extend({**d, "_original": None} for d in drafts)
            self._refresh_list(self.drafts[-1].get("name"))
            self.edited.emit()

    def changed_drafts(self) -> list[Draft]:
        """The sources added or changed here, as typed: what leaving the sandbox carries."""
        base = {s.name: s for s in self.base_config.sso}
        out = []
        for draft in self.drafts:
            with contextlib.suppress(InputError):
                if base.get(draft.get("_original")) == build(draft):
                    continue
            out.append(dict(draft))
        return out

    def edits(self) -> list[tuple[str | None, SsoSource]]:
        """(name as loaded or None, source) per draft; InputError for one that cannot be built."""
        out = []
        for draft in self.drafts:
            try:
                out.append((draft.get("_original"), build(draft)))
            except InputError as exc:
                raise InputError(f"Identity Center source {draft.get('name') or '(new)'}: {exc}") from None
        return out

    def is_dirty(self) -> bool:
        try:
            return self.edits() != [(s.name, s) for s in self.base_config.sso]
        except InputError:
            return True

    def problem(self) -> str | None:
        """Why Save cannot write these sources now, or None."""
        found = self._first_problem()
        return found[2] if found else None

    def _first_problem(self) -> tuple[int | None, str | None, str] | None:
        """(draft row, field key, message) of the first problem, checked as `switcher sso
        add` checks: each field on its own, then the sources together (a name that names
        another sign-in here or in ~/.aws/config, a name given twice: row and key None)."""
        for row, draft in enumerate(self.drafts):
            for key, label in FIELD_LABELS.items():
                error = _field_problem(key, draft.get(key))
                if error:
                    name = draft.get("name") or "(new)"
                    return row, key, f"Identity Center source {name}: {label}: {error}"
        try:
            self.apply(self.base_config, self.overview.aws)
        except InputError as exc:
            return None, None, str(exc)
        return None

    def apply(self, config: Config, aws: dict | None = None) -> Config:
        """``config`` (the file now) with this page's changes; raises InputError."""
        return sources.apply_edits(config, self.base_config.sso, self.edits(), aws)

    def removed(self) -> list[SsoSource]:
        kept = {d.get("_original") for d in self.drafts}
        return [s for s in self.base_config.sso if s.name not in kept]

    def add_source(self) -> None:
        self.drafts.append({"name": "", "start_url": "", "region": DEFAULT_REGION,
                            "_original": None})
        self._refresh_list(None, row=len(self.drafts) - 1)
        self.name.setFocus()
        self.edited.emit()

    def remove_source(self) -> None:
        if 0 <= self._current < len(self.drafts):
            del self.drafts[self._current]
            self._refresh_list(None, row=min(self._current, len(self.drafts) - 1))
            self.edited.emit()

    def _set(self, key: str, widget: QWidget) -> None:
        if self._loading or not 0 <= self._current < len(self.drafts):
            return
        draft = self.drafts[self._current]
        if key == "console":
            value: Any = widget.currentData()
        elif key == "max_requests_per_second":
            value = widget.value() or None
        else:
            value = self.fields[key].widget.currentText() if key == "region" else widget.text()
            value = value.strip()
        if value is None or (key == "console" and value == "federation"):
            draft.pop(key, None)
        else:
            draft[key] = value
        item = self.list.item(self._current)
        if item is not None:
            item.setText(self._label(self._current))
        self._show_status()
        self._show_problems()
        self.edited.emit()

    # --- the list and the form --------------------------------------------------------------

    def _row_name(self, row: int) -> str | None:
        if 0 <= row < len(self.drafts):
            return self.drafts[row].get("name") or self.drafts[row].get("_original")
        external = self.overview.external()
        if 0 <= row - len(self.drafts) < len(external):
            return external[row - len(self.drafts)].name
        return None

    def _label(self, row: int) -> str:
        """The name, and under it the sign-in state (and where a read-only one comes from)."""
        if row < len(self.drafts):
            draft = self.drafts[row]
            name, origin = draft.get("name") or "(new source)", ""
            key = sources.url_key(draft.get("start_url") or "")
        else:
            source = self.overview.external()[row - len(self.drafts)]
            name, origin, key = source.name, shown_path(paths.aws_config_file()), source.key
        state = self.overview.states.get(key)
        details = [origin] if origin else []
        if state is not None:
            details.append(tray_sso.state_text(state))
        elif row < len(self.drafts) and draft.get("_original") is None:
            details.append("new, not saved yet")
        return "\n".join([name, " · ".join(details)]) if details else name

    def _refresh_list(self, name: str | None, row: int | None = None) -> None:
        with self._quiet():
            self.list.clear()
            for index in range(len(self.drafts) + len(self.overview.external())):
                item = QListWidgetItem(self._label(index))
                if index >= len(self.drafts):
                    item.setForeground(self.palette().placeholderText())
                    item.setToolTip("Defined in ~/.aws/config: read-only here")
                self.list.addItem(item)
        if row is None:
            names = [self._row_name(i) for i in range(self.list.count())]
            row = names.index(name) if name in names else (0 if names else -1)
        self.list.setCurrentRow(row)
        self._select(row)

    def _select(self, row: int) -> None:
        self._current = row
        editable = 0 <= row < len(self.drafts)
        external = self.overview.external()
        shown = None if editable or not 0 <= row - len(self.drafts) < len(external) \
            else external[row - len(self.drafts)]
        self.form_box.setEnabled(editable or shown is not None)
        with self._quiet():
            if editable:
                data = self.drafts[row]
            elif shown is not None:
                data = {"name": shown.name, "start_url": shown.start_url, "region": shown.region}
            else:
                data = {}
            for key, fld in self.fields.items():
                fld.set_text(data.get(key, ""))
                if isinstance(fld.widget, QLineEdit):
                    fld.widget.setReadOnly(not editable)  # read-only text can still be copied
                else:
                    fld.widget.setEnabled(editable)
                if not editable or (data.get("_original") is None and not data.get(key)):
                    fld.show_error(None)  # a new, still empty field is not an error yet
            self.console.setCurrentIndex(max(0, self.console.findData(data.get("console", "federation"))))
            self.max_rate.setValue(data.get("max_requests_per_second") or 0)
            self.console.setEnabled(editable)
            self.max_rate.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self.remove_button.setToolTip("" if editable or shown is None else
                                      f"Defined in {shown_path(paths.aws_config_file())}: "
                                      "edit that file to remove it")
        self._show_status()
        self._show_problems()

    def _show_status(self) -> None:
        """Origin, sign-in state, discovered count and the buttons of the selected row."""
        source, saved_name, why_not = self._selected_source()
        where = shown_path(paths.aws_config_file())
        if source is None:
            self.origin.setText("")
        elif not source.in_config_toml:
            self.origin.setText(f"From {where} ({', '.join(source.defined_in)}): read-only "
                                "here; edit that file to change it.")
        else:
            others = [d for d in source.defined_in if d != sources.CONFIG_TOML]
            self.origin.setText(f"Also defined in {where} ({', '.join(others)})." if others else "")
        self.origin.setVisible(bool(self.origin.text()))
        state = self.overview.states.get(source.key) if source else None
        if source is None:
            self.state.setText("—" if why_not else "")
        elif state is None:
            self.state.setText("…")
        else:
            self.state.setText(tray_sso.state_text(state))
        accounts, roles = self.overview.counts.get(source.key, (0, 0)) if source else (0, 0)
        self.found_label.setText(
            f"{accounts:,} account{'s' * (accounts != 1)}, {roles:,} role{'s' * (roles != 1)}"
            if accounts else ("not discovered yet" if source else "—"))
        key = source.key if source else ""
        for button, action, idle in ((self.sign_in_button, "sign-in", "Sign in…"),
                                     (self.discover_button, "discover", "Discover")):
            busy = (key, action) in self._busy
            button.setEnabled(saved_name is not None and not busy)
            button.setText({"sign-in": "Signing in…", "discover": "Discovering…"}[action] if busy else idle)
            button.setToolTip(why_not or "")
        text, tone = self.activity.get(key, ("", "info"))
        self.activity_label.setText(text)
        set_tone(self.activity_label, tone)
        self.activity_label.setVisible(bool(text))

    def _selected_source(self) -> tuple[sources.Source | None, str | None, str | None]:
        """(the saved source the selected row is, the name to sign in by, why it cannot
        sign in or discover yet)."""
        row = self._current
        if 0 <= row < len(self.drafts):
            draft = self.drafts[row]
            original = draft.get("_original")
            saved = next((s for s in self.base_config.sso if s.name == original), None)
            if saved is None:
                return None, None, "Save the new source first"
            source = self.overview.source(saved.start_url)
            try:
                changed = build(draft) != saved
            except InputError:
                changed = True
            if changed:
                return source, None, "Save your changes first: sign-in uses the saved source"
            return source, saved.name if source else None, None
        external = self.overview.external()
        if 0 <= row - len(self.drafts) < len(external):
            source = external[row - len(self.drafts)]
            return source, source.name, None
        return None, None, None

    def _show_problems(self) -> None:
        # the selected source's field problems show under their fields; the line under the
        # form has the rest (another source's, a name clash), so none goes unseen
        found = self._first_problem()
        shown = found is not None and not (found[0] == self._current and found[1] is not None)
        self.problems.setText(found[2] if shown else "")
        self.problems.setVisible(shown)

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        loading, self._loading = self._loading, True
        try:
            yield
        finally:
            self._loading = loading

    # --- jobs ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read ~/.aws/config, the sign-in states and the inventory, in a job."""
        if self._reading:
            self._reread = True
            return
        self._reading, self._reread = True, False
        config = self.base_config

        def done(ok: bool, payload) -> None:
            self._reading = False
            if ok:
                self._take(payload)
            if self._reread:
                self.refresh()

        self.controller.jobs.submit(lambda: read_overview(config), done)

    def _take(self, overview: Overview) -> None:
        name = self._row_name(self._current)
        self.overview = overview
        self._refresh_list(name)
        self.aws_error.setText(overview.error or "")
        self.aws_error.setVisible(bool(overview.error))

    def sign_in(self) -> None:
        source, name, _why = self._selected_source()
        if name is None or (source.key, "sign-in") in self._busy:
            return
        self._start(source.key, "sign-in", lambda config: tray_sso.sign_in(config, name),
                    lambda message: (message, "info"))

    def discover(self) -> None:
        source, name, _why = self._selected_source()
        if name is None or (source.key, "discover") in self._busy:
            return
        key, emit = source.key, self._progress.emit  # from the worker: queued to this thread

        def work(config):
            return tray_sso.discover(config, name, lambda text: emit(key, text))

        def result(outcomes) -> tuple[str, str]:
            failed = tray_sso.failure(outcomes)
            if failed:
                return failed, "error"
            self.controller.reload()  # the inventory changed: the targets with it
            return f"Discovery of {name} done.", "info"

        self.activity[key] = (f"Discovering {name}…", "info")
        self._start(key, "discover", work, result)

    def _start(self, key: str, action: str, work, result) -> None:
        self._busy.add((key, action))
        config = self.controller.config

        def done(ok: bool, payload) -> None:
            self._busy.discard((key, action))
            self.activity[key] = result(payload) if ok else (_message(payload), "error")
            self._show_status()
            self.refresh()

        self.controller.jobs.submit(lambda: work(config), done)
        self._show_status()

    def _on_progress(self, key: str, text: str) -> None:
        if (key, "discover") in self._busy:
            self.activity[key] = (text, "info")
            self._show_status()


def _field_problem(key: str, value: Any) -> str | None:
    try:
        FIELD_CHECKS[key]("" if value is None else str(value))
    except InputError as exc:
        return str(exc)
    return None


def _message(exc) -> str:
    from switcher.gui.error_text import for_gui

    return for_gui(exc) if isinstance(exc, SwitcherError) else f"{type(exc).__name__}: {exc}"


__all__ = ["IdentityCenterPage", "read_overview"]
