"""MFA codes: explicit, from mfa_process, from a prompt, or a fast clear failure."""

from __future__ import annotations

import io
import stat
import sys
import time

import pytest

from switcher.core import mfa
from switcher.core.errors import Cancelled, InputError
from switcher.core.model import Account, Config, Role
from switcher.core.targets import resolve

SERIAL = "arn:aws:iam::123456789012:mfa/me"
TARGET = resolve(
    Config(accounts=(Account("dev", "123456789012", roles=(Role("Admin", mfa_serial=SERIAL),)),)),
    "dev",
)


def script(tmp_path, body: str) -> str:
    path = tmp_path / "code.sh"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def no_tty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def test_explicit_code_wins_and_is_checked(tmp_path):
    never = script(tmp_path, "exit 1")
    assert mfa.mfa_code(TARGET, SERIAL, code=" 123456 ", process=never) == "123456"
    with pytest.raises(InputError, match="6 digits"):
        mfa.mfa_code(TARGET, SERIAL, code="12345")


def test_mfa_process_stdout_is_the_code(tmp_path):
    cmd = script(tmp_path, 'echo "  654321"; echo noise >&2')
    assert mfa.mfa_code(TARGET, SERIAL, process=f"{cmd} --account 'AWS dev'") == "654321"


def test_mfa_process_gets_arguments_without_a_shell(tmp_path):
    out = tmp_path / "args"
    cmd = script(tmp_path, f'printf "%s|" "$@" > {out}; echo 111111')
    mfa.mfa_code(TARGET, SERIAL, process=f"{cmd} 'a b' '$HOME' ';true'")
    assert out.read_text() == "a b|$HOME|;true|"


@pytest.mark.parametrize("body,message", [
    ("echo 12345", "exactly 6 digits"),
    ("echo abcdef", "exactly 6 digits"),
    ("echo 123456; echo 654321", "exactly 6 digits"),
    ("echo 'token locked' >&2; exit 3", "exit code 3: token locked"),
])
def test_bad_mfa_process_output(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        mfa.mfa_code(TARGET, SERIAL, process=script(tmp_path, body))


def test_missing_mfa_process_command():
    with pytest.raises(InputError, match="not found: /nonexistent/ykman"):
        mfa.mfa_code(TARGET, SERIAL, process="/nonexistent/ykman oath code")


def test_unparsable_mfa_process():
    with pytest.raises(InputError, match="cannot be parsed"):
        mfa.mfa_code(TARGET, SERIAL, process="ykman 'unterminated")


def test_prompt_gets_target_and_device(no_tty):
    asked = []

    def prompt(target, serial):
        asked.append((target.name, serial))
        return "222222"

    assert mfa.mfa_code(TARGET, SERIAL, prompt=prompt) == "222222"
    assert asked == [("dev/Admin", SERIAL)]


def test_prompt_cancel_raises_cancelled(no_tty):
    with pytest.raises(Cancelled):
        mfa.mfa_code(TARGET, SERIAL, prompt=lambda t, s: None)


def test_no_tty_fails_fast_with_the_fix(no_tty):
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        mfa.mfa_code(TARGET, SERIAL)
    assert time.monotonic() - start < 1
    assert str(info.value) == (
        "target dev/Admin needs an MFA code: pass --mfa-code or set mfa_process"
    )


TTY_CHILD = """
import sys
from switcher.core import mfa
from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role
from switcher.core.targets import resolve

serial = "arn:aws:iam::123456789012:mfa/me"
target = resolve(Config(accounts=(Account("dev", "123456789012",
                 roles=(Role("Admin", mfa_serial=serial),)),)), "dev")
try:
    print("CODE=" + mfa.mfa_code(target, serial), flush=True)
except InputError as exc:
    print("ERROR=" + str(exc), flush=True)
    sys.exit(2)
"""


class Terminal:
    """A child Python on a real pseudo-terminal (its controlling tty), typed into line by line."""

    def __init__(self) -> None:
        import os
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its stdin, stdout and /dev/tty
            os.execv(sys.executable, [sys.executable, "-c", TTY_CHILD])
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> str:
        import os
        import select

        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r} in {self.seen!r}"
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child exited: EIO on Linux
                    chunk = b""
                assert chunk, f"the child ended before {text!r}: {self.seen!r}"
                self.seen += chunk.decode()
        return self.seen

    def type(self, line: str) -> None:
        import os

        os.write(self.fd, line.encode() + b"\r")

    def exit_code(self) -> int:
        import os

        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_terminal_prompt_asks_again_after_a_malformed_code():
    term = Terminal()
    term.expect("MFA code for dev/Admin (arn:aws:iam::123456789012:mfa/me): ")
    term.type("12345")
    term.expect("An MFA code is 6 digits; 2 tries left.")
    term.type("123 456")  # as an authenticator app shows it
    out = term.expect("CODE=123456")
    assert out.count("MFA code for dev/Admin") == 2
    assert term.exit_code() == 0


def test_terminal_prompt_gives_up_after_three_tries_with_one_line():
    term = Terminal()
    for answer, note in (("abc", "2 tries left"), ("1234567", "1 try left"), ("", None)):
        term.expect("MFA code for dev/Admin")
        term.seen = ""
        term.type(answer)
        if note:
            term.expect(note)
    out = term.expect("ERROR=")
    assert term.exit_code() == 2
    error = out[out.index("ERROR="):].strip()
    assert error == "ERROR=no valid MFA code for dev/Admin after 3 tries: a code is 6 digits"
