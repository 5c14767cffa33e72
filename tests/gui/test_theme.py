"""Following the desktop's colour scheme: the portal's ``color-scheme`` on a private
session bus (as sway, Hyprland... offer it), Qt's own QStyleHints where its platform
theme knows, and what the app's palette becomes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from switcher.gui import theme
from switcher.gui.qt import QApplication, QPalette, Qt
from tests.fixtures.keyring import private_session_bus
from tests.fixtures.portal import PREFER_DARK, PREFER_LIGHT, FakeSettingsPortal

WINDOW = QPalette.ColorRole.Window


@pytest.fixture
def bus(tmp_path):
    with private_session_bus(tmp_path) as address:
        yield address


@pytest.fixture
def app_palette(qapp):
    """The app's palette and style hints as they were, put back after the test."""
    before = QPalette(qapp.palette())
    yield qapp
    qapp.setPalette(before)


@pytest.fixture
def follow(app_palette, bus):
    """``follow(**kwargs)`` makes a ThemeFollower on the test bus; closed after the test."""
    made = []

    def make(**kwargs) -> theme.ThemeFollower:
        made.append(theme.ThemeFollower(app_palette, bus_address=bus, **kwargs))
        return made[-1]

    yield make
    for follower in made:
        follower.close()
        follower.setParent(None)


def test_the_portals_prefer_dark_gives_a_dark_palette(qtbot, app_palette, bus, follow):
    assert not theme.is_dark(app_palette.palette())  # offscreen Qt: light, scheme unknown
    assert app_palette.styleHints().colorScheme() == Qt.ColorScheme.Unknown
    with FakeSettingsPortal(bus, PREFER_DARK) as portal:
        follower = follow()
        qtbot.waitUntil(lambda: follower.portal_scheme == theme.DARK, timeout=3000)
        assert portal.calls[:1] == ["ReadOne"]
        palette = QApplication.palette()
        assert theme.is_dark(palette)
        assert palette.color(WINDOW).lightness() < 60
        assert palette.color(QPalette.ColorRole.Text).lightness() > 200
        # a widget made now gets it too: that is what the palette window and menus paint with
        from switcher.gui.qt import QMenu

        menu = QMenu()
        assert theme.is_dark(menu.palette())


def test_light_or_no_preference_leaves_the_palette_alone(qtbot, app_palette, bus, follow):
    before = app_palette.palette().color(WINDOW)
    with FakeSettingsPortal(bus, PREFER_LIGHT) as portal:
        follower = follow()
        qtbot.waitUntil(lambda: "ReadOne" in portal.calls, timeout=3000)
        qtbot.waitUntil(lambda: follower.portal_scheme == theme.LIGHT, timeout=3000)
    assert QApplication.palette().color(WINDOW) == before


def test_the_desktop_flipping_to_dark_and_back_is_followed(qtbot, app_palette, bus, follow):
    before = app_palette.palette().color(WINDOW)
    with FakeSettingsPortal(bus, PREFER_LIGHT) as portal:
        follower = follow()
        qtbot.waitUntil(lambda: follower.portal_scheme == theme.LIGHT, timeout=3000)
        portal.change(PREFER_DARK)
        qtbot.waitUntil(lambda: theme.is_dark(QApplication.palette()), timeout=3000)
        portal.change(PREFER_LIGHT)
        qtbot.waitUntil(lambda: not theme.is_dark(QApplication.palette()), timeout=3000)
    assert QApplication.palette().color(WINDOW) == before


def test_an_old_portal_is_read_with_read(qtbot, app_palette, bus, follow):
    with FakeSettingsPortal(bus, PREFER_DARK, version=1) as portal:
        follower = follow()
        qtbot.waitUntil(lambda: follower.portal_scheme == theme.DARK, timeout=3000)
        assert portal.calls[:2] == ["ReadOne", "Read"]
    assert theme.is_dark(QApplication.palette())


def test_no_portal_means_light_without_waiting(qtbot, app_palette, bus, follow):
    follower = follow()
    assert follower.scheme == theme.LIGHT
    qtbot.wait(200)  # the ServiceUnknown error reply arrives and is taken as no preference
    assert follower.portal_scheme is None and not theme.is_dark(QApplication.palette())


def test_qt_knowing_the_scheme_wins_over_the_portal(qtbot, app_palette, bus, follow):
    with FakeSettingsPortal(bus, PREFER_LIGHT):
        follower = follow()
        qtbot.waitUntil(lambda: follower.portal_scheme == theme.LIGHT, timeout=3000)
        # Qt's offscreen platform theme never knows a scheme (it ignores setColorScheme),
        # so stand in for a platform theme that reports dark (KDE, GNOME, Windows, macOS)
        # and emit the signal Qt would
        follower.qt_scheme = lambda: theme.DARK
        app_palette.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert follower.scheme == theme.DARK and theme.is_dark(QApplication.palette())


def test_portal_values():
    assert theme.portal_value(("u", 1)) == theme.DARK
    assert theme.portal_value(("v", ("u", 2))) == theme.LIGHT
    assert theme.portal_value(("v", ("v", ("u", 1)))) == theme.DARK
    assert theme.portal_value(("u", 0)) is None
    assert theme.portal_value(("s", "dark")) is None
