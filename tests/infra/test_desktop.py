"""The desktop fixture: a real tray host on Xvfb, and the X tools tests drive it with."""

import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.desktop import (
    HEIGHT,
    WIDTH,
    screenshot,
    tray_icons,
    wait_for_window,
    window_ids,
    xclip_in,
    xclip_out,
    xclip_targets,
    xdotool,
)
from tests.fixtures.tools import require_tool
from tests.infra import qt_probe

pytestmark = pytest.mark.desktop
PROBE = Path(qt_probe.__file__)


@pytest.fixture
def probe(xdisplay):
    proc = subprocess.Popen([sys.executable, str(PROBE)], env=xdisplay, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def _expect(proc, prefix, timeout=15):
    # readline blocks, but the probe prints each line promptly; pytest-timeout is the backstop.
    line = proc.stdout.readline().strip()
    assert line.startswith(prefix), f"expected {prefix!r} from the probe, got {line!r}"
    return line[len(prefix):].strip()


def _png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _pixel(path, x, y):
    require_tool("convert")
    out = subprocess.run(["convert", str(path), "-crop", f"1x1+{x}+{y}", "-depth", "8",
                          "rgb:-"], capture_output=True, check=True, timeout=30).stdout
    return tuple(out[:3])


def test_env_points_at_a_private_display(xdisplay):
    assert xdisplay["DISPLAY"].startswith(":")
    assert xdisplay["QT_QPA_PLATFORM"] == "xcb"
    assert "WAYLAND_DISPLAY" not in xdisplay
    assert xdisplay["DBUS_SESSION_BUS_ADDRESS"].startswith("unix:")
    geometry = xdotool(xdisplay, "getdisplaygeometry")
    assert geometry == f"{WIDTH} {HEIGHT}"


def test_tray_icon_appears_and_shows_in_screenshot(xdisplay, probe, tmp_path):
    assert _expect(probe, "tray") == "True"
    _expect(probe, "shown")
    deadline = time.monotonic() + 10
    while not (icons := [i for i in tray_icons(xdisplay) if i["mapped"]]):
        assert time.monotonic() < deadline, "the probe's icon never got embedded in the tray"
        time.sleep(0.05)
    (icon,) = icons
    x, y, w, h = icon["geometry"]
    assert x > WIDTH // 2 and y < 30 and (w, h) != (0, 0), icon  # top right, like the panel

    shot = screenshot(xdisplay, tmp_path / "screen.png")
    assert _png_size(shot) == (WIDTH, HEIGHT)
    assert _pixel(shot, x + w // 2, y + h // 2) == qt_probe.ICON_RGB


def test_keys_window_search_and_clipboard(xdisplay, probe, tmp_path):
    _expect(probe, "tray")
    _expect(probe, "shown")
    window = wait_for_window(xdisplay, qt_probe.TITLE)
    assert window_ids(xdisplay, qt_probe.TITLE) == [window]
    geometry = dict(line.split("=", 1) for line in
                    xdotool(xdisplay, "getwindowgeometry", "--shell", window).splitlines())
    size = (int(geometry["WIDTH"]), int(geometry["HEIGHT"]))
    assert _png_size(screenshot(xdisplay, tmp_path / "window.png", window=window)) == size
    assert _png_size(screenshot(xdisplay, tmp_path / "crop.png", crop=(10, 20, 64, 48))) == (64, 48)
    xdotool(xdisplay, "windowfocus", "--sync", window)
    xdotool(xdisplay, "type", "--delay", "20", "dev-ops/Admin 42")
    xdotool(xdisplay, "key", "Return")
    assert _expect(probe, "copied") == "dev-ops/Admin 42"
    assert xclip_out(xdisplay) == "dev-ops/Admin 42"
    assert "x-kde-passwordManagerHint" in xclip_targets(xdisplay)

    xdotool(xdisplay, "key", "Escape")
    assert probe.wait(timeout=10) == 0
    assert window_ids(xdisplay, qt_probe.TITLE) == []


def test_xclip_round_trip_and_empty_selection(xdisplay):
    xclip_in(xdisplay, "not a secret", selection="primary")
    assert xclip_out(xdisplay, "primary") == "not a secret"
    assert xclip_out(xdisplay, "secondary") is None
    assert xclip_targets(xdisplay, "secondary") == []


def test_wait_for_window_times_out(xdisplay):
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="no visible window named 'No such window'"):
        wait_for_window(xdisplay, "No such window", timeout=0.3)
    assert time.monotonic() - start < 5
