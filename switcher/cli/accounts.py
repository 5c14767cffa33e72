"""add / remove / list: editing the account store from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from switcher.core import config as store
from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import PRESET_COLORS, Account, Config, Role
from switcher.core.targets import list_targets, resolve


def _color(value: str | None) -> str | None:
    if value is None:
        return None
    return PRESET_COLORS.get(value.lower()) or v.check_color(value)


def _check_source(config: Config, source: str) -> None:
    if source in config.keyring_sources:
        return
    from botocore.session import Session  # lazy: only `add --source` needs the profile list

    profiles = Session().available_profiles
    if source not in profiles:
        known = ", ".join(sorted(profiles)[:8]) or "none"
        raise InputError(
            f"source {source!r} is neither an AWS CLI profile (known: {known}) nor a keyring "
            f"source; store keys with: switcher keys add {source}"
        )


def _merge_roles(existing: tuple[Role, ...], names: list[str], options: dict) -> tuple[Role, ...]:
    roles = list(existing)
    for name in names:
        name = v.check_role_name(name)
        for i, role in enumerate(roles):
            if role.name == name:
                roles[i] = replace(role, **options) if options else role
                break
        else:
            roles.append(Role(name=name, **options))
    return tuple(roles)


def add(args) -> int:
    alias = v.check_alias(args.alias)
    account_id = v.check_account_id(args.account)
    mfa_serial = v.check_mfa_serial(args.mfa_serial) if args.mfa_serial is not None else None
    role_options = {
        key: value
        for key, value in (
            ("external_id", args.external_id),
            ("duration", args.duration),
            ("via", args.via),
            ("confirm", getattr(args, "confirm", None)),
            # with --role the device belongs to those roles; without, to the whole account
            ("mfa_serial", mfa_serial if args.role else None),
        )
        if value is not None
    }
    if args.via and args.duration is not None:
        v.check_duration(args.duration, chained=True)
    if role_options and not args.role:
        raise InputError("--external-id, --duration, --via and --confirm apply to roles: add --role NAME")

    def change(config: Config) -> Config:
        # exact: "add PROD" next to "prod" is another account (aliases may differ in case)
        current = config.account(alias, exact=True)
        if current and current.id != account_id:
            raise InputError(
                f"alias {alias} already names account {current.id}; remove it first or pick another alias"
            )
        clash = next((a for a in config.accounts if a.id == account_id and a.alias != alias), None)
        if clash:
            raise InputError(f"account {account_id} is already listed as {clash.alias}")
        if args.source is not None:
            _check_source(config, args.source)
        base = current or Account(alias=alias, id=account_id)
        fields = {
            "region": v.check_region(args.region) if args.region is not None else None,
            "color": _color(args.color),
            "source": args.source,
            "mfa_serial": mfa_serial if not args.role else None,
        }
        account = replace(base, **{k: val for k, val in fields.items() if val is not None})
        account = account.with_roles(_merge_roles(account.roles, args.role, role_options))
        new = config.with_account(account)
        if args.via is not None:
            _check_via(new, alias, args.role, args.via)
        return new

    config = store.update(change)
    account = config.account(alias, exact=True)
    roles = ", ".join(r.name for r in account.roles) or "no roles yet"
    print(f"saved {alias} ({account_id}, {account.region}): {roles}")
    return 0


def _check_via(config: Config, alias: str, roles: list[str], via: str) -> None:
    """``via`` must name a target, and chaining must not loop back on itself."""
    for role in roles:
        this = resolve(config, f"{alias}/{v.check_role_name(role)}")
        seen = {this.name}
        hop = resolve(config, via)
        if hop.partition != this.partition:
            # credentials never cross partitions, so such a chain can only fail at AssumeRole
            raise InputError(
                f"--via {via} is in partition {hop.partition} but {this.name} is in "
                f"{this.partition}; a role chain cannot cross partitions"
            )
        while True:
            if hop.name in seen:
                raise InputError(f"--via {via} makes a loop: {' -> '.join([*seen, hop.name])}")
            seen.add(hop.name)
            if not hop.via:
                break
            hop = resolve(config, hop.via)


def remove(args) -> int:
    alias, _, role_name = args.target.partition("/")
    removed: list[str] = []
    what: list[str] = []  # as the config spells it: "remove PROD" removes "prod"

    def change(config: Config) -> Config:
        account = config.account(alias)
        if not account:
            raise InputError(f"no account {alias!r}; see: switcher list")
        if not role_name:
            removed.extend(f"{account.alias}/{r.name}" for r in account.roles)
            what.append(account.alias)
            return config.without_account(account.alias)
        role = account.role(role_name)
        if not role:
            raise InputError(f"account {account.alias} has no role {role_name!r}")
        removed.append(f"{account.alias}/{role.name}")
        what.append(removed[-1])
        return config.with_account(account.with_roles(tuple(r for r in account.roles if r is not role)))

    def checked(config: Config) -> Config:
        new = change(config)
        _refuse_dangling_via(config, new, removed)
        return new

    store.update(checked)
    _forget_sessions(removed)
    print(f"removed {what[-1]}")
    return 0


def _refuse_dangling_via(old: Config, new: Config, removed: list[str]) -> None:
    """A role others chain through cannot silently disappear under them."""
    gone = set(removed)
    for target in list_targets(new, include_profiles=False):
        if target.via and (target.via in gone or _resolves_to(old, target.via) in gone):
            raise InputError(
                f"{target.name} is assumed via {target.via}; remove it or change its --via first"
            )


def _resolves_to(config: Config, name: str) -> str | None:
    try:
        return resolve(config, name).name
    except InputError:
        return None


def _forget_sessions(names: list[str]) -> None:
    """Cached sessions of removed targets must not outlive them in the keyring
    (forget_name only warns when there is no keyring)."""
    from switcher.core.secrets import cache

    for name in names:
        cache.forget_name(name)


def list_(args) -> int:
    config = store.load()
    targets = list_targets(config)
    if args.json:
        json.dump([t.as_json() for t in targets], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not targets:
        print("no targets yet; add one with: switcher add ALIAS --account ID --role NAME")
        return 0
    rows = [
        (t.name, t.account_id, t.region, _source_label(t), _flags(t)) for t in targets
    ]
    header = ("TARGET", "ACCOUNT", "REGION", "SOURCE", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _source_label(target) -> str:
    if target.via:
        return f"via {target.via}"  # chained: the via target's session is the source
    if target.credential_source:
        return f"credential_source {target.credential_source}"
    if target.is_sso:
        return f"sso {target.source}"  # GetRoleCredentials with that source's sign-in
    return target.source or "(default chain)"


def _flags(target) -> str:
    flags = []
    if target.kind in ("profile", "sso-profile"):
        flags.append("profile")
    if target.discovered:
        flags.append("discovered")
    if target.mfa_serial:
        flags.append("mfa")
    if target.external_id:
        flags.append("external-id")
    if target.region_from:  # the profile names no region: botocore has no console region for it
        flags.append(f"region: {target.region_from}")
    return ", ".join(flags)

