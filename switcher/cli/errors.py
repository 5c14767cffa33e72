"""How the command line words an error: one line on stderr.

The command line needs no wording of its own for a fix: ``str(err)`` already words it as
a command to run (``core.errors.command_line_wording``), because that text also goes into
logs and into other errors' messages, where a command is the only advice that works.
"""

from __future__ import annotations

from switcher.core.errors import SwitcherError
from switcher.core.oneline import one_line


def error_line(err: SwitcherError | str) -> str:
    """What ``switcher`` writes to stderr for ``err`` (an error, or the text of a usage
    error), newline included; whatever it quotes, it is one line with no raw control
    characters."""
    return f"switcher: {one_line(str(err))}\n"
