"""The two locations a start-up fast path needs, as plain strings: where the tray's socket
is, and what decides which config file a process uses.

Kept apart from ``paths.py`` because pathlib and platformdirs cost 10 ms of the 20 ms a
brokered ``switcher creds`` may take; ``paths.py`` builds its ``Path`` objects from these,
so each rule still has one home. Only ``os`` here.
"""

from __future__ import annotations

import os

APP = "switcher"
SOCKET_NAME = "tray.sock"
# What decides paths.config_path() where the broker runs (Linux): two processes with the
# same values use the same config file, without either asking platformdirs
CONFIG_INPUTS = ("SWITCHER_CONFIG_DIR", "XDG_CONFIG_HOME", "HOME")


def runtime_dir_name() -> str | None:
    """The runtime directory by the environment alone, or None where only platformdirs or
    the temp dir can say (no XDG_RUNTIME_DIR; Windows, macOS)."""
    override = os.environ.get("SWITCHER_RUNTIME_DIR")
    if override:
        return override
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        return os.path.join(base, APP)
    return None


def private_dir(path: str) -> bool:
    """The directory exists, is this user's and nobody else's: what it holds is trusted."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


def config_inputs() -> list[str]:
    return [os.environ.get(name, "") for name in CONFIG_INPUTS]


def socket_file() -> str | None:
    """The tray's socket when the environment alone says where it is (see runtime_dir_name)."""
    base = runtime_dir_name()
    return None if base is None else os.path.join(base, SOCKET_NAME)
