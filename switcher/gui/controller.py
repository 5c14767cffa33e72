"""The one object every GUI part talks to: tray menu, palette, hotkeys, settings.

It owns the config (reloaded when the file changes on disk), runs switches in worker
threads through ``switcher.core`` and reports back with signals on the main thread. It
never builds URLs or talks to AWS itself.

Signals for one action: ``switch_started(name, action)`` then exactly one of
``switch_succeeded(name, action, message)`` or ``switch_failed(name, action, message)``.
A cancelled MFA prompt ends with ``switch_failed`` carrying an EMPTY message (and
``switch_cancelled``): listeners stop their spinner and show nothing.

A switch's job is a function of its arguments (the core adapter, a config, the targets as
the main thread last listed them, the MFA prompt) that returns an ``Outcome``; the
controller's own state (sessions, recents, the clipboard) changes only when the outcome
arrives on the main thread. The MFA prompt reaches the main thread through
``Jobs.call_on_main``, the one way a worker may.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from switcher.core import config as config_store
from switcher.core import paths
from switcher.core import targets as targets_mod
from switcher.core.console_ledger import Identity, Ledger
from switcher.core.errors import Cancelled, ConfigError, InputError, SwitcherError
from switcher.core.model import Config
from switcher.core.targets import Target
from switcher.core.usage import UsageState
from switcher.gui import console_limit
from switcher.gui.clipboard import Clipboard
from switcher.gui.error_text import for_gui
from switcher.gui.jobs import Jobs
from switcher.gui.qt import QFileSystemWatcher, QObject, QTimer, Signal
from switcher.gui.sessions import SessionTracker

ACTIONS = ("console", "creds", "url", "link")

MfaPrompt = Callable[[Target, str], "str | None"]  # on the main thread: a code, or None
MfaAsk = Callable[[Target, str], str]  # in a worker: a code, or raises Cancelled/InputError
# Opens a sign-in URL as core.browser_open.open_url does (url, *, account, color,
# spec_text) and returns the browser it used.
BrowserOpener = Callable[..., str]
# On the main thread, before a sixth console identity in one multi-session browser:
# (target name, browser key, the isolated spec or None) -> console_limit.OPEN_ISOLATED,
# OPEN_HERE, or None to cancel
IdentityOffer = Callable[[str, str, "str | None"], "str | None"]


def _open_in_browser(url: str, *, account: str, color: str | None, spec_text: str | None) -> str:
    from switcher.core.browser_open import open_url

    return open_url(url, account=account, color=color, spec_text=spec_text)


class _CoreAdapter:
    """The core calls, imported lazily so that startup never pays for boto3."""

    def console_url(self, config, target, **kw) -> str:
        from switcher.core import switch

        return switch.console_url(config, target, **kw)

    def get_credentials(self, config, target, **kw):
        from switcher.core import switch

        return switch.get_credentials(config, target, **kw)

    def cached_credentials(self, target):
        from switcher.core import switch

        return switch.cached_credentials(target)

    def render(self, creds, fmt: str, *, region: str | None = None) -> str:
        from switcher.core import creds_text as exports

        return exports.render(creds, fmt, region=region)

    def switch_role_link(self, target) -> str:
        from switcher.core.share import links

        return links.switch_role_link(target)


# --- jobs: run in a worker, touch nothing but their arguments ------------------------------


@dataclass(frozen=True)
class Outcome:
    target: Target  # as resolved: its name is the canonical one, whatever was typed
    text: str  # the notification's message, or the secret to copy
    expiration: datetime | None = None  # end of the session the switch used, when known
    # the session was made, then a later step (starting the browser, rendering) failed
    error: Exception | None = None
    # the console identity a browser now holds, for the ledger (written on the main thread)
    identity: Identity | None = None
    multi_session: bool = False  # the browser keeps it beside others, not instead of them


def find_target(config: Config, targets: list[Target] | None, name: str) -> Target:
    """``targets``: the main thread's list, None when it has not been built yet."""
    for target in targets_mod.list_targets(config) if targets is None else targets:
        if target.name == name:
            return target
    return targets_mod.resolve(config, name)


