"""login / creds / exec: the commands that use a target's session.

Kept light: a cached ``switcher creds`` must not import boto3 or botocore, so everything
AWS-facing is reached through ``core.switch``, which loads it only on a cache miss.
"""

from __future__ import annotations

import sys

from switcher.core import config as store
from switcher.core import switch
from switcher.core.errors import AwsError, InputError
from switcher.core.targets import resolve


def _load_target(args):
    # flags (duration, MFA code, region) are checked once, by core.switch, before any
    # keyring or network work
    config = store.load()
    return config, resolve(config, args.target)


def creds(args) -> int:
    config, target = _load_target(args)
    fmt = args.format or config.settings.creds_format
    from switcher.core.creds_text import render

    credentials = switch.get_credentials(
        config, target, duration=args.duration, mfa_code=args.mfa_code, refresh=args.refresh
    )
    sys.stdout.write(render(credentials, fmt, region=target.region, profile=target.name))
    return 0


def login(args) -> int:
    config, target = _load_target(args)
    url = switch.console_url(
        config, target, region=args.region, service=args.service,
        destination=args.destination, duration=args.duration,
        logout_first=True if args.logout_first else None, mfa_code=args.mfa_code,
    )
    if args.stdout:
        sys.stdout.write(url + "\n")
        return 0
    from switcher.core.browser_open import open_for_target

    try:
        open_for_target(url, target, config.settings)
    except InputError as exc:
        raise AwsError(f"{exc}; or use --stdout to print the URL") from None
    return 0


def exec_(args) -> int:
    cmd = list(args.cmd or [])  # cli.main puts everything after "--" here
    if not cmd:
        raise InputError("no command given: switcher exec TARGET [--mfa-code CODE] -- CMD [ARG]...")
    config, target = _load_target(args)
    from switcher.core.execute import (
        check_not_nested,
        check_server_not_shadowed,
        run,
        run_with_server,
    )

    check_not_nested(target.name)
    server = args.server
    if server:
        check_server_not_shadowed()
    # the first MFA code is asked here, up front, while the terminal is still ours
    credentials = switch.get_credentials(
        config, target, duration=args.duration, mfa_code=args.mfa_code
    )
    sys.stdout.flush()
    if not server:
        return run(cmd, credentials, region=target.region, target=target.name)
    return run_with_server(cmd, credentials, _renewal(config, target, args.duration),
                           region=target.region, target=target.name, report=_report(target))


def _renewal(config, target, duration):
    """The same switch again, for the server's renewer thread. A code accepted once is
    spent, and the child owns the terminal by then: an MFA role renews only through its
    mfa_process, otherwise the renewal fails with a message saying so."""

    def cannot_ask(_target, _serial):
        raise InputError(f"{target.name} needs a new MFA code, which cannot be asked while "
                         "the command runs; set mfa_process to renew it unattended")

    def renew():
        return switch.get_credentials(config, target, duration=duration, mfa_prompt=cannot_ask,
                                      refresh=True)

    return renew


def _report(target):
    def report(message: str) -> None:
        sys.stderr.write(f"switcher: {target.name}: {message}\n")
        sys.stderr.flush()

    return report
