"""What a user does on the accounts page, for the tests of every page."""

from __future__ import annotations

from switcher.gui.settings.drafts import ROLE_COLUMNS


def select(window, alias: str) -> None:
    for row, draft in enumerate(window.accounts.drafts):
        if draft.get("alias") == alias:
            window.accounts.list.setCurrentRow(row)
            return
    raise AssertionError(alias)


def set_role_hotkey(window, row: int, combo: str) -> None:
    """What KeyCaptureEdit does when a combination is pressed in the Hotkey cell."""
    column = ROLE_COLUMNS.index("hotkey")
    edit = window.accounts.roles.cellWidget(row, column)
    if edit is not None and hasattr(edit, "setCombo"):
        edit.setCombo(combo)
    if window.accounts.roles.item(row, column).text() != combo:
        window.accounts.roles.item(row, column).setText(combo)
