"""Open a console sign-in URL in the browser chosen for the account.

Shared by `switcher login` and the tray (which calls it from a worker thread: starting a
browser can take a moment), so both pick the same browser for a target. The URL is a
secret: it is passed to the browser and never logged or put in an error message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from dataclasses import dataclass
from typing import TYPE_CHECKING

from switcher.core import browser_spec
from switcher.core.errors import InputError
from switcher.core.paths import data_dir

if TYPE_CHECKING:
    from switcher.core.model import Settings
    from switcher.core.targets import Target


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser opens a target's console, and how it marks the window."""

    account: str  # names the isolated profile or container, and the account in errors
    color: str | None
    spec_text: str | None  # a browser_spec string; None: the system's default browser


def choice_for(target: Target, settings: Settings) -> BrowserChoice:
    """The account's own browser, else the global setting."""
    return BrowserChoice(
        account=target.account_alias or target.name,
        color=target.color,
        spec_text=target.browser or settings.browser,
    )


def open_for_target(url: str, target: Target, settings: Settings, *,
                    isolated: bool = False) -> str:
    """Open ``url`` in the browser chosen for ``target``, or with ``isolated`` in that
    browser's isolated profile for the account (see ``isolated_choice``); see ``open_url``."""
    choice = choice_for(target, settings)
    if isolated:
        choice = isolated_choice(choice)
    return open_url(url, account=choice.account, color=choice.color, spec_text=choice.spec_text)


def browser_key(choice: BrowserChoice) -> str:
    """The browser and profile a choice opens in, as one string: what the console ledger
    counts identities by. A per-account profile or container is its own browser."""
    spec = browser_spec.parse(choice.spec_text)
    if spec.isolated or spec.container:
        return f"{spec}:{choice.account}"
    return str(spec)


def isolated_spec(spec_text: str | None) -> str | None:
    """The same browser with a per-account profile (Chromium's ``isolated``, Firefox's
    container), or None when the browser has none (the default browser, a command)."""
    spec = browser_spec.parse(spec_text)
    if spec.kind in browser_spec.CHROMIUM_FAMILY:
        return f"{spec.kind}:isolated"
    if spec.kind == "firefox":
        return "firefox:container"
    if spec.kind == "granted-containers":
        return str(spec)
    return None


def isolated_choice(choice: BrowserChoice) -> BrowserChoice:
    spec_text = isolated_spec(choice.spec_text)
    if spec_text is None:
        raise InputError(
            f"browser {browser_spec.parse(choice.spec_text)} has no isolated profile; choose "
            "chromium:isolated or firefox:container for this account"
        )
    return BrowserChoice(account=choice.account, color=choice.color, spec_text=spec_text)


def open_url(url: str, *, account: str, color: str | None, spec_text: str | None) -> str:
    """Open ``url``; returns a short description of the browser used for the notification."""
    spec = browser_spec.parse(spec_text)
    argv = browser_spec.argv_for(spec, url, account=account, color=color, data_dir=data_dir())
    if argv is None:
        # webbrowser honours $BROWSER; it returns False when nothing could be started
        if not webbrowser.open(url, new=1):
            raise InputError(
                "no browser could be started; set $BROWSER or choose a browser in Settings"
            )
        return os.environ.get("BROWSER", "the default browser").split(os.pathsep)[0]
    try:
        subprocess.Popen(  # noqa: S603 - argv comes from the user's own browser setting
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=sys.platform != "win32",
            close_fds=True,
        )
    except OSError as exc:
        raise InputError(f"cannot start browser {argv[0]}: {exc.strerror or exc}") from None
    return str(spec)
