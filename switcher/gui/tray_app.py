"""The running tray app: controller, menu, notifications, single-instance commands, the
quick-switch palette (if installed), settings and first-run windows, sandbox mode.

Imported by ``app.run`` only after the tray icon is already on screen.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from switcher.core import config as config_store
from switcher.core import paths
from switcher.core.errors import InputError, SwitcherError
from switcher.core.paths import aws_config_file
from switcher.gui import memory
from switcher.gui.controller import Controller
from switcher.gui.qt import QApplication, QEvent, QObject, QSystemTrayIcon, QTimer
from switcher.gui.tray import Tray, TrayMenu

PAINT_TRACE_ENV = "SWITCHER_TRACE_FILE"  # bench/bench_palette.py: see gui/palette/paint_trace.py
READY_MARKER = "switcher: tray ready"  # tests and bench/ wait for this line on stdout
STAGE2_DELAY_MS = 150
# after the menu or palette has painted: a warm-up racing its first paint for the GIL made
# the first palette show ~40 ms slower
WARM_UP_DELAY_MS = 150
IDLE_SCAN_MS = 10 * 60 * 1000
# bench/bench_tray.py measures idle memory after the idle scan too, without waiting 10 minutes
IDLE_SCAN_ENV = "SWITCHER_IDLE_SCAN_MS"


def needs_sandbox() -> bool:
    """No Switcher config and no role or Identity Center profiles in ~/.aws/config: a
    first run. An Identity Center source or an organization counts as config: its targets
    come from discovery."""
    try:
        config = config_store.load()
        if config.accounts or config.sso or config.org:
            return False
    except SwitcherError:
        return False  # a broken config is the user's data: show it, do not hide it
    from switcher.core.targets import profile_targets

    try:
        return not profile_targets()
    except InputError:
        return False


class TrayApp:
    """Holds the parts; also the ``app_context`` handed to the quick-switch palette."""

    def __init__(self, app: QApplication, *, sandbox: bool, sandbox_obj=None,
                 real_paths: tuple[Path, Path] | None = None,
                 icon: QSystemTrayIcon | None = None) -> None:
        self.app = app
        self.sandbox = sandbox
        self._sandbox_obj = sandbox_obj
        # where the user's own config lives, remembered before the sandbox replaced the env
        self.real_paths = real_paths or (paths.config_path(), aws_config_file())
        self.controller = Controller(mfa_prompt=self._ask_mfa)
        self.menu = TrayMenu(self.controller, sandbox=sandbox, build=False)
        self.tray_obj = Tray(self.controller, self.menu, sandbox=sandbox, icon=icon)
        self.tray: QSystemTrayIcon = self.tray_obj.icon
        self.menu.search_requested.connect(self.show_palette)
        self.menu.settings_requested.connect(self.open_settings)
        self.menu.quit_requested.connect(self.quit)
        self.quickswitch = None
        self.quickswitch_error: str | None = None
        self._warmed = False
        self._scanned = False
        self._palette_warmed = False
        self.started = False  # menu built, hotkeys installed (the palette comes on first use)
        self.settings_window = None
        self.first_run_window = None
        self.broker = None  # gui/broker.py, built on the first credentials request
        self.controller.targets_changed.connect(self._apply_quickswitch_settings)
        self.controller.busy_changed.connect(self._on_busy)

    # --- the context the palette gets -------------------------------------------------------

    def notify(self, title: str, message: str) -> None:
        self.tray_obj.notify(title, message)

    def _ask_mfa(self, target, device):
        from switcher.gui.mfa_dialog import (
            ask_mfa_code,  # most sessions never need it: not at startup
        )

        return ask_mfa_code(target, device, sandbox=self.sandbox,
                            accounts=self.controller.config.accounts)

    # --- startup ------------------------------------------------------------------------------

    def start(self) -> None:
        self.tray_obj.show()
        if not QSystemTrayIcon.isSystemTrayAvailable():
            print("switcher: no system tray on this desktop; use the hotkey or `switcher show`",
                  file=sys.stderr)
        print(READY_MARKER, flush=True)
        # Let the tray host embed the icon first (an XEmbed round trip through the event
        # loop), then build the menu and grab the hotkeys.
        QTimer.singleShot(STAGE2_DELAY_MS, self._after_start)

    def _after_start(self) -> None:
        self.menu.rebuild()  # unless the user already opened it (then it is built)
        self.started = True
        self._install_quickswitch()
        self.menu.menu.aboutToShow.connect(self._on_intent)
        if self.sandbox:
            self.warm_up()  # the sandbox already paid for boto3 (moto); nothing to save
            if not os.environ.get("SWITCHER_NO_FIRST_RUN"):
                self.open_first_run()
        else:
            # Idle memory stays lean until the user shows intent (DESIGN §7: a bare tray
            # + 12 MB); only the keyring's cached sessions are looked up on their own after
            # a while, for the tooltip and the expiry notices.
            QTimer.singleShot(_idle_scan_ms(), self.scan_sessions_once)
        memory.release()  # the menu and hotkeys are set up: drop what that left over

    def _on_busy(self, busy: bool) -> None:
        if not busy:  # a switch or the session scan is over
            memory.release()

    def warm_up(self) -> None:
        """Import what a switch needs in the background and look up cached sessions (once).

        Called just after the menu or palette opens: the user needs a second to pick a
        role, which is when the ~0.3 s of imports can happen without anyone waiting for them
        (the first switch: ~120 ms instead of ~240 ms in bench/bench_tray.py).
        """
        if self._warmed:
            return
        self._warmed = True
        threading.Thread(target=_warm_core, name="warm-core", daemon=True).start()
        self.scan_sessions_once()

    def scan_sessions_once(self) -> None:
        if not self._scanned:
            self._scanned = True
            self.controller.scan_sessions()

    def _on_intent(self) -> None:
        if not self._warmed:
            QTimer.singleShot(WARM_UP_DELAY_MS, self.warm_up)

    def _palette_shown(self) -> None:
        if not self._palette_warmed:
            QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up_palette)

    def _warm_up_palette(self) -> None:
        self.warm_up()
        if not self._palette_warmed:
            self._palette_warmed = True
            threading.Thread(target=_warm_palette, name="warm-palette", daemon=True).start()

    def _install_quickswitch(self) -> None:
        from switcher.gui import quickswitch

        try:
            self.quickswitch = quickswitch.install(self)
            # the palette is built when first shown (hotkey, menu, `switcher show`)
            self.quickswitch.palette_built.connect(self._wire_palette)
            self._apply_quickswitch_settings()
        except Exception as exc:  # noqa: BLE001 - the tray must survive a palette failure
            self.quickswitch = None
            self._palette_failed(exc)

    def _wire_palette(self, palette) -> None:
        # a hotkey opens it without going through us
        self._palette_watch = _OnShow(palette, self._palette_shown)
        palette.settings_requested.connect(lambda: self.open_settings())  # Ctrl+, / ">settings"
        trace_file = os.environ.get(PAINT_TRACE_ENV)
        if trace_file:
            from switcher.gui.palette import paint_trace

            self._paint_trace = paint_trace.install(palette, trace_file)

    def _palette_failed(self, exc: Exception) -> None:
        self.quickswitch_error = f"palette failed to start: {type(exc).__name__}: {exc}"
        print(f"switcher: {self.quickswitch_error}", file=sys.stderr)

    def _apply_quickswitch_settings(self) -> None:
        if self.quickswitch is not None:
            self.quickswitch.apply_settings(self.controller.config.settings, self.controller.targets())

    # --- actions --------------------------------------------------------------------------

    def show_palette(self) -> None:
        # no warm-up here: the palette's (or the menu's) showing starts it, after the paint
        if self.quickswitch is not None:
            try:
                self.quickswitch.show()
                return
            except Exception as exc:  # noqa: BLE001 - built on first show; the hotkeys stay
                self._palette_failed(exc)
        self.tray_obj.popup_menu()

    def open_settings(self, page: str | None = None) -> None:
        from switcher.gui.settings.window import SettingsWindow

        if self.settings_window is None:
            self.settings_window = SettingsWindow(self.controller, quickswitch=self.quickswitch,
                                                  sandbox=self.sandbox, real_config=self.real_paths[0])
            self.settings_window.leave_sandbox_requested.connect(self.leave_sandbox)
        if page:
            self.settings_window.show_page(page)
        self.settings_window.show()
        self.settings_window.raise_()
        self.settings_window.activateWindow()

    def open_first_run(self) -> None:
        from switcher.gui.first_run import FirstRunWindow

        if self.first_run_window is None:
            real_config, real_aws = self.real_paths
            self.first_run_window = FirstRunWindow(real_config=real_config, real_aws_config=real_aws)
            self.first_run_window.left_sandbox.connect(self.leave_sandbox)
            self.first_run_window.add_account_requested.connect(self._add_first_account)
        self.first_run_window.show()
        self.first_run_window.raise_()

    def leave_sandbox(self) -> None:
        """Switch to the user's real config without a restart (after a first-run import, or
        when the user asks in Settings). An open Settings window stays, and what was edited
        in it comes along as unsaved edits of the real config: nothing typed is lost."""
        if not self.sandbox:
            return
        window = self.settings_window
        with window.leaving_sandbox() if window is not None else contextlib.nullcontext():
            if self._sandbox_obj is not None:
                self._sandbox_obj.stop()  # restores the environment and the real keyring
                self._sandbox_obj = None
            self.sandbox = False
            self.menu.sandbox = False
            self.tray_obj.set_sandbox(False)
            self.controller.use_config_path(self.real_paths[0])
        if self.first_run_window is not None and self.first_run_window.isVisible():
            self.first_run_window.close()  # its choices are all about leaving the sandbox

    def _add_first_account(self) -> None:
        self.leave_sandbox()
        self.open_settings("accounts")
        self.settings_window.accounts.add_account()

    def status(self) -> dict:
        now = datetime.now(UTC)
        sessions = [
            {
                "target": name,
                "expires": (now + timedelta(seconds=left)).isoformat(timespec="seconds"),
                "seconds_left": int(left),
            }
            for name, left in self.controller.sessions().items()
        ]
        out = {
            "pid": os.getpid(),
            "sandbox": self.sandbox,
            "sessions": sessions,
            "busy": self.controller.is_busy(),
            "started": self.started,
            "targets": len(self.controller.targets()),
            "config": str(self.controller.config_path),
            "tray_available": QSystemTrayIcon.isSystemTrayAvailable(),
        }
        if self.broker is not None:
            out["broker"] = {"memory_hits": self.broker.hits}
        if self.settings_window is not None:
            window = self.settings_window
            out["settings"] = {
                "visible": window.isVisible(),
                "unsaved": window.is_dirty(),
                "banner": window.banner.text() if window.banner.isVisible() else "",
            }
        if self.quickswitch is not None:
            try:
                out.update(self.quickswitch.status())
            except Exception as exc:  # noqa: BLE001
                out["palette_error"] = f"{type(exc).__name__}: {exc}"
        if self.quickswitch_error:
            out["palette_error"] = self.quickswitch_error
        return out

    def handle(self, message: dict) -> dict:
        cmd = message.get("cmd")
        if cmd == "ping":
            return {"ok": True}
        if cmd == "show":
            QTimer.singleShot(0, self.show_palette)
            return {"ok": True}
        if cmd == "status":
            return {"ok": True, **self.status()}
        if cmd == "quit":
            QTimer.singleShot(0, self.quit)
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {cmd!r}"}

    def broker_request(self, message: dict, caller, respond) -> None:
        """``credentials`` / ``console_url`` from another process (see gui/broker.py)."""
        if self.broker is None:
            from switcher.gui.broker import Broker

            self.broker = Broker(self.controller, ask_mfa=self._ask_mfa_for,
                                 ask_approval=self._ask_approval)
        self.broker.handle(message, caller, respond)

    def _ask_mfa_for(self, target, device, caller: str):
        from switcher.gui.mfa_dialog import ask_mfa_code

        return ask_mfa_code(target, device, sandbox=self.sandbox,
                            accounts=self.controller.config.accounts, caller=caller)

    def _ask_approval(self, target, caller: str, what: str):
        from switcher.gui.approval_dialog import ask_approval

        return ask_approval(target, caller, what)

    def quit(self) -> None:
        """Quit, unless Settings holds unsaved edits and the user cancels when asked
        (SIGTERM still quits at once: a logout must not wait on a dialog)."""
        window = self.settings_window
        if window is not None and window.is_dirty():
            self.open_settings()
            window.confirm_unsaved(self.app.quit)
            return
        self.app.quit()

    def shutdown(self) -> None:
        self.controller.shutdown()
        self.tray.hide()
        if self._sandbox_obj is not None:
            self._sandbox_obj.stop()
            self._sandbox_obj = None


class _OnShow(QObject):
    def __init__(self, widget, callback) -> None:
        super().__init__(widget)
        self.callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show:
            self.callback()
        return False


def _idle_scan_ms() -> int:
    value = os.environ.get(IDLE_SCAN_ENV, "")
    return int(value) if value.isdigit() else IDLE_SCAN_MS


def _warm_core() -> None:
    """Import what a switch needs: the keyring path, botocore (source credentials and
    STS), sign-in and the browser.

    Only imports: the core builds a fresh botocore session per switch, so creating one
    here would load the same data twice and only cost memory.
    """
    try:
        from switcher.core import browser_open, switch  # noqa: F401
        from switcher.core.aws import signin, sources, sts  # noqa: F401
        from switcher.core.secrets import keystore, secretservice

        # With a Secret Service the keystore speaks to it directly (jeepney): importing
        # keyring here would load secretstorage and cryptography (~10 MB) for nothing.
        if not secretservice.usable():
            keystore.backend()
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        pass
    memory.release()


def _warm_palette() -> None:
    try:
        import rapidfuzz.process  # noqa: F401 - the palette's typo search, by the 3rd key
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        pass
    memory.release()
