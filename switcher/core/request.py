"""What a caller asks of one switch, parsed once at the edge into immutable values.

``switch.get_credentials`` and ``switch.console_url`` build one of these first, so every
mistake in the caller's input fails before any keyring or AWS call, with the same error
whichever front end asked; below them nothing checks these values again. What only a
later step can know stays with that step: whether a profile source gives temporary
credentials (then a duration over an hour is refused by ``switch``), the role and settings
defaults that depend on it, and each hop's session name.

No boto3, botocore or HTTP here: a cached ``switcher creds`` goes through this module too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from switcher.core import validate as v
from switcher.core.errors import InputError

if TYPE_CHECKING:
    from switcher.core.model import Config
    from switcher.core.targets import Target


@dataclass(frozen=True)
class CredentialsRequest:
    target: Target
    # the caller's, checked (as chained when the target is assumed via another); None leaves
    # it to the role, then the settings, once the source says whether it is chained
    duration: int | None = None
    # six digits, set only when the target or a hop of its via chain has an MFA device
    mfa_code: str | None = None


@dataclass(frozen=True)
class ConsoleRequest:
    credentials: CredentialsRequest
    region: str  # where the console opens, in the target's partition
    partition: str  # a key of partitions.PARTITIONS
    destination: str  # the console page to land on
    federation: str  # the getSigninToken endpoint the credentials will be posted to
    logout_first: bool
    # set when logout-first was asked but multi-session mode skips it: the front end says so
    note: str | None = None

    @property
    def target(self) -> Target:
        return self.credentials.target


def credentials_request(config: Config, target: Target, *, duration=None,
                        mfa_code=None) -> CredentialsRequest:
    # botocore reads these only when it builds the STS client, after the keyring and the
    # source credentials; a typo in one is the caller's mistake, found here
    v.check_endpoint_env(os.environ)
    if duration is not None and target.is_sso:
        raise InputError(f"{target.name} is an IAM Identity Center role: its session lasts as "
                         "long as its permission set says; drop --duration")
    if duration is not None:
        # a via target is known to be chained; a profile source may still turn out so
        duration = v.check_duration(duration, chained=bool(target.via))
    if mfa_code is not None:
        mfa_code = v.check_token_code(mfa_code)
        if not _may_use_mfa(config, target):
            # silently unused, a code hides a mistake (wrong target, or a role missing its device)
            raise InputError(f"{target.name} does not use MFA; drop --mfa-code")
    return CredentialsRequest(target, duration, mfa_code)


def console_request(config: Config, target: Target, *, region=None, service=None,
                    destination=None, duration=None, logout_first=None,
                    mfa_code=None) -> ConsoleRequest:
    # the checks run in the order a caller has always seen their errors
    if region is not None:
        region, partition = _console_region(region, target)
    credentials = credentials_request(config, target, duration=duration, mfa_code=mfa_code)
    if region is None:
        # an ~/.aws/config profile's region was never checked on the way in
        region, partition = v.check_region_partition(target.region)
    from switcher.core.aws import signin  # stdlib only, but HTTP: not for the creds path

    page, federation = signin.landing(region, partition, service=service, destination=destination)
    logout_first, note = resolve_logout_first(config, target, logout_first)
    return ConsoleRequest(credentials, region, partition, page, federation, logout_first, note)


MULTI_SESSION_NOTE = ("logout-first skipped: AWS console multi-session is on in this browser, "
                      "so this identity is added beside the ones already signed in")


def multi_session(config: Config, target: Target) -> bool:
    """Whether the browser ``target`` opens in holds several console identities at once:
    the account's own setting, else the global one."""
    on = getattr(target, "multi_session", None)
    return config.settings.multi_session if on is None else bool(on)


def resolve_logout_first(config: Config, target: Target,
                         asked: bool | None = None) -> tuple[bool, str | None]:
    """The flag's, else the target's, else the settings' logout-first, and a note when
    multi-session mode overrides it: the console answers the logout wrapper with HTTP 400
    there, while a plain sign-in adds the identity."""
    logout_first = asked
    if logout_first is None:
        logout_first = target.logout_first
    if logout_first is None:
        logout_first = config.settings.logout_first
    if logout_first and multi_session(config, target):
        return False, MULTI_SESSION_NOTE
    return bool(logout_first), None


def _console_region(region: str, target: Target) -> tuple[str, str]:
    # the sign-in host follows the region: another partition's would receive these
    # credentials (and refuse them), so a mismatch is a usage error, found before any call
    region, partition = v.check_region_partition(region)
    if partition != target.partition:
        raise InputError(
            f"region {region} is in partition {partition}, but {target.name} is in partition "
            f"{target.partition}; pick a region of {target.partition}"
        )
    return region, partition


def _may_use_mfa(config: Config, target: Target) -> bool:
    """False only when neither ``target`` nor any hop it is assumed via has an MFA device."""
    from switcher.core.targets import resolve

    seen = set()
    while not target.mfa_serial:
        if not target.via:
            return False
        seen.add(target.name)
        try:
            target = resolve(config, target.via)
        except InputError:
            return True  # a broken chain: the switch reports it with its context
        if target.name in seen:
            return True  # a loop: likewise
    return True
