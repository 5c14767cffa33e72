"""Import targets from ~/.aws/config role profiles, ESR text or a Switch Role link
(exports live in :mod:`.exporter`).

Every ``plan_*`` function is pure: it validates the whole input first and returns the new
Config plus a report, raising InputError (naming the profile or section) on the first
invalid entry, so an import is all-or-nothing. :func:`apply` saves a plan atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from switcher.core import config as store
from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import DEFAULT_REGION, Account, Config, Role
from switcher.core.partitions import PARTITIONS, partition_name
from switcher.core.paths import aws_config_file
from switcher.core.share import esr
from switcher.core.share.links import parse_link
from switcher.core.targets import ProfileRefused, is_role_profile, profile_target, read_aws_profiles

SUMMARY_SKIPPED = 10  # reasons listed in the one-line report; the rest are counted


@dataclass
class ImportResult:
    config: Config
    added_accounts: list[str] = field(default_factory=list)
    added_roles: list[str] = field(default_factory=list)  # target names
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)
    notes: list[str] = field(default_factory=list)  # renamed aliases, dropped sources

    @property
    def changed(self) -> bool:
        return bool(self.added_roles or self.added_accounts)

    def summary(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        line = (f"added {n(len(self.added_accounts), 'account')}, {n(len(self.added_roles), 'role')}; "
                f"skipped {len(self.skipped)}")
        if self.skipped:
            shown = [f"{name}: {why}" for name, why in self.skipped[:SUMMARY_SKIPPED]]
            more = len(self.skipped) - len(shown)
            line += " (" + "; ".join(shown) + (f"; and {more} more" if more else "") + ")"
        return "; ".join([line, *self.notes])


@dataclass
class _Slot:
    """One account being imported into: an existing one, or new ``fields``."""

    fields: dict[str, Any]  # alias, id, region, color, source
    account: Account | None = None  # None for a new account
    added: list[dict[str, Any]] = field(default_factory=list)
    present: dict[str, dict[str, Any]] = field(default_factory=dict)  # role name -> role fields

    @property
    def partition(self) -> str:
        return partition_name(self.fields["region"])

    def effective(self, role: dict[str, Any]) -> dict[str, Any]:
        """What a profile for this role of this account would say."""
        return {"region": self.fields["region"],
                "source": None if role.get("via") else self.fields["source"], **role}


# How a profile may differ from the target already there, in the order reports list them.
_COMPARED = (("region", "region"), ("source", "source"), ("via", "chained via"),
             ("duration", "duration"), ("mfa_serial", "MFA device"), ("external_id", "external id"))


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key, label in _COMPARED:
        if old.get(key) != new.get(key):
            # An external id is shared with a third party: say that it differs, not what it is.
            out.append(label if key == "external_id" else
                       f"{label} {old.get(key) or 'none'} vs {new.get(key) or 'none'}")
    return out


def _source_name(source: str | None) -> str:
    return f"source {source}" if source else "the default credentials"


class _Merger:
    """Adds roles to existing or new accounts without touching what is already there, and
    never makes a second account with an id that one already has.
    Indexed by account id and alias: imports of thousands of profiles stay fast."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.slots: list[_Slot] = []
        self.by_id: dict[str, list[_Slot]] = {}
        self.aliases: set[str] = set()  # lower-cased: no two aliases that differ only in case
        for account in config.accounts:
            slot = _Slot({k: getattr(account, k) for k in ("alias", "id", "region", "color",
                                                           "source")}, account)
            for r in account.roles:
                # Effective values: an account-wide MFA device applies to each role.
                fields = {k: val for k, val in r.to_dict().items() if k != "hotkey"}
                slot.present[r.name] = {**fields, "mfa_serial": r.mfa_serial or account.mfa_serial}
            self._index(slot)
        self.result = ImportResult(config)

    def _index(self, slot: _Slot) -> None:
        self.slots.append(slot)
        self.by_id.setdefault(slot.fields["id"], []).append(slot)
        self.aliases.add(slot.fields["alias"].lower())

    def find(self, account_id: str, role_name: str, partition: str) -> _Slot | None:
        """The account with this id: the one holding the role, else one in the role's
        partition (configs from before this rule may list an id twice)."""
        slots = self.by_id.get(account_id, [])
        for slot in slots:
            if role_name in slot.present:
                return slot
        return next((s for s in slots if s.partition == partition), slots[0] if slots else None)

    def new_alias(self, candidates: list[str | None], account_id: str) -> str:
        """The first candidate that is free, normalised to the alias rule; the report
        says "renamed X → Y" for each alias that is not the candidate's own text."""
        usable = [(c.strip(), alias) for c in candidates
                  if c and (alias := esr.normalise_alias(c))] + [(account_id, account_id)]
        first = usable[0]
        for text, alias in usable:
            if alias.lower() not in self.aliases:
                taken = first[1] if text != first[0] else None
                self._renamed(first[0] if taken else text, alias, taken)
                return alias
        text, base = first
        for number in range(2, 10_000):
            suffix = f"-{number}"
            alias = base[: 63 - len(suffix)] + suffix
            if alias.lower() not in self.aliases:
                self._renamed(text, alias, base)
                return alias
        raise InputError(f"no free alias for account {account_id}")  # pragma: no cover

    def _renamed(self, text: str, alias: str, taken: str | None = None) -> None:
        if text != alias:
            why = f" ({taken} is another account's)" if taken else ""
            self.result.notes.append(f"renamed {text} → {alias}{why}")

    def add(self, entry: str, *, account_id: str, role: dict[str, Any], alias_candidates,
            region: str, color: str | None = None, source: str | None = None,
            strict: bool = False, region_given: bool = True) -> str | None:
        """Add one role; returns the target name it has (or the one already there), or
        None when it was skipped without one.

        ``strict`` (a ~/.aws/config profile, which carries its own source, region and
        options): a role already there with other values is skipped with the differences.
        Otherwise (ESR, a link: they carry no role options) the name alone matches.
        A colour or region other than the account's is kept on the role (AESR keeps them
        per profile); ``region_given`` False: the entry named none, the account's applies."""
        partition = partition_name(region)
        slot = self.find(account_id, role["name"], partition)
        if slot is None:
            slot = _Slot({"alias": self.new_alias(alias_candidates, account_id), "id": account_id,
                          "region": region, "color": color, "source": source})
            self._index(slot)
        elif slot.partition != partition:
            # The same digits in another partition are another account; one alias cannot
            # hold both, and a second account with the id is what we never make.
            self.result.skipped.append((entry, (
                f"account {account_id} is listed as {slot.fields['alias']} in partition "
                f"{slot.partition}, this role is in {partition}")))
            return None
        if not region_given and slot.partition == partition:
            region = slot.fields["region"]
        target = f"{slot.fields['alias']}/{role['name']}"
        present = slot.present.get(role["name"])
        if present is not None:
            differs = _differences(slot.effective(present),
                                   {"region": region, "source": None if role.get("via") else source,
                                    **role}) if strict else []
            if differs:
                self.result.skipped.append((entry, f"differs from {target}: {', '.join(differs)}; "
                                                   "edit it or remove it first"))
                return target
            lost = []
            if color and color != (present.get("color") or slot.fields["color"]):
                lost.append(f"colour {color}")
            if region != slot.effective(present)["region"]:
                lost.append(f"region {region}")
            kept = f"; its {' and '.join(lost)} not kept" if lost else ""
            self.result.skipped.append((entry, f"already present as {target}{kept}"))
            return target
        if strict and not role.get("via") and slot.fields["source"] != source:
            if slot.account is None and all(r.get("via") for r in slot.present.values()):
                slot.fields["source"] = source  # so far only chained roles, which ignore it
            else:
                self.result.skipped.append((entry, (
                    f"account {slot.fields['alias']} uses {_source_name(slot.fields['source'])}, "
                    f"this profile {_source_name(source)}; add the role by hand if that is right")))
                return None
        role = dict(role)
        if region != slot.fields["region"]:
            role["region"] = region
        if color and color != slot.fields["color"]:
            role["color"] = color
        slot.added.append(role)
        slot.present[role["name"]] = role
        return target

    def finish(self) -> ImportResult:
        accounts = []
        for slot in self.slots:
            roles = tuple(Role(**r) for r in slot.added)
            if slot.account is None:
                if not roles:
                    continue
                fields = {k: val for k, val in slot.fields.items() if val is not None}
                account = Account(**fields, roles=roles)
                self.result.added_accounts.append(account.alias)
            else:
                account = slot.account.with_roles(slot.account.roles + roles) if roles else slot.account
            self.result.added_roles += [f"{account.alias}/{r.name}" for r in roles]
            accounts.append(account)
        # One Config at the end: building one per account re-validates every alias each time.
        self.result.config = replace(self.config, accounts=tuple(accounts))
        return self.result


