"""Key-combination parsing and the per-platform numbers (X11, Windows, macOS, XDG portal)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switcher.core import keyspec
from switcher.core.errors import InputError


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("Ctrl+Alt+A", "Ctrl+Alt+A"),
        ("alt+ctrl+a", "Ctrl+Alt+A"),
        (" Control + Option + a ", "Ctrl+Alt+A"),
        ("super+shift+f5", "Shift+Meta+F5"),
        ("Cmd+Space", "Meta+Space"),
        ("ctrl+alt+return", "Ctrl+Alt+Enter"),
        ("Ctrl+Alt+pgdn", "Ctrl+Alt+PageDown"),
        ("Ctrl+Alt+/", "Ctrl+Alt+Slash"),
        ("ctrl+alt+7", "Ctrl+Alt+7"),
        ("F12", "F12"),
        ("Shift+F3", "Shift+F3"),
        ("Win+Ctrl+bracketleft", "Ctrl+Meta+BracketLeft"),
    ],
)
def test_normalise(spec, canonical):
    assert keyspec.normalise(spec) == canonical


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("", "empty"),
        ("Ctrl+Alt+", "needs a key"),
        ("Ctrl+Alt", "is a modifier"),
        ("Hyper+A", "unknown modifier"),
        ("Ctrl+Ctrl+A", "twice"),
        ("Ctrl++A", "empty part"),
        ("Ctrl+Alt+Foo", "unknown key"),
        ("Ctrl+F25", "F1-F24"),
        ("A", "every program"),
        ("Shift+A", "every program"),
        ("Ctrl++", "+ key"),
        ("Ctrl+Alt+é", "unknown key"),
    ],
)
def test_bad_specs_give_one_line_errors(spec, needle):
    with pytest.raises(InputError) as err:
        keyspec.parse(spec)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_check_accepts_none_and_blank():
    assert keyspec.check(None) is None
    assert keyspec.check("  ") is None
    assert keyspec.check("alt+ctrl+p") == "Ctrl+Alt+P"


def test_x11_mapping():
    combo = keyspec.parse("Ctrl+Alt+A")
    assert combo.x11_keysym() == 0x61  # XK_a
    assert combo.x11_mask() == 0x4 | 0x8  # ControlMask | Mod1Mask
    assert keyspec.parse("Meta+Shift+F1").x11_mask() == 0x40 | 0x1
    assert keyspec.parse("Meta+F1").x11_keysym() == 0xFFBE  # XK_F1
    assert keyspec.parse("Ctrl+Alt+F24").x11_keysym() == 0xFFD5  # XK_F24
    assert keyspec.parse("Ctrl+Alt+PageUp").x11_keysym() == 0xFF55  # XK_Prior
    assert keyspec.parse("Ctrl+Alt+5").x11_keysym() == 0x35
    # CapsLock (LockMask) and NumLock (Mod2) variants, all four
    assert combo.x11_masks_with_locks() == [0x0C, 0x0E, 0x1C, 0x1E]
    assert combo.x11_masks_with_locks(numlock_mask=0x80) == [0x0C, 0x0E, 0x8C, 0x8E]


def test_windows_mapping():
    combo = keyspec.parse("Ctrl+Alt+A")
    assert combo.win_vk() == 0x41  # VK_A
    assert combo.win_modifiers() == 0x0002 | 0x0001 | 0x4000  # MOD_CONTROL|MOD_ALT|MOD_NOREPEAT
    assert keyspec.parse("Meta+Shift+F1").win_modifiers(norepeat=False) == 0x0008 | 0x0004
    assert keyspec.parse("Ctrl+Alt+F1").win_vk() == 0x70  # VK_F1
    assert keyspec.parse("Ctrl+Alt+F24").win_vk() == 0x87  # VK_F24
    assert keyspec.parse("Ctrl+Alt+9").win_vk() == 0x39
    assert keyspec.parse("Ctrl+Alt+Comma").win_vk() == 0xBC  # VK_OEM_COMMA
    assert keyspec.parse("Ctrl+Alt+Grave").win_vk() == 0xC0  # VK_OEM_3
    assert keyspec.parse("Ctrl+Alt+Down").win_vk() == 0x28


def test_macos_mapping():
    combo = keyspec.parse("Ctrl+Alt+A")
    assert combo.mac_keycode() == 0x00  # kVK_ANSI_A
    assert combo.mac_modifiers() == 0x1000 | 0x0800  # controlKey | optionKey
    assert keyspec.parse("Meta+Shift+Space").mac_modifiers() == 0x0100 | 0x0200
    assert keyspec.parse("Meta+Space").mac_keycode() == 0x31
    assert keyspec.parse("Meta+P").mac_keycode() == 0x23  # kVK_ANSI_P
    assert keyspec.parse("Meta+Z").mac_keycode() == 0x06
    assert keyspec.parse("Meta+0").mac_keycode() == 0x1D
    assert keyspec.parse("Meta+F1").mac_keycode() == 0x7A
    assert keyspec.parse("Meta+Left").mac_keycode() == 0x7B
    with pytest.raises(InputError, match="Mac keyboard"):
        keyspec.parse("Ctrl+Alt+Print").mac_keycode()
    with pytest.raises(InputError, match="Mac keyboard"):
        keyspec.parse("Ctrl+Alt+F21").mac_keycode()


def test_every_letter_and_digit_has_a_distinct_mac_code():
    codes = [keyspec.parse(f"Meta+{c}").mac_keycode() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
    assert len(set(codes)) == 36


def test_portal_trigger():
    assert keyspec.parse("Ctrl+Alt+A").portal_trigger() == "CTRL+ALT+a"
    assert keyspec.parse("Meta+Shift+PageDown").portal_trigger() == "SHIFT+LOGO+Next"
    assert keyspec.parse("Ctrl+Alt+F3").portal_trigger() == "CTRL+ALT+F3"


def test_conflicts():
    got = keyspec.conflicts({"palette": "Ctrl+Alt+A", "prod/Admin": "alt+ctrl+a",
                             "dev/Dev": "Ctrl+Alt+D", "bad": "Ctrl+Nope"})
    assert got == {"prod/Admin": "Ctrl+Alt+A is already used by palette",
                   "bad": "unknown key 'Nope' (letters, digits, F1-F24, Space, Enter, arrows, PageUp, ...)"}


KEYS = st.sampled_from(
    list("ABCXYZ0189") + ["F1", "F12", "Space", "Enter", "PageUp", "Slash", "Grave", "Left"]
)
MODS = st.sets(st.sampled_from(keyspec.MODIFIERS), min_size=1).filter(lambda s: s != {"Shift"})


@given(MODS, KEYS, st.randoms())
def test_round_trip_any_order_any_case(mods, key, rnd):
    parts = list(mods)
    rnd.shuffle(parts)
    spec = "+".join(p.lower() if rnd.random() < 0.5 else p.upper() for p in [*parts, key])
    combo = keyspec.parse(spec)
    assert combo.modifiers == frozenset(mods)
    assert keyspec.parse(str(combo)) == combo
    assert keyspec.normalise(str(combo)) == str(combo)
    assert combo.x11_mask() & ~0x4D == 0  # only Shift/Control/Mod1/Mod4 bits
