"""The accounts page: inline validation of fields and role cells (each problem in full
under its field or the table, none before the user typed), the account id's validator,
adding and removing accounts, hotkey conflicts between roles, "via" targets."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidgetItem

from switcher.core import config as config_store
from switcher.gui.settings.window import SettingsWindow

from ..tray_env import QT_LOG_IGNORE
from .editing import select, set_role_hotkey

pytestmark = QT_LOG_IGNORE


def test_inline_validation_as_you_type(qtbot, window):
    select(window, "dev")
    field = window.accounts.fields["alias"]
    window.accounts.alias.clear()
    qtbot.keyClicks(window.accounts.alias, "Bad Alias")
    assert "'Bad Alias'" in field.error and "'Bad Alias'" in window.accounts.alias.toolTip()
    assert field.label.isVisible() and field.label.text() == field.error  # under the field
    assert window.accounts.alias.property("invalid") is True
    window.accounts.alias.clear()
    qtbot.keyClicks(window.accounts.alias, "good-alias")
    assert field.error is None and not field.label.isVisible()
    assert window.accounts.list.currentItem().text().startswith("good-alias")

    id_field = window.accounts.fields["id"]
    window.accounts.account_id.setText("12345")
    assert "12 digits" in id_field.error
    window.accounts.color.setText("#zzzzzz")
    assert "6 hex digits" in window.accounts.fields["color"].error
    window.accounts.browser.setCurrentText("netscape")
    assert "unknown browser" in window.accounts.fields["browser"].error
    shown = [f.label.text() for f in window.accounts.fields.values() if f.label.isVisible()]
    assert len(shown) == 3 and all(shown)  # every problem at once, each under its field
    assert len(window.accounts.problem_list()) == 3


def test_a_long_problem_is_shown_in_full_not_elided(qtbot, window):
    select(window, "dev")
    long_name = "x" * 70
    window.accounts.alias.setText(long_name)
    label = window.accounts.fields["alias"].label
    assert label.isVisible() and long_name in label.text() and label.wordWrap()
    assert "…" not in label.text()


def test_a_new_account_is_not_red_before_the_user_typed(qtbot, window):
    page = window.accounts
    page.add_account()
    assert page.alias.property("invalid") is not True
    assert not any(f.label.isVisible() for f in page.fields.values())
    assert not page.problems.isVisible()
    page.add_role()
    assert not page.problems.isVisible()  # a fresh role row has no name yet: not wrong yet
    assert window.save() is False  # but Save says what is missing, where it is
    assert page.alias.property("invalid") is True and page.fields["alias"].label.isVisible()
    assert "Role row 1, Role (path/name)" in page.problems.text()


def test_the_account_id_takes_only_digits(qtbot, window):
    select(window, "dev")
    page = window.accounts
    page.account_id.clear()
    qtbot.keyClicks(page.account_id, "12ab34")
    assert page.account_id.text() == "1234"
    qtbot.keyClicks(page.account_id, "567890123456")
    assert page.account_id.text() == "123456789012"  # 12 at most
    page.account_id.clear()
    page.account_id.insert("1234-5678-9012")  # as the console shows it, pasted
    assert page.account_id.text() == "123456789012"


def test_role_cells_are_validated(qtbot, window):
    select(window, "dev")
    roles = window.accounts.roles
    roles.item(0, 1).setText("60")  # duration below 900
    assert "between 900 and 43200" in roles.item(0, 1).toolTip()
    assert "Role row 1, Duration" in window.accounts.problems.text()
    roles.item(0, 1).setText("3600")
    assert roles.item(0, 1).toolTip() == ""
    assert not window.accounts.problems.isVisible()
    window.accounts.add_role()
    roles.setItem(roles.rowCount() - 1, 0, QTableWidgetItem("Admin"))
    assert "twice" in window.accounts.problems.text()


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


def test_two_roles_with_one_hotkey_are_both_flagged(qtbot, window, core_env):
    from switcher.gui.settings.drafts import ROLE_COLUMNS

    column = ROLE_COLUMNS.index("hotkey")
    select(window, "prod")
    set_role_hotkey(window, 0, "Ctrl+Alt+P")
    select(window, "dev")
    set_role_hotkey(window, 1, "Ctrl+Alt+P")
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


def test_every_bad_cell_of_a_row_is_marked_and_listed_in_full(qtbot, window):
    from switcher.gui.settings.accounts import INVALID_ROLE
    from switcher.gui.settings.drafts import ROLE_COLUMNS

    select(window, "dev")
    page = window.accounts
    roles = page.roles
    col = ROLE_COLUMNS.index
    roles.item(0, col("duration")).setText("60")
    roles.item(0, col("external_id")).setText("x")
    roles.item(0, col("mfa_serial")).setText("nope")
    roles.item(0, col("via")).setText("no-such-target")
    for column in ("duration", "external_id", "mfa_serial", "via"):
        item = roles.item(0, col(column))
        assert item.toolTip() and item.data(INVALID_ROLE), column
    assert "external id must be 2-1224" in roles.item(0, col("external_id")).toolTip()
    lines = page.problems.text().splitlines()
    assert len(lines) == 4 and all(line.startswith("Role row 1, ") for line in lines)
    assert "external id must be 2-1224" in page.problems.text()

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

    from switcher.gui.settings.drafts import ROLE_COLUMNS

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
    assert "Via target" in page.problems.text()



def test_the_account_multi_session_checkbox_has_three_states(qtbot, window, core_env):
    from PySide6.QtCore import Qt

    select(window, "dev")
    box = window.accounts.multi_session
    assert box.text() == "AWS console multi-session is on in this browser"
    assert box.checkState() == Qt.CheckState.PartiallyChecked  # the general setting
    box.setCheckState(Qt.CheckState.Checked)
    assert window.save() is True
    assert config_store.load(core_env).account("dev").multi_session is True
    select(window, "prod")
    assert box.checkState() == Qt.CheckState.PartiallyChecked
    select(window, "dev")  # shown again from the saved value
    assert box.checkState() == Qt.CheckState.Checked
    box.setCheckState(Qt.CheckState.Unchecked)
    assert window.save() is True
    assert config_store.load(core_env).account("dev").multi_session is False
    box.setCheckState(Qt.CheckState.PartiallyChecked)
    assert window.save() is True
    saved = config_store.load(core_env)
    assert saved.account("dev").multi_session is None
    import tomllib

    assert all("multi_session" not in a for a in tomllib.loads(core_env.read_text())["accounts"])
