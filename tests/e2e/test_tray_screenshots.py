"""Screenshots of the real tray app under Xvfb + trayer with sandbox data: the tray menu open,
the settings window, the first-run window.

Run with SWITCHER_SCREENSHOT_DIR=docs to refresh the images in the README; otherwise they
go to a temp dir and the test checks they are real, non-empty pictures.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from tests.fixtures.desktop import WIDTH, wait_for_window, xdotool
from tests.fixtures.tools import require_tool
from tests.fixtures.tray import TrayProcess, browser_urls, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def grab(env, out: Path, *, window: str | None = None, crop: str | None = None) -> Path:
    require_tool("import")
    argv = ["import", "-window", window or "root"]
    if crop:
        argv += ["-crop", crop, "+repage"]
    subprocess.run([*argv, str(out)], env=env, check=True, timeout=30)
    return out


@pytest.fixture
def shots(tmp_path):
    target = os.environ.get("SWITCHER_SCREENSHOT_DIR")
    out = tmp_path / "shots"
    out.mkdir()
    yield out
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for png in out.glob("*.png"):
            shutil.copy(png, Path(target) / png.name)


def desktop_background(env) -> None:
    """A calm slate desktop instead of Xvfb's black, as a real panel would sit on."""
    from Xlib import display

    conn = display.Display(env["DISPLAY"])
    try:
        screen = conn.screen()
        pixel = screen.default_colormap.alloc_color(0x4A00, 0x5A00, 0x6E00).pixel
        screen.root.change_attributes(background_pixel=pixel)
        screen.root.clear_area()
        conn.sync()
    finally:
        conn.close()


@pytest.fixture
def sandbox_env(switcher_env, xdisplay, tmp_path):
    desktop_background(xdisplay)
    env = tray_env(switcher_env, xdisplay, tmp_path)
    # a first-time user has the default ~/.aws/config path, not a test's temp file
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(name, None)
    return env


def test_first_run_window(sandbox_env, shots):
    app = TrayProcess(sandbox_env, "--sandbox")
    try:
        win = wait_for_window(sandbox_env, "Welcome to Switcher", timeout=20)
        time.sleep(0.5)
        w, h = png_size(grab(sandbox_env, shots / "first-run.png", window=win))
        assert 400 <= w <= 900 and 300 <= h <= 800
    finally:
        app.stop()


def test_tray_menu_and_settings(sandbox_env, shots):
    env = {**sandbox_env, "SWITCHER_NO_FIRST_RUN": "1"}
    app = TrayProcess(env, "--sandbox")
    try:
        # one switch first, so the menu shows a recent target like it does in daily use
        app.click_icon()
        app.keys("Down", "Down", "Right", "Return")  # acme-prod ▸ Admin (MFA) ▸ console
        # "MFA code — Switcher": Qt appends the app name, and xdotool matches only the ASCII
        # part before the em dash, so only the start of the title is matched
        mfa = wait_for_window(env, "^MFA code", timeout=20, exact=False)
        time.sleep(0.5)
        png_size(grab(env, shots / "mfa-prompt.png", window=mfa))
        xdotool(env, "windowfocus", "--sync", mfa)
        xdotool(env, "type", "--delay", "50", "123456")  # the sixth digit submits it
        browser_urls(env)
        time.sleep(1.5)
        app.click_icon()
        app.keys("Down", "Down", "Down", "Right", "Right")  # acme-prod ▸ role ▸ its actions
        time.sleep(0.5)
        w, h = png_size(grab(env, shots / "tray-menu.png", crop=f"760x420+{WIDTH - 760}+0"))
        assert (w, h) == (760, 420)
        xdotool(env, "key", "Escape")
        xdotool(env, "key", "Escape")
        xdotool(env, "key", "Escape")
        time.sleep(0.3)

        app.click_icon()
        app.keys("Up", "Up", "Return")  # Quit, Settings… ↵
        win = wait_for_window(env, "^Settings", timeout=20, exact=False)
        time.sleep(1.0)
        w, h = png_size(grab(env, shots / "settings.png", window=win))
        assert w >= 800 and h >= 550
    finally:
        app.stop()
