"""The Settings window: saving, no data loss on a failed save, reload and merge on an
external change, start at login, hotkeys checked across its pages, the unsaved state
(title, Save, asking on close), and colours that follow the palette."""

from __future__ import annotations

from switcher.core import config as config_store
from switcher.core.model import Account, Role

from ..tray_env import QT_LOG_IGNORE
from .editing import select, set_role_hotkey

pytestmark = QT_LOG_IGNORE


def test_save_writes_the_file_and_updates_targets(qtbot, window, controller, core_env):
    select(window, "dev")
    window.accounts.roles.item(0, 1).setText("3600")
    window.accounts.color.setText("99bce3")
    window.general.clear_delay.setValue(45)
    assert window.save() is True
    saved = config_store.load(core_env)
    dev = saved.account("dev")
    assert dev.color == "99BCE3" and dev.roles[0].duration == 3600
    assert saved.settings.clipboard_clear_seconds == 45
    assert controller.config == saved
    assert "Saved" in window.banner.text()


def test_our_own_save_is_not_taken_for_a_change_on_disk(qtbot, window, core_env):
    shown = []
    original = window.banner.show_message
    window.banner.show_message = lambda text, kind="info": (shown.append(text), original(text, kind))
    select(window, "dev")
    window.accounts.color.setText("99bce3")
    assert window.save() is True
    assert shown == ["Saved."]


def test_a_failed_save_keeps_the_window_and_the_file(qtbot, window, core_env):
    before = core_env.read_bytes()
    select(window, "dev")
    window.accounts.account_id.setText("123")
    assert window.save() is False
    assert window.isVisible()
    assert "Not saved" in window.banner.text() and "12 digits" in window.banner.text()
    assert core_env.read_bytes() == before
    assert window.accounts.account_id.text() == "123"  # the edit is still there to fix


def test_a_broken_file_on_disk_is_never_overwritten(qtbot, window, core_env):
    select(window, "dev")
    window.accounts.color.setText("F2B0A9")
    core_env.write_text("version = 1\n[[accounts]\n")
    broken = core_env.read_bytes()
    assert window.save() is False
    assert "line" in window.banner.text()
    assert core_env.read_bytes() == broken
    assert window.accounts.color.text() == "F2B0A9"


def test_external_change_reloads_when_nothing_was_edited(qtbot, window, core_env):
    config_store.update(
        lambda c: c.with_account(Account("from-cli", "666666666666", roles=(Role("Ops"),))), core_env)
    qtbot.waitUntil(lambda: any(d.get("alias") == "from-cli" for d in window.accounts.drafts), timeout=5000)
    assert "reloaded" in window.banner.text()


def test_external_change_with_unsaved_edits_is_merged_not_overwritten(qtbot, window, controller, core_env):
    select(window, "prod")
    window.accounts.color.setText("FBBF93")
    config_store.update(
        lambda c: c.with_account(Account("from-cli", "666666666666", roles=(Role("Ops"),))), core_env)
    qtbot.waitUntil(lambda: "from-cli" in [a.alias for a in controller.config.accounts], timeout=5000)
    assert "Your edits are kept" in window.banner.text()
    assert window.accounts.color.text() == "FBBF93"
    assert window.save() is True
    saved = config_store.load(core_env)
    assert [a.alias for a in saved.accounts] == ["dev", "prod", "from-cli"]
    assert saved.account("prod").color == "FBBF93"


def test_start_at_login_writes_the_xdg_autostart_entry(qtbot, window, tmp_path):
    entry = tmp_path / "xdg-config" / "autostart" / "switcher.desktop"
    window.general.start_at_login.setChecked(True)
    assert window.save() is True
    assert entry.exists() and "Exec=" in entry.read_text() and " tray" in entry.read_text()
    window.general.start_at_login.setChecked(False)
    assert window.save() is True
    assert not entry.exists()


def test_title_does_not_repeat_the_app_name(window):
    assert window.windowTitle() == "Settings[*]"  # Qt adds " — Switcher" itself


def test_title_star_and_save_follow_the_unsaved_edits(qtbot, window):
    assert not window.isWindowModified() and not window.save_button.isEnabled()
    select(window, "dev")
    window.accounts.color.setText("99BCE3")
    assert window.isWindowModified() and window.save_button.isEnabled()
    window.accounts.color.setText("B7CA9D")  # typed back: nothing to save
    assert not window.isWindowModified() and not window.save_button.isEnabled()
    window.general.clear_delay.setValue(45)
    assert window.isWindowModified()
    assert window.save() is True
    assert not window.isWindowModified() and not window.save_button.isEnabled()


def _answer(box, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == text]
    button.click()


def test_close_with_unsaved_edits_asks_and_cancel_keeps_everything(qtbot, window, core_env):
    before = core_env.read_bytes()
    select(window, "dev")
    window.accounts.color.setText("99BCE3")
    window.buttons.button(window.buttons.StandardButton.Close).click()
    box = window.unsaved_prompt
    assert box is not None and box.isVisible() and window.isVisible()
    _answer(box, "Cancel")
    assert window.isVisible() and window.accounts.color.text() == "99BCE3"
    assert core_env.read_bytes() == before

    window.close()  # the window's own close button
    _answer(window.unsaved_prompt, "Discard")
    assert not window.isVisible() and core_env.read_bytes() == before


