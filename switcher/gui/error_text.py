"""How the tray words an error: the fix is a place in Settings, not a command line."""

from __future__ import annotations

from switcher.core.errors import Fix, SwitcherError

SETTINGS_HINT = " — set its credentials source in Settings (Accounts › Credentials from, or Add keys…)"


def fix_wording(fix: Fix, name: str | None) -> str:
    if fix in (Fix.ADD_KEYS, Fix.SET_SOURCE):
        return SETTINGS_HINT
    raise ValueError(f"the tray has no wording for {fix}")


def for_gui(err: SwitcherError) -> str:
    """The error's one line as the tray shows it."""
    if err.fix is None:
        return err.problem
    # the advice reads as a sentence after the whole problem, not inside a quoted one
    return err.problem.rstrip("; ") + fix_wording(err.fix, err.fix_for)
