"""Settings end to end: the installed ``switcher tray`` on Xvfb + trayer, driven with real
key presses (xdotool). Nothing the user typed is lost: an edit in sandbox mode moves to the
real config (which the CLI then sees), Quit asks about unsaved edits, and an import waits
in the editor until Save writes it, once."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from switcher.core import config as config_store
from tests.fixtures.aws import BASE_PROFILE, run_switcher, switcher_ok
from tests.fixtures.desktop import wait_for_window, window_ids, xdotool
from tests.fixtures.tray import TrayProcess, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]


def open_settings(app: TrayProcess) -> str:
    app.click_icon()
    app.keys("Up", "Up", "Return")  # the menu ends with Settings…, Quit
    return focus(app.env, wait_for_window(app.env, "^Settings", timeout=20, exact=False))


def focus(env, window: str) -> str:
    xdotool(env, "windowfocus", "--sync", window)
    time.sleep(0.3)
    return window


def type_text(env, text: str) -> None:
    xdotool(env, "type", "--delay", "30", text)
    time.sleep(0.2)


def settings_state(env) -> dict:
    return json.loads(switcher_ok(env, "status")).get("settings") or {}


def wait_for(check, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def test_an_account_added_in_the_sandbox_lands_in_the_real_config(switcher_env, xdisplay, tmp_path):
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
    real = Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml"
    app = TrayProcess(env)
    try:
        assert json.loads(switcher_ok(env, "status"))["sandbox"] is True
        settings = open_settings(app)
        app.keys("alt+a")  # Add account: the first edit
        prompt = wait_for_window(env, "^Edit your real config", timeout=20, exact=False)
        focus(env, prompt)
        app.keys("Return")  # the default: Use my real config
        wait_for(lambda: not json.loads(switcher_ok(env, "status"))["sandbox"], "left the sandbox")
        focus(env, settings)
        type_text(env, "my-prod")  # the new account's alias still has the focus
        app.keys("Tab")
        type_text(env, "1234-5678-9012")  # as the console shows an id: the digits are kept
        app.keys("alt+o")  # Add role: its name cell is being edited
        type_text(env, "Admin")
        app.keys("Return", "ctrl+s")
        saved = wait_for(lambda: real.exists() and config_store.load(real).accounts, "the real config written")
        assert [(a.alias, a.id, [r.name for r in a.roles]) for a in saved] == [
            ("my-prod", "123456789012", ["Admin"])]
        listed = run_switcher(env, "list")  # the real binary, on the user's config
        assert listed.returncode == 0, listed.stderr
        assert "my-prod/Admin" in listed.stdout and "acme" not in listed.stdout
        assert settings_state(env)["unsaved"] is False
    finally:
        app.stop()


@pytest.fixture
def desk_env(switcher_env, xdisplay, tmp_path):
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1")
    return env


def test_quit_with_unsaved_edits_asks_cancel_keeps_running_discard_quits(desk_env):
    config = Path(desk_env["SWITCHER_CONFIG_DIR"]) / "config.toml"
    before = config.read_bytes()
    app = TrayProcess(desk_env)
    try:
        open_settings(app)
        app.keys("alt+a")
        type_text(desk_env, "half-typed")
        assert wait_for(lambda: settings_state(desk_env).get("unsaved"), "unsaved edits")

        app.click_icon()
        app.keys("Up", "Return")  # Quit
        focus(desk_env, wait_for_window(desk_env, "^Unsaved changes", timeout=20, exact=False))
        app.keys("Escape")  # Cancel
        time.sleep(1)
        assert app.proc.poll() is None
        assert settings_state(desk_env) == {"visible": True, "unsaved": True, "banner": ""}
        assert not window_ids(desk_env, "^Unsaved changes", exact=False)

        app.click_icon()
        app.keys("Up", "Return")
        focus(desk_env, wait_for_window(desk_env, "^Unsaved changes", timeout=20, exact=False))
        app.keys("alt+d")  # Discard
        assert app.proc.wait(15) == 0
        assert config.read_bytes() == before
    finally:
        app.stop()


ESR = "[profile acme-data]\naws_account_id = 444444444444\nrole_name = Analyst\n"


class WriteCounter:
    """Counts the atomic replaces of a file (each write is a new inode) by polling."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.states: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                st = os.stat(self.path)
                state = (st.st_ino, st.st_mtime_ns)
                if not self.states or self.states[-1] != state:
                    self.states.append(state)
            except FileNotFoundError:
                pass
            time.sleep(0.002)

    def writes(self) -> int:
        return len(self.states) - 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def test_an_import_preview_then_save_writes_once_without_a_changed_on_disk_banner(desk_env):
    config = Path(desk_env["SWITCHER_CONFIG_DIR"]) / "config.toml"
    app = TrayProcess(desk_env)
    counter = WriteCounter(config)
    try:
        open_settings(app)
        app.keys("ctrl+Tab")  # Identity Center
        app.keys("ctrl+Tab")  # Import / Export
        app.keys("alt+t")  # the text box, through its label
        for line in ESR.splitlines():  # xdotool types no newline
            type_text(desk_env, line)
            app.keys("Return")
        app.keys("alt+p")  # Preview
        app.keys("alt+i")  # Import into the editor
        state = wait_for(lambda: (s := settings_state(desk_env)).get("unsaved") and s, "staged")
        assert "not saved yet" in state["banner"] and "would add 1 account" in state["banner"]
        assert counter.writes() == 0 and "acme-data" not in config.read_text()
        app.keys("ctrl+s")
        wait_for(lambda: "acme-data" in config.read_text(), "saved")
        time.sleep(2)  # the tray's file watcher has seen the write by now
        state = settings_state(desk_env)
        assert state == {"visible": True, "unsaved": False, "banner": "Saved."}
        assert counter.writes() == 1
        listed = switcher_ok(desk_env, "list")
        assert "acme-data/Analyst" in listed and "dev/Admin" in listed
    finally:
        counter.stop()
        app.stop()


