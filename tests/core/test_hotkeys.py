"""Hotkey owners: the palette and the roles, named the same way in every message."""

from __future__ import annotations

import pytest

from switcher.core import hotkeys
from switcher.core.errors import InputError


def test_the_palette_is_named_as_people_know_it_and_targets_as_they_are():
    assert hotkeys.owner_label(hotkeys.PALETTE) == "the search palette"
    assert hotkeys.owner_label("prod/Admin") == "prod/Admin"
    assert hotkeys.owner_label("palette-dev/Admin") == "palette-dev/Admin"


def test_owned_hotkeys_puts_the_palette_first_and_skips_owners_without_one():
    specs = hotkeys.owned_hotkeys("Ctrl+Alt+A", [("prod/Admin", "Ctrl+Alt+P"), ("dev/Dev", None),
                                                 ("dev/Ops", "")])
    assert list(specs.items()) == [("palette", "Ctrl+Alt+A"), ("prod/Admin", "Ctrl+Alt+P")]
    assert hotkeys.owned_hotkeys("", [("prod/Admin", "Ctrl+Alt+P")]) == {"prod/Admin": "Ctrl+Alt+P"}
    assert hotkeys.owned_hotkeys(None, []) == {}


def test_conflicts_name_the_earlier_owner_by_its_label():
    specs = hotkeys.owned_hotkeys("Ctrl+Alt+A", [
        ("prod/Admin", "alt+ctrl+a"), ("palette-dev/Admin", "Ctrl+Alt+P"),
        ("staging/Admin", "ctrl+alt+p"), ("bad/Role", "Ctrl+Nope")])
    assert hotkeys.conflicts(specs) == {
        "prod/Admin": "Ctrl+Alt+A is already used by the search palette",
        "staging/Admin": "Ctrl+Alt+P is already used by palette-dev/Admin",
        "bad/Role": "unknown key 'Nope' (letters, digits, F1-F24, Space, Enter, arrows, PageUp, ...)",
    }


def test_conflict_of_one_more_spec_with_the_others():
    others = {"palette": "Ctrl+Alt+A", "prod/Admin": "Ctrl+Alt+P"}
    assert hotkeys.conflict("alt+ctrl+a", others) == "Ctrl+Alt+A is already used by the search palette"
    assert hotkeys.conflict("Ctrl+Alt+P", others) == "Ctrl+Alt+P is already used by prod/Admin"
    assert hotkeys.conflict("Ctrl+Alt+D", others) is None
    assert hotkeys.conflict("Ctrl+Alt+D", {}) is None
    assert "add Ctrl, Alt or Meta" in hotkeys.conflict("A", others)
    assert others == {"palette": "Ctrl+Alt+A", "prod/Admin": "Ctrl+Alt+P"}  # not changed


def test_check_unique_refuses_two_owners_of_one_combination():
    hotkeys.check_unique(hotkeys.owned_hotkeys("Ctrl+Alt+A", [("prod/Admin", "Ctrl+Alt+P")]))
    with pytest.raises(InputError) as exc:
        hotkeys.check_unique(hotkeys.owned_hotkeys("Ctrl+Alt+A", [
            ("prod/Admin", "Ctrl+Alt+P"), ("dev/Admin", "ctrl+alt+a"), ("dev/Ops", "ctrl+alt+p")]))
    assert str(exc.value) == "hotkey of dev/Admin: Ctrl+Alt+A is already used by the search palette"
