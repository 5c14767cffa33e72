"""The inventory: what discovery found, one JSON file per source in the user cache
directory (``<cache dir>/discovery/<kind>-<name>.json``), written atomically.

It holds names, ids, e-mail addresses, role names and timestamps: never a token or a
credential. It can be deleted at any time (the next ``switcher discover`` rebuilds it);
a file that is damaged, of another version or of another source is a miss, never a
crash.

``load_all(config)`` is what every start of ``switcher list`` and the tray calls: it
reads JSON and builds tuples, and imports neither boto3 nor botocore.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from switcher.core.discovery.naming import with_id

if TYPE_CHECKING:
    from switcher.core.model import Config, DiscoveredOverlay

FORMAT_VERSION = 1
SSO, ORG = "sso", "org"
KINDS = (SSO, ORG)
FOLDER = "discovery"


class DiscoveredRole(NamedTuple):
    """One discovered target. ``target`` is the name to switch by (the overlay's alias
    and cross-source clashes applied); ``name`` is the discovered one, which
    ``[[discovered]]`` entries are keyed by."""

    target: str
    name: str
    source: str  # the Identity Center source or organization it came from
    kind: str  # SSO (GetRoleCredentials with the source's token) or ORG (AssumeRole via)
    account_id: str
    account_name: str
    account_alias: str  # the account part of ``target``
    role_name: str  # a permission set name (SSO) or an IAM role name (ORG)
    start_url: str | None  # SSO: the portal the source signs in to
    region: str | None  # SSO: the Identity Center region
    via: str | None  # ORG: the target whose credentials assume the role
    color: str | None = None
    hotkey: str | None = None
    browser: str | None = None
    hidden: bool = False


class DiscoveredAccount(NamedTuple):
    source: str
    kind: str
    id: str
    name: str
    alias: str  # as discovered (stable); a role's account_alias may differ by the overlay
    email: str
    roles: tuple[DiscoveredRole, ...]  # empty while its roles are still being listed
    first_seen: float
    last_seen: float
    error: str | None  # why its roles could not be listed last time (retried next time)


@dataclass
class Inventory:
    """One source's file, as discovery reads and writes it. ``accounts`` maps an id to
    ``{"id", "name", "alias", "email", "roles" (None: not listed yet), "first_seen",
    "last_seen", "error"}``."""

    kind: str
    source: str
    start_url: str | None = None
    region: str | None = None
    via: str | None = None
    listed_at: float | None = None  # when the last full account listing ended
    updated_at: float = 0.0
    complete: bool = False  # every listed account has its roles (or its error)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    rate: float | None = None  # requests/s the limiter ended the last run at

    def to_json(self) -> str:
        return json.dumps({
            "version": FORMAT_VERSION, "kind": self.kind, "source": self.source,
            "start_url": self.start_url, "region": self.region, "via": self.via,
            "listed_at": self.listed_at, "updated_at": self.updated_at,
            "complete": self.complete, "rate": self.rate,
            "accounts": list(self.accounts.values()),
        }, separators=(",", ":"))

    def fresh(self, max_age_seconds: float, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return (self.complete and self.listed_at is not None
                and 0 <= now - self.listed_at < max_age_seconds)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [a for a in self.accounts.values() if a.get("error")]


def directory() -> Path:
    from switcher.core.paths import cache_dir

    return cache_dir() / FOLDER


def path_for(kind: str, source: str) -> Path:
    # source names are 1-64 of [A-Za-z0-9+=,.@_-] (core.secrets.keysources): safe as is
    return directory() / f"{kind}-{source}.json"


def _valid_account(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if not all(isinstance(entry.get(k), str) for k in ("id", "name", "alias")):
        return False
    roles = entry.get("roles")
    if roles is not None and not (isinstance(roles, list)
                                  and all(isinstance(r, str) for r in roles)):
        return False
    return (all(isinstance(entry.get(k), (int, float)) for k in ("first_seen", "last_seen"))
            and isinstance(entry.get("email", ""), str)
            and isinstance(entry.get("error"), (str, type(None))))


def _parse(data: Any, kind: str | None = None, source: str | None = None) -> Inventory | None:
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return None
    if data.get("kind") not in KINDS or not isinstance(data.get("source"), str):
        return None
    if (kind is not None and data["kind"] != kind) or (source is not None
                                                        and data["source"] != source):
        return None
    accounts = data.get("accounts")
    if not isinstance(accounts, list) or not all(_valid_account(a) for a in accounts):
        return None
    for key in ("start_url", "region", "via"):
        if not isinstance(data.get(key), (str, type(None))):
            return None
    listed_at, updated_at = data.get("listed_at"), data.get("updated_at", 0)
    rate = data.get("rate")
    if not all(isinstance(x, (int, float, type(None))) for x in (listed_at, updated_at, rate)):
        return None
    if rate is not None and not 0 < rate < 1e6:
        rate = None
    return Inventory(data["kind"], data["source"], data.get("start_url"), data.get("region"),
                     data.get("via"), listed_at, updated_at or 0, data.get("complete") is True,
                     {a["id"]: a for a in accounts}, rate)


def _read_json(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            return json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None  # missing, unreadable or damaged: discovery rebuilds it


def read(kind: str, source: str) -> Inventory | None:
    """The source's inventory, or None when there is none worth using."""
    return _parse(_read_json(path_for(kind, source)), kind, source)


