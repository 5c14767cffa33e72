"""The tray menu's Identity Center section: one submenu per source with its sign-in state
("signed in until 14:05", "expired"), *Sign in…*, *Discover now*, and the source's
discovered targets grouped by account (by first letter past GROUP_THRESHOLD accounts,
a letter of more than GROUP_SIZE accounts in ranges of them).

Everything that reads the keyring, ~/.aws/config or the network (the sign-in state, a
browser sign-in, a discovery) runs as a job of the controller's ``Jobs``; results come
back on the main thread. A discovery's progress comes from its worker through a queued
signal. Submenus are filled when first shown: 2,000 accounts cost one submenu per source
until opened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import groupby

from switcher.core.targets import Target
from switcher.gui.qt import QAction, QMenu, QObject, Signal

SECTION = "Identity Center"
# A letter's submenu past this many accounts holds ranges of them instead ("Account-00000 –
# Account-00099"): one company prefix puts 2,000 accounts under one letter, and a menu
# of 2,000 entries is slow to open and no use to scroll.
GROUP_SIZE = 100


def ranges(items: list, alias: Callable[[object], str], size: int = GROUP_SIZE) -> list:
    """(label, chunk) for consecutive chunks of at most ``size`` of ``items`` (in menu
    order), labelled by the first and last alias."""
    out = []
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        out.append((f"{alias(chunk[0])} – {alias(chunk[-1])}  ({len(chunk)})", chunk))
    return out


def state_text(state) -> str:
    """The state as the menu words it: local time, no seconds."""
    from switcher.core.sso import tokens

    if state is None:
        return "…"
    if state.status == tokens.SIGNED_IN and state.expires_at is not None:
        return f"signed in until {datetime.fromtimestamp(state.expires_at).strftime('%H:%M')}"
    if state.status == tokens.EXPIRED:
        return "expired"
    return "not signed in"


def read_states(config, aws_config: dict | None = None) -> list[tuple[str, object]]:
    """(source name, tokens.State) of every Identity Center source: for a worker.
    ``aws_config``: ~/.aws/config as already read (sources.read_aws_config)."""
    from switcher.core.sso import sources, tokens

    return [(s.name, tokens.state(s)) for s in sources.all_sources(config, aws_config)]


def sign_in(config, name: str) -> str:
    """The browser sign-in of source ``name``: for a worker (it waits for the browser)."""
    from switcher.core.sso import sources, tokens

    source = sources.find(config, name)
    tokens.login(source, browser=config.settings.browser)
    return f"Signed in to {source.name}"


def discover(config, name: str, on_progress: Callable[[str], None]) -> list:
    """A discovery of source ``name`` (run.Outcome list), its progress as text: for a
    worker."""
    from switcher.core.discovery import run

    return run.discover(config, [name], progress=lambda update: on_progress(update.text()))


def failure(outcomes) -> str | None:
    """What went wrong in a discovery's outcomes, if anything did."""
    return next((str(o.error) for o in outcomes if getattr(o, "error", None)), None)


