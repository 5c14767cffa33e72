"""How the command line words an error: one line on stderr.

The command line needs no wording of its own for a fix: ``str(err)`` already words it as
a command to run (``core.errors.command_line_wording``), because that text also goes into
logs and into other errors' messages, where a command is the only advice that works.
"""

from __future__ import annotations

from switcher.core.errors import SwitcherError


def error_line(err: SwitcherError) -> str:
    """What ``switcher`` writes to stderr for ``err``, newline included."""
    return f"switcher: {err}\n"
