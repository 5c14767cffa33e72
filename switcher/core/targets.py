"""Targets: what a user switches to. ``alias/role`` from our config, an AWS CLI profile
that has ``role_arn`` or ``sso_account_id`` + ``sso_role_name`` (read live from ~/.aws/config
and ~/.aws/credentials, never copied), or a discovered target (core.discovery's inventory,
JSON only: listing thousands of them loads no botocore).

Identity Center targets (kind ``SSO`` when discovered, ``SSO_PROFILE`` from ~/.aws/config)
get their credentials from GetRoleCredentials with the source's token, not from AssumeRole:
``role_name`` is the permission set's name and ``source`` the Identity Center source's.

A profile becomes a target exactly as botocore's AssumeRoleProvider would assume it
(:func:`profile_target`, also what ``import aws-config`` uses): its ``source_profile`` is
used for its own keys when it has any, and chained through only when it is a role without
keys; a web-identity profile is a source, not a role to chain through; ``credential_source``
names one botocore provider; a role with neither is refused with botocore's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role
from switcher.core.partitions import PARTITIONS, partition_name
from switcher.core.paths import aws_config_file, aws_credentials_file

# botocore's named providers for credential_source (CanonicalNameCredentialSourcer)
CREDENTIAL_SOURCES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")

ACCOUNT, PROFILE, SSO_PROFILE = "account", "profile", "sso-profile"
SSO, ORG = "sso", "org"  # discovered: an Identity Center assignment, an organization role
SSO_KINDS = (SSO, SSO_PROFILE)


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # ACCOUNT (our config), PROFILE / SSO_PROFILE (~/.aws/config), SSO / ORG (discovered)
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
    multi_session: bool | None = None  # None: the global setting
    hotkey: str | None = None
    credential_source: str | None = None  # a profile's botocore credential_source, see above
    # where a profile's region came from when the profile has none: botocore has no console
    # region for it ("profile base": its source's, "default": the partition's)
    region_from: str | None = None
    discovered: bool = False
    # Identity Center targets: the portal GetRoleCredentials is asked at
    sso_start_url: str | None = None
    sso_region: str | None = None
    confirm: bool = False  # handing its credentials to another process needs the tray's approval

    @property
    def is_sso(self) -> bool:
        return self.kind in SSO_KINDS

    @property
    def portal_url(self) -> str | None:
        """The access portal's console shortcut for an Identity Center target: it opens
        the console as this permission set (in the console's multi-session mode too)."""
        if not self.is_sso or not self.sso_start_url:
            return None
        from urllib.parse import quote, urlsplit

        parts = urlsplit(self.sso_start_url)
        return (f"{parts.scheme}://{parts.netloc}/start/#/console?account_id={self.account_id}"
                f"&role_name={quote(self.role_name, safe='')}")

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
            "credential_source": self.credential_source,
            "region_from": self.region_from,
            "kind": self.kind,
            "via": self.via,
            "mfa": bool(self.mfa_serial),
            "discovered": self.discovered,
        }


def account_targets(account: Account) -> list[Target]:
    return [_from_account(account, role) for role in account.roles]


def _from_account(account: Account, role: Role) -> Target:
    return Target(
        name=f"{account.alias}/{role.name}",
        kind="account",
        account_id=account.id,
        role_name=role.name,
        region=role.region or account.region,
        account_alias=account.alias,
        color=role.color or account.color,
        source=account.source,
        duration=role.duration,
        external_id=role.external_id,
        mfa_serial=role.mfa_serial or account.mfa_serial,
        mfa_process=account.mfa_process,
        via=role.via,
        browser=account.browser,
        logout_first=account.logout_first,
        multi_session=account.multi_session,
        hotkey=role.hotkey,
        confirm=role.confirm,
    )


