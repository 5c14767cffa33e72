"""Palette rows: MFA and external-id badges, and colours that follow a dark scheme."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtGui import QColor, QPalette

from switcher.gui.palette import PaletteWindow
from switcher.gui.palette.delegate import badges

from ..palette_fakes import FakeController, make_target

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)")

PLAIN = make_target("plain", "Admin", "111122223333", color="B7CA9D")
GUARDED = replace(make_target("guarded", "Admin", "111122223333", color="B7CA9D"),
                  mfa_serial="arn:aws:iam::111122223333:mfa/me", external_id="x-123")


def dark_palette() -> QPalette:
    palette = QPalette(QColor("#2d2d2d"), QColor("#262626"))  # button, window: Qt derives the rest
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8e8e8"))
    return palette


@pytest.fixture
def dark_scheme(qapp):
    """The application palette a dark desktop's platform theme hands Qt; restored after."""
    before = QPalette(qapp.palette())
    qapp.setPalette(dark_palette())
    yield
    qapp.setPalette(before)


def open_palette(qtbot, tmp_path, targets) -> PaletteWindow:
    window = PaletteWindow(FakeController(targets, tmp_path / "state.json"))
    qtbot.addWidget(window)
    window.show_palette()
    qtbot.waitExposed(window)
    return window


def row_image(window: PaletteWindow, row: int):
    rect = window.list.visualRect(window.model.index(row))
    return window.list.viewport().grab(rect).toImage()


def inked(image, x0: int, x1: int, background: QColor) -> int:
    """Pixels between x0 and x1 of the row's lower half that are not the background."""
    count = 0
    for x in range(x0, min(x1, image.width())):
        for y in range(image.height() // 2, image.height()):
            c = image.pixelColor(x, y)
            if abs(c.lightness() - background.lightness()) > 40:
                count += 1
    return count


def test_badges_say_what_the_role_needs():
    assert badges(PLAIN) == []
    assert badges(GUARDED) == ["MFA", "external id"]
    assert badges(replace(PLAIN, mfa_serial="arn:aws:iam::1:mfa/x")) == ["MFA"]


def test_badges_are_painted_after_the_account_id(qtbot, tmp_path):
    window = open_palette(qtbot, tmp_path, [PLAIN, GUARDED])
    window.list.setCurrentIndex(window.model.index(5, 0))  # no selection: both rows on base
    window.list.clearSelection()
    plain, guarded = row_image(window, 0), row_image(window, 1)
    base = window.list.palette().color(QPalette.ColorRole.Base)
    # the id and region text ends well before 300 px; the badges come right after it
    assert inked(plain, 200, 420, base) == 0
    assert inked(guarded, 200, 420, base) > 40


def test_a_dark_scheme_gives_dark_rows_with_light_text(qtbot, tmp_path, dark_scheme):
    window = open_palette(qtbot, tmp_path, [PLAIN, GUARDED])
    window.list.clearSelection()
    image = row_image(window, 1)
    background = image.pixelColor(image.width() - 5, 3)
    assert background.lightness() < 60, background.name()
    lightest = max(image.pixelColor(x, y).lightness()
                   for x in range(26, 120) for y in range(4, image.height() // 2))
    assert lightest > 180  # the alias is drawn in the scheme's text colour
    frame = window.grab().toImage().pixelColor(4, window.height() // 2)
    assert frame.lightness() < 80, frame.name()
    window.set_error("boom")
    assert "#ff8a80" in window.styleSheet()  # the error red that reads on dark


def test_the_error_red_follows_a_scheme_change(qtbot, qapp, tmp_path):
    window = open_palette(qtbot, tmp_path, [PLAIN])
    assert "#c5221f" in window.styleSheet()
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())  # the desktop switched to dark while the tray runs
        qtbot.waitUntil(lambda: "#ff8a80" in window.styleSheet(), timeout=2000)
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: "#c5221f" in window.styleSheet(), timeout=2000)


def test_a_target_without_colour_gets_an_outline_in_the_text_colour(qtbot, tmp_path, dark_scheme):
    window = open_palette(qtbot, tmp_path, [replace(PLAIN, color=None)])
    window.list.clearSelection()
    image = row_image(window, 0)
    bar = [image.pixelColor(x, image.height() // 2) for x in range(9, 18)]
    assert max(c.lightness() for c in bar) > 90  # visible on the dark base


def test_swatch_edges_follow_the_scheme(qapp, dark_scheme):
    from switcher.gui import icons

    edge = icons.swatch("262626").pixmap(16, 16).toImage().pixelColor(1, 8)
    assert edge.lightness() > 150  # a light edge: a dark account colour still shows on a dark menu
