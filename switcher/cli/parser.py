"""The ``switcher`` argument parser. Only the parser of the command being run is built
(see ``_Skipped``), so a cached ``switcher creds`` does not pay for the other sixteen."""

from __future__ import annotations

import argparse
import sys

from switcher.core.formats import CREDS_FORMATS

TARGET_HELP = "alias/role, alias (one role) or an ~/.aws/config role profile"
MFA_CODE_HELP = "6-digit code from the MFA device"
DURATION_HELP = "session length in seconds (900-43200; at most 3600 for chained roles)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        from switcher.cli.errors import error_line

        # argparse quotes what was typed ("unrecognized arguments: ..."): escaped like
        # every other error line
        sys.stderr.write(error_line(f"{message} (see: {self.prog} --help)"))
        raise SystemExit(2)


def version() -> str:
    """The installed distribution's version, else (a source tree) the package's own."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("switcher")
    except PackageNotFoundError:
        from switcher import __version__

        return __version__


class _Version(argparse.Action):
    """``--version``, read only when asked: package metadata costs milliseconds that a
    cached ``switcher creds`` does not have."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        sys.stdout.write(f"switcher {version()}\n")
        parser.exit(0)


def _text(value: str) -> str:
    """An option's value: an empty one is a mistake (an unset shell variable), not a
    request for the default."""
    if not value.strip():
        raise argparse.ArgumentTypeError("needs a value, not an empty string")
    return value


def _seconds(value: str) -> int:
    from switcher.core.validate import short_repr

    # ASCII digits only: int() also takes "36١0" and "3_600"
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{short_repr(value)} is not a whole number of seconds")
    if len(text.lstrip("0")) > 9:  # and int() of 5,000 digits raises ValueError
        raise argparse.ArgumentTypeError(f"{short_repr(value)} seconds is far too long")
    return int(text)


