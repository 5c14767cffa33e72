"""The tray app end to end: the installed ``switcher tray`` on a real X server (Xvfb) with a
real tray host (trayer), real clicks and key presses (xdotool), the real X clipboard
(xclip), a real SecretService keyring, against moto + the local federation endpoint."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest

from switcher.core import config as config_store
from switcher.core.aws.signin import parse_login_url
from tests.fixtures.aws import BASE_PROFILE, http_get, run_switcher, switcher_ok
from tests.fixtures.desktop import (
    wait_for_window,
    window_ids,
    xclip_out,
    xclip_targets,
    xdotool,
)
from tests.fixtures.tray import TrayProcess, browser_urls, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]


@pytest.fixture
def desk_env(switcher_env, xdisplay, tmp_path, aws_stack):
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1", "--color", "green")
    path = Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml"
    config_store.update(
        lambda c: replace(c, settings=replace(c.settings, clipboard_clear_seconds=3)), path)
    aws_stack.clear_log()
    return env


@pytest.fixture
def tray(desk_env):
    app = TrayProcess(desk_env)
    yield app
    app.stop()


def test_icon_is_embedded_in_the_tray_host(tray):
    icon = tray.icon()
    x, y, w, h = icon["geometry"]
    assert icon["mapped"] and w > 0 and h > 0
    # trayer sits at the top right of the 1280x800 screen
    assert y < 40 and x > 640


def test_clicking_a_role_opens_its_console_in_the_browser(tray, desk_env, aws_stack):
    tray.click_icon()
    tray.keys("Down", "Right", "Return")  # account dev ▸ role Admin, Enter = open console
    [url] = browser_urls(desk_env)
    query = parse_login_url(url)
    assert query["Action"] == "login" and query["SigninToken"]
    assert query["Destination"] == "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    status, page = http_get(url)
    assert status == 200, page
    assert "<dd id='account'>111111111111</dd>" in page and "<dd id='role'>Admin</dd>" in page
    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["role_arn"] == "arn:aws:iam::111111111111:role/Admin"

    status = json.loads(switcher_ok(desk_env, "status"))
    assert status["pid"] == tray.proc.pid and status["sandbox"] is False
    [session] = status["sessions"]
    assert session["target"] == "dev/Admin" and 0 < session["seconds_left"] <= 3600


def test_second_tray_is_forwarded_to_the_first(tray, desk_env):
    started = time.monotonic()
    second = run_switcher(desk_env, "tray", timeout=30)
    assert second.returncode == 0, second.stderr
    assert second.stderr == "Switcher is already running; showing its palette\n"
    assert time.monotonic() - started < 15
    assert tray.proc.poll() is None
    assert json.loads(switcher_ok(desk_env, "status"))["pid"] == tray.proc.pid
    # forwarded as "show": the first tray's palette comes up
    wait_for_window(desk_env, "Switcher", timeout=10)
    xdotool(desk_env, "key", "Escape")
    deadline = time.monotonic() + 10
    while window_ids(desk_env, "Switcher") and time.monotonic() < deadline:
        time.sleep(0.1)
    switcher_ok(desk_env, "show")
    wait_for_window(desk_env, "Switcher", timeout=10)


def test_copied_credentials_reach_the_x_clipboard_and_are_cleared(tray, desk_env):
    tray.click_icon()
    # dev ▸ Admin ▸ actions: Open console, Open console in region, Copy credentials ▸ env
    tray.keys("Down", "Right", "Right", "Down", "Down", "Right", "Return")
    deadline = time.monotonic() + 30
    text = None
    while time.monotonic() < deadline:
        text = xclip_out(desk_env)
        if text and "AWS_ACCESS_KEY_ID" in text:
            break
        time.sleep(0.1)
    assert text and "export AWS_ACCESS_KEY_ID=" in text and "AWS_SESSION_TOKEN" in text
    assert "x-kde-passwordManagerHint" in xclip_targets(desk_env)
    copied_at = time.monotonic()
    # clipboard_clear_seconds = 3 in this config
    while time.monotonic() - copied_at < 15:
        now = xclip_out(desk_env)
        if not now or "AWS_ACCESS_KEY_ID" not in now:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the credentials were still in the clipboard after the delay")
    assert time.monotonic() - copied_at >= 1.5  # not cleared at once either


def test_status_and_quit_then_no_tray(tray, desk_env):
    status = json.loads(switcher_ok(desk_env, "status"))
    assert status["pid"] == tray.proc.pid and status["tray_available"] is True
    switcher_ok(desk_env, "quit")
    assert tray.proc.wait(15) == 0
    for command in ("status", "show", "quit"):
        result = run_switcher(desk_env, command)
        assert result.returncode == 3, (command, result.stderr)
        assert result.stderr.startswith("switcher: no Switcher tray is running")


def test_stale_lock_after_a_crash_is_recovered(desk_env):
    first = TrayProcess(desk_env)
    try:
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(10)
        # the lock file and socket are left behind, as after a real crash
        second = TrayProcess(desk_env)
        try:
            assert json.loads(switcher_ok(desk_env, "status"))["pid"] == second.proc.pid
        finally:
            second.stop()
    finally:
        first.stop()


def test_sandbox_mode_on_a_fresh_machine(switcher_env, xdisplay):
    env = {**switcher_env, "DISPLAY": xdisplay["DISPLAY"], "QT_QPA_PLATFORM": "xcb"}
    app = TrayProcess(env)
    try:
        status = json.loads(switcher_ok(env, "status"))
        assert status["sandbox"] is True and status["targets"] >= 5
        from tests.fixtures.desktop import wait_for_window

        wait_for_window(env, "Welcome to Switcher", timeout=20)
        # the user's own config was not created by the sandbox
        assert not (Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml").exists()
    finally:
        app.stop()