def write(inventory: Inventory) -> None:
    from switcher.core.files import write_atomic

    path = path_for(inventory.kind, inventory.source)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, inventory.to_json(), mode=0o600)


def remove(kind: str, source: str) -> bool:
    try:
        path_for(kind, source).unlink()
        return True
    except FileNotFoundError:
        return False


def stored() -> list[tuple[str, str]]:
    """(kind, source) of every inventory file there is."""
    try:
        names = sorted(os.listdir(directory()))
    except OSError:
        return []
    out = []
    for name in names:
        kind, dash, rest = name.partition("-")
        if dash and kind in KINDS and rest.endswith(".json") and len(rest) > 5:
            out.append((kind, rest[:-5]))
    return out


# -- what the next layers read ---------------------------------------------------------

def _wanted(config: Config) -> list[tuple[str, str]]:
    """The inventories to show, in order: config.toml's Identity Center sources, then
    other stored ones (~/.aws/config's sso-sessions: checking those would mean parsing
    that file, which `discover` does and prunes for), then the organizations."""
    orgs = {o.name for o in config.org}
    sso = {s.name for s in config.sso}
    files = stored()
    out = [(SSO, s.name) for s in config.sso if (SSO, s.name) in files]
    out += [(SSO, name) for kind, name in files
            if kind == SSO and name not in sso and name not in orgs]
    return out + [(ORG, o.name) for o in config.org if (ORG, o.name) in files]


def _belongs(inventory: Inventory, config: Config) -> bool:
    from switcher.core.sso.sources import url_key

    if inventory.kind == ORG:
        org = next((o for o in config.org if o.name == inventory.source), None)
        return org is not None and org.via == inventory.via
    mine = next((s for s in config.sso if s.name == inventory.source), None)
    return mine is None or url_key(mine.start_url) == url_key(inventory.start_url or "")


def _overlays(config: Config) -> tuple[dict, dict]:
    by_target: dict[str, DiscoveredOverlay] = {}
    by_account: dict[tuple[str, str], DiscoveredOverlay] = {}
    for entry in config.discovered:
        if entry.target is not None:
            by_target[entry.target] = entry
        else:
            by_account[(entry.account, entry.role or "")] = entry
    return by_target, by_account


def _merged(entries) -> tuple:
    """(alias, color, hotkey, browser, hidden): the most specific entry's value wins."""
    alias = color = hotkey = browser = None
    hidden = False
    for entry in entries:  # most specific first
        if entry is None:
            continue
        alias = alias if alias is not None else entry.alias
        color = color if color is not None else entry.color
        hotkey = hotkey if hotkey is not None else entry.hotkey
        browser = browser if browser is not None else entry.browser
        hidden = hidden or entry.hidden
    return alias, color, hotkey, browser, hidden


def load_all(config: Config, *, include_hidden: bool = False) -> list[DiscoveredAccount]:
    """Every discovered account of the sources ``config`` still has, with its roles as
    targets: the ``[[discovered]]`` overlay applied, hidden targets left out unless
    ``include_hidden``. An account alias that another source or one of config.toml's
    accounts already uses gets its account id appended. Reads files only."""
    by_target, by_account = _overlays(config)
    taken: dict[str, tuple[str, str]] = {a.alias.casefold(): ("", a.id) for a in config.accounts}
    out: list[DiscoveredAccount] = []
    for kind, name in _wanted(config):
        inventory = read(kind, name)
        if inventory is None or not _belongs(inventory, config):
            continue
        start_url, region, via = inventory.start_url, inventory.region, inventory.via
        for entry in inventory.accounts.values():
            account_id, alias = entry["id"], entry["alias"]
            owner = (name, account_id)
            if taken.setdefault(alias.casefold(), owner) != owner:
                alias = with_id(alias, account_id)
                taken.setdefault(alias.casefold(), owner)
            roles = []
            for role in entry["roles"] or ():
                discovered = f"{alias}/{role}"
                shown, color, hotkey, browser, hidden = _merged((
                    by_target.get(discovered), by_account.get((account_id, role)),
                    by_account.get((account_id, ""))))
                if hidden and not include_hidden:
                    continue
                shown = shown or alias
                roles.append(DiscoveredRole(
                    f"{shown}/{role}", discovered, name, kind, account_id, entry["name"],
                    shown, role, start_url, region, via, color, hotkey, browser, hidden))
            out.append(DiscoveredAccount(
                name, kind, account_id, entry["name"], alias, entry.get("email", ""),
                tuple(roles), entry["first_seen"], entry["last_seen"], entry.get("error")))
    return out


def load_roles(config: Config, *, include_hidden: bool = False) -> list[DiscoveredRole]:
    """``load_all``'s targets, flattened."""
    return [r for a in load_all(config, include_hidden=include_hidden) for r in a.roles]
