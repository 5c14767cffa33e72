"""Errors that carry a one-line message for a person, the CLI exit code and, when the user
can do something about it, a machine-readable fix.

A fix is a ``Fix`` plus the name it is about (``fix_for``, e.g. the keyring source). The
core says *what* would help; each front end words it its own way: the CLI names a command
(``switcher.cli.errors``), the tray names a place in Settings (``switcher.gui.error_text``).
Front ends read ``problem`` and ``fix``; they never parse the text, so rewording one of them
cannot break the other.

``str(err)`` stays the whole line, with the fix worded as a command line. That text goes
wherever no front end is in charge: a log, an IPC reply, a test's ``match=``, and above
all the message of another error, so a fix is never dropped from the text. The structure
survives wrapping too: core code wraps errors as

    except InputError as exc:
        raise InputError(f"{target.name} ... which fails: {exc}") from None

and Python keeps ``exc`` as the new error's ``__context__`` even with ``from None``. An
error without a fix of its own whose message contains the whole text of its context takes
over that fix, and ``problem`` then reads as the message without the command-line
wording. A wrapper raised outside the ``except`` (or one that rephrases instead of quoting)
keeps only the text: the advice is still there, in command-line words.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum


class Fix(Enum):
    """What the user can do about an error. ``fix_for`` names the thing it applies to."""

    ADD_KEYS = "add-keys"  # store long-term keys for the keyring source fix_for
    # give the account a working credentials source; fix_for is the one that does not work,
    # None when the account has none at all
    SET_SOURCE = "set-source"
    # sign in to the IAM Identity Center source fix_for (no valid token and no refresh)
    SSO_LOGIN = "sso-login"


# How a front end words a fix: given the fix and its name, the text that goes where the fix
# belongs in the one line, separator included.
FixWording = Callable[[Fix, "str | None"], str]


def command_line_wording(fix: Fix, name: str | None) -> str:
    """The fix as ``str(err)`` words it: commands anyone can type, wherever the text ends up."""
    if fix is Fix.ADD_KEYS:
        return f"; run: switcher keys add {name}"
    if fix is Fix.SET_SOURCE and name:
        return f"; fix the account's source or run: switcher keys add {name}"
    if fix is Fix.SSO_LOGIN:
        return f"; sign in with: switcher sso login {name}"
    if fix is Fix.SET_SOURCE:
        return (
            ": give the account a --source (an AWS CLI profile or a keyring source from "
            "'switcher keys add') or configure default credentials"
        )
    raise ValueError(f"no wording for {fix}")


class SwitcherError(Exception):
    """Base class: ``str(err)`` is the one line the user sees (see the module docstring)."""

    exit_code = 1

    def __init__(self, *args: object, fix: Fix | None = None, fix_for: str | None = None) -> None:
        super().__init__(*args)
        self._fix = fix
        self._fix_for = fix_for

    def __str__(self) -> str:
        text = super().__str__()
        if self._fix is None:
            return text
        return text + command_line_wording(self._fix, self._fix_for)

    def _parts(self) -> tuple[str, Fix | None, str | None, int]:
        """(problem, fix, fix_for, where in problem the fix's wording goes)."""
        text = super().__str__()
        if self._fix is not None:
            return text, self._fix, self._fix_for, len(text)
        inner = self.__context__
        if isinstance(inner, SwitcherError) and inner.fix is not None:
            quoted = str(inner)
            start = text.find(quoted)
            if start >= 0:
                problem, at = inner.problem, inner.fix_at
                head = text[:start] + problem[:at]
                tail = problem[at:] + text[start + len(quoted):]
                return head + tail, inner.fix, inner.fix_for, len(head)
        return text, None, None, len(text)

    @property
    def problem(self) -> str:
        """The line without any wording of the fix."""
        return self._parts()[0]

    @property
    def fix(self) -> Fix | None:
        return self._parts()[1]

    @property
    def fix_for(self) -> str | None:
        return self._parts()[2]

    @property
    def fix_at(self) -> int:
        """Where in ``problem`` a one-line wording of the fix goes (its end, unless wrapped)."""
        return self._parts()[3]

    def line(self, wording: FixWording) -> str:
        """The one line with the fix (if any) worded by ``wording`` in its place."""
        problem, fix, name, at = self._parts()
        if fix is None:
            return problem
        return problem[:at] + wording(fix, name) + problem[at:]


class InputError(SwitcherError):
    """Bad input or usage. Nothing on disk was changed."""

    exit_code = 2


class AwsError(SwitcherError):
    """AWS or network failure."""

    exit_code = 1


class ConfigError(InputError):
    """The config file cannot be read or parsed; it is left untouched."""


class NoTrayError(SwitcherError):
    """No tray instance is running to talk to."""

    exit_code = 3


class Cancelled(SwitcherError):
    """The user cancelled (e.g. closed the MFA prompt); not an error worth a notification."""

    exit_code = 1