def _named(where: str, check: Callable, value):
    try:
        return check(value)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _region_for(where: str, region: str | None, arn_partition: str | None) -> str:
    """The region given, checked against the ARN's partition; else that partition's default."""
    if region:
        region = _named(where, v.check_region, region)
        if arn_partition and partition_name(region) != arn_partition:
            raise InputError(
                f"{where}: region {region} is not in partition {arn_partition} of its role ARN"
            )
        return region
    if arn_partition and arn_partition in PARTITIONS:
        return PARTITIONS[arn_partition].default_region
    return DEFAULT_REGION


# --- ~/.aws/config ---------------------------------------------------------------------

def plan_aws_config(config: Config, profiles: dict[str, dict[str, str]],
                    origin: str = "~/.aws/config", names=None) -> ImportResult:
    """``names``: the profiles to import (default: all); the others only serve as sources."""
    role_profiles = [name for name in (profiles if names is None else names)
                     if "role_arn" in profiles[name]]
    if not role_profiles:
        raise InputError(f"{origin} has no role profiles (profiles with role_arn)")
    entries = []
    skipped = []
    for name in role_profiles:
        where = f"profile {name}"
        if not is_role_profile(profiles[name]):
            skipped.append((where, "a web identity profile: a source of credentials "
                                   "(name it as a source_profile), not a role to switch to"))
            continue
        try:
            # the same reading as `switcher list`: the target botocore would assume
            target = profile_target(name, profiles)
        except ProfileRefused as exc:
            skipped.append((where, f"botocore refuses it: {exc}"))
            continue
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        if target.credential_source:
            skipped.append((where, f"its credentials come from credential_source "
                                   f"{target.credential_source}, which a Switcher account cannot "
                                   f"name; it stays listed as profile {name}"))
            continue
        role: dict[str, Any] = {"name": target.role_name}
        for key in ("duration", "external_id", "mfa_serial"):
            if getattr(target, key) is not None:
                role[key] = getattr(target, key)
        entries.append((name, target.account_id, role, target.region, target.source, target.via,
                        target.region_from != "default"))

    merger = _Merger(config)
    merger.result.skipped += skipped
    target_of: dict[str, str | None] = {}
    for name, account_id, role, region, source, via, region_given in _sources_first(entries):
        if via:
            if target_of.get(via) is None:
                merger.result.skipped.append((f"profile {name}",
                                              f"its source_profile {via} was not imported"))
                target_of[name] = None
                continue
            role["via"] = target_of[via]
        target_of[name] = merger.add(
            f"profile {name}", account_id=account_id, role=role, region=region, source=source,
            alias_candidates=[esr.alias_from_section(name, role["name"]), name],
            strict=True, region_given=region_given,
        )
    return merger.finish()