def read_aws_profiles(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Every profile as botocore's ``Session.full_config`` has them: ~/.aws/config's, with
    the sections of ~/.aws/credentials merged in (a credentials-file value wins), both read
    by botocore's own loader. ``path``: that one config file alone."""
    from botocore.configloader import load_config, raw_config_parse  # lazy: cached path stays light

    if path is not None:
        return _profiles(_parsed(path, lambda: load_config(str(path))))
    config_path, credentials_path = aws_config_file(), aws_credentials_file()
    profiles = _profiles(_parsed(config_path, lambda: load_config(str(config_path))))
    for name, values in _parsed(credentials_path, lambda: raw_config_parse(str(credentials_path))).items():
        profiles.setdefault(name, {}).update(values)
    return profiles


class AwsProfiles(dict):
    """Profiles by name, plus the ``sso-session`` sections their ``sso_session`` names
    (botocore keeps those apart from the profiles too)."""

    sso_sessions: dict[str, dict[str, str]]


def _profiles(parsed: dict) -> AwsProfiles:
    out = AwsProfiles(parsed.get("profiles", {}))
    out.sso_sessions = parsed.get("sso_sessions", {}) or {}
    return out


def _parsed(path: Path, load) -> dict:
    if not path.is_file():  # botocore's own test: a directory is no config either
        return {}
    from botocore.exceptions import ConfigParseError

    try:
        return load()
    except ConfigParseError:
        # botocore's message repeats the path and says nothing more
        raise InputError(
            f"{path} is not a valid AWS config file (check its [section] headers and key = value lines)"
        ) from None


class ProfileRefused(InputError):
    """botocore would not assume this role profile either; the message is its reason."""


def _refused(exc_type: str, **kwargs) -> ProfileRefused:
    # botocore's own exception, for botocore's own wording of the reason
    from botocore import exceptions as bx

    return ProfileRefused(str(getattr(bx, exc_type)(**kwargs)))


def _has_static_keys(profile: dict[str, str]) -> bool:
    # botocore's AssumeRoleProvider._has_static_credentials: either key is enough
    return "aws_access_key_id" in profile or "aws_secret_access_key" in profile


def is_role_profile(profile: dict[str, str]) -> bool:
    """A profile botocore's AssumeRoleProvider assumes (web identity is another provider)."""
    return "role_arn" in profile and "web_identity_token_file" not in profile


def is_sso_profile(profile: dict[str, str]) -> bool:
    """A profile botocore's SSOProvider resolves: an account and a permission set, and no
    role_arn (AssumeRole comes first in botocore's chain)."""
    return ("role_arn" not in profile and "sso_account_id" in profile
            and "sso_role_name" in profile)


def profile_target(name: str, profiles: dict[str, dict[str, str]]) -> Target | None:
    """The target of AWS CLI profile ``name``, or None when it is no role to switch to (no
    role_arn or SSO role, or a web-identity profile: a source of credentials). Raises
    ProfileRefused where botocore refuses the profile, InputError for a value IAM or STS
    would refuse."""
    profile = profiles[name]
    if is_sso_profile(profile):
        return _sso_profile_target(name, profile, getattr(profiles, "sso_sessions", {}))
    if not is_role_profile(profile):
        return None
    match = v.check_role_arn(profile["role_arn"])
    partition = PARTITIONS.get(match["partition"])
    if partition is None:
        raise InputError(f"partition {match['partition']} of its role ARN has no console "
                         "sign-in Switcher knows")
    source = profile.get("source_profile")
    credential_source = profile.get("credential_source")
    via = None
    if source is not None and credential_source is not None:
        raise _refused("InvalidConfigError", error_msg=(
            f'The profile "{name}" contains both source_profile and credential_source.'))
    if source is None and credential_source is None:
        raise _refused("PartialCredentialsError", provider="assume-role",
                       cred_var="source_profile or credential_source")
    if credential_source is not None:
        if credential_source not in CREDENTIAL_SOURCES:
            raise _refused("InvalidConfigError", error_msg=(
                f'The credential source "{credential_source}" referenced in profile '
                f'"{name}" is not valid.'))
    elif source not in profiles:
        raise _refused("InvalidConfigError", error_msg=(
            f'The source_profile "{source}" referenced in the profile "{name}" does not exist.'))
    elif source == name:
        if not _has_static_keys(profile):
            raise _refused("InfiniteLoopConfigError", source_profile=source,
                           visited_profiles=[name])
        # its own keys assume its own role_arn: source stays the profile itself
    elif is_role_profile(profiles[source]) and not _has_static_keys(profiles[source]):
        via, source = source, None  # a role without keys of its own: role chaining
    # otherwise the source's own credentials (keys, web identity, SSO, credential_process)
    # are the source, even when it has a role_arn too: one AssumeRole, as botocore does
    duration = profile.get("duration_seconds")
    region, region_from = _profile_region(name, profiles, match["partition"])
    return Target(
        name=name,
        kind="profile",
        account_id=match["account"],
        role_name=match["role"],
        region=region,
        source=source,
        credential_source=credential_source,
        region_from=region_from,
        # stored as is, a chained role over 1 hour would make every switch fail
        duration=v.check_duration(duration, chained=bool(via)) if duration else None,
        external_id=v.check_external_id(profile["external_id"]) if profile.get("external_id") else None,
        mfa_serial=v.check_mfa_serial(profile["mfa_serial"]) if profile.get("mfa_serial") else None,
        via=via,
        session_name=(v.check_session_name(profile["role_session_name"])
                      if profile.get("role_session_name") else None),
    )


def _sso_profile_target(name: str, profile: dict[str, str], sessions: dict) -> Target:
    session_name = profile.get("sso_session")
    if session_name is not None:
        session = sessions.get(session_name)
        if session is None:
            raise _refused("InvalidConfigError", error_msg=(
                f'The specified sso-session does not exist: "{session_name}"'))
        start_url, sso_region = session.get("sso_start_url"), session.get("sso_region")
        missing = [k for k in ("sso_start_url", "sso_region") if not session.get(k)]
    else:
        start_url, sso_region = profile.get("sso_start_url"), profile.get("sso_region")
        missing = [k for k in ("sso_start_url", "sso_region") if not profile.get(k)]
    if missing:
        raise _refused("InvalidConfigError", error_msg=(
            f'The profile "{name}" is configured to use SSO but is missing required '
            f'configuration: {", ".join(missing)}'))
    from switcher.core.sso.sources import check_start_url

    check_start_url(start_url)
    region, _ = v.check_region_partition(profile.get("region") or sso_region)
    return Target(
        name=name,
        kind=SSO_PROFILE,
        account_id=v.check_account_id(profile["sso_account_id"]),
        role_name=v.check_role_name(profile["sso_role_name"]),
        region=region,
        source=session_name or name,
        region_from=None if profile.get("region") else "Identity Center",
        sso_start_url=start_url,
        sso_region=v.check_region(sso_region),
    )


def discovered_targets(config: Config) -> list[Target]:
    """Every discovered target of the inventory, the ``[[discovered]]`` overlay applied:
    JSON files only."""
    from switcher.core.discovery import inventory

    return [_from_discovered(role) for role in inventory.load_roles(config)]


def _from_discovered(role) -> Target:
    from switcher.core.discovery import inventory

    if role.kind == inventory.SSO:
        return Target(
            name=role.target, kind=SSO, account_id=role.account_id, role_name=role.role_name,
            region=role.region or "us-east-1", account_alias=role.account_alias,
            color=role.color, source=role.source, browser=role.browser, hotkey=role.hotkey,
            discovered=True, sso_start_url=role.start_url, sso_region=role.region,
        )
    # an organization's role: AssumeRole of role_name with the credentials of ``via``
    return Target(
        name=role.target, kind=ORG, account_id=role.account_id, role_name=role.role_name,
        region=role.region or "us-east-1", account_alias=role.account_alias,
        color=role.color, source=role.source, via=role.via, browser=role.browser,
        hotkey=role.hotkey, discovered=True,
    )


def _profile_region(name: str, profiles: dict, partition: str) -> tuple[str, str | None]:
    """The profile's own region (botocore's answer), else the nearest region up its
    source_profile chain in the ARN's partition, else the partition's default."""
    own = profiles[name].get("region")
    if own:
        region, found = v.check_region_partition(own)
        if found != partition:
            raise InputError(f"region {region} is not in partition {partition} of its role ARN")
        return region, None
    seen = {name}
    current = profiles[name].get("source_profile")
    while current and current not in seen and current in profiles:
        seen.add(current)
        region = profiles[current].get("region")
        # another partition's region would move the ARN: not the one to inherit
        if region and v.REGION_RE.match(region) and partition_name(region) == partition:
            return region, f"profile {current}"
        current = profiles[current].get("source_profile")
    return PARTITIONS[partition].default_region, "default"


def profile_targets(profiles: dict[str, dict[str, str]] | None = None,
                    refused: list[tuple[str, str]] | None = None) -> list[Target]:
    """The targets of every role profile; ``refused`` collects (profile, reason) of the
    role profiles that are none."""
    profiles = read_aws_profiles() if profiles is None else profiles
    out = []
    for name in profiles:
        try:
            target = profile_target(name, profiles)
        except InputError as exc:
            if refused is not None:
                refused.append((name, str(exc)))
            continue
        if target:
            out.append(target)
    return out


def list_targets(config: Config, *, include_profiles: bool = True,
                 profiles: dict[str, dict[str, str]] | None = None,
                 include_discovered: bool = True) -> list[Target]:
    """Our accounts' targets, then ~/.aws/config's profiles, then discovered targets; a
    name or (account, role) already listed is not listed again."""
    targets = [t for account in config.accounts for t in account_targets(account)]
    if include_profiles:
        refused: list[tuple[str, str]] = []
        try:
            found = profile_targets(profiles, refused)
        except InputError as exc:
            # a broken ~/.aws/config must not hide the accounts in our own config
            _warn("%s; its role profiles are not listed", exc)
            found = []
        for name, why in refused:
            _warn("profile %s is not listed: %s", name, why)
        seen = {t.name for t in targets}
        # an imported profile would otherwise show twice: as alias/role and as the profile
        roles = {(t.account_id, t.role_name) for t in targets}
        targets += [
            t for t in found
            if t.name not in seen and (t.account_id, t.role_name) not in roles
        ]
    if include_discovered:
        seen = {t.name for t in targets}
        targets += [t for t in discovered_targets(config) if t.name not in seen]
    return targets


def _warn(text: str, *args) -> None:
    import logging  # lazy: only this rare path logs, and logging costs ~4 ms to import

    logging.getLogger("switcher").warning(text, *args)


def _role(account: Account, name: str) -> Role | None:
    role = account.role(name)
    if role is None:
        # IAM role names are unique regardless of case, so one that differs only in case
        # is the same role
        folded = [r for r in account.roles
                  if name.lower() in (r.name.lower(), r.short_name.lower())]
        role = folded[0] if len(folded) == 1 else None
    return role


def resolve(config: Config, name: str) -> Target:
    """``alias/role``, ``alias`` (one role), ``alias/Name`` (unique short name), a profile,
    or an account id or role name that only one target has."""
    name = name.strip()
    alias, _, role_name = name.partition("/")
    account = config.account(alias)  # an alias in another case too, when only one matches
    if account:
        alias = account.alias
        if role_name:
            role = _role(account, role_name)
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
    found = _discovered(config, name)
    if found is not None:
        return found
    profiles = read_aws_profiles()
    if name in profiles and ("role_arn" in profiles[name] or is_sso_profile(profiles[name])):
        try:
            target = profile_target(name, profiles)
        except InputError as exc:
            raise InputError(f"profile {name}: {exc}") from None
        if target:
            return target
    return _loosely(config, name, profiles)


def _discovered(config: Config, name: str) -> Target | None:
    """A discovered target by its name, any case when only one matches; JSON only, so a
    cached switch to one stays off botocore."""
    from switcher.core.discovery import inventory

    roles = inventory.load_roles(config)
    exact = [r for r in roles if r.target == name]
    if not exact:
        exact = [r for r in roles if r.target.casefold() == name.casefold()]
    return _from_discovered(exact[0]) if len(exact) == 1 else None


def _loosely(config: Config, name: str, profiles: dict[str, dict[str, str]]) -> Target:
    """A name that is no target: an account id or a role name, else suggestions. Only
    here, off the path of a known target, are all targets listed and ranked."""
    targets = list_targets(config, profiles=profiles)
    for same in (lambda t: t.account_id == name,
                 lambda t: name in (t.role_name, t.role_name.rsplit("/", 1)[-1]),
                 lambda t: name.lower() in (t.role_name.lower(),
                                            t.role_name.rsplit("/", 1)[-1].lower())):
        matches = [t for t in targets if same(t)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InputError(f"{name!r} matches {len(matches)} targets: "
                             + ", ".join(t.name for t in matches))
    from switcher.core.search import rank  # lazy: rapidfuzz only for a name we do not know

    suggestions = [t.name for t in rank(name, targets, limit=3)] if name else []
    if suggestions:
        raise InputError(f"unknown target {name!r}; did you mean: {', '.join(suggestions)}?")
    raise InputError(f"unknown target {name!r}; see: switcher list")
