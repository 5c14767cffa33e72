"""The settings window: its pages (accounts and roles, Identity Center sources,
import/export, general settings) under one Save.

Edits never lose data: a failed save keeps the window open with the error; a config the
CLI changed on disk is reloaded (untouched edits) or merged under the user's edits at save
time (only what the user changed in the window is applied to the file as it is then);
closing or quitting with unsaved edits asks Save / Discard / Cancel; an import waits in the
editor for Save. In sandbox mode the config is a throwaway one: the first edit asks to move
to the user's real config, and the edits made so far come along (``leaving_sandbox``).
"""


from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path
from typing import Any

from switcher.core import autostart, hotkeys
from switcher.core.errors import SwitcherError
from switcher.core.model import Account, Config, Settings
from switcher.core.targets import account_targets, read_aws_profiles
from switcher.gui import icons
from switcher.gui.controller import Controller
from switcher.gui.qt import (
    QDialogButtonBox,
    QEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMessageBox,
    QPushButton,
    QShortcut,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from switcher.gui.settings.accounts import AccountsPage
from switcher.gui.settings.fields import set_tone, tone_stylesheet
from switcher.gui.settings.general import GeneralPage
from switcher.gui.settings.identity_center import IdentityCenterPage
from switcher.gui.settings.keys import AddKeysDialog
from switcher.gui.settings.transfer import TransferPage

PAGES = ("accounts", "identity-center", "import", "general")


def merge(base: Config, disk: Config, edited: list[tuple[str | None, Account]], settings: Settings) -> Config:
    """Apply what changed between ``base`` and the editor onto ``disk`` (the file now)."""
    base_by_alias = {a.alias: a for a in base.accounts}
    kept_originals = {orig for orig, _a in edited if orig}
    result = disk
    for alias in base_by_alias:
        if alias not in kept_originals:  # removed in the editor
            result = result.without_account(alias)
    for original, account in edited:
        if original is not None and base_by_alias.get(original) == account:
            continue  # untouched here: whatever is on disk wins
        if original is not None and original != account.alias:
            # renamed: take the old entry's place
            accounts = [account if a.alias == original else a for a in result.accounts]
            if original not in {a.alias for a in result.accounts}:
                accounts.append(account)
            result = replace(result, accounts=tuple(accounts))
        else:
            result = result.with_account(account)
    changed = {
        f.name: getattr(settings, f.name)
        for f in dataclass_fields(Settings)
        if getattr(settings, f.name) != getattr(base.settings, f.name)
    }
    if changed:
        result = replace(result, settings=replace(disk.settings, **changed))
    return result  # the rest of the file ([[sso]], [[org]], [[discovered]]) as it is on disk


class Banner(QLabel):
    """A message over the pages, coloured by its kind through the window's style sheet."""

    def __init__(self, object_name: str = "banner") -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setVisible(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setProperty("banner", True)  # boxed in its tone's colours by the style sheet
        # the style sheet's padding is lost when a property change re-polishes the label
        self.setContentsMargins(8, 6, 8, 6)
        self.kind = ""

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        set_tone(self, kind)
        self.setText(text)
        self.setVisible(True)

    def hide_message(self) -> None:
        self.kind = ""
        self.setVisible(False)


SANDBOX_TEXT = ("Sandbox: these are demo accounts in a throwaway config. Changes here are "
                "discarded when Switcher quits, and the command line never sees them.")
UNSAVED_TITLE = "Unsaved changes"
LEAVE_SANDBOX_TITLE = "Edit your real config?"


class SettingsWindow(QWidget):
    leave_sandbox_requested = Signal()  # the user wants the real config: the app switches

    def __init__(self, controller: Controller, *, quickswitch=None, sandbox: bool = False,
                 real_config: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.quickswitch = quickswitch
        self.sandbox = sandbox
        self.real_config = real_config
        # Qt appends " — Switcher", the application name; [*] shows as "*" while unsaved
        self.setWindowTitle("Settings[*]")
        self.setWindowIcon(icons.app_icon())
        self.setStyleSheet(tone_stylesheet(self.palette()))
        self.resize(940, 640)
        self.base = controller.config
        self._shown_settings: Settings = controller.config.settings  # as load() showed them
        self._loading = False
        self._saving = False  # our own save or discard: its config change is no news to us
        self._sandbox_asked = False
        self.sandbox_prompt: QMessageBox | None = None
        self.unsaved_prompt: QMessageBox | None = None

        self.banner = Banner()
        self.sandbox_banner = Banner("sandboxBanner")
        self.real_config_button = QPushButton("Use my real config", objectName="useRealConfig")
        self.real_config_button.clicked.connect(self.leave_sandbox_requested)
        self.tabs = QTabWidget()
        regions = _regions()
        self.accounts = AccountsPage(regions=regions, sources=_sources(controller.config))
        self.identity = IdentityCenterPage(controller, regions=regions)
        self.transfer = TransferPage(controller)
        self.general = GeneralPage()
        self.tabs.addTab(self.accounts, "Accounts")
        self.tabs.addTab(self.identity, "Identity Center")
        self.tabs.addTab(self.transfer, "Import / Export")
        self.tabs.addTab(self.general, "General")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Reset
            | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self._save_tip = f"Save ({QKeySequence(QKeySequence.StandardKey.Save).toString()})"
        self.save_button.setToolTip(self._save_tip)
        self.discard_button = self.buttons.button(QDialogButtonBox.StandardButton.Reset)
        self.discard_button.setText("Discard changes")
        self.discard_button.clicked.connect(self.discard)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.close)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(lambda: self.save() if self.save_button.isEnabled() else None)
        self.reload_button = QPushButton("Reload from disk")
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(self.discard)

        sandbox_row = QHBoxLayout()
        sandbox_row.addWidget(self.sandbox_banner, 1)
        sandbox_row.addWidget(self.real_config_button)
        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(sandbox_row)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        # hotkey conflicts are checked across pages: palette vs roles, role vs role
        self.general.other_hotkeys = self.accounts.model.role_hotkeys
        self.general.hotkey_changed.connect(self.accounts.set_palette_hotkey)
        self.accounts.edited.connect(self.general.recheck_hotkey)
        self.accounts.add_keys_button.clicked.connect(self.add_keys)
        self.accounts.edited.connect(self._edited)
        self.general.edited.connect(self._edited)
        self.identity.edited.connect(self._edited)
        self.transfer.editor_config = self.editor_config
        self.transfer.staged.connect(self._staged)
        controller.targets_changed.connect(self._external_change)
        self._show_sandbox()
        self.load(controller.config)

    # --- loading --------------------------------------------------------------------------

    def load(self, config: Config, *, carried: tuple[list, dict[str, Any]] | None = None) -> None:
        """Show ``config``; ``carried``: (drafts, settings fields) to show on top of it as
        unsaved edits (what ``leaving_sandbox`` brought along)."""
        self._loading = True
        try:
            self.base = config
            self.accounts.load(config)
            self.identity.load(config)
            start_at_login = _autostart_enabled()
            self.general.load(config.settings, start_at_login=start_at_login)
            self._shown_settings = self._built_settings() or config.settings
            if carried is not None:
                drafts, changes = carried
                self.accounts.carry(drafts)
                if changes:
                    self.general.load(config.settings, start_at_login=start_at_login,
                                      shown=replace(self._shown_settings, **changes))
            if self.quickswitch is not None:
                try:
                    self.general.show_hotkey_status(self.quickswitch.status())
                except Exception:  # noqa: BLE001 - status display only
                    pass
            self.reload_button.setVisible(False)
        finally:
            self._loading = False
        self._refresh_dirty()

    def show_page(self, page: str) -> None:
        self.tabs.setCurrentIndex(PAGES.index(page))

    def _built_settings(self) -> Settings | None:
        try:
            return self.general.build()
        except SwitcherError:
            return None

    def _settings_changes(self) -> dict[str, Any]:
        """The general settings the user changed here (none while one cannot be built)."""
        built = self._built_settings()
        if built is None:
            return {}
        return {f.name: getattr(built, f.name) for f in dataclass_fields(Settings)
                if getattr(built, f.name) != getattr(self._shown_settings, f.name)}

    def is_dirty(self) -> bool:
        """Whether there are edits that Save would write (a value that cannot be saved yet
        counts: it is the user's typing all the same)."""
        if self.accounts.model.is_dirty() or self.identity.is_dirty():
            return True
        built = self._built_settings()
        return built is None or built != self._shown_settings

    def editor_config(self) -> Config:
        """The config as edited here, in the editor's order; raises SwitcherError while an
        edit cannot be built."""
        accounts = tuple(account for _original, account in self.accounts.build())
        return Config(accounts=accounts, settings=self.general.build(),
                      keyring_sources=self.base.keyring_sources)

    def _edited(self) -> None:
        if self._loading:
            return
        self._refresh_dirty()
        if self.banner.kind == "error" and self._save_problem() is None:
            self.banner.hide_message()  # the problem that stopped Save is fixed
        if self.sandbox and not self._sandbox_asked and self.is_dirty():
            self._sandbox_asked = True
            # after the key press or click that made the edit has been handled
            QTimer.singleShot(0, self.ask_leave_sandbox)

    def _refresh_dirty(self) -> None:
        dirty = self.is_dirty()
        self.setWindowModified(dirty)
        # a source that `switcher sso add` would refuse cannot be saved: Save waits for it
        blocked = self.identity.problem() if dirty else None
        self.save_button.setEnabled(dirty and blocked is None)
        self.save_button.setToolTip(f"Not yet: {blocked}" if blocked else self._save_tip)
        self.discard_button.setEnabled(dirty)

    def _save_problem(self) -> str | None:
        try:
            edited = self.accounts.build()
            check_hotkeys(edited, self.general.build())
        except SwitcherError as exc:
            return str(exc)
        return self.identity.problem()

    def _staged(self, result) -> None:
        from switcher.gui.settings.transfer import would

        self.accounts.stage(result.config.accounts)
        self.banner.show_message(
            f"Import in the editor, not saved yet: {would(result.summary())}. Save writes it.", "info")

    # --- sandbox ----------------------------------------------------------------------------

    def _show_sandbox(self) -> None:
        self.sandbox_banner.setVisible(self.sandbox)
        self.real_config_button.setVisible(self.sandbox)
        if self.sandbox:
            self.sandbox_banner.show_message(SANDBOX_TEXT, "warning")

    def ask_leave_sandbox(self) -> QMessageBox:
        """The first edit in the sandbox: asked once, as a sheet over the window; staying
        keeps the banner that says the changes are thrown away."""
        where = f" ({self.real_config})" if self.real_config else ""
        box = QMessageBox(QMessageBox.Icon.Question, LEAVE_SANDBOX_TITLE,
                          "Switcher is in sandbox mode: these are demo accounts, and what you "
                          "change here is thrown away when Switcher quits.\n\n"
                          f"Edit your real config{where} instead? What you just changed comes "
                          "along, and Save writes it there.", parent=self)
        use = box.addButton("Use my real config", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep playing in the sandbox", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(use)
        box.setObjectName("leaveSandboxPrompt")

        def answered(button) -> None:
            if button is use:
                self.leave_sandbox_requested.emit()

        box.buttonClicked.connect(answered)
        self.sandbox_prompt = box
        box.open()
        return box

    @contextlib.contextmanager
    def leaving_sandbox(self) -> Iterator[None]:
        """Around the app's switch to the real config: the edits made in the sandbox are
        taken along (new and changed accounts as new ones, changed settings), shown
        unsaved on top of the real config for Save to write there."""
        carried = (self.accounts.model.changed_drafts(), self._settings_changes())
        carried_sources = self.identity.changed_drafts()
        focused = self.focusWidget()  # where the user was typing, before the question
        self._saving = True
        try:
            yield
        finally:
            self._saving = False
        self.sandbox = False
        if self.sandbox_prompt is not None and self.sandbox_prompt.isVisible():
            self.sandbox_prompt.done(0)  # the banner's button answered it already
        self._show_sandbox()
        self.accounts.set_sources(_sources(self.controller.config))
        self.load(self.controller.config, carried=carried)
        self.identity.carry(carried_sources)
        if focused is not None and focused.isVisibleTo(self):
            focused.setFocus()
        where = self.controller.config_path
        if self.is_dirty():
            self.banner.show_message(f"Now editing your real config, {where}. Your changes came "
                                     "along and are not saved yet: Save writes them there.", "info")
        else:
            self.banner.show_message(f"Now editing your real config, {where}.", "info")

    def _external_change(self) -> None:
        if self._saving:
            return
        config = self.controller.config
        if config == self.base:
            return
        if replace(config, keyring_sources=self.base.keyring_sources) == self.base:
            # only the keyring sources changed (Add keys…, `switcher keys`): nothing here
            # shows them except the source choices, so there is nothing to reload or warn about
            self.base = config
            return
        if not self.is_dirty():
            self.load(self.controller.config)
            self.banner.show_message("The config file changed on disk; reloaded.", "info")
        else:
            self.banner.show_message(
                "The config file changed on disk. Your edits are kept: Save applies only what "
                "you changed here on top of the new file.",
                "warning",
            )
            self.reload_button.setVisible(True)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> bool:
        """Write what was edited (nothing when nothing was); False, with the problem in the
        banner and under each field, when it cannot be saved."""
        if not self.is_dirty():
            return True
        try:
            edited = self.accounts.build()
            settings = self.general.build()
            check_hotkeys(edited, settings)
            self.identity.edits()  # a source that cannot be built: its message, nothing read
            removed_sources = self.identity.removed()

            def change(disk: Config) -> Config:
                return self.identity.apply(merge(self.base, disk, edited, settings))

            self._saving = True
            try:  # under the file's lock, as the CLI's edits: a CLI save meanwhile is kept
                merged = self.controller.update_config(change)
            finally:
                self._saving = False
        except SwitcherError as exc:
            self.accounts.reveal_problems()
            self.banner.show_message(f"Not saved: {exc}", "error")
            return False
        if settings.start_at_login != self.base.settings.start_at_login or (
            settings.start_at_login != _autostart_enabled()
        ):
            try:
                autostart.apply(settings.start_at_login)
            except (OSError, ValueError) as exc:
                self.banner.show_message(f"Saved, but start at login could not be changed: {exc}", "warning")
                self.load(merged)
                return True
        self.load(merged)
        self.banner.show_message("Saved.", "info")
        self._forget_sign_ins(removed_sources, merged)
        return True

    def _forget_sign_ins(self, removed, config: Config) -> None:
        """What `switcher sso remove` does after the file: the keyring's tokens of a start
        URL nothing signs in to any more go too (a job: keyring work)."""
        if not removed:
            return
        from switcher.core.sso import tokens

        def done(ok: bool, payload) -> None:
            if not ok:
                self.banner.show_message(f"Saved, but the removed source's sign-in is still in "
                                         f"the keyring: {payload}", "warning")

        self.controller.jobs.submit(lambda: tokens.forget_orphans(removed, config), done)

    def add_keys(self) -> AddKeysDialog:
        current = self.accounts.source.currentText().strip()
        known = self.accounts.source.findText(current) >= 0
        # a keyring source (maybe without keys yet) or a new name; never an AWS CLI profile
        suggested = current if not known or current in self.controller.config.keyring_sources else ""
        dialog = AddKeysDialog(self.controller, suggested, self)
        dialog.accepted.connect(lambda: self._keys_added(dialog.added))
        self.keys_dialog = dialog
        dialog.open()
        return dialog

    def _keys_added(self, source: str | None) -> None:
        if not source:
            return
        self.accounts.add_source(source)
        self.banner.show_message(f"Keys for {source} stored in the OS keyring.", "info")

    def discard(self) -> None:
        self._saving = True
        try:
            self.controller.reload()
        finally:
            self._saving = False
        self.load(self.controller.config)
        self.banner.hide_message()

    # --- closing ----------------------------------------------------------------------------

    def confirm_unsaved(self, then: Callable[[], None]) -> QMessageBox | None:
        """Unsaved edits: ask Save / Discard / Cancel, then run ``then`` unless the user
        cancelled or the save failed (the window stays, with the problem shown). Without
        edits ``then`` runs at once."""
        if not self.is_dirty():
            then()
            return None
        if self.unsaved_prompt is not None and self.unsaved_prompt.isVisible():
            self.unsaved_prompt.raise_()
            return self.unsaved_prompt
        box = QMessageBox(QMessageBox.Icon.Warning, UNSAVED_TITLE,
                          f"Save your changes to {self.controller.config_path}?", parent=self)
        box.setInformativeText("Discarding them cannot be undone.")
        save = box.addButton("&Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.setObjectName("unsavedPrompt")

        def answered(button) -> None:
            if button is save and self.save():
                then()
            elif button is discard:
                self.discard()
                then()

        box.buttonClicked.connect(answered)
        self.unsaved_prompt = box
        box.open()
        return box

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.is_dirty():
            event.ignore()
            self.confirm_unsaved(self.close)
            return
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # a plain window gives Esc no meaning; users expect it to close, as a dialog does
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.close()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            sheet = tone_stylesheet(self.palette())
            if sheet != self.styleSheet():  # setting it re-polishes, which changes the palette again
                self.setStyleSheet(sheet)


def check_hotkeys(edited: list[tuple[str | None, Account]], settings: Settings) -> None:
    """Two owners of one combination: only one could ever get it, so it is not saved."""
    roles = ((t.name, t.hotkey) for _original, account in edited for t in account_targets(account))
    hotkeys.check_unique(hotkeys.owned_hotkeys(settings.palette_hotkey, roles))


def _autostart_enabled() -> bool:
    try:
        return autostart.is_enabled()
    except (OSError, ValueError):
        return False


def _regions() -> list[str]:
    try:
        from switcher.core.partitions import all_regions

        return all_regions()
    except Exception:  # noqa: BLE001 - the field stays editable without the list
        return ["us-east-1"]


def _sources(config: Config) -> list[str]:
    try:
        profiles = sorted(read_aws_profiles())
    except SwitcherError:
        profiles = []
    return [*profiles, *(s for s in config.keyring_sources if s not in profiles)]


__all__ = ["SettingsWindow", "merge"]