class _Skipped:
    """Stands in for the parser of a command that is not being run: building every
    subparser costs ~5 ms, a noticeable part of a cached `switcher creds`."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: self


_SKIPPED = _Skipped()

COMMANDS = frozenset({
    "add", "remove", "list", "login", "link", "links", "creds", "exec", "import", "export",
    "keys", "sso", "discover", "org", "sandbox", "doctor", "tray", "show", "status", "quit",
    "completion",
})


class _Commands:
    """The subparsers action plus the one command to build (None: all of them)."""

    def __init__(self, action, only: str | None) -> None:
        self.action, self.only = action, only


def _cmd(sub: _Commands, name: str, handler: str, help: str, **kw) -> argparse.ArgumentParser:
    if sub.only is not None and name != sub.only:
        return _SKIPPED  # type: ignore[return-value]
    parser = sub.action.add_parser(name, help=help, description=help, **kw)
    parser.set_defaults(handler=handler)
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (``only``) the top level plus that one command."""
    parser = _Parser(prog="switcher", description="Switch AWS roles from the tray, a hotkey or here.")
    parser.add_argument("--sandbox", action="store_true",
                        help="use the built-in sandbox (moto + local sign-in) instead of AWS")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = _Commands(parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser), only)

    p = _cmd(sub, "add", "accounts:add", "add an account or roles to it (existing roles are kept)")
    p.add_argument("alias", help="a nickname of 1-64 letters, digits and . _ - (case kept), e.g. "
                   "prod or My_Account")
    p.add_argument("--account", required=True, metavar="ID", type=_text, help="12-digit account id")
    p.add_argument("--role", action="append", type=_text, default=[], metavar="NAME",
                   help="role name with optional path; repeat for several")
    p.add_argument("--source", type=_text, help="AWS CLI profile or keyring source giving base credentials")
    p.add_argument("--region", type=_text, help="default console/STS region (partition follows from it)")
    p.add_argument("--color", type=_text, help="6 hex digits, or red/orange/yellow/green/blue")
    p.add_argument("--mfa-serial", type=_text, metavar="ARN",
                   help="MFA device the given --role(s) need; without --role, every role of the account")
    p.add_argument("--external-id", type=_text, metavar="X", help="external id the given --role(s) require")
    p.add_argument("--duration", type=_seconds, metavar="S",
                   help="session length in seconds for the given --role(s) (900-43200; chained <= 3600)")
    p.add_argument("--via", type=_text, metavar="TARGET", help="assume through this target (role chaining)")
    p.add_argument("--confirm", action="store_true", default=None,
                   help="the given --role(s) hand out credentials only after a click in the tray")

    p = _cmd(sub, "remove", "accounts:remove", "remove an account, or one role of it")
    p.add_argument("target", metavar="ALIAS[/ROLE]",
                   help="the account (with all its roles), or one role of it")

    p = _cmd(sub, "list", "accounts:list_", "list targets")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = _cmd(sub, "login", "session:login", "open the AWS console for a target")
    p.add_argument("target", help=TARGET_HELP)
    p.add_argument("--region", type=_text, help="console region (default: the account's); must be in the "
                   "target's partition")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--service", type=_text, metavar="NAME", help="console service, e.g. ec2, s3, iam")
    group.add_argument("--destination", type=_text, metavar="URL", help="a console URL to land on")
    p.add_argument("--duration", type=_seconds, metavar="S",
                   help="session length in seconds; for roles assumed with long-term keys also "
                   "the console session length (SessionDuration)")
    p.add_argument("--logout-first", action="store_true",
                   help="sign out of any console session first (breaks multi-session mode)")
    p.add_argument("--mfa-code", type=_text, metavar="CODE", help=MFA_CODE_HELP)
    p.add_argument("--stdout", action="store_true", help="print the sign-in URL instead of opening it")
    p.add_argument("--isolated", action="store_true",
                   help="open in the browser's isolated profile for the account "
                   "(chromium:isolated, firefox:container)")

    p = _cmd(sub, "link", "links:link", "print a Switch Role link for a target")
    p.add_argument("target", help=TARGET_HELP)

    p = _cmd(sub, "links", "links:links", "print Switch Role links for every target")
    p.add_argument("--format", choices=("markdown", "html", "json"), default="markdown",
                   help="markdown (default), html (one searchable page) or json")

    p = _cmd(sub, "creds", "session:creds", "print temporary credentials for a target")
    p.add_argument("target", help=TARGET_HELP)
    p.add_argument("--format", choices=CREDS_FORMATS, default=None,
                   help="env, fish, powershell, json (credential_process) or ini; default: "
                   "settings.creds_format (env unless changed)")
    p.add_argument("--duration", type=_seconds, metavar="S", help=DURATION_HELP)
    p.add_argument("--mfa-code", type=_text, metavar="CODE", help=MFA_CODE_HELP)
    p.add_argument("--refresh", action="store_true", help="ignore the cache")

    p = _cmd(sub, "exec", "session:exec_", "run a command with a target's credentials")
    p.add_argument("target", help=TARGET_HELP)
    p.add_argument("--mfa-code", type=_text, metavar="CODE", help=MFA_CODE_HELP)
    p.add_argument("--duration", type=_seconds, metavar="S", help=DURATION_HELP)
    p.add_argument("--server", action="store_true",
                   help="serve renewing credentials on 127.0.0.1 instead of putting keys "
                        "in the environment (for long jobs)")
    p.add_argument("cmd", nargs="*", metavar="-- CMD [ARG]...",
                   help="the command; put it after -- when it has options of its own")

    p = _cmd(sub, "import", "transfer:import_", "import targets (all or nothing)")
    isub = p.add_subparsers(dest="kind", metavar="KIND", required=True, parser_class=_Parser)
    q = isub.add_parser("aws-config", help="role profiles from ~/.aws/config")
    q.add_argument("file", nargs="?")
    q = isub.add_parser("esr", help="an AWS Extend Switch Roles configuration ('-' for stdin)")
    q.add_argument("file")
    q = isub.add_parser("link", help="a Switch Role link")
    q.add_argument("url")

    p = _cmd(sub, "export", "transfer:export", "export targets")
    p.add_argument("kind", choices=("esr", "aws-config"))

    p = _cmd(sub, "keys", "keys:keys", "store long-term access keys in the OS keyring")
    ksub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser,
                            help="add, remove or list")
    q = ksub.add_parser("add", help="read key id and secret from a prompt or two stdin lines")
    q.add_argument("source", help="name for the keys, used as an account's --source")
    q = ksub.add_parser("remove", help="forget a keyring source")
    q.add_argument("source", help="a name from: switcher keys list")
    ksub.add_parser("list", help="list keyring sources")

    p = _cmd(sub, "sso", "sso:sso", "IAM Identity Center sources and their sign-in")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser,
                            help="add, remove, list, login or logout")
    q = ssub.add_parser("add", help="add an Identity Center source to config.toml, or "
                        "change its --console and --max-requests-per-second")
    q.add_argument("name", help="1-64 letters, digits or +=,.@_- characters")
    q.add_argument("--start-url", required=True, metavar="URL",
                   help="the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start")
    q.add_argument("--region", required=True, help="the Identity Center region")
    if sub.only in (None, "sso"):  # the rule's one home, imported only when sso is built
        from switcher.core.sso.sources import CONSOLE_MODES

        q.add_argument("--console", choices=CONSOLE_MODES,
                       help="how `login` opens the console: federation (a sign-in URL; the "
                       "default) or portal (the access portal's shortcut, for multi-session)")
    q.add_argument("--max-requests-per-second", type=int, metavar="N",
                   help="never ask Identity Center faster than this while discovering (1-1000; "
                   "default: as fast as it answers)")
    q = ssub.add_parser("remove", help="remove a config.toml source and forget its sign-in")
    q.add_argument("name")
    q = ssub.add_parser("list", help="sources (also ~/.aws/config's) and their sign-in state")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q = ssub.add_parser("login", help="sign in (browser with PKCE, or --device-code)")
    q.add_argument("name")
    q.add_argument("--device-code", action="store_true",
                   help="sign in on any device with a code instead of this machine's browser")
    q.add_argument("--no-browser", action="store_true",
                   help="print the sign-in URL instead of opening a browser")
    q.add_argument("--timeout", type=int, default=300, metavar="S",
                   help="seconds to wait for the browser (default 300)")
    q = ssub.add_parser("logout", help="sign out at the portal and forget the tokens")
    q.add_argument("name")

    p = _cmd(sub, "discover", "discover:run",
             "list the accounts and roles of Identity Center sources and organizations")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="Identity Center sources or organizations (default: all)")
    p.add_argument("--refresh", action="store_true",
                   help="list the accounts again, and the roles of new ones")
    p.add_argument("--full", action="store_true",
                   help="list the accounts and every account's roles again")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = _cmd(sub, "org", "org:org", "AWS Organizations to discover accounts in")
    osub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser,
                            help="add, remove or list")
    q = osub.add_parser("add", help="add an organization to config.toml")
    q.add_argument("name", help="1-64 letters, digits or +=,.@_- characters")
    q.add_argument("--via", required=True, type=_text, metavar="TARGET",
                   help="a target in the management account or a delegated administrator")
    q.add_argument("--role-name", required=True, action="append", type=_text, metavar="ROLE",
                   help="the role to assume in every account; repeat for several")
    q.add_argument("--max-requests-per-second", type=int, metavar="N",
                   help="never ask Organizations faster than this (1-1000)")
    q = osub.add_parser("remove", help="remove an organization and its discovered accounts")
    q.add_argument("name")
    q = osub.add_parser("list", help="organizations and how many accounts were discovered")
    q.add_argument("--json", action="store_true", help="machine-readable output")

    _cmd(sub, "sandbox", "sandbox:run", "serve the sandbox (moto, local sign-in, Identity Center) until interrupted")
    _cmd(sub, "doctor", "doctor:run", "show config path, keyring, partitions and endpoints")

    p = _cmd(sub, "tray", "tray:tray", "start the tray app (or show the palette of the running one)")
    p.add_argument("--sandbox", action="store_true", dest="tray_sandbox",
                   help="run on the built-in sandbox even when accounts are configured")
    _cmd(sub, "show", "tray:show", "show the running tray's palette")
    _cmd(sub, "status", "tray:status", "print the running tray's status as JSON")
    _cmd(sub, "quit", "tray:quit", "quit the running tray")
    p = _cmd(sub, "completion", "completion:run", "print a shell completion script")
    p.add_argument("shell", choices=("bash", "zsh", "fish"))
    return parser
