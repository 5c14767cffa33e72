"""Screenshots of the palette with a query typed, on sandbox data, taken from the real
`switcher tray --sandbox` under Xvfb, in the light scheme and in a dark one (GTK's dark
Adwaita through Qt's gtk3 platform theme, as a GNOME desktop set to dark hands it over).
SWITCHER_SCREENSHOT_DIR=docs writes them to docs/palette.png and docs/palette-dark.png."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.fixtures.desktop import wait_for_window, window_ids, xdotool
from tests.fixtures.tools import require_tool
from tests.fixtures.tray import TrayProcess, browser_urls, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]
SCHEMES = {
    "light": ("palette.png", {}),
    "dark": ("palette-dark.png", {"QT_QPA_PLATFORMTHEME": "gtk3", "GTK_THEME": "Adwaita:dark"}),
}


def pixel(env, shot: Path, x: int, y: int) -> tuple[int, int, int]:
    text = subprocess.run(["convert", str(shot), "-format", f"%[fx:int(255*p{{{x},{y}}}.r)] "
                           f"%[fx:int(255*p{{{x},{y}}}.g)] %[fx:int(255*p{{{x},{y}}}.b)]", "info:"],
                          env=env, check=True, capture_output=True, text=True).stdout.split()
    return tuple(int(n) for n in text)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_palette_screenshot(switcher_env, xdisplay, tmp_path, scheme):
    require_tool("import", "xdotool")
    name, extra = SCHEMES[scheme]
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1", **extra)
    tray = TrayProcess(env, "--sandbox")
    try:
        assert tray.status()["hotkeys"]["Ctrl+Alt+A"] == "ok"
        # one switch first, so a row shows the time left of its cached session
        xdotool(env, "mousemove", 640, 400)
        xdotool(env, "key", "ctrl+alt+a")
        wait_for_window(env, "Switcher")
        xdotool(env, "type", "--delay", "30", "acme dev")
        time.sleep(0.3)
        xdotool(env, "key", "Return")
        browser_urls(env)
        deadline = time.monotonic() + 10
        while window_ids(env, "Switcher") and time.monotonic() < deadline:
            time.sleep(0.1)
        xdotool(env, "key", "ctrl+alt+a")
        window = wait_for_window(env, "Switcher")
        xdotool(env, "type", "--delay", "30", "acme")
        time.sleep(0.6)
        shot = tmp_path / name
        subprocess.run(["import", "-window", window, str(shot)], env=env, check=True, timeout=30)
        size = subprocess.run(["identify", "-format", "%w %h", str(shot)], env=env, check=True,
                              capture_output=True, text=True).stdout.split()
        assert [int(n) for n in size] == [680, 460]
        # the frame's background, beside the hint line: the scheme's window colour
        background = sum(pixel(env, shot, 6, 452)) / 3
        assert (background < 90) if scheme == "dark" else (background > 180), background
        target = os.environ.get("SWITCHER_SCREENSHOT_DIR")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, Path(target) / name)
    finally:
        tray.stop()
