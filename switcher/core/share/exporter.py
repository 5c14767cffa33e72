"""Export our targets as text other tools read: AWS CLI profiles (~/.aws/config; discovered
Identity Center targets as ``sso-session`` profiles) and the AWS Extend Switch Roles
configuration. Both name a target's section the same way
(:func:`esr.section_names`), so the importer maps them back."""

from __future__ import annotations

import os
import shlex
import subprocess

from switcher.core.model import Config
from switcher.core.partitions import partition_name
from switcher.core.share import esr


def to_esr(config: Config) -> str:
    return esr.render(config)


def _via_profile(config: Config, names: dict[tuple[str, str], str], via: str) -> str:
    alias, _, role_name = via.partition("/")
    account = config.account(alias)
    role = account.role(role_name) if account and role_name else None
    if role is None and account and not role_name and len(account.roles) == 1:
        role = account.roles[0]
    return names[(account.alias, role.name)] if role else via  # else: an AWS CLI profile


def switcher_command() -> str:
    """How the AWS CLI should run us: the absolute path of the running ``switcher`` when
    it can be found (a credential_process runs without the user's shell PATH tweaks)."""
    from switcher.core.self_command import own_argv

    return own_argv(fallback=["switcher"])[0]


def _command_line(*argv: str) -> str:
    # botocore splits credential_process with shlex on POSIX and with Windows rules on
    # Windows; a path with spaces must survive either.
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def to_aws_config(config: Config, command: str | None = None) -> str:
    """Profiles the AWS CLI can use as they are. Targets whose base credentials only
    Switcher can get (a keyring source, or its own default chain) become
    ``credential_process`` profiles that run ``switcher creds``: a role_arn profile
    without source_profile is refused by botocore ("Partial credentials found in
    assume-role")."""
    lines = ["# AWS CLI profiles, exported by Switcher."]
    keyring = set(config.keyring_sources)
    names = esr.section_names(config)
    for account in config.accounts:
        partition = partition_name(account.region)
        for role in account.roles:
            arn = f"arn:{partition}:iam::{account.id}:role/{role.name}"
            lines += ["", f"[profile {names[(account.alias, role.name)]}]"]
            if not role.via and (not account.source or account.source in keyring):
                base = (f"Switcher keyring source {account.source}" if account.source
                        else "Switcher's default credentials")
                target = f"{account.alias}/{role.name}"
                lines += [f"# {arn}, assumed by Switcher with {base}",
                          "credential_process = " + _command_line(
                              command or switcher_command(), "creds", target, "--format", "json"),
                          f"region = {role.region or account.region}"]
                continue  # MFA, external id and duration are applied by Switcher itself
            lines.append(f"role_arn = {arn}")
            if role.via:
                lines.append(f"source_profile = {_via_profile(config, names, role.via)}")
            else:
                lines.append(f"source_profile = {account.source}")
            lines.append(f"region = {role.region or account.region}")
            mfa = role.mfa_serial or account.mfa_serial
            if mfa:
                lines.append(f"mfa_serial = {mfa}")
            if role.external_id:
                lines.append(f"external_id = {role.external_id}")
            if role.duration:
                lines.append(f"duration_seconds = {role.duration}")
    lines += _sso_profiles(config)
    return "\n".join(lines) + "\n"


SSO_SCOPES = "sso:account:access"  # what the AWS CLI registers for role credentials


def _sso_profiles(config: Config) -> list[str]:
    """Discovered Identity Center targets as the AWS CLI's own SSO profiles: one
    ``[sso-session]`` per source, one profile per target naming it, resolved by botocore's
    SSO provider with the AWS CLI's sign-in (``aws sso login --sso-session NAME``)."""
    from switcher.core.discovery import inventory
    from switcher.core.sso.sources import url_key

    roles = [r for r in inventory.load_roles(config) if r.kind == inventory.SSO]
    sessions: dict[str, tuple[str, str]] = {}
    for role in roles:
        sessions.setdefault(role.source, (role.start_url, role.region))
    lines: list[str] = []
    for name, (url, region) in sessions.items():
        lines += ["", f"[sso-session {name}]", f"sso_start_url = {url}",
                  f"sso_region = {region}", f"sso_registration_scopes = {SSO_SCOPES}"]
    for role in roles:
        url, region = sessions[role.source]
        if url_key(url) != url_key(role.start_url or ""):
            continue  # two inventories under one name: the first one's portal wins
        lines += ["", f"[profile {role.target}]", f"sso_session = {role.source}",
                  f"sso_account_id = {role.account_id}", f"sso_role_name = {role.role_name}",
                  f"region = {role.region}"]
    return lines
