"""Screenshots of the palette on a real Wayland compositor (sway, grim): as it is, on a
HiDPI output (scale 2), and on a desktop that prefers dark (the portal's color-scheme).

Run with SWITCHER_SCREENSHOT_DIR=docs to refresh docs/palette-wayland.png,
docs/palette-hidpi.png and docs/palette-dark-desktop.png; otherwise they go to a temp dir
and the tests check what is in them.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.fixtures.portal import PREFER_DARK, FakeSettingsPortal
from tests.fixtures.tray import TrayProcess, write_browser_stand_in
from tests.fixtures.wayland import OUTPUT

pytestmark = [pytest.mark.wayland, pytest.mark.keyring]


@pytest.fixture
def shots(tmp_path):
    out = tmp_path / "shots"
    out.mkdir()
    yield out
    target = os.environ.get("SWITCHER_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for png in out.glob("*.png"):
            shutil.copy(png, Path(target) / png.name)


@pytest.fixture
def sandbox_env(switcher_env, wayland_desktop, tmp_path):
    script, log = write_browser_stand_in(tmp_path)
    env = wayland_desktop.client_env({**switcher_env, "BROWSER": str(script),
                                      "_BROWSER_LOG": str(log), "SWITCHER_NO_FIRST_RUN": "1"})
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(name, None)  # a first-time user: the sandbox's demo accounts
    return env


def image(path: Path):
    from switcher.gui.qt import QImage

    loaded = QImage(str(path))
    assert not loaded.isNull(), f"{path} is not an image"
    return loaded


def palette_shot(desktop, env, out: Path, *, margin: int = 24):
    """Open the palette, type "acme", grab it with a margin of desktop around it."""
    app = TrayProcess(env, "--sandbox")
    try:
        from tests.fixtures.aws import switcher_ok

        switcher_ok(env, "show")
        desktop.wait_for_window("Switcher")
        desktop.wtype("acme")
        time.sleep(0.6)  # the list re-ranks as you type; let it settle and repaint
        rect = desktop.window("Switcher")["rect"]
        x, y, w, h = rect["x"], rect["y"], rect["width"], rect["height"]
        desktop.screenshot(out, geometry=(x - margin, y - margin, w + 2 * margin, h + 2 * margin))
        desktop.wtype("-k", "Escape")
        desktop.wait_for_no_window("Switcher")
        return (w, h), image(out)
    finally:
        app.stop()


def lightness(img, x: int, y: int) -> int:
    return img.pixelColor(x, y).lightness()


def test_palette_on_wayland(wayland_desktop, sandbox_env, shots):
    (w, h), img = palette_shot(wayland_desktop, sandbox_env, shots / "palette-wayland.png")
    assert (img.width(), img.height()) == (w + 48, h + 48)  # scale 1: one pixel per point
    assert lightness(img, 30, h // 2) > 200  # the default light palette inside


def mixed_blocks(img, x0: int, y0: int, w: int, h: int) -> int:
    """How many aligned 2x2 pixel blocks of the area hold more than one colour: none in a
    1x picture blown up by the compositor (nearest filter), thousands in text drawn at 2x."""
    mixed = 0
    for y in range(y0, y0 + h - 1, 2):
        for x in range(x0, x0 + w - 1, 2):
            block = {img.pixel(x, y), img.pixel(x + 1, y), img.pixel(x, y + 1), img.pixel(x + 1, y + 1)}
            mixed += len(block) > 1
    return mixed


def test_palette_on_a_hidpi_output(wayland_desktop, sandbox_env, shots):
    # the same 1280x800 desktop in points, at twice the pixels: a 2x laptop screen. The
    # nearest filter makes a 1x window scaled up by sway come out as exact 2x2 blocks.
    wayland_desktop.swaymsg("output", OUTPUT, "resolution", "2560x1600", "scale", "2",
                            "scale_filter", "nearest")
    try:
        (w, h), img = palette_shot(wayland_desktop, sandbox_env, shots / "palette-hidpi.png")
    finally:
        wayland_desktop.swaymsg("output", OUTPUT, "resolution", "1280x800", "scale", "1")
    assert w == 680  # the palette keeps its size in points
    assert (img.width(), img.height()) == (2 * (w + 48), 2 * (h + 48))
    # the rows' text, in device pixels: Qt drew it at device pixel ratio 2
    mixed = mixed_blocks(img, 2 * 60, 2 * 80, 2 * 300, 2 * 220)
    assert mixed > 500, f"only {mixed} 2x2 blocks with detail finer than a point: drawn at 1x"
    # and the measure tells the two apart: the same picture at 1x, blown up, has none
    from switcher.gui.qt import Qt

    keep, fast = Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation
    blown_up = img.scaled(img.width() // 2, img.height() // 2, keep, fast).scaled(
        img.width(), img.height(), keep, fast)
    assert mixed_blocks(blown_up, 2 * 60, 2 * 80, 2 * 300, 2 * 220) == 0


def test_palette_follows_a_dark_desktop(wayland_desktop, sandbox_env, shots):
    with FakeSettingsPortal(wayland_desktop.bus, PREFER_DARK) as portal:
        (w, h), img = palette_shot(wayland_desktop, sandbox_env, shots / "palette-dark-desktop.png")
        assert "ReadOne" in portal.calls  # the tray asked the desktop
    # inside the palette, left of the rows: the window colour, dark
    assert lightness(img, 30, h // 2) < 80
