"""Settings window: inline validation, saving, no data loss on a failed save, reload and
merge on external change, import preview, export, start at login."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTableWidgetItem

from switcher.core import config as config_store
from switcher.core.model import Account, Role
from switcher.gui.controller import Controller
from switcher.gui.settings import SettingsWindow

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

ESR = """\
[profile acme-data]
aws_account_id = 444444444444
role_name = Analyst
color = FAD791
region = eu-west-2

[profile acme-ops]
aws_account_id = 555555555555
role_name = Operator
"""


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


def select(window, alias: str) -> None:
    for row, draft in enumerate(window.accounts.drafts):
        if draft.get("alias") == alias:
            window.accounts.list.setCurrentRow(row)
            return
    raise AssertionError(alias)


def test_inline_validation_as_you_type(qtbot, window):
    select(window, "dev")
    field = window.accounts.fields["alias"]
    window.accounts.alias.clear()
    qtbot.keyClicks(window.accounts.alias, "Bad_Alias")
    assert "lowercase" in field.error and "lowercase" in window.accounts.alias.toolTip()
    assert "Alias:" in window.accounts.problems.full_text
    assert window.accounts.alias.property("invalid") is True
    window.accounts.alias.clear()
    qtbot.keyClicks(window.accounts.alias, "good-alias")
    assert field.error is None and not window.accounts.problems.full_text
    assert window.accounts.list.currentItem().text().startswith("good-alias")

    id_field = window.accounts.fields["id"]
    window.accounts.account_id.setText("12345")
    assert "12 digits" in id_field.error
    window.accounts.color.setText("#zzzzzz")
    assert "6 hex digits" in window.accounts.fields["color"].error
    window.accounts.browser.setCurrentText("netscape")
    assert "unknown browser" in window.accounts.fields["browser"].error
    assert window.accounts.problems.full_text.startswith("3 problems — ")
    assert window.accounts.problems.toolTip().count("\n") == 2


def test_role_cells_are_validated(qtbot, window):
    select(window, "dev")
    roles = window.accounts.roles
    roles.item(0, 1).setText("60")  # duration below 900
    assert "between 900 and 43200" in roles.item(0, 1).toolTip()
    assert "Role row 1, Duration" in window.accounts.problems.full_text
    roles.item(0, 1).setText("3600")
    assert roles.item(0, 1).toolTip() == ""
    assert not window.accounts.problems.full_text
    window.accounts.add_role()
    roles.setItem(roles.rowCount() - 1, 0, QTableWidgetItem("Admin"))
    assert "twice" in window.accounts.problems.full_text


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


def test_add_and_remove_accounts(qtbot, window, core_env):
    window.accounts.add_account()
    qtbot.keyClicks(window.accounts.alias, "brand-new")
    qtbot.keyClicks(window.accounts.account_id, "777777777777")
    window.accounts.add_role()
    window.accounts.roles.item(0, 0).setText("Viewer")
    select(window, "dev")
    window.accounts.remove_account()
    assert window.save() is True
    saved = config_store.load(core_env)
    assert [a.alias for a in saved.accounts] == ["prod", "brand-new"]
    assert saved.account("brand-new").roles[0].name == "Viewer"


def test_import_preview_saves_nothing_until_import(qtbot, window, controller, core_env):
    page = window.transfer
    page.kind.setCurrentIndex(0)  # ESR
    page.text.setPlainText(ESR)
    before = core_env.read_bytes()
    result = page.preview()
    lines = [page.preview_list.item(i).text() for i in range(page.preview_list.count())]
    assert "+ account acme-data" in lines and "+ role acme-ops/Operator" in lines
    assert page.import_button.isEnabled()
    assert core_env.read_bytes() == before
    page.text.setPlainText(ESR + "\n")  # any edit invalidates the preview
    assert not page.import_button.isEnabled()
    page.preview()
    assert page.do_import() is not None
    saved = config_store.load(core_env)
    assert {"acme-data", "acme-ops"} <= {a.alias for a in saved.accounts}
    assert result.changed
    qtbot.waitUntil(lambda: "acme-data/Analyst" in [t.name for t in controller.targets()], timeout=5000)


def test_import_errors_are_shown_inline(qtbot, window, core_env):
    page = window.transfer
    page.kind.setCurrentIndex(1)  # link
    page.text.setPlainText("https://evil.example.com/switchrole?account=123456789012&roleName=X")
    before = core_env.read_bytes()
    assert page.preview() is None
    assert page.message.text() and not page.import_button.isEnabled()
    assert core_env.read_bytes() == before


def test_export_shows_both_formats(qtbot, window):
    assert "111111111111" in window.transfer.export("esr")
    assert "role_arn = arn:aws:iam::111111111111:role/Admin" in window.transfer.export("aws-config")


def test_copy_puts_the_export_on_the_clipboard_as_plain_text(qtbot, window):
    from PySide6.QtGui import QGuiApplication

    from switcher.gui.clipboard import SECRET_HINT_MIME

    text = window.transfer.export("esr")
    window.transfer.copy_export.click()
    board = QGuiApplication.clipboard()
    assert board.text() == text
    assert not board.mimeData().hasFormat(SECRET_HINT_MIME)
    assert window.controller.clipboard.pending_clear_ms() == -1


def test_start_at_login_writes_the_xdg_autostart_entry(qtbot, window, tmp_path):
    entry = tmp_path / "xdg-config" / "autostart" / "switcher.desktop"
    window.general.start_at_login.setChecked(True)
    assert window.save() is True
    assert entry.exists() and "Exec=" in entry.read_text() and " tray" in entry.read_text()
    window.general.start_at_login.setChecked(False)
    assert window.save() is True
    assert not entry.exists()


def test_general_settings_validate(qtbot, window, core_env):
    before = core_env.read_bytes()
    window.general.duration.setValue(100)  # below the STS minimum
    assert window.save() is False and "between 900 and 43200" in window.banner.text()
    assert core_env.read_bytes() == before


def test_hotkeys_are_edited_with_the_capture_widget(qtbot, window, core_env):
    from switcher.gui.settings.general import set_hotkey_text

    select(window, "dev")
    cell = window.accounts.roles.cellWidget(0, 5)
    assert cell is not None, "per-role hotkey column uses the capture widget"
    cell.setCombo("alt+ctrl+1")
    set_hotkey_text(window.general.hotkey, "shift+ctrl+space")
    assert window.save() is True, window.banner.text()
    saved = config_store.load(core_env)
    assert saved.account("dev").roles[0].hotkey == "Ctrl+Alt+1"
    assert saved.settings.palette_hotkey == "Ctrl+Shift+Space"


def test_hotkey_problems_from_the_backend_are_shown_inline(qtbot, window):
    window.general.show_hotkey_status({"hotkeys": {"Ctrl+Alt+A": "already grabbed by another program"}})
    assert not window.general.hotkey_status.isHidden()
    assert "Ctrl+Alt+A: already grabbed" in window.general.hotkey_status.text()
    window.general.show_hotkey_status({"hotkeys": {}, "hotkeys_unavailable": "Wayland without portal"})
    assert "switcher show" in window.general.hotkey_status.text()
    window.general.show_hotkey_status({"hotkeys": {"Ctrl+Alt+A": "ok"}})
    assert window.general.hotkey_status.isHidden()


def test_title_does_not_repeat_the_app_name(window):
    assert window.windowTitle() == "Settings"  # Qt adds " — Switcher" itself


def _set_role_hotkey(window, row: int, combo: str) -> None:
    """What KeyCaptureEdit does when a combination is pressed in the Hotkey cell."""
    from switcher.gui.settings.accounts import ROLE_COLUMNS

    column = ROLE_COLUMNS.index("hotkey")
    edit = window.accounts.roles.cellWidget(row, column)
    if edit is not None and hasattr(edit, "setCombo"):
        edit.setCombo(combo)
    if window.accounts.roles.item(row, column).text() != combo:
        window.accounts.roles.item(row, column).setText(combo)


def test_a_role_hotkey_taken_by_the_palette_is_flagged_inline_and_not_saved(qtbot, window, core_env):
    from switcher.gui.settings.accounts import ROLE_COLUMNS
    from switcher.gui.settings.general import set_hotkey_text

    set_hotkey_text(window.general.hotkey, "Ctrl+Alt+A")
    window.general._hotkey_changed()
    before = core_env.read_bytes()
    select(window, "dev")
    _set_role_hotkey(window, 0, "Ctrl+Alt+A")
    cell = window.accounts.roles.item(0, ROLE_COLUMNS.index("hotkey"))
    assert "already used by the search palette" in cell.toolTip()
    assert "already used by dev/Admin" in window.general.hotkey_error.text()
    assert window.save() is False
    assert "Ctrl+Alt+A" in window.banner.text() and core_env.read_bytes() == before

    _set_role_hotkey(window, 0, "Ctrl+Alt+D")
    assert cell.toolTip() == "" and not window.general.hotkey_error.text()
    assert window.save() is True


def test_two_roles_with_one_hotkey_are_both_flagged(qtbot, window, core_env):
    from switcher.gui.settings.accounts import ROLE_COLUMNS

    column = ROLE_COLUMNS.index("hotkey")
    select(window, "prod")
    _set_role_hotkey(window, 0, "Ctrl+Alt+P")
    select(window, "dev")
    _set_role_hotkey(window, 1, "Ctrl+Alt+P")
    assert "already used by prod/Deploy" in window.accounts.roles.item(1, column).toolTip()
    assert window.save() is False
    select(window, "prod")
    assert "already used by dev/team/ReadOnly" in window.accounts.roles.item(0, column).toolTip()


def test_the_selected_account_and_role_stay_selected_after_saving(qtbot, window):
    select(window, "prod")
    window.accounts.roles.setCurrentCell(0, 1)
    window.accounts.color.setText("FBBF93")
    assert window.save() is True
    assert window.accounts.list.currentRow() == 1
    assert window.accounts.alias.text() == "prod"
    assert window.accounts.roles.currentRow() == 0


def test_credentials_from_is_wide_enough_for_its_placeholder(qtbot, window):
    select(window, "dev")
    source = window.accounts.source
    needed = source.fontMetrics().horizontalAdvance(source.lineEdit().placeholderText())
    assert source.lineEdit().width() >= needed


def test_add_keys_stores_them_in_the_keyring_and_records_the_source(qtbot, window, controller, core_env, caplog):
    from switcher.core.secrets import keystore

    select(window, "dev")
    window.accounts.source.setCurrentText("")
    dialog = window.add_keys()
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    qtbot.keyClicks(dialog.source, "work-keys")
    qtbot.keyClicks(dialog.key_id, "AKIAEXAMPLE1234567")
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    qtbot.keyClicks(dialog.secret, "short")
    assert dialog.store() is False and "malformed" in dialog.error.text()  # nothing stored
    assert keystore.load_keys("work-keys") is None
    dialog.secret.setText(secret)
    assert dialog.store() is True
    assert keystore.load_keys("work-keys") == ("AKIAEXAMPLE1234567", secret)
    assert config_store.load(core_env).keyring_sources == ("work-keys",)
    assert window.accounts.source.currentText() == "work-keys"  # used for the selected account
    assert secret not in core_env.read_text() and secret not in caplog.text
    assert secret not in window.banner.text()
    assert window.save() is True
    assert config_store.load(core_env).account("dev").source == "work-keys"


def test_every_bad_cell_of_a_row_is_marked_and_summed_up_on_one_fixed_line(qtbot, window):
    from switcher.gui.settings.accounts import INVALID_ROLE, ROLE_COLUMNS

    select(window, "dev")
    page = window.accounts
    roles = page.roles
    height = page.problems.height()
    col = ROLE_COLUMNS.index
    roles.item(0, col("duration")).setText("60")
    roles.item(0, col("external_id")).setText("x")
    roles.item(0, col("mfa_serial")).setText("nope")
    roles.item(0, col("via")).setText("no-such-target")
    for column in ("duration", "external_id", "mfa_serial", "via"):
        item = roles.item(0, col(column))
        assert item.toolTip() and item.data(INVALID_ROLE), column
    assert "external id must be 2-1224" in roles.item(0, col("external_id")).toolTip()
    assert page.problems.full_text.startswith("4 problems — Role row 1")
    assert len(page.problems.toolTip().splitlines()) == 4
    assert page.problems.height() == height  # nothing below it moved
    page.alias.setText("Bad Alias")
    assert page.problems.height() == height

    roles.item(0, col("via")).setText("prod/Deploy")  # a real target: fine, and chained
    assert roles.item(0, col("via")).toolTip() == ""
    roles.item(0, col("duration")).setText("7200")
    assert "1 hour limit" in roles.item(0, col("duration")).toolTip()  # role chaining


def test_browser_choices_show_friendly_labels_and_save_raw_values(qtbot, window, core_env):
    select(window, "dev")
    browser = window.accounts.browser
    labels = [browser.itemText(i) for i in range(browser.count())]
    assert "Chrome — profile Default" in labels
    assert not any(":" in label.split(" ")[0] for label in labels)  # no raw "chrome:profile=…"
    browser.setCurrentIndex(labels.index("Chrome — profile Default"))
    assert window.accounts.fields["browser"].error is None
    window.general.browser.setCurrentIndex(labels.index("Firefox — container per account"))
    assert window.save() is True
    saved = config_store.load(core_env)
    assert saved.account("dev").browser == "chrome:profile=Default"
    assert saved.settings.browser == "firefox:container"
    select(window, "prod")
    select(window, "dev")  # shown again from the saved value: the label, not the raw string
    assert browser.currentText() == "Chrome — profile Default"
    assert window.general.browser.currentText() == "Firefox — container per account"
    browser.setCurrentText("cmd:mybrowser {url}")  # typed raw values still work
    assert window.accounts.fields["browser"].error is None


def test_via_accepts_only_what_the_core_resolves(qtbot, controller, core_env):
    import os
    from dataclasses import replace

    from switcher.gui.settings.accounts import ROLE_COLUMNS

    with open(os.environ["AWS_CONFIG_FILE"], "a") as f:
        f.write("\n[profile ops-admin]\nrole_arn = arn:aws:iam::777777777777:role/Admin\n"
                "source_profile = base\n\n[profile plain]\nregion = eu-west-1\n")
    config_store.save(replace(config_store.load(core_env), keyring_sources=("work-keys",)), core_env)
    controller.reload()
    w = SettingsWindow(controller)
    qtbot.addWidget(w)
    page = w.accounts
    # an unsaved account with one role: its alias and alias/role are targets already
    page.add_account()
    page.alias.setText("draft-acct")
    page.account_id.setText("888888888888")
    page.add_role()
    page.roles.item(0, 0).setText("Reader")
    select(w, "dev")
    via = page.roles.item(0, ROLE_COLUMNS.index("via"))

    def problem(text: str) -> str:
        via.setText(text)
        return via.toolTip()

    assert problem("ops-admin") == ""  # a profile with role_arn
    assert problem("prod/Deploy") == ""
    assert problem("draft-acct") == ""  # one-role alias, not saved yet
    assert problem("draft-acct/Reader") == ""
    assert "credentials source, not a role" in problem("base")  # a plain AWS CLI profile
    assert "credentials source, not a role" in problem("plain")
    assert "credentials source, not a role" in problem("work-keys")  # a keyring source
    assert "no target named 'nothing'" in problem("nothing")
    assert "Via target" in page.problems.full_text