def test_escape_closes_and_asks_first_when_there_are_edits(qtbot, window, core_env):
    from PySide6.QtCore import Qt

    select(window, "dev")
    window.accounts.color.setText("99BCE3")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible() and window.unsaved_prompt.isVisible()
    _answer(window.unsaved_prompt, "Save")
    assert not window.isVisible()
    assert config_store.load(core_env).account("dev").color == "99BCE3"

    window.show()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # nothing to save: closes at once
    assert not window.isVisible()


def test_a_failed_save_when_asked_keeps_the_window(qtbot, window, core_env):
    select(window, "dev")
    window.accounts.account_id.setText("123")
    window.close()
    _answer(window.unsaved_prompt, "Save")
    assert window.isVisible() and "Not saved" in window.banner.text()


def test_the_save_banner_clears_when_the_problem_is_fixed(qtbot, window):
    select(window, "dev")
    window.accounts.account_id.setText("123")
    assert window.save() is False
    assert window.banner.isVisible() and "12 digits" in window.banner.text()
    window.accounts.account_id.setText("1234567890")
    assert window.banner.isVisible()  # still wrong
    window.accounts.account_id.setText("111111111112")
    assert not window.banner.isVisible()


def test_the_hotkey_cells_clear_button_clears_and_saves_the_cleared_value(qtbot, window, core_env):
    from switcher.gui.settings.drafts import ROLE_COLUMNS

    select(window, "dev")
    set_role_hotkey(window, 0, "Ctrl+Alt+1")
    assert window.save() is True
    assert config_store.load(core_env).account("dev").roles[0].hotkey == "Ctrl+Alt+1"
    edit = window.accounts.roles.cellWidget(0, ROLE_COLUMNS.index("hotkey"))
    assert edit.clear_action.isVisible() and edit.clear_action.isEnabled()
    edit.clear_action.trigger()  # the × at the end of the field
    assert edit.combo() == "" and window.accounts.roles.item(0, ROLE_COLUMNS.index("hotkey")).text() == ""
    assert window.save() is True
    assert config_store.load(core_env).account("dev").roles[0].hotkey is None


def test_colours_follow_a_dark_palette(qtbot, controller):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from switcher.gui.settings.window import SettingsWindow

    app = QApplication.instance()
    light = app.palette()
    dark = QPalette(QColor("#2b2b2b"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    app.setPalette(dark)
    try:
        w = SettingsWindow(controller)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        select(w, "dev")
        w.accounts.account_id.setText("123")
        assert w.save() is False
        sheet = w.styleSheet().lower()
        assert "#fdecea" not in sheet and "#b3261e" not in sheet
        label = w.accounts.fields["id"].label
        text = label.palette().color(label.foregroundRole())
        assert text.lightness() > 150  # light red on the dark window, not dark red
        assert text.red() > text.green()
        banner = w.banner.grab().toImage()
        background = banner.pixelColor(banner.width() // 2, 3)
        assert background.lightness() < 100  # a dark tint, not a pale pink box
        field = w.accounts.account_id.grab().toImage()
        assert field.pixelColor(field.width() - 6, field.height() // 2).lightness() < 100
    finally:
        app.setPalette(light)


def test_hotkeys_are_edited_with_the_capture_widget(qtbot, window, core_env):
    select(window, "dev")
    cell = window.accounts.roles.cellWidget(0, 5)
    assert cell is not None, "per-role hotkey column uses the capture widget"
    cell.setCombo("alt+ctrl+1")
    window.general.hotkey.setCombo("shift+ctrl+space")
    assert window.save() is True, window.banner.text()
    saved = config_store.load(core_env)
    assert saved.account("dev").roles[0].hotkey == "Ctrl+Alt+1"
    assert saved.settings.palette_hotkey == "Ctrl+Shift+Space"


def test_a_role_hotkey_taken_by_the_palette_is_flagged_inline_and_not_saved(qtbot, window, core_env):
    from switcher.gui.settings.drafts import ROLE_COLUMNS

    window.general.hotkey.setCombo("Ctrl+Alt+A")
    window.general._hotkey_changed()
    before = core_env.read_bytes()
    select(window, "dev")
    set_role_hotkey(window, 0, "Ctrl+Alt+A")
    cell = window.accounts.roles.item(0, ROLE_COLUMNS.index("hotkey"))
    assert "already used by the search palette" in cell.toolTip()
    assert "already used by dev/Admin" in window.general.hotkey_error.text()
    assert window.save() is False
    assert "Ctrl+Alt+A" in window.banner.text() and core_env.read_bytes() == before

    set_role_hotkey(window, 0, "Ctrl+Alt+D")
    assert cell.toolTip() == "" and not window.general.hotkey_error.text()
    assert window.save() is True



def test_a_palette_switched_at_run_time_recolours_the_window(qtbot, window):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    light = app.palette()
    light_sheet = window.styleSheet()
    dark = QPalette(QColor("#2b2b2b"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    try:
        app.setPalette(dark)  # the desktop turned dark while Settings was open
        qtbot.waitUntil(lambda: window.styleSheet() != light_sheet, timeout=2000)
    finally:
        app.setPalette(light)
    qtbot.waitUntil(lambda: window.styleSheet() == light_sheet, timeout=2000)
