"""The tray icon and its menu.

Menu: sessions about to expire (a click renews one), recents, then accounts (colour swatch,
alias, id) each opening a submenu of roles, then AWS CLI role and SSO profiles, then each
Identity Center source with its discovered targets (tray_sso.py), then Search…,
Settings…, Quit. A role entry has a submenu of
actions, but a click (or Enter) on the entry itself opens its console directly.

Submenus are filled when first shown, so thousands of accounts cost nothing until opened;
past GROUP_THRESHOLD accounts they are grouped by first letter (each letter's accounts,
and each account's roles, made when opened; a letter of more than GROUP_SIZE accounts
holds ranges of them) and Search is the way in.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable
from itertools import groupby

from switcher.core.model import CREDS_FORMATS
from switcher.core.targets import Target
from switcher.gui import icons, timefmt
from switcher.gui.controller import Controller
from switcher.gui.labels import FORMAT_LABELS
from switcher.gui.qt import (
    QAction,
    QCursor,
    QKeyEvent,
    QMenu,
    QMouseEvent,
    QObject,
    QSystemTrayIcon,
    Qt,
    QTimer,
    Signal,
)
from switcher.gui.tray_sso import GROUP_SIZE, ranges

MAX_RECENTS = 5
GROUP_THRESHOLD = 25
TARGET_PROPERTY = "switcherTarget"
OWN_REGION = "account's region"


def natural_key(text: str) -> list:
    """Sort key comparing runs of digits as numbers: romeo-dev-68 before romeo-dev-329."""
    return [(0, int(part), "") if part.isdigit() and part.isascii() else (1, 0, part.casefold())
            for part in re.split(r"(\d+)", text, flags=re.ASCII) if part]


def format_left(seconds: float) -> str:
    # a session about to end still reads as a minute in a menu tooltip or notification
    return timefmt.format_left(seconds, under_a_minute="1 min")


def expires_in(name: str, seconds: float) -> str:
    """"dev/Admin expires in 5 min": minutes rounded up, so the warning five minutes ahead
    (sessions.EXPIRY_WARNING_S) says five, not the four and a bit that are left by then."""
    return f"{name} expires in {max(1, math.ceil(seconds / 60))} min"


class ClickableMenu(QMenu):
    """A menu whose submenu entries tagged with a target open that target's console when
    clicked or activated with Enter (Qt would only open the submenu)."""

    def __init__(self, title: str = "", parent=None, *, on_activate: Callable[[str], None]) -> None:
        super().__init__(title, parent)
        self._on_activate = on_activate

    def _target_at(self, action: QAction | None) -> str | None:
        if action is None or action.menu() is None:
            return None
        value = action.property(TARGET_PROPERTY)
        return str(value) if value else None

    def _activate(self, name: str) -> None:
        top: QMenu = self
        while isinstance(top.parent(), QMenu):
            top = top.parent()
        top.hide()
        self.hide()
        self._on_activate(name)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        name = self._target_at(self.actionAt(event.position().toPoint()))
        if name and event.button() == Qt.MouseButton.LeftButton:
            self._activate(name)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            name = self._target_at(self.activeAction())
            if name:
                self._activate(name)
                return
        super().keyPressEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # before the window is mapped: a move here never flickers
        self._keep_opening_left()

    def _keep_opening_left(self) -> None:
        """Qt places each submenu on the right when it fits there. From a tray icon at the
        right edge the first submenu has to open to the left, and then the next one fits on
        the right again, on top of the menu it came from: keep going left while there is
        room, as GTK and Windows menus do."""
        parent = self.parent()
        grand = parent.parent() if isinstance(parent, QMenu) else None
        if not (isinstance(grand, QMenu) and parent.isVisible() and grand.isVisible()):
            return
        mine, theirs, above = self.geometry(), parent.geometry(), grand.geometry()
        went_left = theirs.center().x() < above.left()
        if went_left and mine.center().x() > theirs.right():
            x = theirs.left() - mine.width()
            screen = parent.screen().availableGeometry()
            if x >= screen.left():
                self.move(x, mine.top())


class TrayMenu(QObject):
    """Builds the tray menu from the controller; rebuilt when targets change."""

    search_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(self, controller: Controller, *, sandbox: bool = False, build: bool = True,
                 parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sandbox = sandbox
        self.menu = self._new_menu()
        self._dirty = True
        self._expiring: list[QAction] = []
        self._identities: list[QAction] = []
        self._search: QAction | None = None
        from switcher.gui.tray_sso import IdentityCenterMenu

        self.identity_center = IdentityCenterMenu(
            controller, self._new_menu, self._add_target_entry, GROUP_THRESHOLD, self)
        controller.targets_changed.connect(self.invalidate)
        self.menu.aboutToShow.connect(self._ensure_built)
        self.menu.aboutToShow.connect(self.refresh_expiring)
        self.menu.aboutToShow.connect(self.refresh_identities)
        self.menu.aboutToShow.connect(self.identity_center.refresh)
        self.identity_center.sources_changed.connect(self.invalidate)
        if build:  # the app builds it after the icon is up; opening it builds it anyway
            self.rebuild()

    def _new_menu(self, title: str = "", parent=None) -> ClickableMenu:
        menu = ClickableMenu(title, parent, on_activate=self.controller.open_console)
        menu.setToolTipsVisible(True)
        return menu

    def invalidate(self) -> None:
        self._dirty = True
        if not self.menu.isVisible():
            self.rebuild()

    def _ensure_built(self) -> None:
        if self._dirty:
            self.rebuild(force=True)

    def refresh_expiring(self) -> None:
        """The sessions inside the warning window, first in the menu; a click renews one.
        Refreshed on every opening, so the minutes are those of now."""
        for action in self._expiring:
            self.menu.removeAction(action)
            action.deleteLater()
        self._expiring = []
        expiring = self.controller.expiring_sessions()
        if not expiring:
            return
        first = self.menu.actions()[0] if self.menu.actions() else None
        for name, left in expiring.items():
            action = QAction(f"{expires_in(name, left)} — renew", self.menu)
            action.setToolTip(f"Opens a fresh console session for {name}")
            action.triggered.connect(lambda _=False, n=name: self.controller.open_console(n))
            self.menu.insertAction(first, action)
            self._expiring.append(action)
        separator = QAction(self.menu)
        separator.setSeparator(True)
        self.menu.insertAction(first, separator)
        self._expiring.append(separator)

    def refresh_identities(self) -> None:
        """The live console identities Switcher signed into each browser (the console
        ledger), above Search; a click opens one again. Refreshed on every opening."""
        for action in self._identities:
            self.menu.removeAction(action)
            action.deleteLater()
        self._identities = []
        by_browser = self.controller.console_identities()
        if not by_browser or self._search is None:
            return
        now = time.time()
        for browser, identities in by_browser.items():
            self._identities.append(self.menu.insertSection(
                self._search, f"Signed in to the console in {browser} ({len(identities)})"))
            for identity in identities:
                action = QAction(f"{identity.target} — {format_left(identity.expires - now)} "
                                 "left", self.menu)
                action.setToolTip(f"Opens the console for {identity.target} again")
                action.triggered.connect(
                    lambda _=False, n=identity.target: self.controller.open_console(n))
                self.menu.insertAction(self._search, action)
                self._identities.append(action)
        self._identities.append(self.menu.insertSeparator(self._search))

    def rebuild(self, *, force: bool = False) -> None:
        # Never under the user's pointer: clearing an open menu destroys the submenu they
        # are in. It is rebuilt when next opened instead.
        if self.menu.isVisible() and not force:
            self._dirty = True
            return
        self._dirty = False
        menu = self.menu
        for action in menu.actions():
            sub = action.menu()
            if sub is not None:
                sub.deleteLater()
        menu.clear()
        self._expiring = []  # cleared with the rest; the next opening adds them again
        self._identities = []
        targets = self.controller.targets()
        by_name = {t.name: t for t in targets}

        if self.sandbox:
            label = menu.addAction("Sandbox — demo accounts, no real AWS")
            label.setIcon(icons.app_icon("sandbox"))
            label.setEnabled(False)
            menu.addSeparator()

        recents = [by_name[n] for n in self.controller.usage().recent(MAX_RECENTS * 4) if n in by_name]
        if recents:
            menu.addSection("Recent")
            for target in recents[:MAX_RECENTS]:
                self._add_target_entry(menu, target, target.name)
            menu.addSeparator()

        accounts = [a for a in self.controller.config.accounts if a.roles]
        account_targets: dict[str | None, list[Target]] = {}
        profiles: list[Target] = []
        for t in targets:
            if t.kind == "account":
                account_targets.setdefault(t.account_alias, []).append(t)
            elif t.kind in ("profile", "sso-profile"):
                profiles.append(t)
        if len(accounts) > GROUP_THRESHOLD:
            menu.addSection(f"Accounts ({len(accounts)})")
            # first character before the natural key: "1aa", "2bb", "10c" must give one "1" group
            ordered = sorted(accounts, key=lambda a: (a.alias[0], natural_key(a.alias)))
            for letter, group in groupby(ordered, key=lambda a: a.alias[0]):
                group = [(a, account_targets.get(a.alias, [])) for a in group]
                sub = self._new_menu(f"{letter.upper()}  ({len(group)})", menu)
                menu.addMenu(sub)
                # filled when opened: thousands of accounts cost one entry per letter
                sub.aboutToShow.connect(lambda s=sub, g=group: self._fill_group(s, g))
        elif accounts:
            menu.addSection("Accounts")
            for account in accounts:
                self._add_account(menu, account, account_targets.get(account.alias, []))

        if profiles:
            sub = self._new_menu(f"AWS CLI profiles ({len(profiles)})", menu)
            menu.addMenu(sub)
            for target in profiles:
                self._add_target_entry(sub, target, target.name)

        # discovered targets, grouped by source, with each source's sign-in
        self.identity_center.add_to(menu, targets)

        if not targets:
            empty = menu.addAction("No accounts yet — add one in Settings")
            empty.setEnabled(False)

        menu.addSeparator()
        hotkey = self.controller.config.settings.palette_hotkey  # current, even mid-reload
        search = menu.addAction(f"Search…\t{hotkey}" if hotkey else "Search…")
        self._search = search  # the console identities go just above it
        search.triggered.connect(self.search_requested)
        if len(accounts) > GROUP_THRESHOLD:
            search.setToolTip("With this many accounts, Search is the quickest way in")
        settings = menu.addAction("Settings…")
        settings.triggered.connect(self.settings_requested)
        menu.addSeparator()
        quit_action = menu.addAction("Quit")
        quit_action.triggered.connect(self.quit_requested)

    def _fill_group(self, menu: QMenu, group: list) -> None:
        if menu.actions():
            return
        if len(group) > GROUP_SIZE:
            for label, chunk in ranges(group, lambda item: item[0].alias):
                sub = self._new_menu(label, menu)
                menu.addMenu(sub)
                sub.aboutToShow.connect(lambda s=sub, c=chunk: self._fill_group(s, c))
            return
        for account, targets in group:
            self._add_account(menu, account, targets, lazy=True)

    def _add_account(self, parent: QMenu, account, targets: list[Target], *,
                     lazy: bool = False) -> None:
        # after a tab Qt right-aligns the text like a shortcut: the ids line up in a column
        sub = self._new_menu(f"{account.alias}\t{account.id}", parent)
        sub.setIcon(icons.swatch(account.color))
        parent.addMenu(sub)
        if lazy:  # inside a letter group: its roles when the account is opened
            sub.aboutToShow.connect(lambda s=sub, t=targets: self._fill_roles(s, t))
        else:
            self._fill_roles(sub, targets)

    def _fill_roles(self, menu: QMenu, targets: list[Target]) -> None:
        if menu.actions():
            return
        for target in targets:
            self._add_target_entry(menu, target, target.role_name)

    def _add_target_entry(self, parent: QMenu, target: Target, label: str) -> None:
        sub = self._new_menu(label, parent)
        sub.setIcon(icons.swatch(target.color))
        action = parent.addMenu(sub)
        action.setProperty(TARGET_PROPERTY, target.name)
        action.setToolTip(f"Click to open the console for {target.name}")
        # Actions are created on first show: a few hundred targets stay cheap.
        sub.aboutToShow.connect(lambda s=sub, t=target: self._fill_actions(s, t))

    def _fill_actions(self, menu: QMenu, target: Target) -> None:
        if menu.actions():
            return
        c = self.controller
        name = target.name
        menu.addAction("Open console").triggered.connect(lambda: c.open_console(name))
        regions = self._new_menu("Open console in region", menu)
        menu.addMenu(regions)
        regions.aboutToShow.connect(lambda: self._fill_regions(regions, target))
        creds = self._new_menu("Copy credentials", menu)
        menu.addMenu(creds)
        for fmt in CREDS_FORMATS:
            creds.addAction(FORMAT_LABELS[fmt]).triggered.connect(
                lambda _=False, f=fmt: c.copy_credentials(name, f)
            )
        menu.addAction("Copy console URL").triggered.connect(lambda: c.copy_console_url(name))
        menu.addAction("Copy Switch Role link").triggered.connect(lambda: c.copy_link(name))

    def _fill_regions(self, menu: QMenu, target: Target) -> None:
        """Every region of the target's partition, by botocore's data, read on first show."""
        if menu.actions():
            return
        from switcher.core.partitions import region_names

        name = target.name
        for code, label in region_names(target.partition):
            text = f"{code} — {label}" if label else code
            own = code == target.region
            # after a tab Qt right-aligns the text, as for a shortcut
            action = menu.addAction(f"{text}\t{OWN_REGION}" if own else text)
            if own:
                font = action.font()
                font.setBold(True)
                action.setFont(font)
            action.triggered.connect(lambda _=False, r=code: self.controller.open_console(name, r))


class Tray(QObject):
    """The QSystemTrayIcon: icon state, tooltip with sessions, notifications."""

    def __init__(self, controller: Controller, menu: TrayMenu, *, sandbox: bool = False,
                 icon: QSystemTrayIcon | None = None, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sandbox = sandbox
        self.icon = icon or QSystemTrayIcon()
        self.icon.setIcon(self._idle_icon())
        self.icon.setContextMenu(menu.menu)
        self.menu = menu
        self._reopen: str | None = None
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self._on_message_clicked)
        controller.busy_changed.connect(self._on_busy)
        controller.sessions_changed.connect(self.update_tooltip)
        controller.session_expiring.connect(self._on_expiring)
        controller.switch_failed.connect(self._on_failed)
        controller.switch_succeeded.connect(self._on_succeeded)
        controller.config_error.connect(lambda msg: self.notify("Config not reloaded", msg))
        sso = menu.identity_center
        self._sign_in: str | None = None
        sso.expired.connect(self._on_sso_expired)
        sso.signed_in.connect(lambda name, message: self.notify("Switcher", message))
        sso.discovered.connect(lambda name, message: self.notify("Switcher", message))
        sso.failed.connect(lambda name, message: self.notify(f"Switcher: {name}", message,
                                                             error=True))
        self._tooltip_timer = QTimer(self)
        self._tooltip_timer.setInterval(60_000)  # "time left" counts down while idle
        self._tooltip_timer.timeout.connect(self.update_tooltip)
        # an Identity Center sign-in that expires is told without opening the menu
        self._tooltip_timer.timeout.connect(sso.refresh)
        self._tooltip_timer.start()
        self.update_tooltip()

    def _idle_icon(self):
        return icons.app_icon("sandbox" if self.sandbox else "idle")

    def show(self) -> None:
        self.icon.show()

    def set_sandbox(self, sandbox: bool) -> None:
        self.sandbox = sandbox
        self.icon.setIcon(self._idle_icon())
        self.update_tooltip()

    def _on_busy(self, busy: bool) -> None:
        self.icon.setIcon(icons.app_icon("busy") if busy else self._idle_icon())
        self.update_tooltip()

    def tooltip_text(self) -> str:
        title = "Switcher — Sandbox" if self.sandbox else "Switcher"
        lines = [title]
        if self.controller.is_busy():
            lines.append("Switching…")
        sessions = self.controller.sessions()
        if sessions:
            for name, left in list(sessions.items())[:8]:
                lines.append(f"{name} — {format_left(left)} left")
            if len(sessions) > 8:
                lines.append(f"… and {len(sessions) - 8} more")
        else:
            lines.append("No active console sessions")
        for browser, identities in self.controller.console_identities().items():
            names = ", ".join(i.target for i in identities[:5])
            more = f" and {len(identities) - 5} more" if len(identities) > 5 else ""
            lines.append(f"In {browser}: {names}{more}")
        return "\n".join(lines)

    def update_tooltip(self) -> None:
        self.icon.setToolTip(self.tooltip_text())

    def notify(self, title: str, message: str, *, error: bool = False) -> None:
        kind = QSystemTrayIcon.MessageIcon.Warning if error else QSystemTrayIcon.MessageIcon.Information
        self._reopen = self._sign_in = None
        self.icon.showMessage(title, message, kind, 6000)

    def _on_failed(self, name: str, action: str, message: str) -> None:
        if message:  # empty: the user cancelled, nothing to report
            # the core's messages are written for people and carry no secrets
            print(f"switcher: {name}: {message}", file=sys.stderr, flush=True)
            self.notify(f"Switcher: {name}", message, error=True)

    def _on_succeeded(self, name: str, action: str, message: str) -> None:
        if action != "console":  # a console window is its own confirmation
            self.notify("Switcher", message)

    def _on_expiring(self, name: str, left: float) -> None:
        self.notify(expires_in(name, left), "Click to renew: a fresh console session opens.")
        self._reopen = name

    def _on_sso_expired(self, name: str) -> None:
        self.notify(f"Identity Center: {name}", "The sign-in has expired. Click to sign in.")
        self._sign_in = name

    def _on_message_clicked(self) -> None:
        if self._sign_in:
            name, self._sign_in = self._sign_in, None
            self.menu.identity_center.start_sign_in(name)
            return
        if self._reopen:
            name, self._reopen = self._reopen, None
            self.controller.open_console(name)

    def _on_activated(self, reason) -> None:
        # Left click shows the same menu as right click: most panels expect one of them.
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.popup_menu()

    def popup_menu(self) -> None:
        self.menu.menu.popup(QCursor.pos())
        self.menu.menu.activateWindow()
