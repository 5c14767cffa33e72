"""Open a console sign-in URL in the browser chosen for the account.

Shared by `switcher login` and the tray (which calls it from a worker thread: starting a
browser can take a moment). The URL is a secret: it is passed to the browser and never
logged or put in an error message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser

from switcher.core import browser_spec
from switcher.core.errors import InputError
from switcher.core.paths import data_dir


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