def cached_expiration(core: Any, target: Target) -> datetime | None:
    try:
        creds = core.cached_credentials(target)
    except Exception:  # noqa: BLE001 - a keyring hiccup only loses the tooltip entry
        return None
    return getattr(creds, "expiration", None)


def console_job(core: Any, config: Config, targets: list[Target] | None, name: str,
                region: str | None, mfa: MfaAsk, open_browser: BrowserOpener, *,
                ledger: Ledger | None = None,
                offer: Callable[[str, str, str | None], str | None] | None = None) -> Outcome:
    from switcher.core import browser_open
    from switcher.core.request import multi_session, resolve_logout_first

    target = find_target(config, targets, name)
    choice = browser_open.choice_for(target, config.settings)
    key = browser_open.browser_key(choice)
    shared = multi_session(config, target)
    if (shared and ledger is not None and offer is not None
            and ledger.would_exceed(key, target.account_id, target.role_name)):
        # asked before the switch: a cancel costs no AssumeRole
        answer = offer(target.name, key, browser_open.isolated_spec(choice.spec_text))
        if answer is None:
            raise Cancelled("a sixth console identity was not opened")
        if answer == console_limit.OPEN_ISOLATED:
            choice = browser_open.isolated_choice(choice)
            key = browser_open.browser_key(choice)
    url = core.console_url(config, target, region=region, mfa_prompt=mfa)
    expiration = cached_expiration(core, target)
    try:
        used = open_browser(url, account=choice.account, color=choice.color,
                            spec_text=choice.spec_text)
    except Exception as exc:  # noqa: BLE001 - reported as usual; the session is still noted
        return Outcome(target, "", expiration, exc)
    identity = None
    if expiration is not None:
        identity = Identity(browser=key, target=target.name, account_id=target.account_id,
                            role=target.role_name, expires=expiration.timestamp())
    where = f" in {region}" if region else ""
    message = f"Console for {target.name}{where} opened ({used})"
    _, note = resolve_logout_first(config, target)
    if note:
        message += f"; {note}"
    return Outcome(target, message, expiration, identity=identity, multi_session=shared)


def credentials_job(core: Any, config: Config, targets: list[Target] | None, name: str,
                    fmt: str, mfa: MfaAsk) -> Outcome:
    target = find_target(config, targets, name)
    creds = core.get_credentials(config, target, mfa_prompt=mfa)
    expiration = getattr(creds, "expiration", None)
    try:
        text = core.render(creds, fmt, region=target.region)
    except Exception as exc:  # noqa: BLE001 - reported as usual; the session is still noted
        return Outcome(target, "", expiration, exc)
    return Outcome(target, text, expiration)


def console_url_job(core: Any, config: Config, targets: list[Target] | None, name: str,
                    mfa: MfaAsk) -> Outcome:
    target = find_target(config, targets, name)
    url = core.console_url(config, target, mfa_prompt=mfa)
    return Outcome(target, url, cached_expiration(core, target))


def mfa_via_main(jobs: Jobs, prompt: MfaPrompt | None) -> MfaAsk:
    """The core's MFA callback for a worker: asks ``prompt`` on the main thread and waits."""

    def ask(target: Target, device: str) -> str:
        if prompt is None:
            raise InputError(f"target {target.name} needs an MFA code: set mfa_process in Settings")
        code = jobs.call_on_main(lambda: prompt(target, device), default=None)
        if code is None:
            raise Cancelled("MFA prompt cancelled")
        return code

    return ask


def offer_via_main(jobs: Jobs, prompt: IdentityOffer) -> Callable[[str, str, str | None], str | None]:
    """The sixth-identity question for a worker: asked on the main thread, then waited for."""

    def ask(name: str, browser: str, isolated: str | None) -> str | None:
        return jobs.call_on_main(lambda: prompt(name, browser, isolated), default=None)

    return ask


