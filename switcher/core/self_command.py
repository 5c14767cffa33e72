"""How another program (the AWS CLI, the desktop's autostart) should start this switcher."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def own_argv(fallback: list[str]) -> list[str]:
    """The command that runs the switcher now running, as absolute as can be found:
    the frozen build itself, else the console script beside our interpreter (PATH may hold
    another one), else the one on PATH, else ``fallback``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]  # a PyInstaller build is itself the command
    script = Path(sys.executable).with_name("switcher.exe" if sys.platform == "win32" else "switcher")
    if script.exists():
        return [str(script)]
    found = shutil.which("switcher")
    return [found] if found else list(fallback)
