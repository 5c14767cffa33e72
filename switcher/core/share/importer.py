"""Import targets from ~/.aws/config role profiles, ESR text or a Switch Role link
(exports live in :mod:`.exporter`).

Every ``plan_*`` function is pure: it validates the whole input first and returns the new
Config plus a report, raising InputError (naming the profile or section) on the first
invalid entry, so an import is all-or-nothing. :func:`apply` saves a plan atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from switcher.core import config as store
from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import DEFAULT_REGION, Account, Config, Role
from switcher.core.partitions import PARTITIONS, partition_name
from switcher.core.share import esr
from switcher.core.share.links import parse_link
from switcher.core.targets import read_aws_profiles

SUMMARY_SKIPPED = 10  # reasons listed in the one-line report; the rest are counted


@dataclass
class ImportResult:
    config: Config
    added_accounts: list[str] = field(default_factory=list)
    added_roles: list[str] = field(default_factory=list)  # target names
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)

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
        return line


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
        self.aliases: set[str] = set()
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
        self.aliases.add(slot.fields["alias"])

    def find(self, account_id: str, role_name: str, partition: str) -> _Slot | None:
        """The account with this id: the one holding the role, else one in the role's
        partition (configs from before this rule may list an id twice)."""
        slots = self.by_id.get(account_id, [])
        for slot in slots:
            if role_name in slot.present:
                return slot
        return next((s for s in slots if s.partition == partition), slots[0] if slots else None)

    def new_alias(self, candidates: list[str | None], account_id: str) -> str:
        valid = [c for c in candidates if c and v.ALIAS_RE.match(c)] + [account_id]
        for alias in valid:
            if alias not in self.aliases:
                return alias
        base = valid[0]
        for number in range(2, 10_000):
            suffix = f"-{number}"
            alias = base[: 63 - len(suffix)].rstrip("-") + suffix
            if alias not in self.aliases:
                return alias
        raise InputError(f"no free alias for account {account_id}")  # pragma: no cover

    def add(self, entry: str, *, account_id: str, role: dict[str, Any], alias_candidates,
            region: str, color: str | None = None, source: str | None = None,
            strict: bool = False) -> str | None:
        """Add one role; returns the target name it has (or the one already there), or
        None when it was skipped without one.

        ``strict`` (a ~/.aws/config profile, which carries its own source, region and
        options): a role already there with other values is skipped with the differences.
        Otherwise (ESR, a link: they carry no role options) the name alone matches."""
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
        target = f"{slot.fields['alias']}/{role['name']}"
        present = slot.present.get(role["name"])
        if present is not None:
            differs = _differences(slot.effective(present),
                                   {"region": region, "source": None if role.get("via") else source,
                                    **role}) if strict else []
            if differs:
                self.result.skipped.append((entry, f"differs from {target}: {', '.join(differs)}; "
                                                   "edit it or remove it first"))
            else:
                self.result.skipped.append((entry, f"already present as {target}"))
            return target
        if strict and not role.get("via") and slot.fields["source"] != source:
            if slot.account is None and all(r.get("via") for r in slot.present.values()):
                slot.fields["source"] = source  # so far only chained roles, which ignore it
            else:
                self.result.skipped.append((entry, (
                    f"account {slot.fields['alias']} uses {_source_name(slot.fields['source'])}, "
                    f"this profile {_source_name(source)}; add the role by hand if that is right")))
                return None
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
                    origin: str = "~/.aws/config") -> ImportResult:
    role_profiles = {name: p for name, p in profiles.items() if "role_arn" in p}
    if not role_profiles:
        raise InputError(f"{origin} has no role profiles (profiles with role_arn)")
    entries = []
    for name, profile in role_profiles.items():
        where = f"profile {name}"
        match = _named(where, v.check_role_arn, profile["role_arn"])
        source = profile.get("source_profile")
        via = None
        if source and source != name and "role_arn" in profiles.get(source, {}):
            via, source = source, None  # the source is a role itself: role chaining
        role: dict[str, Any] = {"name": match["role"]}
        if profile.get("duration_seconds"):
            # Stored as is, a chained role over 1 hour would make every later switch fail.
            role["duration"] = _named(where, partial(v.check_duration, chained=bool(via)),
                                      profile["duration_seconds"])
        if profile.get("external_id"):
            role["external_id"] = _named(where, v.check_external_id, profile["external_id"])
        if profile.get("mfa_serial"):
            role["mfa_serial"] = _named(where, v.check_mfa_serial, profile["mfa_serial"])
        region = profile.get("region")
        inherited = profiles.get(source or via or "", {}).get("region")
        if not region and inherited and v.REGION_RE.match(inherited) and (
            partition_name(inherited) == match["partition"]
        ):
            region = inherited  # botocore's own fallback, unless it is another partition's
        region = _region_for(where, region, match["partition"])
        entries.append((name, match["account"], role, region, source, via))

    merger = _Merger(config)
    target_of: dict[str, str | None] = {}
    for name, account_id, role, region, source, via in _sources_first(entries):
        if via:
            if target_of[via] is None:
                merger.result.skipped.append((f"profile {name}",
                                              f"its source_profile {via} was not imported"))
                target_of[name] = None
                continue
            role["via"] = target_of[via]
        target_of[name] = merger.add(
            f"profile {name}", account_id=account_id, role=role, region=region, source=source,
            alias_candidates=[esr.alias_from_section(name, role["name"]), esr.sanitise_alias(name)],
            strict=True,
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
        if name in done:
            return
        done[name] = False
        via = by_name[name][5]
        if via:
            visit(via)
        done[name] = True
        out.append(by_name[name])

    for name in by_name:
        visit(name)
    return out


def plan_aws_config_file(config: Config, path: Path) -> ImportResult:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return plan_aws_config(config, read_aws_profiles(path), str(path))


# --- AWS Extend Switch Roles -----------------------------------------------------------

def _local_sources(config: Config) -> set[str]:
    try:
        profiles = set(read_aws_profiles())
    except InputError:
        profiles = set()  # a broken ~/.aws/config only means no source can be matched
    return profiles | set(config.keyring_sources)


def plan_esr(config: Config, text: str) -> ImportResult:
    targets = esr.parse(text)
    if not targets:
        raise InputError("the ESR configuration has no target roles")
    local = _local_sources(config)
    checked = []
    skipped = []
    for t in targets:
        where = f"ESR [{t.name}] (line {t.line})"
        if not v.ACCOUNT_ID_RE.match(t.account):
            if not t.account.isdigit() and v.ALIAS_RE.match(t.account):
                skipped.append((t.name, f"account is the alias {t.account}, not a 12-digit id"))
                continue
            _named(where, v.check_account_id, t.account)
        role = {"name": _named(where, v.check_role_name, t.role_name)}
        color = _named(where, v.check_color, t.color) if t.color else None
        region = _region_for(where, t.region, t.partition)
        checked.append((t, role, color, region))

    merger = _Merger(config)
    merger.result.skipped += skipped
    for t, role, color, region in checked:
        account_alias = esr.sanitise_alias(t.account_alias or "")
        merger.add(
            t.name, account_id=t.account, role=role, region=region, color=color,
            source=t.source_profile if t.source_profile in local else None,
            alias_candidates=[account_alias if not account_alias.isdigit() else None,
                              esr.alias_from_section(t.name, t.role_name),
                              esr.sanitise_alias(t.name)],
        )
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
        candidates.append(esr.sanitise_alias(display.split("/", 1)[0]))
    candidates += [esr.alias_from_section(display, link.role_name), esr.sanitise_alias(display)]
    region = link.region or link.partition.default_region
    merger.add(entry, account_id=account_id, role=role, region=region, color=link.color,
               alias_candidates=candidates)
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
