"""The tray app on a real Wayland compositor: the installed ``switcher tray`` with
QT_QPA_PLATFORM=wayland under headless sway, waybar as the StatusNotifierItem tray host,
key presses through wtype, against moto + the local federation endpoint.

The X11 equivalents are in test_tray.py; here the tray icon is a D-Bus object, so the
menu is driven the way waybar drives it when a user clicks (com.canonical.dbusmenu).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from switcher.core.aws.signin import parse_login_url
from tests.fixtures.aws import BASE_PROFILE, SWITCHER, _drop_switcher_secrets, http_get, switcher_ok
from tests.fixtures.tray import TrayProcess, browser_urls, write_browser_stand_in
from tests.fixtures.wayland import DbusMenu

pytestmark = [pytest.mark.wayland, pytest.mark.keyring]

CONSOLE = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"


@pytest.fixture
def wl_env(switcher_env, wayland_desktop, tmp_path, aws_stack):
    script, log = write_browser_stand_in(tmp_path)
    env = wayland_desktop.client_env(
        {**switcher_env, "BROWSER": str(script), "_BROWSER_LOG": str(log),
         "SWITCHER_NO_FIRST_RUN": "1"})
    _drop_switcher_secrets(wayland_desktop.bus)  # the desktop's keyring lives all session
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1", "--color", "green")
    aws_stack.clear_log()
    return env


@pytest.fixture
def tray(wl_env, wayland_desktop):
    app = TrayProcess(wl_env)
    yield app
    app.stop()
    wayland_desktop.wait_for_no_window("Switcher")


def assert_valid_console_login(url: str, aws_stack) -> None:
    query = parse_login_url(url)
    assert query["Action"] == "login" and query["SigninToken"]
    assert query["Destination"] == CONSOLE
    status, page = http_get(url)
    assert status == 200, page
    assert "<dd id='account'>111111111111</dd>" in page and "<dd id='role'>Admin</dd>" in page
    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["role_arn"] == "arn:aws:iam::111111111111:role/Admin"


def test_tray_is_a_status_notifier_item_on_the_watcher(tray, wayland_desktop):
    [item] = wayland_desktop.wait_for_items()
    menu = DbusMenu(wayland_desktop, item)
    assert menu.item_property("Title") == "Switcher"
    # the icon itself goes over D-Bus as pixels: what waybar draws
    [(width, height, pixels)] = menu.item_property("IconPixmap")[:1]
    assert width >= 16 and height >= 16 and len(pixels) == width * height * 4
    status = json.loads(switcher_ok(tray.env, "status"))
    assert status["tray_available"] is True  # Qt found the watcher, not a missing tray


def test_tray_menu_opens_the_console_over_dbusmenu(tray, wl_env, wayland_desktop, aws_stack):
    [item] = wayland_desktop.wait_for_items()
    menu = DbusMenu(wayland_desktop, item)
    account = menu.find(0, "dev")
    role = menu.find(account, "Admin")
    menu.click(menu.find(role, "Open console"))
    [url] = browser_urls(wl_env)
    assert_valid_console_login(url, aws_stack)


def test_switcher_show_maps_the_palette_and_enter_opens_the_console(
        tray, wl_env, wayland_desktop, aws_stack):
    switcher_ok(wl_env, "show")
    window = wayland_desktop.wait_for_window("Switcher")
    assert window["app_id"] == "switcher" and window["shell"] == "xdg_shell"
    assert window["pid"] == tray.proc.pid
    assert window["focused"]  # typing goes to the palette, not to the desktop
    wayland_desktop.wtype("dev adm")
    wayland_desktop.wtype("-k", "Return")
    [url] = browser_urls(wl_env)
    assert_valid_console_login(url, aws_stack)
    wayland_desktop.wait_for_no_window("Switcher")  # Enter hides it


def test_a_sway_key_binding_to_switcher_show_opens_the_palette(
        tray, wl_env, wayland_desktop, tmp_path):
    # what a user puts in ~/.config/sway/config; sway starts it with its own environment
    script = tmp_path / "switcher-show"
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in wl_env.items()
                      if k.startswith(("SWITCHER_", "XDG_", "HOME")))
    script.write_text(f"#!/bin/sh\n{exports}exec {shlex.quote(str(SWITCHER))} show\n")
    script.chmod(0o700)
    wayland_desktop.swaymsg("--", "bindsym", "--no-warn", "Ctrl+Alt+s", "exec", str(script))
    try:
        wayland_desktop.wtype("-M", "ctrl", "-M", "alt", "s", "-m", "alt", "-m", "ctrl")
        wayland_desktop.wait_for_window("Switcher")
        wayland_desktop.wtype("-k", "Escape")
        wayland_desktop.wait_for_no_window("Switcher")
    finally:
        wayland_desktop.swaymsg("unbindsym", "Ctrl+Alt+s")


def test_without_a_shortcuts_portal_the_hotkey_says_to_bind_switcher_show(tray):
    # sway has no GlobalShortcuts portal: the portal backend is chosen, finds none, and
    # says what to do instead of losing the hotkey silently
    status = tray.status()
    assert status["backend"] == "wayland-portal"
    assert "no GlobalShortcuts" in status["hotkeys_unavailable"]
    assert "switcher show" in status["hotkeys_unavailable"]


def test_wayland_tray_env_has_no_x_display(wl_env):
    assert "DISPLAY" not in wl_env and Path(wl_env["WAYLAND_DISPLAY"]).is_socket()
