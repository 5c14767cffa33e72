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

    @property
    def target(self) -> Target:
        return self.credentials.target


def credentials_request(config: Config, target: Target, *, duration=None,
                        mfa_code=None) -> CredentialsRequest:
    # botocore reads these only when it builds the STS client, after the keyring and the
    # source credentials; a typo in one is the caller's mistake, found here
    v.check_endpoint_env(os.environ)
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
    if logout_first is None:
        logout_first = target.logout_first
    if logout_first is None:
        logout_first = config.settings.logout_first
    return ConsoleRequest(credentials, region, partition, page, federation, bool(logout_first))


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
