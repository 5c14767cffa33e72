"""The question before a sixth console identity in one multi-session browser.

The console keeps at most five identities at once in one browser profile; what it does
with a sixth is its own business, so the tray asks first: the account's isolated profile
(``core.browser_open.isolated_spec``), this browser anyway, or nothing.
"""

from __future__ import annotations

from switcher.core.console_ledger import CONSOLE_LIMIT
from switcher.gui.qt import QMessageBox

OPEN_ISOLATED, OPEN_HERE = "isolated", "here"
TITLE = "Switcher — console identities"


def ask(target_name: str, browser: str, isolated: str | None, parent=None) -> str | None:
    """OPEN_ISOLATED, OPEN_HERE, or None (cancelled). Modal: it runs on the main thread
    while the switch's worker waits for the answer."""
    box = QMessageBox(QMessageBox.Icon.Question, TITLE,
                      f"{browser} already holds {CONSOLE_LIMIT} console identities signed in "
                      f"by Switcher; {target_name} would be a sixth.", parent=parent)
    box.setObjectName("sixthIdentityPrompt")
    box.setInformativeText(
        f"The AWS console keeps at most {CONSOLE_LIMIT} at once in one browser."
        + (f" An isolated profile ({isolated}) keeps this one apart." if isolated else
           " This browser has no isolated profile: choose chromium:isolated or "
           "firefox:container for the account in Settings.")
    )
    elsewhere = None
    if isolated:
        elsewhere = box.addButton("Open in an isolated profile", QMessageBox.ButtonRole.AcceptRole)
    here = box.addButton("Open here anyway", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(elsewhere or here)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if elsewhere is not None and clicked is elsewhere:
        return OPEN_ISOLATED
    if clicked is here:
        return OPEN_HERE
    return None
