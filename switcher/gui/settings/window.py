"""The settings window: its pages (accounts and roles, import/export, general settings)
under one Save.

Edits never lose data: a failed save keeps the window open with the error; a config the
CLI changed on disk is reloaded (untouched edits) or merged under the user's edits at save
time (only what the user changed in the window is applied to the file as it is then).
"""


from __future__ import annotations

from dataclasses import fields as dataclass_fields
from dataclasses import replace

from switcher.core import autostart, hotkeys
from switcher.core import config as config_store
from switcher.core.errors import SwitcherError
from switcher.core.model import Account, Config, Settings
from switcher.core.targets import account_targets, read_aws_profiles
from switcher.gui import icons
from switcher.gui.controller import Controller
from switcher.gui.qt import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from switcher.gui.settings.accounts import AccountsPage
from switcher.gui.settings.fields import FIELD_STYLESHEET
from switcher.gui.settings.general import GeneralPage
from switcher.gui.settings.keys import AddKeysDialog
from switcher.gui.settings.transfer import TransferPage

PAGES = ("accounts", "import", "general")


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
    return Config(accounts=result.accounts, settings=result.settings, keyring_sources=result.keyring_sources)


class Banner(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setVisible(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def show_message(self, text: str, kind: str = "info") -> None:
        colours = {
            "error": ("#fdecea", "#b3261e", "#f5c2bd"),
            "warning": ("#fff4e5", "#7a4b00", "#f3d19c"),
            "info": ("#e8f4ea", "#1e5631", "#b9dcc2"),
        }[kind]
        self.setStyleSheet(
            f"QLabel#banner {{ background: {colours[0]}; color: {colours[1]}; "
            f"border: 1px solid {colours[2]}; border-radius: 4px; padding: 6px 8px; }}"
        )
        self.setText(text)
        self.setVisible(True)


class SettingsWindow(QWidget):
    def __init__(self, controller: Controller, *, quickswitch=None, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.quickswitch = quickswitch
        self.setWindowTitle("Settings")  # Qt appends " — Switcher", the application name
        self.setWindowIcon(icons.app_icon())
        self.setStyleSheet(FIELD_STYLESHEET)
        self.resize(940, 640)
        self.base = controller.config
        self._dirty = False
        self._saving = False  # our own save or discard: its config change is no news to us

        self.banner = Banner()
        self.tabs = QTabWidget()
        self.accounts = AccountsPage(regions=_regions(), sources=_sources(controller.config))
        self.transfer = TransferPage(controller)
        self.general = GeneralPage()
        self.tabs.addTab(self.accounts, "Accounts")
        self.tabs.addTab(self.transfer, "Import / Export")
        self.tabs.addTab(self.general, "General")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Reset
            | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.buttons.button(QDialogButtonBox.StandardButton.Reset).setText("Discard changes")
        self.buttons.button(QDialogButtonBox.StandardButton.Reset).clicked.connect(self.discard)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.close)
        self.reload_button = QPushButton("Reload from disk")
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(self.discard)

        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        # hotkey conflicts are checked across pages: palette vs roles, role vs role
        self.general.other_hotkeys = self.accounts.model.role_hotkeys
        self.general.hotkey_changed.connect(self.accounts.set_palette_hotkey)
        self.accounts.edited.connect(self.general.recheck_hotkey)
        self.accounts.add_keys_button.clicked.connect(self.add_keys)
        self.accounts.edited.connect(self._mark_dirty)
        self.general.edited.connect(self._mark_dirty)
        self.transfer.imported.connect(lambda s: self.banner.show_message("Imported: " + s, "info"))
        controller.targets_changed.connect(self._external_change)
        self.load(controller.config)

    # --- loading --------------------------------------------------------------------------

    def load(self, config: Config) -> None:
        self.base = config
        self.accounts.load(config)
        self.general.load(config.settings, start_at_login=_autostart_enabled())
        if self.quickswitch is not None:
            try:
                self.general.show_hotkey_status(self.quickswitch.status())
            except Exception:  # noqa: BLE001 - status display only
                pass
        self._dirty = False
        self.reload_button.setVisible(False)

    def show_page(self, page: str) -> None:
        self.tabs.setCurrentIndex(PAGES.index(page))

    def _mark_dirty(self) -> None:
        self._dirty = True

    def is_dirty(self) -> bool:
        if not self._dirty:
            return False
        try:
            edited = self.accounts.build()
            settings = self.general.build()
        except SwitcherError:
            return True
        return merge(self.base, self.base, edited, settings) != self.base

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
        try:
            edited = self.accounts.build()
            settings = self.general.build()
            check_hotkeys(edited, settings)
            disk = config_store.load(self.controller.config_path)
            merged = merge(self.base, disk, edited, settings)
            self._saving = True
            try:
                self.controller.save_config(merged)
            finally:
                self._saving = False
        except SwitcherError as exc:
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
        return True

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
        self.banner.setVisible(False)


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
