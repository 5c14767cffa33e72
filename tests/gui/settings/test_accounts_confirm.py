"""The accounts page's "Needs approval" column: a checkbox per role that is saved as the
role's ``confirm = true`` and shown again from the file."""

from __future__ import annotations

from PySide6.QtCore import Qt

from switcher.core import config as config_store
from switcher.gui.settings.drafts import ROLE_COLUMNS, ROLE_HEADERS
from switcher.gui.settings.window import SettingsWindow

from ..tray_env import QT_LOG_IGNORE
from .editing import select

pytestmark = QT_LOG_IGNORE


def test_needs_approval_is_a_checkbox_saved_as_confirm(qtbot, window, controller, core_env):
    column = ROLE_COLUMNS.index("confirm")
    assert ROLE_HEADERS[column] == "Needs approval"
    select(window, "prod")
    cell = window.accounts.roles.item(0, column)
    assert cell.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert cell.checkState() == Qt.CheckState.Unchecked and cell.text() == ""
    cell.setCheckState(Qt.CheckState.Checked)
    assert window.is_dirty()
    assert window.save() is True
    [deploy] = config_store.load(core_env).account("prod").roles
    assert deploy.confirm is True
    assert "confirm = true" in core_env.read_text()

    controller.reload()
    again = SettingsWindow(controller)
    qtbot.addWidget(again)
    select(again, "prod")
    cell = again.accounts.roles.item(0, column)
    assert cell.checkState() == Qt.CheckState.Checked
    cell.setCheckState(Qt.CheckState.Unchecked)
    assert again.save() is True
    assert config_store.load(core_env).account("prod").roles[0].confirm is False
    assert "confirm" not in core_env.read_text()
