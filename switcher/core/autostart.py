"""Start at login: what to write for each OS, behind one function.

``plan()`` is pure: it says what would be written where (an XDG autostart ``.desktop``
file, a macOS LaunchAgent plist, a Windows ``Run`` registry value). ``apply()`` carries the
plan out on Linux only; the other platforms' paths are unit-tested for their content but
not run here (we cannot verify them on this machine, so we do not pretend to).
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from switcher import resources
from switcher.core.files import write_atomic

APP_ID = "io.github.switcher"
DESKTOP_NAME = "switcher.desktop"
RUN_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"


@dataclass(frozen=True)
class AutostartPlan:
    platform: str  # "linux", "darwin", "win32"
    kind: str  # "xdg-desktop", "launch-agent", "registry-run"
    location: str  # file path, or registry key
    name: str  # file name or registry value name
    content: str  # file text, or the registry value (a command line)

    @property
    def path(self) -> Path:
        return Path(self.location) / self.name


def command(executable: str | None = None) -> list[str]:
    """How to start the tray: the installed ``switcher``, else ``python -m switcher``."""
    from switcher.core.self_command import own_argv

    if executable:
        return [executable, "tray"]
    return [*own_argv(fallback=[sys.executable, "-m", "switcher"]), "tray"]


def _desktop_exec(argv: list[str]) -> str:
    # The Desktop Entry spec quotes with double quotes and escapes ", `, $ and \ inside.
    def quote(arg: str) -> str:
        if arg and all(c.isalnum() or c in "-_./=:+@" for c in arg):
            return arg
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        return f'"{escaped}"'

    return " ".join(quote(a).replace("%", "%%") for a in argv)


def _autostart_entry(argv: list[str]) -> str:
    """The application's own desktop entry (resources/switcher.desktop, the one the
    packages install), started the way this switcher was and marked for autostart."""
    lines = [
        f"Exec={_desktop_exec(argv)}" if line.startswith("Exec=") else line
        for line in resources.text(DESKTOP_NAME).splitlines()
    ]
    return "\n".join([*lines, "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-Delay=2", ""])


def plan(
    platform: str = sys.platform,
    *,
    argv: list[str] | None = None,
    env: dict[str, str] | None = None,
    home: Path | None = None,
) -> AutostartPlan:
    argv = argv or command()
    env = os.environ if env is None else env
    home = home or Path.home()
    if platform.startswith("linux") or platform.startswith("freebsd"):
        base = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "autostart"
        return AutostartPlan("linux", "xdg-desktop", str(base), DESKTOP_NAME, _autostart_entry(argv))
    if platform == "darwin":
        content = plistlib.dumps(
            {
                "Label": APP_ID,
                "ProgramArguments": list(argv),
                "RunAtLoad": True,
                "KeepAlive": False,
                "ProcessType": "Interactive",
            }
        ).decode()
        return AutostartPlan(
            "darwin", "launch-agent", str(home / "Library" / "LaunchAgents"), f"{APP_ID}.plist", content
        )
    if platform == "win32":
        # The Run value is one command line; Windows quoting rules (subprocess.list2cmdline).
        return AutostartPlan("win32", "registry-run", RUN_KEY, "Switcher", subprocess.list2cmdline(argv))
    raise ValueError(f"start at login is not supported on {platform}")


def is_enabled(p: AutostartPlan | None = None) -> bool:
    p = p or plan()
    if p.kind in ("xdg-desktop", "launch-agent"):
        return p.path.exists()
    return _registry_get(p) is not None


def apply(enabled: bool, p: AutostartPlan | None = None) -> AutostartPlan:
    """Write or remove the entry. Linux writes files; macOS/Windows code paths exist but
    are unverified here."""
    p = p or plan()
    if p.kind in ("xdg-desktop", "launch-agent"):
        if enabled:
            p.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(p.path, p.content, mode=0o644)
        else:
            p.path.unlink(missing_ok=True)
    else:
        _registry_set(p, enabled)
    return p


def _registry_get(p: AutostartPlan) -> str | None:  # pragma: no cover - Windows only
    import winreg

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, p.location.split("\\", 1)[1]) as key:
        try:
            return winreg.QueryValueEx(key, p.name)[0]
        except FileNotFoundError:
            return None


def _registry_set(p: AutostartPlan, enabled: bool) -> None:  # pragma: no cover - Windows only
    import winreg

    sub = p.location.split("\\", 1)[1]
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, sub, 0, winreg.KEY_SET_VALUE) as key:
        if enabled:
            winreg.SetValueEx(key, p.name, 0, winreg.REG_SZ, p.content)
        else:
            try:
                winreg.DeleteValue(key, p.name)
            except FileNotFoundError:
                pass