class IdentityCenterMenu(QObject):
    """Owned by the TrayMenu; ``add_to(menu, targets)`` adds the section at each rebuild."""

    signed_in = Signal(str, str)  # source, message
    failed = Signal(str, str)  # source, message
    expired = Signal(str)  # source: its sign-in has expired since the last look
    discovered = Signal(str, str)  # source, message
    sources_changed = Signal()  # another set of sources: the section must be rebuilt
    _progress = Signal(str, str)  # source, text: emitted on a discovery's worker

    def __init__(self, controller, new_menu: Callable[..., QMenu],
                 add_target: Callable[[QMenu, Target, str], None], group_threshold: int,
                 parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._new_menu = new_menu
        self._add_target = add_target
        self._threshold = group_threshold
        self.states: dict[str, object] = {}
        self.progress: dict[str, str] = {}  # source -> "Discovering corp… 312/2,000"
        self._menus: dict[str, QMenu] = {}
        self._progress_actions: dict[str, QAction] = {}
        self._checking = False
        self._busy: set[tuple[str, str]] = set()
        self._progress.connect(self._on_progress)

    # -- the section ---------------------------------------------------------------------

    def add_to(self, menu: QMenu, targets: list[Target]) -> None:
        by_source: dict[str, list[Target]] = {}
        for target in targets:
            if target.discovered:
                by_source.setdefault(target.source or "", []).append(target)
        names = list(self.states) + [n for n in by_source if n not in self.states]
        self._menus, self._progress_actions = {}, {}
        if not names:
            return
        menu.addSection(SECTION)
        for name in names:
            if name in self.progress:
                self._add_progress(menu, name)
            sub = self._new_menu(self._label(name, len(by_source.get(name, ()))), menu)
            menu.addMenu(sub)
            self._menus[name] = sub
            found = by_source.get(name, [])
            sub.aboutToShow.connect(lambda s=sub, n=name, t=found: self._fill(s, n, t))

    def _label(self, name: str, count: int) -> str:
        parts = [name]
        if name in self.states:
            parts.append(f"— {state_text(self.states[name])}")
        if count:
            parts.append(f"({count:,})")
        return " ".join(parts)

    def _add_progress(self, menu: QMenu, name: str) -> None:
        action = menu.addAction(self.progress[name])
        action.setEnabled(False)
        self._progress_actions[name] = action

    def _fill(self, menu: QMenu, name: str, targets: list[Target]) -> None:
        if menu.actions():
            return
        if name in self.states:
            menu.addAction("Sign in…").triggered.connect(lambda: self.start_sign_in(name))
        menu.addAction("Discover now").triggered.connect(lambda: self.start_discovery(name))
        if not targets:
            return
        menu.addSeparator()
        accounts: dict[str, list[Target]] = {}
        for target in targets:
            accounts.setdefault(target.account_alias or target.account_id, []).append(target)
        if len(accounts) <= self._threshold:
            for alias, roles in accounts.items():
                self._add_account(menu, alias, roles)
            return
        ordered = sorted(accounts.items(), key=lambda item: item[0].casefold())
        for letter, group in groupby(ordered, key=lambda item: item[0][:1].upper()):
            group = list(group)
            sub = self._new_menu(f"{letter}  ({len(group)})", menu)
            menu.addMenu(sub)
            sub.aboutToShow.connect(lambda s=sub, g=group: self._fill_group(s, g))

    def _fill_group(self, menu: QMenu, group: list[tuple[str, list[Target]]]) -> None:
        if menu.actions():
            return
        if len(group) > GROUP_SIZE:
            for label, chunk in ranges(group, lambda item: item[0]):
                sub = self._new_menu(label, menu)
                menu.addMenu(sub)
                sub.aboutToShow.connect(lambda s=sub, c=chunk: self._fill_group(s, c))
            return
        for alias, roles in group:
            self._add_account(menu, alias, roles)

    def _add_account(self, parent: QMenu, alias: str, roles: list[Target]) -> None:
        sub = self._new_menu(f"{alias}\t{roles[0].account_id}", parent)
        parent.addMenu(sub)
        sub.aboutToShow.connect(lambda s=sub, r=roles: self._fill_account(s, r))

    def _fill_account(self, menu: QMenu, roles: list[Target]) -> None:
        if menu.actions():
            return
        for target in roles:
            self._add_target(menu, target, target.role_name)

    # -- jobs ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read every source's state in a job; the labels follow when it is back."""
        if self._checking:
            return
        self._checking = True
        config = self.controller.config

        def done(ok: bool, payload) -> None:
            self._checking = False
            if ok:
                self._take_states(dict(payload))

        self.controller.jobs.submit(lambda: read_states(config), done)

    def _take_states(self, states: dict[str, object]) -> None:
        from switcher.core.sso import tokens

        before, self.states = self.states, states
        if list(before) != list(states):
            self.sources_changed.emit()
        for name, state in states.items():
            was = before.get(name)
            if state.status == tokens.EXPIRED and (was is None or was.status != tokens.EXPIRED):
                self.expired.emit(name)
        for name, menu in self._menus.items():
            count = menu.title().rsplit("(", 1)[-1].rstrip(")").replace(",", "")
            menu.setTitle(self._label(name, int(count) if count.isdigit() else 0))

    def start_sign_in(self, name: str) -> None:
        if (name, "sign-in") in self._busy:
            return
        self._busy.add((name, "sign-in"))
        config = self.controller.config

        def done(ok: bool, payload) -> None:
            self._busy.discard((name, "sign-in"))
            if ok:
                self.signed_in.emit(name, payload)
            else:
                self.failed.emit(name, _message(payload))
            self.refresh()

        self.controller.jobs.submit(lambda: sign_in(config, name), done)

    def start_discovery(self, name: str) -> None:
        if (name, "discover") in self._busy:
            return
        self._busy.add((name, "discover"))
        config = self.controller.config
        emit = self._progress.emit  # from the worker: queued to this object's thread

        def work():
            return discover(config, name, lambda text: emit(name, text))

        def done(ok: bool, payload) -> None:
            self._busy.discard((name, "discover"))
            self.progress.pop(name, None)
            failed = _message(payload) if not ok else failure(payload)
            if failed:
                self.failed.emit(name, failed)
            else:
                self.discovered.emit(name, f"Discovery of {name} done")
            self.controller.reload()  # the inventory changed: the targets with it

        self.progress[name] = f"Discovering {name}…"
        self.controller.jobs.submit(work, done)

    def _on_progress(self, name: str, text: str) -> None:
        if name not in self.progress:
            return  # finished meanwhile
        self.progress[name] = text
        action = self._progress_actions.get(name)
        if action is not None:
            action.setText(text)


def _message(exc) -> str:
    from switcher.core.errors import SwitcherError
    from switcher.gui.error_text import for_gui

    return for_gui(exc) if isinstance(exc, SwitcherError) else f"{type(exc).__name__}: {exc}"
