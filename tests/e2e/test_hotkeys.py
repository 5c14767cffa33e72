"""Global hotkeys and the palette end to end: the installed ``switcher tray`` on Xvfb with
trayer, real key presses (xdotool), moto + the local federation endpoint, a real
SecretService keyring, and a $BROWSER stand-in that records the URL it is given."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from switcher.core import config as config_store
from switcher.core.aws.signin import parse_login_url
from switcher.core.model import Role
from tests.fixtures.aws import BASE_PROFILE, http_get, switcher_ok
from tests.fixtures.desktop import wait_for_window, window_ids, xdotool
from tests.fixtures.tray import TrayProcess, browser_urls, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]


@pytest.fixture
def desk_env(switcher_env, xdisplay, tmp_path, aws_stack):
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1", "--color", "green")
    switcher_ok(env, "add", "warehouse", "--account", "222222222222", "--role", "Analyst",
                "--source", BASE_PROFILE, "--region", "us-west-2", "--color", "blue")
    switcher_ok(env, "add", "payments", "--account", "333333333333", "--role", "Deploy",
                "--source", BASE_PROFILE, "--region", "eu-central-1", "--color", "red")
    path = Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml"

    def with_hotkey(config):
        account = config.account("payments")
        return config.with_account(account.with_roles((Role("Deploy", hotkey="Ctrl+Alt+P"),)))

    config_store.update(with_hotkey, path)
    aws_stack.clear_log()
    return env


@pytest.fixture
def tray(desk_env):
    app = TrayProcess(desk_env)
    yield app
    app.stop()


def _assert_console_for(url, account, role, region, aws_stack):
    query = parse_login_url(url)
    assert query["Action"] == "login" and query["SigninToken"]
    assert query["Destination"] == f"https://{region}.console.aws.amazon.com/console/home?region={region}"
    status, page = http_get(url)  # the federation endpoint checks the token and shows the session
    assert status == 200, page
    assert f"<dd id='account'>{account}</dd>" in page and f"<dd id='role'>{role}</dd>" in page
    assert [e["role_arn"] for e in aws_stack.events("sts", "AssumeRole")] == [
        f"arn:aws:iam::{account}:role/{role}"]


def test_hotkey_type_enter_opens_the_console(tray, desk_env, aws_stack):
    status = tray.status()
    assert status["backend"] == "x11"
    assert status["hotkeys"] == {"Ctrl+Alt+A": "ok", "Ctrl+Alt+P": "ok"}
    assert not window_ids(desk_env, "Switcher")  # built at startup, kept hidden
    xdotool(desk_env, "key", "ctrl+alt+a")
    wait_for_window(desk_env, "Switcher", timeout=10)
    xdotool(desk_env, "type", "--delay", "40", "wareh")
    time.sleep(0.3)
    xdotool(desk_env, "key", "Return")
    [url] = browser_urls(desk_env)
    _assert_console_for(url, "222222222222", "Analyst", "us-west-2", aws_stack)
    # success hides the palette; the use is remembered as a recent
    deadline = time.monotonic() + 10
    while window_ids(desk_env, "Switcher") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not window_ids(desk_env, "Switcher")


def test_escape_hides_the_palette(tray, desk_env):
    tray.status()
    xdotool(desk_env, "key", "ctrl+alt+a")
    wait_for_window(desk_env, "Switcher", timeout=10)
    xdotool(desk_env, "key", "Escape")
    deadline = time.monotonic() + 10
    while window_ids(desk_env, "Switcher") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not window_ids(desk_env, "Switcher")


def test_target_hotkey_opens_its_console_without_the_palette(tray, desk_env, aws_stack):
    tray.status()
    xdotool(desk_env, "key", "ctrl+alt+p")
    [url] = browser_urls(desk_env)
    _assert_console_for(url, "333333333333", "Deploy", "eu-central-1", aws_stack)
    assert not window_ids(desk_env, "Switcher")


def test_switcher_show_opens_the_palette(tray, desk_env):
    tray.status()
    switcher_ok(desk_env, "show")
    wait_for_window(desk_env, "Switcher", timeout=10)


GRABBER = textwrap.dedent("""
    import sys, time
    from Xlib import X, XK, display
    d = display.Display()
    d.screen().root.grab_key(d.keysym_to_keycode(XK.XK_a), X.ControlMask | X.Mod1Mask,
                             False, X.GrabModeAsync, X.GrabModeAsync)
    d.sync()
    print("grabbed", flush=True)
    sys.stdin.read()  # hold the grab until the test closes our stdin
""")


def test_combo_taken_by_another_program_is_reported_and_the_app_runs_on(desk_env, aws_stack):
    grabber = subprocess.Popen([sys.executable, "-c", GRABBER], env=desk_env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert grabber.stdout.readline().strip() == "grabbed"
        app = TrayProcess(desk_env)
        try:
            status = app.status()
            assert status["hotkeys"]["Ctrl+Alt+A"] == "Ctrl+Alt+A is already taken by another program"
            assert status["hotkeys"]["Ctrl+Alt+P"] == "ok"
            assert app.proc.poll() is None
            # the other hotkey and `switcher show` still work
            xdotool(desk_env, "key", "ctrl+alt+p")
            [url] = browser_urls(desk_env)
            _assert_console_for(url, "333333333333", "Deploy", "eu-central-1", aws_stack)
            switcher_ok(desk_env, "show")
            wait_for_window(desk_env, "Switcher", timeout=10)
            assert app.proc.poll() is None
        finally:
            app.stop()
    finally:
        grabber.stdin.close()
        grabber.wait(10)


def _clipboard_with(env, needle, timeout=30) -> str:
    from tests.fixtures.desktop import xclip_out

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = xclip_out(env)
        if text and needle in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"the clipboard never held {needle!r}")


def test_ctrl_enter_copies_credentials_and_alt_enter_the_link(tray, desk_env, aws_stack):
    tray.status()
    xdotool(desk_env, "key", "ctrl+alt+a")
    wait_for_window(desk_env, "Switcher", timeout=10)
    xdotool(desk_env, "type", "--delay", "40", "paym")
    time.sleep(0.3)
    xdotool(desk_env, "key", "ctrl+Return")
    text = _clipboard_with(desk_env, "AWS_SESSION_TOKEN")
    assert "export AWS_ACCESS_KEY_ID=" in text
    assert [e["role_arn"] for e in aws_stack.events("sts", "AssumeRole")] == [
        "arn:aws:iam::333333333333:role/Deploy"]

    xdotool(desk_env, "key", "ctrl+alt+a")
    wait_for_window(desk_env, "Switcher", timeout=10)
    xdotool(desk_env, "type", "--delay", "40", "dev")
    time.sleep(0.3)
    xdotool(desk_env, "key", "alt+Return")
    link = _clipboard_with(desk_env, "switchrole")
    assert link.startswith("https://signin.aws.amazon.com/switchrole?")
    assert "account=111111111111" in link and "roleName=Admin" in link
