"""login / creds / exec: the commands that use a target's session.

A running tray is asked first (``switcher.ipc.broker``): it answers a session it holds
from memory, and asks for an MFA code or an approval in its own dialogs, which a caller
with no terminal could not. With no tray the command does the work itself.

Kept light: a cached ``switcher creds`` must not import boto3 or botocore, so everything
AWS-facing is reached through ``core.switch``, which loads it only on a cache miss.
"""

from __future__ import annotations

import sys

from switcher.core.errors import AwsError, InputError, SwitcherError


class ApprovalUnavailable(SwitcherError):
    exit_code = 1


def _load_target(args):
    # flags (duration, MFA code, region) are checked once, by core.switch, before any
    # keyring or network work; imported here: a creds the tray answers needs no config
    from switcher.core import config as store
    from switcher.core.targets import resolve

    config = store.load()
    return config, resolve(config, args.target)


def _ask_tray(cmd: str, target: str, **fields):
    """The tray's reply, or None when it cannot serve us (none runs, or one of another
    config: a sandbox tray must not answer for the real accounts)."""
    from switcher.core.paths import config_path, socket_path

    if not socket_path().exists():
        return None  # no tray: not even the socket module is needed
    from switcher import ipc

    return ipc.broker(cmd, target=target, config=str(config_path()), **fields)


def _alone(target) -> None:
    """Doing the work without the tray: a role that needs approval is not handed out."""
    if target.confirm:
        raise ApprovalUnavailable(
            f"{target.name} needs approval in the Switcher tray, which is not running; "
            "start it with: switcher tray")


def _tray_credentials(target: str, *, duration=None, mfa_code=None, refresh=False):
    """(Credentials, canonical name, region) from the tray, or None."""
    reply = _ask_tray("credentials", target, duration=duration, mfa_code=mfa_code,
                      refresh=True if refresh else None)
    if reply is None:
        return None
    from switcher.core.credentials import Credentials

    try:
        creds = Credentials.from_json(reply["credentials"])
    except (KeyError, TypeError, ValueError):
        raise InputError("the Switcher tray sent credentials this switcher cannot read; "
                         "restart it") from None
    return creds, str(reply.get("target") or target), reply.get("region")


def creds(args) -> int:
    # the tray renders the text too: this process then needs neither the credentials'
    # dataclass nor the renderer (a third of the time a brokered `creds` takes)
    reply = _ask_tray("credentials", args.target, duration=args.duration,
                      mfa_code=args.mfa_code, refresh=True if args.refresh else None,
                      format=args.format, render=True)
    if reply is not None:
        text = reply.get("text")
        if not isinstance(text, str):
            raise InputError("the Switcher tray sent no credentials text; restart it")
        sys.stdout.write(text)
        return 0
    from switcher.core import switch

    config, target = _load_target(args)
    _alone(target)
    fmt = args.format or config.settings.creds_format
    from switcher.core.creds_text import render

    credentials = switch.get_credentials(
        config, target, duration=args.duration, mfa_code=args.mfa_code, refresh=args.refresh
    )
    sys.stdout.write(render(credentials, fmt, region=target.region, profile=target.name))
    if not (args.sandbox or args.refresh):
        from switcher.core import creds_shortcut

        creds_shortcut.note(args.target, target, config.settings.creds_format)
    return 0


def login(args) -> int:
    config, target = _load_target(args)
    isolated = getattr(args, "isolated", False)
    if isolated and args.stdout:
        raise InputError("--isolated opens a browser, --stdout prints the URL instead; drop one")
    from switcher.core import browser_open, switch
    from switcher.core.request import resolve_logout_first

    choice = browser_open.choice_for(target, config.settings)
    if isolated:
        choice = browser_open.isolated_choice(choice)  # a browser without one: before any call
    logout_first = True if args.logout_first else None
    reply = _ask_tray("console_url", target.name, region=args.region, service=args.service,
                      destination=args.destination, duration=args.duration,
                      logout_first=logout_first, mfa_code=args.mfa_code)
    if reply is not None:
        url = reply.get("url")
        if not isinstance(url, str) or not url:
            raise InputError("the Switcher tray sent no sign-in URL; restart it")
    else:
        _alone(target)
        url = switch.console_url(
            config, target, region=args.region, service=args.service,
            destination=args.destination, duration=args.duration,
            logout_first=logout_first, mfa_code=args.mfa_code,
        )
    _, note = resolve_logout_first(config, target, logout_first)
    if note:
        sys.stderr.write(f"switcher: note: {note}\n")
    if args.stdout:
        sys.stdout.write(url + "\n")
        return 0
    _open_and_record(url, config, target, choice, isolated)
    return 0


def _open_and_record(url, config, target, choice, isolated) -> None:
    from switcher.core import browser_open, switch
    from switcher.core.console_ledger import CONSOLE_LIMIT, Identity, Ledger
    from switcher.core.request import multi_session

    ledger = Ledger()
    key = browser_open.browser_key(choice)
    shared = multi_session(config, target)
    if (not isolated and shared
            and ledger.would_exceed(key, target.account_id, target.role_name)):
        # the console's own limit; opening anyway is the user's call, so only a note
        sys.stderr.write(f"switcher: note: {key} already holds {CONSOLE_LIMIT} console "
                         "identities signed in by Switcher; this one may be refused there: "
                         "use --isolated to open it in an isolated profile\n")
    try:
        browser_open.open_url(url, account=choice.account, color=choice.color,
                              spec_text=choice.spec_text)
    except InputError as exc:
        raise AwsError(f"{exc}; or use --stdout to print the URL") from None
    creds = switch.cached_credentials(target)
    expiration = getattr(creds, "expiration", None)
    if expiration is not None:
        ledger.record(Identity(browser=key, target=target.name, account_id=target.account_id,
                               role=target.role_name, expires=expiration.timestamp()),
                      single=not shared)


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
    # the first MFA code is asked here, up front, while the terminal is still ours (or in
    # the tray's dialog, when a tray runs)
    answer = _tray_credentials(target.name, duration=args.duration, mfa_code=args.mfa_code)
    if answer is not None:
        credentials = answer[0]
    else:
        from switcher.core import switch

        _alone(target)
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
        # a confirm role's renewal is a hand-out too: through the tray, or not at all
        answer = _tray_credentials(target.name, duration=duration, refresh=True)
        if answer is not None:
            return answer[0]
        from switcher.core import switch

        _alone(target)
        return switch.get_credentials(config, target, duration=duration, mfa_prompt=cannot_ask,
                                      refresh=True)

    return renew


def _report(target):
    def report(message: str) -> None:
        sys.stderr.write(f"switcher: {target.name}: {message}\n")
        sys.stderr.flush()

    return report
