"""The one object every GUI part talks to: tray menu, palette, hotkeys, settings.

It owns the config (reloaded when the file changes on disk), runs switches in worker
threads through ``switcher.core`` and reports back with signals on the main thread. It
never builds URLs or talks to AWS itself.

Signals for one action: ``switch_started(name, action)`` then exactly one of
``switch_succeeded(name, action, message)`` or ``switch_failed(name, action, message)``.
A cancelled MFA prompt ends with ``switch_failed`` carrying an EMPTY message (and
``switch_cancelled``): listeners stop their spinner and show nothing.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from switcher.core import config as config_store
from switcher.core import paths
from switcher.core import targets as targets_mod
from switcher.core.errors import Cancelled, ConfigError, InputError, SwitcherError
from switcher.core.model import Config
from switcher.core.targets import Target
from switcher.core.usage import UsageState
from switcher.gui.clipboard import Clipboard
from switcher.gui.jobs import Jobs
from switcher.gui.qt import QFileSystemWatcher, QObject, QTimer, Signal

ACTIONS = ("console", "creds", "url", "link")
EXPIRY_WARNING_S = 300
# Reading every target's cache at startup would be one keyring round trip each; with
# thousands of targets that is wasteful, so only the most recently used are looked up.
SESSION_SCAN_LIMIT = 200

# The core's messages name CLI commands; in the tray the fix is a field in Settings.
_CLI_SOURCE_HINT = re.compile(
    r": give the account a --source \(an AWS CLI profile or a keyring source from 'switcher keys add'\) or "
    r"configure default credentials"
)
_CLI_KEYS_HINT = re.compile(r";?\s*(?:fix the account's source or )?run: switcher keys add \S+")
SETTINGS_HINT = " — set its credentials source in Settings (Accounts › Credentials from, or Add keys…)"


def for_gui(message: str) -> str:
    """The core's one-line error as the tray shows it: CLI advice becomes Settings advice."""
    text = _CLI_KEYS_HINT.sub("", _CLI_SOURCE_HINT.sub("", message))
    if text == message and "--source" not in message:
        return message
    return text.replace("--source", "credentials source").rstrip("; ") + SETTINGS_HINT


MfaPrompt = Callable[[Target, str], "str | None"]
Launcher = Callable[..., str]


