"""Key combinations ("Ctrl+Alt+A"): parsing, one canonical spelling, and the numbers each
platform's hotkey API wants (X11 keysyms + modifier masks, Windows VK codes + MOD_* flags,
macOS Carbon virtual key codes + modifiers, the XDG portal's trigger syntax).

Pure data, no Qt and no platform imports, so the mappings for platforms we cannot run
here are still tested. "Meta" is the Super/Windows/Command key everywhere.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

from switcher.core.errors import InputError

MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")  # canonical order in a spelled-out combo
_MODIFIER_ALIASES = {
    "ctrl": "Ctrl", "control": "Ctrl", "ctl": "Ctrl",
    "alt": "Alt", "option": "Alt", "opt": "Alt", "mod1": "Alt",
    "shift": "Shift",
    "meta": "Meta", "super": "Meta", "win": "Meta", "windows": "Meta", "cmd": "Meta",
    "command": "Meta", "logo": "Meta", "mod4": "Meta",
}

# canonical key name -> (X11 keysym, Windows VK, macOS kVK or None, XKB keysym name)
_NAMED_KEYS: dict[str, tuple[int, int, int | None, str]] = {
    "Space": (0x0020, 0x20, 0x31, "space"),
    "Enter": (0xFF0D, 0x0D, 0x24, "Return"),
    "Tab": (0xFF09, 0x09, 0x30, "Tab"),
    "Escape": (0xFF1B, 0x1B, 0x35, "Escape"),
    "Backspace": (0xFF08, 0x08, 0x33, "BackSpace"),
    "Delete": (0xFFFF, 0x2E, 0x75, "Delete"),
    "Insert": (0xFF63, 0x2D, 0x72, "Insert"),
    "Home": (0xFF50, 0x24, 0x73, "Home"),
    "End": (0xFF57, 0x23, 0x77, "End"),
    "PageUp": (0xFF55, 0x21, 0x74, "Prior"),
    "PageDown": (0xFF56, 0x22, 0x79, "Next"),
    "Left": (0xFF51, 0x25, 0x7B, "Left"),
    "Up": (0xFF52, 0x26, 0x7E, "Up"),
    "Right": (0xFF53, 0x27, 0x7C, "Right"),
    "Down": (0xFF54, 0x28, 0x7D, "Down"),
    "Print": (0xFF61, 0x2C, None, "Print"),
    "Pause": (0xFF13, 0x13, None, "Pause"),
    "Comma": (0x002C, 0xBC, 0x2B, "comma"),
    "Period": (0x002E, 0xBE, 0x2F, "period"),
    "Slash": (0x002F, 0xBF, 0x2C, "slash"),
    "Semicolon": (0x003B, 0xBA, 0x29, "semicolon"),
    "Apostrophe": (0x0027, 0xDE, 0x27, "apostrophe"),
    "BracketLeft": (0x005B, 0xDB, 0x21, "bracketleft"),
    "BracketRight": (0x005D, 0xDD, 0x1E, "bracketright"),
    "Backslash": (0x005C, 0xDC, 0x2A, "backslash"),
    "Minus": (0x002D, 0xBD, 0x1B, "minus"),
    "Equal": (0x003D, 0xBB, 0x18, "equal"),
    "Grave": (0x0060, 0xC0, 0x32, "grave"),
}
_KEY_ALIASES = {
    "return": "Enter", "esc": "Escape", "bksp": "Backspace", "del": "Delete", "ins": "Insert",
    "pgup": "PageUp", "prior": "PageUp", "pgdown": "PageDown", "pgdn": "PageDown",
    "next": "PageDown", "printscreen": "Print", "sysrq": "Print",
    ",": "Comma", ".": "Period", "/": "Slash", ";": "Semicolon", "'": "Apostrophe",
    "[": "BracketLeft", "]": "BracketRight", "\\": "Backslash", "-": "Minus", "=": "Equal",
    "`": "Grave", "quote": "Apostrophe", "backquote": "Grave",
}
_KEY_ALIASES.update({name.lower(): name for name in _NAMED_KEYS})

# macOS ANSI virtual key codes (Events.h kVK_ANSI_*): not alphabetical, so a table
_MAC_LETTERS = dict(zip("ASDFHGZXCVBQWERYT", [*range(10), *range(11, 18)], strict=True))
_MAC_LETTERS.update({"O": 0x1F, "U": 0x20, "I": 0x22, "P": 0x23, "L": 0x25, "J": 0x26,
                     "K": 0x28, "N": 0x2D, "M": 0x2E})
_MAC_DIGITS = {"1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19,
               "7": 0x1A, "8": 0x1C, "0": 0x1D}
_MAC_FKEYS = {1: 0x7A, 2: 0x78, 3: 0x63, 4: 0x76, 5: 0x60, 6: 0x61, 7: 0x62, 8: 0x64,
              9: 0x65, 10: 0x6D, 11: 0x67, 12: 0x6F, 13: 0x69, 14: 0x6B, 15: 0x71,
              16: 0x6A, 17: 0x40, 18: 0x4F, 19: 0x50, 20: 0x5A}

# X11 core modifier masks (X.h). NumLock is Mod2 on every common keymap; the X11 backend
# still asks the server and only falls back to this.
X11_MASKS = {"Shift": 1 << 0, "Ctrl": 1 << 2, "Alt": 1 << 3, "Meta": 1 << 6}
X11_LOCK_MASK = 1 << 1
X11_NUMLOCK_MASK = 1 << 4
# WinUser.h RegisterHotKey flags
WIN_MODS = {"Alt": 0x0001, "Ctrl": 0x0002, "Shift": 0x0004, "Meta": 0x0008}
WIN_MOD_NOREPEAT = 0x4000
# Carbon Events.h modifier bits
MAC_MODS = {"Meta": 0x0100, "Shift": 0x0200, "Alt": 0x0800, "Ctrl": 0x1000}
# XDG shortcuts spec modifier names
PORTAL_MODS = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "LOGO"}


@dataclass(frozen=True)
class KeyCombo:
    modifiers: frozenset[str]
    key: str  # canonical: "A", "7", "F5", "Space", "PageUp", ...

    def __str__(self) -> str:
        return "+".join([m for m in MODIFIERS if m in self.modifiers] + [self.key])

    # -- X11 ---------------------------------------------------------------------------
    def x11_keysym(self) -> int:
        if len(self.key) == 1 and self.key in string.ascii_uppercase:
            return ord(self.key.lower())  # keysyms of letters are the lowercase code points
        if len(self.key) == 1 and self.key in string.digits:
            return ord(self.key)
        if _is_fkey(self.key):
            return 0xFFBE + _fkey_number(self.key) - 1
        return _NAMED_KEYS[self.key][0]

    def x11_mask(self) -> int:
        return _mask(self.modifiers, X11_MASKS)

    def x11_masks_with_locks(self, numlock_mask: int = X11_NUMLOCK_MASK) -> list[int]:
        """Every mask to grab so the hotkey also fires with CapsLock and/or NumLock on."""
        base = self.x11_mask()
        locks = [0, X11_LOCK_MASK, numlock_mask, X11_LOCK_MASK | numlock_mask]
        return sorted({base | lock for lock in locks})

    # -- Windows -----------------------------------------------------------------------
    def win_vk(self) -> int:
        if len(self.key) == 1 and (self.key in string.ascii_uppercase or self.key in string.digits):
            return ord(self.key)  # VK_A..VK_Z and VK_0..VK_9 equal their ASCII codes
        if _is_fkey(self.key):
            return 0x70 + _fkey_number(self.key) - 1
        return _NAMED_KEYS[self.key][1]

    def win_modifiers(self, norepeat: bool = True) -> int:
        return _mask(self.modifiers, WIN_MODS) | (WIN_MOD_NOREPEAT if norepeat else 0)

    # -- macOS -------------------------------------------------------------------------
    def mac_keycode(self) -> int:
        code: int | None
        if self.key in _MAC_LETTERS:
            code = _MAC_LETTERS[self.key]
        elif self.key in _MAC_DIGITS:
            code = _MAC_DIGITS[self.key]
        elif _is_fkey(self.key):
            code = _MAC_FKEYS.get(_fkey_number(self.key))
        else:
            code = _NAMED_KEYS[self.key][2]
        if code is None:
            raise InputError(f"{self.key} has no key on a Mac keyboard; choose another key")
        return code

    def mac_modifiers(self) -> int:
        return _mask(self.modifiers, MAC_MODS)

    # -- Wayland portal ----------------------------------------------------------------
    def portal_trigger(self) -> str:
        if len(self.key) == 1:
            name = self.key.lower() if self.key.isalpha() else self.key
        elif _is_fkey(self.key):
            name = self.key
        else:
            name = _NAMED_KEYS[self.key][3]
        return "+".join([PORTAL_MODS[m] for m in MODIFIERS if m in self.modifiers] + [name])


def _mask(modifiers: frozenset[str], table: dict[str, int]) -> int:
    out = 0
    for m in modifiers:
        out |= table[m]
    return out


def _is_fkey(key: str) -> bool:
    return key[0] == "F" and key[1:].isdigit()


def _fkey_number(key: str) -> int:
    return int(key[1:])


def normalise_key(name: str) -> str:
    """Canonical key name, or InputError naming what was wrong."""
    raw = name.strip()
    if not raw:
        raise InputError("a key combination needs a key after the modifiers, e.g. Ctrl+Alt+A")
    if len(raw) == 1 and raw.isalpha() and raw.isascii():
        return raw.upper()
    # isascii too: isdigit() takes "١" and "²", which no key on a keyboard maps to
    if len(raw) == 1 and raw.isdigit() and raw.isascii():
        return raw
    low = raw.lower()
    if low[0] == "f" and low[1:].isdigit() and low.isascii():
        number = int(low[1:])
        if 1 <= number <= 24:
            return f"F{number}"
        raise InputError(f"there is no function key {raw}; use F1-F24")
    if low in _KEY_ALIASES:
        return _KEY_ALIASES[low]
    if low in _MODIFIER_ALIASES:
        raise InputError(f"{raw!r} is a modifier; a combination ends with an ordinary key, e.g. Ctrl+Alt+A")
    raise InputError(f"unknown key {raw!r} (letters, digits, F1-F24, Space, Enter, arrows, PageUp, ...)")


def parse(spec: str) -> KeyCombo:
    """Parse "ctrl+alt+a", "Alt + Ctrl + A", "Super+F5" ... Raise InputError (one line) on
    anything that cannot be a global hotkey."""
    if not isinstance(spec, str) or not spec.strip():
        raise InputError("empty key combination; write it like Ctrl+Alt+A")
    text = spec.strip()
    if text.endswith("++") or text == "+":
        raise InputError("the + key cannot be a hotkey; use Equal (the same key) instead")
    parts = [p.strip() for p in text.split("+")]
    *mods_raw, key_raw = parts
    modifiers: set[str] = set()
    for raw in mods_raw:
        mod = _MODIFIER_ALIASES.get(raw.lower())
        if mod is None:
            if not raw:
                raise InputError(f"{spec!r} has an empty part between two '+'")
            raise InputError(f"unknown modifier {raw!r} in {spec!r} (use Ctrl, Alt, Shift, Meta)")
        if mod in modifiers:
            raise InputError(f"{mod} appears twice in {spec!r}")
        modifiers.add(mod)
    key = normalise_key(key_raw)
    combo = KeyCombo(frozenset(modifiers), key)
    _check_usable(combo, spec)
    return combo


def _check_usable(combo: KeyCombo, spec: str) -> None:
    # a global grab of a key people type would swallow it in every other program
    if not combo.modifiers - {"Shift"} and not _is_fkey(combo.key) and combo.key not in {"Print", "Pause"}:
        raise InputError(
            f"{spec.strip()} would take that key from every program; add Ctrl, Alt or Meta"
        )


def normalise(spec: str) -> str:
    """The canonical spelling ("alt+ctrl+a" -> "Ctrl+Alt+A"), for storing and comparing."""
    return str(parse(spec))


def check(spec: str | None) -> str | None:
    """For config validation: None stays None, anything else is normalised or rejected."""
    if spec is None or not str(spec).strip():
        return None
    return normalise(str(spec))


def conflicts(specs: dict[str, str], label: Callable[[str], str] = str) -> dict[str, str]:
    """{owner: spec} -> {owner: message} for every owner whose spec is invalid or whose
    combo an earlier owner has; ``label`` names that earlier owner in the message."""
    seen: dict[str, str] = {}
    out: dict[str, str] = {}
    for owner, spec in specs.items():
        try:
            canonical = normalise(spec)
        except InputError as exc:
            out[owner] = str(exc)
            continue
        if canonical in seen:
            out[owner] = f"{canonical} is already used by {label(seen[canonical])}"
        else:
            seen[canonical] = owner
    return out