def test_settings_under_a_dark_colour_scheme(switcher_env, xdisplay, tmp_path):
    """The Settings window with GTK's dark Adwaita, as a dark desktop gives it to Qt:
    docs/settings-dark.png with SWITCHER_SCREENSHOT_DIR=docs."""
    from tests.e2e.test_tray_screenshots import desktop_background, grab, png_size

    desktop_background(xdisplay)
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1",
                   QT_QPA_PLATFORMTHEME="gtk3", GTK_THEME="Adwaita:dark")
    app = TrayProcess(env, "--sandbox")
    try:
        settings = open_settings(app)
        time.sleep(1.0)
        shot = grab(env, tmp_path / "settings-dark.png", window=settings)
        w, h = png_size(shot)
        assert w >= 800 and h >= 550
        out = os.environ.get("SWITCHER_SCREENSHOT_DIR")
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            (Path(out) / "settings-dark.png").write_bytes(shot.read_bytes())
        # the window really is dark: a light window would make this test prove nothing
        lightness = subprocess.run(
            ["convert", str(shot), "-crop", f"1x1+{w // 2}+{h - 60}", "-format", "%[fx:lightness]", "info:"],
            capture_output=True, text=True, check=True, timeout=30).stdout
        assert float(lightness) < 0.45, lightness

        # a mistake: the red frame and the message under the field read on the dark window
        app.keys("alt+a")
        focus(env, wait_for_window(env, "^Edit your real config", timeout=20, exact=False))
        app.keys("Escape")  # keep playing in the sandbox
        focus(env, settings)
        type_text(env, "bad alias")
        app.keys("Tab")
        type_text(env, "12")
        app.keys("ctrl+s")  # refused: the problems are listed
        time.sleep(0.5)
        grab(env, tmp_path / "settings-dark-errors.png", window=settings)
        state = settings_state(env)
        assert state["unsaved"] and state["banner"].startswith("Not saved")
    finally:
        app.stop()