def _sources_first(entries: list[tuple]) -> list[tuple]:
    """File order, except that a chained profile comes after the role it chains from, so
    its ``via`` target name is known when it is added."""
    by_name = {e[0]: e for e in entries}
    done: dict[str, bool] = {}  # False while a profile's chain is being walked
    out: list[tuple] = []

    def visit(name: str) -> None:
        if done.get(name) is False:
            raise InputError(f"profile {name}: its source_profile chain loops back to it")
        if name in done or name not in by_name:
            return  # not imported (skipped above): its dependants say so
        done[name] = False
        via = by_name[name][5]
        if via:
            visit(via)
        done[name] = True
        out.append(by_name[name])

    for name in by_name:
        visit(name)
    return out


def plan_aws_config_file(config: Config, path: Path | None = None) -> ImportResult:
    """``path`` alone, or (None) ~/.aws/config with ~/.aws/credentials, as botocore reads them."""
    if path is None:
        return plan_aws_config(config, read_aws_profiles(), str(aws_config_file()))
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    own = read_aws_profiles(path)
    try:
        # a source_profile may be one of the user's own profiles, as when a shared file is
        # appended to ~/.aws/config
        mine = read_aws_profiles()
    except InputError:
        mine = {}
    return plan_aws_config(config, {**mine, **own}, str(path), names=list(own))


