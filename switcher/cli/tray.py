"""``switcher tray|show|status|quit``: start the tray, or talk to the running one.

``show``/``status``/``quit`` use a plain socket client (no Qt import) and exit 3 when no
tray runs.
"""

from __future__ import annotations

import json
import sys

from switcher.core.errors import NoTrayError

ALREADY_RUNNING = "Switcher is already running; showing its palette"


def tray(args) -> int:
    from switcher import ipc

    # A running tray: ask it to show its palette, like a second click on a launcher.
    try:
        ipc.request("show", timeout=3.0)
        # said, so that a second start from a launcher or a script is not a silent no-op
        sys.stderr.write(f"{ALREADY_RUNNING}\n")
        return 0
    except NoTrayError:
        pass
    from switcher.gui.app import run

    return run(force_sandbox=bool(getattr(args, "tray_sandbox", False) or getattr(args, "sandbox", False)))


def show(args) -> int:
    from switcher import ipc

    ipc.request("show")
    return 0


def status(args) -> int:
    from switcher import ipc

    reply = ipc.request("status")
    reply.pop("v", None)
    reply.pop("ok", None)
    json.dump(reply, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def quit(args) -> int:  # noqa: A001 - the command is called quit
    from switcher import ipc

    ipc.request("quit")
    return 0
