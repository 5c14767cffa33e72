"""Fixtures for the Settings tests: a controller on the isolated config of ``core_env``
and the window over it, shown."""

from __future__ import annotations

import pytest

from switcher.gui.controller import Controller
from switcher.gui.settings.window import SettingsWindow


@pytest.fixture
def controller(qtbot, core_env):
    c = Controller(config_path=core_env)
    yield c
    c.shutdown()


@pytest.fixture
def window(qtbot, controller):
    w = SettingsWindow(controller)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w
