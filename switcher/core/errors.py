"""Errors that carry a one-line message for a person and the CLI exit code."""


class SwitcherError(Exception):
    """Base class: ``str(err)`` is the one line the user sees."""

    exit_code = 1


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
