"""Targets: what a user switches to. ``alias/role`` from our config, or an AWS CLI profile
that has ``role_arn`` (read live from ~/.aws/config, never copied)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role
from switcher.core.partitions import PARTITIONS, partition_name
from switcher.core.paths import aws_config_file


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # "account" (our config) or "profile" (~/.aws/config)
    account_id: str
    role_name: str  # includes the path
    region: str
    account_alias: str | None = None
    color: str | None = None
    source: str | None = None  # AWS CLI profile name or keyring source; None = default chain
    duration: int | None = None
    external_id: str | None = None
    mfa_serial: str | None = None
    mfa_process: str | None = None
    via: str | None = None  # a target whose credentials assume this one (chaining)
    session_name: str | None = None
    browser: str | None = None
    logout_first: bool | None = None
    hotkey: str | None = None

    @property
    def partition(self) -> str:
        return partition_name(self.region)

    @property
    def role_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role/{self.role_name}"

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.name,
            "account": self.account_id,
            "alias": self.account_alias,
            "role": self.role_name,
            "region": self.region,
            "partition": self.partition,
            "color": self.color,
            "source": self.source,
            "kind": self.kind,
            "via": self.via,
            "mfa": bool(self.mfa_serial),
        }


def account_targets(account: Account) -> list[Target]:
    return [_from_account(account, role) for role in account.roles]


def _from_account(account: Account, role: Role) -> Target:
    return Target(
        name=f"{account.alias}/{role.name}",
        kind="account",
        account_id=account.id,
        role_name=role.name,
        region=account.region,
        account_alias=account.alias,
        color=account.color,
        source=account.source,
        duration=role.duration,
        external_id=role.external_id,
        mfa_serial=role.mfa_serial or account.mfa_serial,
        mfa_process=account.mfa_process,
        via=role.via,
        browser=account.browser,
        logout_first=account.logout_first,
        hotkey=role.hotkey,
    )


def read_aws_profiles(path: Path | None = None) -> dict[str, dict[str, str]]:
    """All profiles of ~/.aws/config, parsed by botocore's own loader."""
    path = path or aws_config_file()
    if not path.exists():
        return {}
    from botocore.configloader import load_config  # lazy: keeps the cached path light
    from botocore.exceptions import ConfigParseError

    try:
        return load_config(str(path)).get("profiles", {})
    except ConfigParseError:
        # botocore's message repeats the path and says nothing more
        raise InputError(
            f"{path} is not a valid AWS config file (check its [section] headers and key = value lines)"
        ) from None


def profile_targets(profiles: dict[str, dict[str, str]] | None = None) -> list[Target]:
    profiles = read_aws_profiles() if profiles is None else profiles
    out = []
    for name, profile in profiles.items():
        if "role_arn" in profile:
            target = _from_profile(name, profile, profiles)
            if target:
                out.append(target)
    return out


def _from_profile(name: str, profile: dict[str, str], profiles: dict) -> Target | None:
    try:
        match = v.check_role_arn(profile["role_arn"])
    except InputError:
        return None
    source = profile.get("source_profile")
    via = None
    if source and source != name and "role_arn" in profiles.get(source, {}):
        via, source = source, None  # source profile is a role itself: role chaining
    duration = profile.get("duration_seconds")
    region = profile.get("region") or (profiles.get(source or "", {}).get("region")) or "us-east-1"
    partition = PARTITIONS.get(match["partition"])
    if partition is None:
        return None  # an isolated-partition profile: we know no sign-in host for it
    if partition_name(region) != partition.name:
        region = partition.default_region  # the ARN decides; a stray region must not move it
    return Target(
        name=name,
        kind="profile",
        account_id=match["account"],
        role_name=match["role"],
        region=region,
        source=source,
        duration=int(duration) if duration and duration.isdigit() else None,
        external_id=profile.get("external_id"),
        mfa_serial=profile.get("mfa_serial"),
        via=via,
        session_name=profile.get("role_session_name"),
    )


def list_targets(config: Config, *, include_profiles: bool = True) -> list[Target]:
    targets = [t for account in config.accounts for t in account_targets(account)]
    if include_profiles:
        try:
            profiles = profile_targets()
        except InputError as exc:
            # a broken ~/.aws/config must not hide the accounts in our own config
            import logging  # lazy: only this rare path logs, and logging costs ~4 ms to import

            logging.getLogger("switcher").warning("%s; its role profiles are not listed", exc)
            profiles = []
        seen = {t.name for t in targets}
        # an imported profile would otherwise show twice: as alias/role and as the profile
        roles = {(t.account_id, t.role_name) for t in targets}
        targets += [
            t for t in profiles
            if t.name not in seen and (t.account_id, t.role_name) not in roles
        ]
    return targets


def resolve(config: Config, name: str) -> Target:
    """``alias/role``, ``alias`` (one role), ``alias/Name`` (unique short name) or a profile."""
    name = name.strip()
    alias, _, role_name = name.partition("/")
    account = config.account(alias)
    if account:
        if role_name:
            role = account.role(role_name)
            if role:
                return _from_account(account, role)
            raise InputError(
                f"account {alias} has no role {role_name!r} "
                f"(it has: {', '.join(r.name for r in account.roles) or 'none'})"
            )
        if len(account.roles) == 1:
            return _from_account(account, account.roles[0])
        if not account.roles:
            raise InputError(f"account {alias} has no roles; add one with: switcher add {alias} --account {account.id} --role NAME")
        raise InputError(
            f"account {alias} has {len(account.roles)} roles; say which: "
            + ", ".join(f"{alias}/{r.name}" for r in account.roles)
        )
    profiles = read_aws_profiles()
    if name in profiles and "role_arn" in profiles[name]:
        target = _from_profile(name, profiles[name], profiles)
        if target:
            return target
        raise InputError(f"profile {name} has an invalid role_arn")
    raise InputError(f"unknown target {name!r}; see: switcher list")