def _default_launcher(url: str, *, account: str, color: str | None, spec_text: str | None) -> str:
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
        launcher: Launcher | None = None,
        mfa_prompt: MfaPrompt | None = None,
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
        self.launcher = launcher or _default_launcher
        self.mfa_prompt = mfa_prompt
        self.core = core or _CoreAdapter()
        self.jobs = jobs or Jobs(parent=self)
        self.jobs.active_changed.connect(self._on_active_changed)
        self._busy = False
        self._targets: list[Target] | None = None
        self._last_config_error: str | None = None
        self._expiry: dict[str, datetime] = {}
        self._warned: set[str] = set()
        self._in_flight: set[tuple[str, str]] = set()

        self._watcher: QFileSystemWatcher | None = None
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(150)  # editors write in several steps; settle first
        self._reload_timer.timeout.connect(self.reload)
        if watch:
            self._watch()

        self._expiry_timer = QTimer(self)
        self._expiry_timer.setInterval(15_000)
        self._expiry_timer.timeout.connect(self.check_expiry)
        self._expiry_timer.start()

    # --- data -----------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    def targets(self) -> list[Target]:
        if self._targets is None:
            self._targets = targets_mod.list_targets(self._config)
        return self._targets

    def target(self, name: str) -> Target:
        for target in self.targets():
            if target.name == name:
                return target
        return targets_mod.resolve(self._config, name)

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
        self._expiry.clear()
        self._warned.clear()
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

    def _watched_paths(self) -> list[str]:
        aws = paths.aws_config_file()
        found = [str(self.config_path.parent), str(aws.parent), str(self.config_path), str(aws)]
        return [p for p in found if Path(p).exists()]

    def _watch(self) -> None:
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_fs_change)
        self._watcher.directoryChanged.connect(self._on_fs_change)
        self._rewatch()

    def _rewatch(self) -> None:
        # An atomic save replaces the file (new inode), which drops it from the watch list.
        if self._watcher is None:
            return
        watched = set(self._watcher.files()) | set(self._watcher.directories())
        missing = [p for p in self._watched_paths() if p not in watched]
        if missing:
            self._watcher.addPaths(missing)

    def _on_fs_change(self, path: str) -> None:
        self._reload_timer.start()

    # --- actions --------------------------------------------------------------------------

    def open_console(self, name: str, region: str | None = None) -> None:
        config = self._config

        def work() -> str:
            target = self.target(name)
            url = self.core.console_url(config, target, region=region, mfa_prompt=self._mfa_from_worker)
            self._note_session(target)
            used = self.launcher(
                url,
                account=target.account_alias or target.name,
                color=target.color,
                spec_text=target.browser or config.settings.browser,
            )
            where = f" in {region}" if region else ""
            return f"Console for {target.name}{where} opened ({used})"

        self._start(name, "console", work, lambda message: message)

    def copy_credentials(self, name: str, fmt: str | None = None) -> None:
        config = self._config
        fmt = fmt or config.settings.creds_format

        def fetch(target: Target) -> str:
            creds = self.core.get_credentials(config, target, mfa_prompt=self._mfa_from_worker)
            self._note_session(target, creds)
            return self.core.render(creds, fmt, region=target.region)

        self._copy_secret(name, "creds", fetch, f"Credentials for {name} copied ({fmt})")

    def copy_console_url(self, name: str) -> None:
        config = self._config

        def fetch(target: Target) -> str:
            url = self.core.console_url(config, target, mfa_prompt=self._mfa_from_worker)
            self._note_session(target)
            return url

        message = f"Console sign-in URL for {name} copied; valid 15 minutes"
        self._copy_secret(name, "url", fetch, message)

    def copy_link(self, name: str) -> None:
        # No network and no secret: done on the spot, but with the same signals as the rest.
        self.switch_started.emit(name, "link")
        try:
            link = self.core.switch_role_link(self.target(name))
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the tray
            self._fail(name, "link", exc)
            return
        self.clipboard.copy(link, secret=False)
        self._record(name)
        self.switch_succeeded.emit(name, "link", f"Switch Role link for {name} copied")

    def in_flight(self, name: str, action: str) -> bool:
        return (name, action) in self._in_flight

    def _start(self, name: str, action: str, work: Callable[[], Any], done: Callable[[Any], str]) -> None:
        key = (name, action)
        if key in self._in_flight:
            # Enter pressed again while the first one waits on AWS or the MFA prompt: the
            # first one's result is what the user wants, not a second identical run.
            return
        self._in_flight.add(key)
        self.switch_started.emit(name, action)

        def finished(ok: bool, payload: Any) -> None:
            self._in_flight.discard(key)
            if ok:
                try:
                    message = done(payload)
                except Exception as exc:  # noqa: BLE001 - a bug must not kill the tray
                    self._fail(name, action, exc)
                    return
                # only a switch that worked moves up in Recent, not a cancelled or failed one
                self._record(name)
                self.switch_succeeded.emit(name, action, message)
                self.sessions_changed.emit()
            elif isinstance(payload, Cancelled):
                self.switch_cancelled.emit(name, action)
                self.switch_failed.emit(name, action, "")
            else:
                self._fail(name, action, payload)

        self.jobs.submit(work, finished)

    def _fail(self, name: str, action: str, exc: BaseException) -> None:
        message = for_gui(str(exc)) if isinstance(exc, SwitcherError) else _internal(exc)
        self.switch_failed.emit(name, action, message)

    def _copy_secret(
        self, name: str, action: str, fetch: Callable[[Target], str], message: str
    ) -> None:
        """Fetch a secret in a worker, then put it on the clipboard, cleared after the delay."""
        delay = self._config.settings.clipboard_clear_seconds

        def done(text: str) -> str:
            self.clipboard.copy(text, secret=True, clear_after=delay)
            return message + _clears(delay)

        self._start(name, action, lambda: fetch(self.target(name)), done)

    def _record(self, name: str) -> None:
        # recents are keyed by the canonical target name, whatever shorthand was typed
        try:
            canonical = self.target(name).name
        except SwitcherError:
            canonical = name
        try:
            self.usage().record(canonical)
        except OSError:
            pass  # recents are a convenience; a read-only state dir must not block a switch

    def _on_active_changed(self, count: int) -> None:
        busy = count > 0
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # --- MFA ------------------------------------------------------------------------------

    def _mfa_from_worker(self, target: Target, device: str) -> str | None:
        prompt = self.mfa_prompt
        if prompt is None:
            raise InputError(f"target {target.name} needs an MFA code: set mfa_process in Settings")
        code = self.jobs.call_on_main(lambda: prompt(target, device), default=None)
        if code is None:
            raise Cancelled("MFA prompt cancelled")
        return code

    # --- sessions -------------------------------------------------------------------------

    def _note_session(self, target: Target, creds=None) -> None:
        """Remember when the cached session of ``target`` ends (called in workers)."""
        if creds is None:
            try:
                creds = self.core.cached_credentials(target)
            except Exception:  # noqa: BLE001 - a keyring hiccup only loses the tooltip entry
                creds = None
        expiration = getattr(creds, "expiration", None)
        if expiration is not None:
            self._expiry[target.name] = expiration
            self._warned.discard(target.name)

    def session_seconds_left(self, name: str) -> float | None:
        expiration = self._expiry.get(name)
        if expiration is None:
            return None
        left = _seconds_until(expiration, datetime.now(UTC))
        return left if left > 0 else None

    def sessions(self) -> dict[str, float]:
        """Active sessions (target name -> seconds left), soonest to expire first."""
        now = datetime.now(UTC)
        live = {n: _seconds_until(e, now) for n, e in self._expiry.items()}
        return dict(sorted(((n, s) for n, s in live.items() if s > 0), key=lambda kv: kv[1]))

    def scan_sessions(self) -> None:
        """Look up cached sessions in the keyring, off the main thread."""
        recent = self.usage().recent(SESSION_SCAN_LIMIT)
        known = {t.name: t for t in self.targets()}
        names = [n for n in recent if n in known]
        if len(known) <= SESSION_SCAN_LIMIT:
            names += [n for n in known if n not in names]
        chosen = [known[n] for n in names]

        def work() -> dict[str, datetime]:
            found = {}
            for target in chosen:
                try:
                    creds = self.core.cached_credentials(target)
                except Exception:  # noqa: BLE001 - no keyring: simply no sessions to show
                    return found
                if creds is not None and creds.expiration is not None:
                    found[target.name] = creds.expiration
            return found

        def done(ok: bool, found: Any) -> None:
            if ok and found:
                self._expiry.update(found)
                self.sessions_changed.emit()

        self.jobs.submit(work, done)

    def check_expiry(self) -> None:
        changed = False
        now = datetime.now(UTC)
        for name, expiration in list(self._expiry.items()):
            left = _seconds_until(expiration, now)
            if left <= 0:
                del self._expiry[name]
                self._warned.discard(name)
                changed = True
            elif left <= EXPIRY_WARNING_S and name not in self._warned:
                self._warned.add(name)
                self.session_expiring.emit(name, left)
        if changed:
            self.sessions_changed.emit()

    def shutdown(self) -> None:
        self.jobs.close()
        self.clipboard.clear_if_ours()


NBSP = "\u00a0"  # a number and its unit never wrap apart in a notification


def _seconds_until(expiration: datetime, now: datetime) -> float:
    return (expiration - now).total_seconds()


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
