"""The General page: its own validation and the hotkey backend's report."""

from __future__ import annotations

from ..tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE


def test_general_settings_validate(qtbot, window, core_env):
    before = core_env.read_bytes()
    window.general.duration.setValue(100)  # below the STS minimum
    assert window.save() is False and "between 900 and 43200" in window.banner.text()
    assert core_env.read_bytes() == before


def test_hotkey_problems_from_the_backend_are_shown_inline(qtbot, window):
    window.general.show_hotkey_status({"hotkeys": {"Ctrl+Alt+A": "already grabbed by another program"}})
    assert not window.general.hotkey_status.isHidden()
    assert "Ctrl+Alt+A: already grabbed" in window.general.hotkey_status.text()
    window.general.show_hotkey_status({"hotkeys": {}, "hotkeys_unavailable": "Wayland without portal"})
    assert "switcher show" in window.general.hotkey_status.text()
    window.general.show_hotkey_status({"hotkeys": {"Ctrl+Alt+A": "ok"}})
    assert window.general.hotkey_status.isHidden()



def test_the_multi_session_checkbox_saves_the_global_setting(qtbot, window, core_env):
    from switcher.core import config as config_store

    box = window.general.multi_session
    assert box.text() == "AWS console multi-session is on in this browser"
    assert not box.isChecked()
    box.setChecked(True)
    assert window.save() is True
    assert config_store.load(core_env).settings.multi_session is True
    box.setChecked(False)
    assert window.save() is True
    assert config_store.load(core_env).settings.multi_session is False
