"""Who owns a global hotkey: the search palette, or a target (``alias/role``).

The tray registers the combinations, the Settings window flags them as they are edited
and refuses to save two owners of one combination; all of them name the owners the same
way, so a message reads the same in a notification, in Settings and in `switcher status`.
"""

from __future__ import annotations

from collections.abc import Iterable

from switcher.core import keyspec
from switcher.core.errors import InputError

# The palette's owner id, as `switcher status` reports it under "hotkey_owners". Every
# other owner with a hotkey is a role, named "alias/role", so it can never be this.
PALETTE = "palette"
PALETTE_LABEL = "the search palette"


def owner_label(owner: str) -> str:
    """The owner as a message names it."""
    return PALETTE_LABEL if owner == PALETTE else owner


def owned_hotkeys(palette_hotkey: str | None, hotkeys: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """{owner: spec} of the palette and of every (owner, spec) pair that has a spec.

    The palette comes first: of two owners of one combination the earlier keeps it, and
    the palette's combination is the one people rely on."""
    specs = {PALETTE: palette_hotkey} if palette_hotkey else {}
    for owner, spec in hotkeys:
        if spec:
            specs[owner] = spec
    return specs


def conflicts(specs: dict[str, str]) -> dict[str, str]:
    """{owner: message} for each owner whose spec is invalid or an earlier owner's."""
    return keyspec.conflicts(specs, label=owner_label)


_CANDIDATE = "\0candidate"  # stands for the spec being checked; no owner is named so


def conflict(spec: str, others: dict[str, str]) -> str | None:
    """Why ``spec`` cannot be added to ``others`` ({owner: spec}): it is invalid, or one
    of them has its combination already. None when it can."""
    return conflicts({**others, _CANDIDATE: spec}).get(_CANDIDATE)


def check_unique(specs: dict[str, str]) -> None:
    """InputError for the first owner that could not get its combination: only one owner
    of a combination ever gets it, so such a config is not saved."""
    problems = conflicts(specs)
    if problems:
        owner, message = next(iter(problems.items()))
        raise InputError(f"hotkey of {owner_label(owner)}: {message}")
