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

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", v.check_role_name(self.name))
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
        for key in ("duration", "external_id", "mfa_serial", "via", "hotkey"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Role:
        _check_types("role", data, {
            "name": str, "duration": int, "external_id": str, "mfa_serial": str,
            "via": str, "hotkey": str,
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "alias", v.check_alias(self.alias))
        object.__setattr__(self, "id", v.check_account_id(self.id))
        object.__setattr__(self, "region", v.check_region(self.region))
        if self.color is not None:
            object.__setattr__(self, "color", v.check_color(self.color))
        if self.mfa_serial is not None:
            object.__setattr__(self, "mfa_serial", v.check_mfa_serial(self.mfa_serial))
        dupes = {n for n, count in Counter(r.name for r in self.roles).items() if count > 1}
        if dupes:
            raise InputError(f"account {self.alias} lists role {sorted(dupes)[0]} twice")

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
        for key in ("color", "source", "mfa_serial", "mfa_process", "browser", "logout_first"):
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
            "logout_first": bool,
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

    def __post_init__(self) -> None:
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
        })
        return cls(**data)


@dataclass(frozen=True)
class Config:
    accounts: tuple[Account, ...] = ()
    settings: Settings = field(default_factory=Settings)
    keyring_sources: tuple[str, ...] = ()  # names whose long-term keys live in the OS keyring

    def __post_init__(self) -> None:
        # Counter, not list.count: configs with thousands of accounts must stay linear
        dupes = {a for a, n in Counter(a.alias for a in self.accounts).items() if n > 1}
        if dupes:
            raise InputError(f"alias {sorted(dupes)[0]} is used by two accounts")

    def account(self, alias: str) -> Account | None:
        for account in self.accounts:
            if account.alias == alias:
                return account
        return None

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
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        _check_types("config", data, {
            "version": int, "settings": dict, "keyring_sources": list, "accounts": list,
        })
        sources = data.get("keyring_sources", [])
        if not all(isinstance(x, str) and x for x in sources):
            raise InputError("keyring_sources must be a list of source names")
        return cls(
            accounts=tuple(Account.from_dict(a) for a in data.get("accounts", [])),
            settings=Settings.from_dict(data.get("settings", {})),
            keyring_sources=tuple(data.get("keyring_sources", [])),
        )


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
    where = f"{what} {label}" if isinstance(label, str) else what
    for key, value in data.items():
        expected = types[key] if isinstance(types[key], tuple) else (types[key],)
        # bool is an int in Python; in a config file true is not a number
        ok = isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)
        if not ok:
            names = " or ".join(_TYPE_NAMES[t] for t in expected)
            raise InputError(f"{where}: {key} must be {names}, not {value!r}")
