"""The palette's commands (">" and their keys), its region list and its empty states,
offscreen against the FakeController."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from switcher.core.partitions import region_names
from switcher.gui.palette import PaletteWindow
from switcher.gui.palette.commands import command_choices, region_choices

from ..palette_fakes import FakeController, make_target

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)")

TARGETS = [
    make_target("production", "Admin", "111122223333", "eu-west-1", color="F2B0A9"),
    make_target("staging", "Admin", "444455556666", "eu-central-1"),
    make_target("gov", "Admin", "777788889999", "us-gov-west-1"),
]


@pytest.fixture
def controller(tmp_path):
    return FakeController(TARGETS, tmp_path / "state.json")


@pytest.fixture
def palette(qtbot, controller):
    window = PaletteWindow(controller)
    qtbot.addWidget(window)
    window.show_palette()
    qtbot.waitExposed(window)
    return window


def type_query(qtbot, palette, text):
    palette.search.clear()
    qtbot.keyClicks(palette.search, text)


def test_a_leading_gt_lists_the_commands_for_the_selected_target(qtbot, palette, controller):
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)  # staging/Admin
    qtbot.keyClicks(palette.search, ">")
    assert palette.mode == "commands"
    assert palette.visible_choices() == ["Settings…", "Open in region…", "Copy console URL"]
    assert [c.aside for c in palette.choices.choices()] == ["Ctrl+,", "Ctrl+R", "Shift+Enter"]
    assert palette.choices.choices()[2].detail == "for staging/Admin"
    assert "Esc" in palette.hint_label.text()
    qtbot.keyClicks(palette.search, "url")
    assert palette.visible_choices() == ["Copy console URL"]
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert controller.calls == [("url", "staging/Admin")]


def test_commands_by_name_open_settings_and_regions(qtbot, palette, controller):
    requested = []
    palette.settings_requested.connect(lambda: requested.append(True))
    type_query(qtbot, palette, ">sett")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert requested == [True] and not palette.isVisible()

    palette.show_palette()
    type_query(qtbot, palette, "> region")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert palette.mode == "regions"
    assert "eu-west-1 — Europe (Ireland)" in palette.visible_choices()


def test_ctrl_comma_opens_settings(qtbot, palette):
    requested = []
    palette.settings_requested.connect(lambda: requested.append(True))
    qtbot.keyClick(palette.search, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert requested == [True] and not palette.isVisible()


def test_shift_enter_copies_the_console_url(qtbot, palette, controller):
    type_query(qtbot, palette, "stag")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert controller.calls == [("url", "staging/Admin")]


def test_ctrl_r_lists_every_region_of_the_partition_and_opens_one(qtbot, palette, controller):
    qtbot.keyClick(palette.search, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert palette.mode == "regions"
    shown = palette.visible_choices()
    assert len(shown) == len(region_names("aws")) > 30  # all of them, not a hand-picked few
    assert "ap-southeast-2 — Asia Pacific (Sydney)" in shown
    assert not any("gov" in s or "global" in s for s in shown)
    # the account's own region is marked and selected
    own = palette.current_choice()
    assert own.key == "eu-west-1" and own.aside == "account's region" and own.strong
    assert "production/Admin" in palette.hint_label.text()
    qtbot.keyClicks(palette.search, "frankfurt")
    assert palette.visible_choices() == ["eu-central-1 — Europe (Frankfurt)"]
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert controller.calls == [("console", "production/Admin", "eu-central-1")]


def test_regions_follow_the_targets_partition():
    (gov,) = [t for t in TARGETS if t.name == "gov/Admin"]
    codes = [c.key for c in region_choices(gov)]
    assert codes == [code for code, _ in region_names("aws-us-gov")] and "us-gov-west-1" in codes


def test_escape_goes_back_from_regions_to_the_query_then_hides(qtbot, palette):
    type_query(qtbot, palette, "stag")
    qtbot.keyClick(palette.search, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(palette.search, "eu")
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    assert palette.isVisible() and palette.mode == "targets"
    assert palette.search.text() == "stag" and palette.current_name() == "staging/Admin"
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    assert not palette.isVisible()
    palette.show_palette()  # a later open starts with the targets
    assert palette.mode == "targets" and palette.list.isVisible()


def test_deleting_the_gt_goes_back_to_targets(qtbot, palette):
    qtbot.keyClicks(palette.search, ">")
    qtbot.keyClick(palette.search, Qt.Key.Key_Backspace)
    assert palette.mode == "targets" and palette.list.isVisible()
    assert palette.current_name() == "production/Admin"


def test_no_targets_says_where_to_add_one(qtbot, tmp_path):
    window = PaletteWindow(FakeController([], tmp_path / "state.json"))
    qtbot.addWidget(window)
    window.show_palette()
    assert window.empty_text == "No accounts yet — add one in Settings (Ctrl+,)"
    assert not window.list.isVisibleTo(window)
    # the commands need no target; the ones acting on one are left out
    assert command_choices("", None)[0].title == "Settings…" and len(command_choices("", None)) == 1


def test_no_match_says_what_to_do(qtbot, palette):
    type_query(qtbot, palette, "xyzzy")
    assert palette.empty_text == (
        "No match for 'xyzzy' — type less, or add the account in Settings (Ctrl+,)")
    type_query(qtbot, palette, "prod")
    assert palette.empty_text == "" and palette.list.isVisibleTo(palette)
    type_query(qtbot, palette, ">xyzzy")
    assert palette.empty_text.startswith("No command matches 'xyzzy' — Settings…")


def test_the_hint_line_names_the_keys(palette):
    hint = palette.hint_label.text()
    for key in ("Shift+Enter", "Ctrl+R", "Ctrl+,", ">"):
        assert key in hint
