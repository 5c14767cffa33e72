"""The tray menu at QT_SCALE_FACTOR=2 on X11 (Xvfb twice the usual size, trayer), where Qt
draws the menu itself: text, the app icon and the account swatches at device pixel ratio 2.

Run with SWITCHER_SCREENSHOT_DIR=docs to refresh docs/tray-menu-hidpi.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_tray_screenshots import desktop_background
from tests.fixtures.desktop import display_env, read_display, running_tray_host
from tests.fixtures.tools import require_tool, stop_process
from tests.fixtures.tray import TrayProcess, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]

WIDTH, HEIGHT = 2560, 1600


@pytest.fixture
def hidpi_display(session_bus, tmp_path):
    """Xvfb at 2560x1600 with trayer: a 1280x800 desktop at scale 2."""
    require_tool("Xvfb", "trayer", "xdotool", "import")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{WIDTH}x{HEIGHT}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        try:
            name = read_display(read_fd, xvfb)
        finally:
            os.close(read_fd)
        env = display_env(name, {**os.environ, **session_bus})
        desktop_background(env)  # the README's other shots sit on the same slate
        with running_tray_host(env):
            yield env
    finally:
        stop_process(xvfb)


def test_tray_menu_at_scale_factor_two(switcher_env, hidpi_display, tmp_path):
    from switcher.gui.qt import QImage

    env = tray_env(switcher_env, hidpi_display, tmp_path, SWITCHER_NO_FIRST_RUN="1",
                   QT_SCALE_FACTOR="2")
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(name, None)  # the sandbox's demo accounts
    app = TrayProcess(env, "--sandbox")
    try:
        app.click_icon()
        app.keys("Down", "Down", "Right", "Right")  # acme-prod ▸ Admin ▸ its actions
        time.sleep(0.5)
        out = tmp_path / "tray-menu-hidpi.png"
        crop_w, crop_h = 1620, 560
        subprocess.run(["import", "-window", "root", "-crop",
                        f"{crop_w}x{crop_h}+{WIDTH - crop_w}+0", "+repage", str(out)],
                       env=env, check=True, timeout=30)
        for _ in range(3):
            app.keys("Escape")
    finally:
        app.stop()
    img = QImage(str(out))
    assert (img.width(), img.height()) == (crop_w, crop_h)
    # the menus are there: much of the picture is the light menu background, not the
    # slate desktop
    light = sum(img.pixelColor(x, y).lightness() > 200
                for y in range(0, crop_h, 8) for x in range(0, crop_w, 8))
    assert light > 0.3 * (crop_w // 8) * (crop_h // 8)
    target = os.environ.get("SWITCHER_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(target) / out.name)