# --- AWS Extend Switch Roles -----------------------------------------------------------

def _local_sources(config: Config) -> set[str]:
    try:
        profiles = set(read_aws_profiles())
    except InputError:
        profiles = set()  # a broken ~/.aws/config only means no source can be matched
    return profiles | set(config.keyring_sources)


def plan_esr(config: Config, text: str) -> ImportResult:
    skipped: list[tuple[str, str]] = []
    targets = esr.parse(text, skipped)
    if not targets:
        raise InputError("the ESR configuration has no target roles")
    local = _local_sources(config)
    checked = []
    for t in targets:
        where = f"ESR [{t.name}] (line {t.line})"
        if not v.ACCOUNT_ID_RE.match(t.account):
            if not t.account.isdigit() and v.IAM_ALIAS_RE.match(t.account):
                skipped.append((t.name, f"account is the alias {t.account}, not a 12-digit id"))
                continue
            _named(where, v.check_account_id, t.account)
        role = {"name": _named(where, v.check_role_name, t.role_name)}
        color = _named(where, v.check_color, t.color) if t.color else None
        region = _region_for(where, t.region, t.partition)
        checked.append((t, role, color, region))

    merger = _Merger(config)
    merger.result.skipped += skipped
    dropped: dict[str, list[str]] = {}  # source_profile -> the sections that had it
    for t, role, color, region in checked:
        source = t.source_profile if t.source_profile in local else None
        before = len(merger.result.skipped)
        merger.add(
            t.name, account_id=t.account, role=role, region=region, color=color, source=source,
            alias_candidates=[t.account_alias if t.account_alias and not t.account_alias.isdigit()
                              else None,
                              esr.alias_from_section(t.name, t.role_name), t.name],
            region_given=bool(t.region),
        )
        if t.source_profile and source is None and len(merger.result.skipped) == before:
            dropped.setdefault(t.source_profile, []).append(t.name)
    for base, names in dropped.items():
        merger.result.notes.append(
            f"source_profile {base} is no AWS CLI profile or keyring source here, so "
            f"{', '.join(names)} {'use' if len(names) > 1 else 'uses'} the default credentials")
    return merger.finish()


# --- a Switch Role link ----------------------------------------------------------------

def plan_link(config: Config, url: str) -> ImportResult:
    link = parse_link(url)
    merger = _Merger(config)
    role = {"name": link.role_name}
    entry = f"link {link.account}/{link.role_name}"
    if not v.ACCOUNT_ID_RE.match(link.account):
        # The console also accepts the AWS account alias; we can only place it when one
        # of our accounts carries that alias, since a new account needs its 12-digit id.
        existing = config.account(link.account)
        if existing is None:
            raise InputError(
                f"the link names account alias {link.account!r}; add the account first with "
                f"switcher add {link.account} --account ID, then import the link again"
            )
        account_id = existing.id
    else:
        account_id = link.account
    display = link.display_name or ""
    candidates = []
    if "/" in display:
        candidates.append(display.split("/", 1)[0])
    candidates += [esr.alias_from_section(display, link.role_name), display]
    region = link.region or link.partition.default_region
    merger.add(entry, account_id=account_id, role=role, region=region, color=link.color,
               alias_candidates=candidates, region_given=bool(link.region))
    return merger.finish()


# --- saving ----------------------------------------------------------------------------

def apply(planner: Callable[[Config], ImportResult], path: Path | None = None) -> ImportResult:
    """Plan against the config on disk and save atomically; nothing is written when the
    plan fails or adds nothing."""
    box: list[ImportResult] = []

    def change(config: Config) -> Config:
        result = planner(config)
        box.append(result)
        if not result.changed:
            raise _NothingToSave
        return result.config

    try:
        store.update(change, path)
    except _NothingToSave:
        pass
    return box[-1]


class _NothingToSave(Exception):
    pass
