"""Icons on HiDPI screens (QT_SCALE_FACTOR=2, a Wayland output at scale 2): drawn at the
screen's device pixel ratio, never a 1x pixmap scaled up (which is what looks blurry)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from switcher.gui import icons
from switcher.gui.qt import QColor, QSize


@pytest.mark.parametrize("dpr", [1.0, 2.0, 3.0])
def test_swatches_have_real_pixels_at_each_device_pixel_ratio(qapp, dpr):
    pixmap = icons.swatch("F2B0A9", 16).pixmap(QSize(16, 16), dpr)
    assert pixmap.devicePixelRatio() == dpr
    assert (pixmap.width(), pixmap.height()) == (16 * dpr, 16 * dpr)
    image = pixmap.toImage()
    middle = int(8 * dpr)
    assert image.pixelColor(middle, middle) == QColor("#F2B0A9")
    # the outline is drawn at this resolution: a sharp edge, not a blur across pixels
    # (the pen is 1 logical pixel wide, so about dpr physical pixels of it)
    row = [image.pixelColor(x, middle).alpha() for x in range(int(16 * dpr))]
    ramp = [a for a in row if 0 < a < 255]
    assert len(ramp) <= 4, row


def test_a_colourless_swatch_is_transparent_at_every_ratio(qapp):
    pixmap = icons.swatch(None, 16).pixmap(QSize(16, 16), 2.0)
    assert pixmap.width() == 32
    assert pixmap.toImage().pixelColor(16, 16).alpha() == 0


@pytest.mark.parametrize("state", ["idle", "busy", "sandbox"])
def test_app_icons_are_vector(qapp, state):
    # an SVG icon engine renders at any size: 64 device pixels for a 32 px icon at 2x
    pixmap = icons.app_icon(state).pixmap(QSize(32, 32), 2.0)
    assert (pixmap.width(), pixmap.height()) == (64, 64)
    assert not pixmap.isNull()
