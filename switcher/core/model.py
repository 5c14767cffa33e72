"""Accounts, roles and settings as plain data, with validation on construction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.formats import CREDS_FORMATS

PRESET_COLORS = {
    "red": "F2B0A9",
    "orange": "FBBF93",
    "yellow": "FAD791",
    "green": "B7CA9D",
    "blue": "99BCE3",
}
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Role:
    name: str  # with optional path: "team/ops/Deploy"
    duration: int | None = None
    external_id: str | None = None
    mfa_serial: str | None = None
    via: str | None = None  # another target whose credentials assume this role (chaining)
    hotkey: str | None = None
    # AESR keeps colour and region per profile; None falls back to the account's
    color: str | None = None
    region: str | None = None
    # every hand-out of its credentials to another process needs a click in the tray
    confirm: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", v.check_role_name(self.name))
        if self.color is not None:
            object.__setattr__(self, "color", v.check_color(self.color))
        if self.region is not None:
            object.__setattr__(self, "region", v.check_region(self.region))
        if self.duration is not None:
            object.__setattr__(self, "duration", v.check_duration(self.duration))
        if self.external_id is not None:
            v.check_external_id(self.external_id)
        if self.mfa_serial is not None:
            object.__setattr__(self, "mfa_serial", v.check_mfa_serial(self.mfa_serial))
        if self.hotkey is not None:
            object.__setattr__(self, "hotkey", _check_hotkey(self.hotkey))

    @property
    def short_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        for key in ("duration", "external_id", "mfa_serial", "via", "hotkey", "color", "region"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.confirm:
            out["confirm"] = True
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Role:
        _check_types("role", data, {
            "name": str, "duration": int, "external_id": str, "mfa_serial": str,
            "via": str, "hotkey": str, "color": str, "region": str, "confirm": bool,
        })
        if "name" not in data:
            raise InputError("a role has no name")
        return cls(**data)


@dataclass(frozen=True)
class Account:
    alias: str
    id: str
    region: str = DEFAULT_REGION
    color: str | None = None
    source: str | None = None  # AWS CLI profile name or a keyring source (see Config.keyring_sources)
    roles: tuple[Role, ...] = ()
    mfa_serial: str | None = None
    mfa_process: str | None = None
    browser: str | None = None  # see core.browser_spec for the accepted forms
    logout_first: bool | None = None  # None: use the global setting
    # the console's multi-session mode is on in the browser this account opens in; None:
    # use the global setting
    multi_session: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "alias", v.check_alias(self.alias))
        object.__setattr__(self, "id", v.check_account_id(self.id))
        object.__setattr__(self, "region", v.check_region(self.region))
        if self.color is not None:
            object.__setattr__(self, "color", v.check_color(self.color))
        if self.mfa_serial is not None:
            object.__setattr__(self, "mfa_serial", v.check_mfa_serial(self.mfa_serial))
        # IAM role names ignore case: "Admin" and "admin" cannot both exist in one account
        dupes = {n for n, count in Counter(r.name.casefold() for r in self.roles).items() if count > 1}
        if dupes:
            first = next(r.name for r in self.roles if r.name.casefold() in dupes)
            raise InputError(f"account {self.alias} lists role {first} twice")
        for role in self.roles:
            # the account id lives in one partition; a role's region cannot move its ARN
            if role.region and _partition(role.region) != _partition(self.region):
                raise InputError(f"account {self.alias}: role {role.name}'s region {role.region} "
                                 f"is not in the partition of the account's region {self.region}")

    def role(self, name: str) -> Role | None:
        for role in self.roles:
            if role.name == name:
                return role
        # "Deploy" finds "team/ops/Deploy" when it is the only one with that short name
        matches = [r for r in self.roles if r.short_name == name]
        return matches[0] if len(matches) == 1 else None

    def with_roles(self, roles: tuple[Role, ...]) -> Account:
        return replace(self, roles=roles)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"alias": self.alias, "id": self.id, "region": self.region}
        for key in ("color", "source", "mfa_serial", "mfa_process", "browser", "logout_first",
                    "multi_session"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["roles"] = [r.to_dict() for r in self.roles]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        _check_types("account", data, {
            "alias": str, "id": (str, int), "region": str, "color": str, "source": str,
            "roles": list, "mfa_serial": str, "mfa_process": str, "browser": str,
            "logout_first": bool, "multi_session": bool,
        })
        for key in ("alias", "id"):
            if key not in data:
                raise InputError(f"an account has no {key}")
        data = dict(data)
        data["id"] = str(data["id"])
        try:
            data["roles"] = tuple(Role.from_dict(r) for r in data.get("roles", []))
        except InputError as exc:
            raise InputError(f"account {data['alias']}: {exc}") from None
        return cls(**data)


@dataclass(frozen=True)
class Settings:
    browser: str | None = None
    clipboard_clear_seconds: int = 30
    logout_first: bool = False
    default_duration: int | None = None
    palette_hotkey: str = "Ctrl+Alt+A"
    creds_format: str = "env"
    start_at_login: bool = False
    mfa_process: str | None = None
    session_name: str | None = None
    network_deadline_seconds: int = 30  # all network calls of one command or switch
    discovery_max_age_hours: int = 12  # `switcher discover` asks again only after this
    multi_session: bool = False  # the console's multi-session mode is on in the browser

    def __post_init__(self) -> None:
        if not 1 <= int(self.network_deadline_seconds) <= 600:
            raise InputError("network deadline must be 1-600 seconds")
        if not 0 <= int(self.discovery_max_age_hours) <= 8760:
            raise InputError("discovery_max_age_hours must be 0-8760 hours")
        if self.default_duration is not None:
            v.check_duration(self.default_duration)
        if self.creds_format not in CREDS_FORMATS:
            raise InputError(f"credentials format must be one of {', '.join(CREDS_FORMATS)}")
        if not 0 <= int(self.clipboard_clear_seconds) <= 3600:
            raise InputError("clipboard clear delay must be 0-3600 seconds")
        if self.session_name is not None:
            v.check_session_name(self.session_name)
        object.__setattr__(self, "palette_hotkey", _check_hotkey(self.palette_hotkey) or "")

    def to_dict(self) -> dict[str, Any]:
        return {k: val for k, val in self.__dict__.items() if val is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        _check_types("settings", data, {
            "browser": str, "clipboard_clear_seconds": int, "logout_first": bool,
            "default_duration": int, "palette_hotkey": str, "creds_format": str,
            "start_at_login": bool, "mfa_process": str, "session_name": str,
            "network_deadline_seconds": int, "discovery_max_age_hours": int,
            "multi_session": bool,
        })
        return cls(**data)


@dataclass(frozen=True)
class SsoSource:
    """An IAM Identity Center instance to sign in to: config.toml's ``[[sso]]`` tables.
    Its tokens live in the OS keyring (core.sso.tokens), never here."""

    name: str
    start_url: str
    region: str
    max_requests_per_second: int | None = None  # a ceiling for `switcher discover`
    # how `login` opens the console: "federation" (a sign-in URL from GetRoleCredentials
    # credentials) or "portal" (the access portal's console shortcut)
    console: str = "federation"

    def __post_init__(self) -> None:
        from switcher.core.sso.sources import check_console, check_name, check_start_url

        check_console(self.console, f"Identity Center source {self.name}")

        object.__setattr__(self, "name", check_name(self.name))
        object.__setattr__(self, "start_url", check_start_url(self.start_url))
        object.__setattr__(self, "region", v.check_region(self.region))
        _check_ceiling(f"Identity Center source {self.name}", self.max_requests_per_second)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "start_url": self.start_url,
                               "region": self.region}
        if self.max_requests_per_second is not None:
            out["max_requests_per_second"] = self.max_requests_per_second
        if self.console != "federation":
            out["console"] = self.console
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SsoSource:
        _check_types("Identity Center source", data,
                     {"name": str, "start_url": str, "region": str,
                      "max_requests_per_second": int, "console": str})
        for key in ("name", "start_url", "region"):
            if key not in data:
                raise InputError(f"an Identity Center source has no {key}")
        return cls(**data)


@dataclass(frozen=True)
class OrgSource:
    """An AWS Organization to discover accounts in: config.toml's ``[[org]]`` tables.
    ``via`` is a target (the management account or a delegated administrator) whose
    credentials list the accounts; every account gets one target per ``role_names``,
    assumed through ``via``."""

    name: str
    via: str
    role_names: tuple[str, ...]
    max_requests_per_second: int | None = None  # a ceiling for `switcher discover`

    def __post_init__(self) -> None:
        from switcher.core.sso.sources import check_name

        object.__setattr__(self, "name", check_name(self.name))
        if not str(self.via).strip() or len(self.via) > 200:
            raise InputError(f"organization {self.name}: via must name a target")
        object.__setattr__(self, "via", str(self.via).strip())
        names = tuple(v.check_role_name(r) for r in self.role_names)
        if not names:
            raise InputError(f"organization {self.name} needs at least one role name")
        dupes = {r for r, n in Counter(names).items() if n > 1}
        if dupes:
            raise InputError(f"organization {self.name} lists role {sorted(dupes)[0]} twice")
        object.__setattr__(self, "role_names", names)
        _check_ceiling(f"organization {self.name}", self.max_requests_per_second)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "via": self.via,
                               "role_names": list(self.role_names)}
        if self.max_requests_per_second is not None:
            out["max_requests_per_second"] = self.max_requests_per_second
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrgSource:
        _check_types("organization", data, {"name": str, "via": str, "role_names": list,
                                            "max_requests_per_second": int})
        for key in ("name", "via", "role_names"):
            if key not in data:
                raise InputError(f"an organization has no {key}")
        if not all(isinstance(r, str) for r in data["role_names"]):
            raise InputError(f"organization {data['name']}: role_names must be a list of strings")
        return cls(**{**data, "role_names": tuple(data["role_names"])})


@dataclass(frozen=True)
class DiscoveredOverlay:
    """What the user sets on discovered targets (``[[discovered]]`` tables), kept apart
    from the inventory so that a refresh never loses it. Keyed by ``target`` (the
    discovered name, ``Account-Name/Role``) or by ``account`` id, with ``role`` for one
    role of it or without for all of them."""

    target: str | None = None
    account: str | None = None
    role: str | None = None
    alias: str | None = None  # the account part of the name instead of the discovered one
    color: str | None = None
    hotkey: str | None = None
    browser: str | None = None
    hidden: bool = False

    def __post_init__(self) -> None:
        if (self.target is None) == (self.account is None):
            raise InputError("a [[discovered]] entry needs either target or account")
        if self.target is not None:
            alias, slash, role = str(self.target).partition("/")
            if not slash or self.role is not None:
                raise InputError(f"[[discovered]] target {v.short_repr(self.target)} must be "
                                 "Account/Role (and then no role key)")
            v.check_alias(alias)
            v.check_role_name(role)
        else:
            object.__setattr__(self, "account", v.check_account_id(self.account))
            if self.role is not None:
                object.__setattr__(self, "role", v.check_role_name(self.role))
        if self.alias is not None:
            object.__setattr__(self, "alias", v.check_alias(self.alias))
        if self.color is not None:
            object.__setattr__(self, "color", v.check_color(self.color))
        if self.hotkey is not None:
            object.__setattr__(self, "hotkey", _check_hotkey(self.hotkey))
        if self.browser is not None:
            from switcher.core.browser_spec import check

            object.__setattr__(self, "browser", check(self.browser))

    @property
    def key(self) -> tuple[str, ...]:
        return ("target", self.target) if self.target else ("account", self.account, self.role or "")

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("target", "account", "role", "alias", "color",
                                             "hotkey", "browser") if getattr(self, k) is not None}
        if self.hidden:
            out["hidden"] = True
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiscoveredOverlay:
        _check_types("[[discovered]] entry", data, {
            "target": str, "account": (str, int), "role": str, "alias": str, "color": str,
            "hotkey": str, "browser": str, "hidden": bool})
        data = dict(data)
        if "account" in data:
            data["account"] = str(data["account"])
        return cls(**data)


@dataclass(frozen=True)
class Config:
    accounts: tuple[Account, ...] = ()
    settings: Settings = field(default_factory=Settings)
    keyring_sources: tuple[str, ...] = ()  # names whose long-term keys live in the OS keyring
    sso: tuple[SsoSource, ...] = ()  # IAM Identity Center sources ([[sso]] tables)
    org: tuple[OrgSource, ...] = ()  # AWS Organizations to discover ([[org]] tables)
    discovered: tuple[DiscoveredOverlay, ...] = ()  # settings of discovered targets

    def __post_init__(self) -> None:
        # Counter, not list.count: configs with thousands of accounts must stay linear
        dupes = {a for a, n in Counter(a.alias for a in self.accounts).items() if n > 1}
        if dupes:
            raise InputError(f"alias {sorted(dupes)[0]} is used by two accounts")
        dupes = {s for s, n in Counter(s.name for s in self.sso).items() if n > 1}
        if dupes:
            raise InputError(f"Identity Center source {sorted(dupes)[0]} is defined twice")
        names = Counter([s.name for s in self.sso] + [o.name for o in self.org])
        dupes = {s for s, n in names.items() if n > 1}
        if dupes:
            raise InputError(f"discovery source {sorted(dupes)[0]} is defined twice "
                             "(Identity Center sources and organizations share names)")
        dupes = {k for k, n in Counter(d.key for d in self.discovered).items() if n > 1}
        if dupes:
            raise InputError(f"[[discovered]] {' '.join(sorted(dupes)[0][1:]).strip()} is "
                             "set twice")

    def account(self, alias: str, *, exact: bool = False) -> Account | None:
        """The account with this alias; else (unless ``exact``) the one account whose alias
        matches ignoring case, so ``PROD/Admin`` finds ``prod``. Aliases that differ only
        in case may coexist; then only the exact spelling finds each."""
        folded = None
        for account in self.accounts:
            if account.alias == alias:
                return account
            if not exact and account.alias.casefold() == alias.casefold():
                if folded is not None:
                    return None  # "Prod" and "PROD" exist, "prod" says neither
                folded = account
        return folded

    def with_account(self, account: Account) -> Config:
        """Add or replace the account with this alias, keeping order."""
        accounts = list(self.accounts)
        for i, existing in enumerate(accounts):
            if existing.alias == account.alias:
                accounts[i] = account
                break
        else:
            accounts.append(account)
        return replace(self, accounts=tuple(accounts))

    def without_account(self, alias: str) -> Config:
        return replace(self, accounts=tuple(a for a in self.accounts if a.alias != alias))

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings.to_dict(),
            "keyring_sources": list(self.keyring_sources),
            "accounts": [a.to_dict() for a in self.accounts],
            # only when there are any: configs without Identity Center stay as they were
            **({"sso": [s.to_dict() for s in self.sso]} if self.sso else {}),
            **({"org": [o.to_dict() for o in self.org]} if self.org else {}),
            **({"discovered": [d.to_dict() for d in self.discovered]} if self.discovered else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        _check_types("config", data, {
            "version": int, "settings": dict, "keyring_sources": list, "accounts": list,
            "sso": list, "org": list, "discovered": list,
        })
        sources = data.get("keyring_sources", [])
        if not all(isinstance(x, str) and x for x in sources):
            raise InputError("keyring_sources must be a list of source names")
        return cls(
            accounts=tuple(Account.from_dict(a) for a in data.get("accounts", [])),
            settings=Settings.from_dict(data.get("settings", {})),
            keyring_sources=tuple(data.get("keyring_sources", [])),
            sso=tuple(SsoSource.from_dict(s) for s in data.get("sso", [])),
            org=tuple(OrgSource.from_dict(o) for o in data.get("org", [])),
            discovered=tuple(DiscoveredOverlay.from_dict(d) for d in data.get("discovered", [])),
        )


def _check_ceiling(what: str, value: int | None) -> None:
    if value is not None and not 1 <= value <= 1000:
        raise InputError(f"{what}: max_requests_per_second must be 1-1000")


def _partition(region: str) -> str:
    from switcher.core.partitions import partition_name  # lazy: few roles set a region

    return partition_name(region)


def _check_hotkey(spec: str | None) -> str | None:
    from switcher.core.keyspec import check  # lazy: most configs have no per-role hotkeys

    return check(spec)


_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list", dict: "a table"}


def _check_types(what: str, data: dict[str, Any], types: dict[str, type | tuple[type, ...]]) -> None:
    """Hand-edited TOML: a quoted "false" must not read as true, nor a bare 7 as a browser."""
    if not isinstance(data, dict):
        raise InputError(f"{what} must be a table")
    unknown = sorted(set(data) - set(types))
    if unknown:
        raise InputError(f"{what} has an unknown key {unknown[0]!r}")
    label = data.get("alias") or data.get("name")
    where = f"{what} {label[:64]}" if isinstance(label, str) else what
    for key, value in data.items():
        expected = types[key] if isinstance(types[key], tuple) else (types[key],)
        # bool is an int in Python; in a config file true is not a number
        ok = isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)
        if not ok:
            names = " or ".join(_TYPE_NAMES[t] for t in expected)
            raise InputError(f"{where}: {key} must be {names}, not {v.short_repr(value)}")
