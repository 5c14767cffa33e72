"""A screenshot of the palette with a query typed, on sandbox data, taken from the real
`switcher tray --sandbox` under Xvfb. SWITCHER_UPDATE_DOCS=1 writes it to docs/palette.png."""

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
DOCS = Path(__file__).resolve().parents[2] / "docs" / "palette.png"


def test_palette_screenshot(switcher_env, xdisplay, tmp_path):
    require_tool("import", "xdotool")
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
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
        shot = tmp_path / "palette.png"
        subprocess.run(["import", "-window", window, str(shot)], env=env, check=True, timeout=30)
        size = subprocess.run(["identify", "-format", "%w %h", str(shot)], env=env, check=True,
                              capture_output=True, text=True).stdout.split()
        assert [int(n) for n in size] == [680, 460]
        if os.environ.get("SWITCHER_UPDATE_DOCS") == "1":
            DOCS.parent.mkdir(exist_ok=True)
            shutil.copyfile(shot, DOCS)
    finally:
        tray.stop()
