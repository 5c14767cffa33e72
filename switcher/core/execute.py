"""Run a command with a target's credentials in its environment (``switcher exec``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable

from switcher.core import paths
from switcher.core.credential_server import RENEW_MARGIN, CredentialServer, Fetch
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


# Variables that would make an SDK in a --server child take other credentials than the
# server's: static keys and profiles come first in botocore's chain, a relative URI or a
# token file wins over the full URI and token we set, and web identity precedes them all.
SERVER_CONFLICTING = (
    *CONFLICTING, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
)


# Keys that give a profile credentials of its own. botocore's chain reads the default
# profile before the container provider, so any of these there would shadow the server.
_PROFILE_CREDENTIALS = frozenset({
    "aws_access_key_id", "role_arn", "credential_process", "sso_start_url", "sso_session",
    "web_identity_token_file",
})


def check_server_not_shadowed() -> None:
    """Refuse ``exec --server`` when the child's SDKs would take the default profile's
    credentials instead of the server's: the command would run as someone else, silently."""
    from botocore.configloader import raw_config_parse
    from botocore.exceptions import BotoCoreError

    for path, sections in ((paths.aws_credentials_file(), ("default",)),
                           (paths.aws_config_file(), ("default", "profile default"))):
        try:
            parsed = raw_config_parse(str(path))
        except BotoCoreError:  # the switch itself reports an unreadable file
            continue
        for section in sections:
            if _PROFILE_CREDENTIALS & set(parsed.get(section, {})):
                raise InputError(
                    f"the default profile in {path} has credentials of its own, which SDKs "
                    "use before the server's; move them to a named profile or run exec "
                    "without --server")


def server_env(server_vars: dict[str, str], *, region: str | None = None,
               target: str | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment for ``exec --server``: the server's two variables, the
    region, and no static credentials or profile."""
    env = dict(os.environ if base is None else base)
    for name in SERVER_CONFLICTING:
        env.pop(name, None)
    if target:
        env[TARGET_VARIABLE] = target
    if region:
        env["AWS_REGION"] = region
        env["AWS_DEFAULT_REGION"] = region
    env.update(server_vars)
    return env


def run(cmd: list[str], creds: Credentials, *, region: str | None = None,
        target: str | None = None) -> int:
    """Run ``cmd`` and return its exit code (128+N when killed by signal N, like a shell)."""
    if not cmd:
        raise InputError("no command given: switcher exec TARGET -- CMD [ARG]...")
    return _call(cmd, child_env(creds, region=region, target=target))


def run_with_server(cmd: list[str], creds: Credentials, renew: Fetch, *,
                    region: str | None = None, target: str | None = None,
                    margin: float = RENEW_MARGIN,
                    report: Callable[[str], None] | None = None) -> int:
    """Run ``cmd`` with a credential server handing out ``creds``, renewed through ``renew``
    ``margin`` seconds before they expire; the server stops when the command exits."""
    if not cmd:
        raise InputError("no command given: switcher exec TARGET --server -- CMD [ARG]...")
    _check_runnable(cmd[0], os.environ.get("PATH"))  # before a port is opened
    with CredentialServer(creds, renew, margin=margin, report=report) as server:
        return _call(cmd, server_env(server.environment(), region=region, target=target))


def _check_runnable(program: str, path: str | None) -> None:
    if shutil.which(program, path=path) is None:
        raise InputError(f"command not found: {program}")


def _ignore(signum, frame) -> None:
    pass


def _call(cmd: list[str], env: dict[str, str]) -> int:
    program = cmd[0]
    _check_runnable(program, env.get("PATH"))
    # Ctrl-C reaches the child through the terminal; we only wait for its exit code. A
    # handler that does nothing, not SIG_IGN: an ignored signal stays ignored across
    # exec, so the child could not be interrupted at all.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _ignore) if in_main else None
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
