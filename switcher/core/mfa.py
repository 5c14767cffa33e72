"""Where an MFA code comes from, in order: the caller (--mfa-code), an ``mfa_process``
command (like aws-vault's, e.g. ``ykman oath accounts code -s AWS``), a prompt (the GUI's
dialog, or the terminal), else a fast, clear failure: with no TTY nothing can ask.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable

from switcher.core import validate as v
from switcher.core.errors import Cancelled, InputError

MFA_PROCESS_TIMEOUT = 60  # seconds; a hardware token may wait for a touch
TTY_TRIES = 3  # as sudo gives for a password: room for a typo or two, not for guessing

MfaPrompt = Callable[[object, str], "str | None"]


def mfa_code(
    target,
    serial: str,
    *,
    code: str | None = None,
    process: str | None = None,
    prompt: MfaPrompt | None = None,
) -> str:
    if code:
        return v.check_token_code(code)
    if process:
        return run_mfa_process(process, target)
    if prompt is not None:
        answer = prompt(target, serial)
        if answer is None:
            raise Cancelled(f"MFA prompt for {target.name} cancelled")
        return v.check_token_code(answer)
    answer = prompt_tty(target, serial)
    if answer is None:
        raise InputError(f"target {target.name} needs an MFA code: pass --mfa-code or set mfa_process")
    return v.check_token_code(answer)


def run_mfa_process(command: str, target) -> str:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise InputError(f"mfa_process {command!r} cannot be parsed: {exc}") from None
    if not argv:
        raise InputError("mfa_process is empty")
    try:
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=MFA_PROCESS_TIMEOUT, check=False,
        )
    except FileNotFoundError:
        raise InputError(f"mfa_process command not found: {argv[0]}") from None
    except PermissionError:
        raise InputError(f"mfa_process command is not executable: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"mfa_process {argv[0]} gave no code within {MFA_PROCESS_TIMEOUT} s") from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.split())[:200]
        raise InputError(
            f"mfa_process {argv[0]} failed with exit code {done.returncode}"
            + (f": {detail}" if detail else "")
        )
    code = done.stdout.strip()
    if not v.TOKEN_CODE_RE.match(code):
        raise InputError(f"mfa_process {argv[0]} must print exactly 6 digits for {target.name}")
    return code


def prompt_tty(target, serial: str) -> str | None:
    """Ask on the controlling terminal, again after a malformed code (TTY_TRIES in all);
    None when there is no terminal (CI, credential_process) or it reaches end of file.
    Spaces and dashes are dropped, as authenticator apps show codes as "123 456"."""
    if not sys.stdin.isatty():
        return None
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8") if os.name == "posix" else None
    except OSError:
        tty = None
    out = tty or sys.stderr
    inp = tty or sys.stdin
    try:
        question = f"MFA code for {target.name} ({serial}): "
        for left in range(TTY_TRIES - 1, -1, -1):
            out.write(question)
            out.flush()
            line = inp.readline()
            if not line:
                return None
            code = line.strip().replace(" ", "").replace("-", "")
            if v.TOKEN_CODE_RE.match(code):
                return code
            if left:
                out.write(f"An MFA code is 6 digits; {left} {'try' if left == 1 else 'tries'} left.\n")
    finally:
        if tty:
            tty.close()
    raise InputError(f"no valid MFA code for {target.name} after {TTY_TRIES} tries: a code is 6 digits")
