"""Run a command with a target's credentials in its environment (``switcher exec``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading

from switcher.core.credentials import Credentials
from switcher.core.creds_text import CONFLICTING, variables
from switcher.core.errors import InputError

# Names the target a child runs as, for prompts and scripts, and marks it as ours.
TARGET_VARIABLE = "SWITCHER_TARGET"


def check_not_nested(target_name: str) -> None:
    """Refuse to run inside another target's ``exec`` shell (as aws-vault does): its keys
    would be the source of nothing, and the user would lose track of who they are."""
    current = os.environ.get(TARGET_VARIABLE)
    if current and current != target_name:
        raise InputError(f"already inside switcher exec for {current}; exit that shell first")


def child_env(creds: Credentials, *, region: str | None = None, target: str | None = None,
              base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    for name in CONFLICTING:
        env.pop(name, None)
    if target:
        env[TARGET_VARIABLE] = target
    for name, value in variables(creds, region=region).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(cmd: list[str], creds: Credentials, *, region: str | None = None,
        target: str | None = None) -> int:
    """Run ``cmd`` and return its exit code (128+N when killed by signal N, like a shell)."""
    if not cmd:
        raise InputError("no command given: switcher exec TARGET -- CMD [ARG]...")
    env = child_env(creds, region=region, target=target)
    program = cmd[0]
    if shutil.which(program, path=env.get("PATH")) is None:
        raise InputError(f"command not found: {program}")
    # Ctrl-C reaches the child through the terminal; we only wait for its exit code.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        returncode = subprocess.call(cmd, env=env)
    except PermissionError:
        raise InputError(f"command is not executable: {program}") from None
    except OSError as exc:
        raise InputError(f"cannot run {program}: {exc.strerror or exc}") from None
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    return 128 - returncode if returncode < 0 else returncode
