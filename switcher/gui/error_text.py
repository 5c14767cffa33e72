"""How the tray words an error: the fix is a place in Settings, not a command line."""

from __future__ import annotations

from switcher.core.errors import Fix, SwitcherError
from switcher.core.oneline import one_line

SETTINGS_HINT = " — set its credentials source in Settings (Accounts › Credentials from, or Add keys…)"
SSO_HINT = " — sign in from the tray menu (Identity Center › {name} › Sign in)"


def fix_wording(fix: Fix, name: str | None) -> str:
    if fix in (Fix.ADD_KEYS, Fix.SET_SOURCE):
        return SETTINGS_HINT
    if fix is Fix.SSO_LOGIN:
        return SSO_HINT.format(name=name)
    raise ValueError(f"the tray has no wording for {fix}")


def for_gui(err: SwitcherError) -> str:
    """The error's one line as the tray shows it, control characters escaped."""
    if err.fix is None:
        return one_line(err.problem)
    # the advice reads as a sentence after the whole problem, not inside a quoted one
    return one_line(err.problem.rstrip("; ") + fix_wording(err.fix, err.fix_for))