class Controller(QObject):
    targets_changed = Signal()
    busy_changed = Signal(bool)
    switch_started = Signal(str, str)
    switch_succeeded = Signal(str, str, str)
    switch_failed = Signal(str, str, str)
    switch_cancelled = Signal(str, str)
    sessions_changed = Signal()
    session_expiring = Signal(str, float)  # target name, seconds left (once per session)
    config_error = Signal(str)  # the file on disk is broken; the last good config stays

    def __init__(
        self,
        *,
        config_path: Path | None = None,
        usage: UsageState | None = None,
        clipboard: Clipboard | None = None,
        launcher: BrowserOpener | None = None,
        mfa_prompt: MfaPrompt | None = None,
        identity_offer: IdentityOffer | None = None,
        ledger: Ledger | None = None,
        core: Any = None,
        jobs: Jobs | None = None,
        watch: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config_path = config_path or paths.config_path()
        self._config = config_store.load(self.config_path)
        self._usage = usage
        self.clipboard = clipboard or Clipboard(self)
        self.launcher = launcher or _open_in_browser
        self.mfa_prompt = mfa_prompt
        self.identity_offer = identity_offer or console_limit.ask
        self.ledger = ledger or Ledger()
        self.core = core or _CoreAdapter()
        self.jobs = jobs or Jobs(parent=self)
        self.jobs.active_changed.connect(self._on_active_changed)
        self._busy = False
        self._targets: list[Target] | None = None
        self._last_config_error: str | None = None
        self._in_flight: set[tuple[str, str]] = set()
        self.session_tracker = SessionTracker(self.jobs, self)
        self.session_tracker.changed.connect(self.sessions_changed)
        self.session_tracker.expiring.connect(self.session_expiring)

        self._watcher: QFileSystemWatcher | None = None
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(150)  # editors write in several steps; settle first
        self._reload_timer.timeout.connect(self.reload)
        if watch:
            self._watch()

    # --- data -----------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    def targets(self) -> list[Target]:
        if self._targets is None:
            self._targets = targets_mod.list_targets(self._config)
        return self._targets

    def target(self, name: str) -> Target:
        return find_target(self._config, self.targets(), name)

    def usage(self) -> UsageState:
        if self._usage is None:
            self._usage = UsageState()
        return self._usage

    def is_busy(self) -> bool:
        return self._busy

    # --- config ---------------------------------------------------------------------------

    def save_config(self, config: Config) -> None:
        config_store.save(config, self.config_path)  # raises InputError/ConfigError, file kept
        self._set_config(config)

    def update_config(self, change: Callable[[Config], Config]) -> Config:
        """``change(the file as it is now)`` saved under the file's lock, as the CLI's
        edits are: a `switcher sso add` at the same moment is not lost. Raises
        InputError/ConfigError (from ``change`` too) with the file kept."""
        config = config_store.update(change, self.config_path)
        self._set_config(config)
        return config

    def add_keys(self, source: str, access_key_id: str, secret_access_key: str) -> None:
        """What `switcher keys add` does: keys into the OS keyring, the source into
        config.keyring_sources, and sessions assumed with the old keys forgotten.
        Raises InputError (nothing stored) for a bad name or malformed keys."""
        from switcher.core.secrets import keysources

        config = keysources.add(source, access_key_id, secret_access_key, self.config_path)
        self._set_config(config)

    def reload(self) -> bool:
        """Re-read the file (the CLI may have changed it); True when targets changed."""
        self._rewatch()
        try:
            config = config_store.load(self.config_path)
        except ConfigError as exc:
            message = str(exc)
            if message != self._last_config_error:
                self._last_config_error = message
                self.config_error.emit(message)
            return False
        self._last_config_error = None
        if config == self._config:
            # ~/.aws/config may have changed instead
            self._targets = None
            self.targets_changed.emit()
            return True
        self._set_config(config)
        return True

    def use_config_path(self, path: Path) -> None:
        """Point at another config file (leaving the sandbox); forgets sandbox sessions."""
        self.config_path = path
        self.session_tracker.forget_all()
        self._last_config_error = None
        if self._watcher is not None:
            stale = self._watcher.files() + self._watcher.directories()
            if stale:
                self._watcher.removePaths(stale)
        if not self.reload():  # a broken file there: still drop the old targets
            self._set_config(self._config)
        self.sessions_changed.emit()

    def _set_config(self, config: Config) -> None:
        self._config = config
        self._targets = None
        self.targets_changed.emit()

    def _watched_paths(self) -> set[str]:
        # A file that does not exist yet (the CLI's first `switcher add`, a first `aws
        # configure`) cannot be watched, nor can its missing directory: watch the nearest
        # directory that exists instead, and move down as the directories appear.
        found: set[str] = set()
        for file in (self.config_path, paths.aws_config_file()):
            if file.exists():
                found.add(str(file))
            found.add(str(_nearest_existing(file.parent)))
        return found

    def _watch(self) -> None:
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_fs_change)
        self._watcher.directoryChanged.connect(self._on_fs_change)
        self._rewatch()

    def _rewatch(self) -> bool:
        """Watch what exists now; True when that changed (a directory or file appeared)."""
        # An atomic save replaces the file (new inode), which drops it from the watch list.
        if self._watcher is None:
            return False
        watched = set(self._watcher.files()) | set(self._watcher.directories())
        wanted = self._watched_paths()
        # an ancestor such as the home directory changes all day: stop watching it as
        # soon as the directory below it exists
        stale = sorted(watched - wanted)
        if stale:
            self._watcher.removePaths(stale)
        missing = sorted(wanted - watched)
        if missing:
            self._watcher.addPaths(missing)
        return bool(missing)

    def _on_fs_change(self, path: str) -> None:
        if self._rewatch() or not self._is_ancestor_only(path):
            self._reload_timer.start()

    def _is_ancestor_only(self, path: str) -> bool:
        """A change in a watched ancestor that created nothing on the way to our files."""
        parents = {str(self.config_path.parent), str(paths.aws_config_file().parent)}
        return Path(path).is_dir() and path not in parents

    # --- actions --------------------------------------------------------------------------

    # Each job gets the config and the target list as they are now; both are replaced, never
    # changed in place, so a reload while a job runs does not touch what it reads.

    def open_console(self, name: str, region: str | None = None) -> None:
        args = (self.core, self._config, self._targets, name, region, self._mfa(), self.launcher)
        ledger, offer = self.ledger, offer_via_main(self.jobs, self.identity_offer)
        self._start(name, "console", lambda: console_job(*args, ledger=ledger, offer=offer),
                    lambda outcome: outcome.text)

    def copy_credentials(self, name: str, fmt: str | None = None) -> None:
        fmt = fmt or self._config.settings.creds_format
        args = (self.core, self._config, self._targets, name, fmt, self._mfa())
        self._copy_secret(name, "creds", lambda: credentials_job(*args),
                          f"Credentials for {name} copied ({fmt})")

    def copy_console_url(self, name: str) -> None:
        args = (self.core, self._config, self._targets, name, self._mfa())
        self._copy_secret(name, "url", lambda: console_url_job(*args),
                          f"Console sign-in URL for {name} copied; valid 15 minutes")

    def copy_link(self, name: str) -> None:
        # No network and no secret: done on the spot, but with the same signals as the rest.
        self.switch_started.emit(name, "link")
        try:
            target = self.target(name)
            link = self.core.switch_role_link(target)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the tray
            self._fail(name, "link", exc)
            return
        self.clipboard.copy(link, secret=False)
        self._record(target.name)
        self.switch_succeeded.emit(name, "link", f"Switch Role link for {name} copied")

    def in_flight(self, name: str, action: str) -> bool:
        return (name, action) in self._in_flight

    def _mfa(self) -> MfaAsk:
        return mfa_via_main(self.jobs, self.mfa_prompt)

    def _start(self, name: str, action: str, work: Callable[[], Outcome],
               done: Callable[[Outcome], str]) -> None:
        key = (name, action)
        if key in self._in_flight:
            # Enter pressed again while the first one waits on AWS or the MFA prompt: the
            # first one's result is what the user wants, not a second identical run.
            return
        self._in_flight.add(key)
        self.switch_started.emit(name, action)

        def finished(ok: bool, payload: Any) -> None:
            self._in_flight.discard(key)
            if not ok:
                self._fail(name, action, payload)
                return
            outcome: Outcome = payload
            if outcome.expiration is not None:
                self.session_tracker.note(outcome.target.name, outcome.expiration)
            if outcome.identity is not None:
                # a browser without multi-session mode holds one identity: the new one
                self.ledger.record(outcome.identity, single=not outcome.multi_session)
            if outcome.error is not None:
                self._fail(name, action, outcome.error)
                return
            try:
                message = done(outcome)
            except Exception as exc:  # noqa: BLE001 - a bug must not kill the tray
                self._fail(name, action, exc)
                return
            # only a switch that worked moves up in Recent, not a cancelled or failed one
            self._record(outcome.target.name)
            self.switch_succeeded.emit(name, action, message)
            self.sessions_changed.emit()

        self.jobs.submit(work, finished)

    def _fail(self, name: str, action: str, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.switch_cancelled.emit(name, action)
            self.switch_failed.emit(name, action, "")
            return
        message = for_gui(exc) if isinstance(exc, SwitcherError) else _internal(exc)
        self.switch_failed.emit(name, action, message)

    def _copy_secret(self, name: str, action: str, work: Callable[[], Outcome], message: str) -> None:
        """Fetch a secret in a worker, then put it on the clipboard, cleared after the delay."""
        delay = self._config.settings.clipboard_clear_seconds

        def done(outcome: Outcome) -> str:
            self.clipboard.copy(outcome.text, secret=True, clear_after=delay)
            return message + _clears(delay)

        self._start(name, action, work, done)

    def _record(self, canonical: str) -> None:
        # recents are keyed by the resolved target's name, whatever shorthand was typed
        try:
            self.usage().record(canonical)
        except OSError:
            pass  # recents are a convenience; a read-only state dir must not block a switch

    def _on_active_changed(self, count: int) -> None:
        busy = count > 0
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # --- sessions: kept by the SessionTracker --------------------------------------------

    @property
    def _expiry(self) -> dict[str, datetime]:
        # widget tests seed sessions through this; the tracker owns the mapping
        return self.session_tracker.expiry

    def session_seconds_left(self, name: str) -> float | None:
        return self.session_tracker.seconds_left(name)

    def sessions(self) -> dict[str, float]:
        """Active sessions (target name -> seconds left), soonest to expire first."""
        return self.session_tracker.sessions()

    def expiring_sessions(self) -> dict[str, float]:
        """Sessions close to their end (name -> seconds left): the tray offers to renew them."""
        return self.session_tracker.expiring_soon()

    def scan_sessions(self) -> None:
        """Look up cached sessions in the keyring, off the main thread."""
        self.session_tracker.scan(self.targets(), self.usage(), self.core.cached_credentials)

    def check_expiry(self) -> None:
        self.session_tracker.check_expiry()

    def console_identities(self) -> dict[str, list[Identity]]:
        """The live console identities Switcher signed into each browser (the ledger's key),
        soonest to expire first. A small local file: no keyring, no network."""
        return self.ledger.by_browser()

    def shutdown(self) -> None:
        self.jobs.close()
        self.clipboard.clear_if_ours()


def _nearest_existing(directory: Path) -> Path:
    while not directory.exists() and directory.parent != directory:
        directory = directory.parent
    return directory


NBSP = "\u00a0"  # a number and its unit never wrap apart in a notification


def _clears(delay: int) -> str:
    return f"; clipboard clears in {delay}{NBSP}s" if delay else ""


def _internal(exc: BaseException) -> str:
    # The workers handle credentials and sign-in URLs, so an unexpected exception's text
    # could carry one: the UI (and the tray's stderr line) get the type name only; its text
    # and traceback reach stderr only when asked for, as the CLI does.
    if os.environ.get("SWITCHER_DEBUG"):
        print(f"switcher: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)
    return f"internal error ({type(exc).__name__}); run with SWITCHER_DEBUG=1 for details"
