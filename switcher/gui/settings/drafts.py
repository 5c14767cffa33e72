"""The accounts as edited in Settings, without any widget: one plain dict per account
(a "draft"), so that half-typed values never reach the config.

A draft holds what ``Account.to_dict()`` holds, with values as typed (stripped) and
``_original``, the alias it was loaded as (None for a new account). A new account or role
also holds ``_untyped``, the fields the user has not typed in yet: their problems (an empty
alias, a role without a name) wait until the user typed there or pressed Save, since a form
that is red before anyone typed reads as a reproach, not as help. The checks here are
the ones the page shows: every field and role cell on its own, then what a cell cannot
know alone (the targets "via" may name, a chained session's shorter limit, a hotkey
another role or the palette has). ``build()`` turns the drafts into validated
``Account`` objects for the window to merge onto the file as it is at save time.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from switcher.core import browser_spec, hotkeys, keyspec
from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import DEFAULT_REGION, Account, Role

Draft = dict[str, Any]


def _as_typed(text: str) -> str:
    return text


# the account's fields in the order of the form, which is the order problems are listed in
FIELD_LABELS = {
    "alias": "Alias",
    "id": "Account ID",
    "region": "Region",
    "color": "Colour",
    "source": "Credentials from",
    "browser": "Browser",
    "mfa_serial": "MFA device",
    "mfa_process": "MFA code command",
}
FIELD_CHECKS: dict[str, Callable[[str], Any]] = {
    "alias": v.check_alias,
    "id": v.check_account_id,
    "region": v.check_region,
    "color": v.check_color,
    "source": _as_typed,  # any AWS CLI profile or keyring source, even one not made yet
    "browser": browser_spec.check,
    "mfa_serial": v.check_mfa_serial,
    "mfa_process": _as_typed,
}
REQUIRED_FIELDS = frozenset({"alias", "id", "region"})

ROLE_COLUMNS = ("name", "duration", "external_id", "mfa_serial", "via", "hotkey", "confirm")
ROLE_HEADERS = ("Role (path/name)", "Duration (s)", "External ID", "MFA device", "Via target", "Hotkey",
                "Needs approval")
FLAG_COLUMNS = frozenset({"confirm"})  # a checkbox: the cell's text is "true" or empty
ROLE_CHECKS: dict[str, Callable[[str], Any]] = {
    "name": v.check_role_name,
    "duration": v.check_duration,
    "external_id": v.check_external_id,
    "mfa_serial": v.check_mfa_serial,
    "via": _as_typed,  # checked against the targets in context
    "hotkey": keyspec.check,
    "confirm": _as_typed,  # a checkbox cannot hold a bad value
}


def draft_of(account: Account) -> Draft:
    data = account.to_dict()
    data["_original"] = account.alias
    return data


NEW_ACCOUNT_REQUIRED = frozenset({"alias", "id"})  # region has its default


def new_draft() -> Draft:
    return {"region": DEFAULT_REGION, "roles": [], "_original": None,
            "_untyped": set(NEW_ACCOUNT_REQUIRED)}


def new_role() -> dict[str, Any]:
    return {"_untyped": {"name"}}


def _typed(data: dict[str, Any], key: str) -> None:
    untyped = data.get("_untyped")
    if untyped is not None:
        untyped.discard(key)


def _waits(data: dict[str, Any], key: str) -> bool:
    """The user has not typed in this new field yet: its problem is not shown."""
    return key in data.get("_untyped", ())


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in data.items() if not k.startswith("_")}


def field_problem(key: str, value: Any) -> str | None:
    """What is wrong with one account field's value, or None."""
    text = "" if value is None else str(value).strip()
    if not text and key not in REQUIRED_FIELDS:
        return None
    try:
        FIELD_CHECKS[key](text)
    except InputError as exc:
        return str(exc)
    return None


def role_owner(draft: Draft, role: dict[str, Any]) -> str:
    """The target a role will be, as hotkey messages name it; unfinished ones too."""
    return f"{draft.get('alias') or 'new account'}/{role.get('name') or '(no name)'}"


def build_account(draft: Draft) -> Account:
    data = _plain(copy.deepcopy(draft))
    roles = []
    for role in data.pop("roles", []):
        role = _plain(role)
        if "duration" in role:
            role["duration"] = v.check_duration(role["duration"])
        if "hotkey" in role:
            role["hotkey"] = keyspec.check(role["hotkey"])
        if not role.get("name"):
            raise InputError("a role has no name")
        roles.append(Role.from_dict(role))
    if data.get("browser"):
        data["browser"] = browser_spec.check(data["browser"])
        if data["browser"] is None:
            del data["browser"]
    data["roles"] = []
    account = Account.from_dict(data)
    return account.with_roles(tuple(roles))


def safe_color(value: str | None) -> str | None:
    """The colour to show for a draft: its own when valid, else none."""
    try:
        return v.check_color(value) if value else None
    except InputError:
        return None


class AccountDrafts:
    """Every account as edited, addressed by its index in the list and, for roles, its row."""

    def __init__(self, *, sources: Iterable[str] = (), role_profiles: Iterable[str] = ()) -> None:
        self.drafts: list[Draft] = []
        self.base: tuple[Account, ...] = ()
        self._pristine: dict[int, Account] = {}
        self.palette_hotkey = ""  # the General page's, as edited: roles must not take it
        # AWS CLI profiles and keyring sources: credentials, which "via" cannot name
        self.sources = list(sources)
        # role profiles of ~/.aws/config: what "via" may name besides our own roles
        self.role_profiles = set(role_profiles)

    def __len__(self) -> int:
        return len(self.drafts)

    def __getitem__(self, index: int) -> Draft:
        return self.drafts[index]

    def load(self, accounts: Sequence[Account], *, role_profiles: Iterable[str] | None = None) -> None:
        self.base = tuple(accounts)
        self.drafts = [draft_of(a) for a in accounts]
        # drafts not edited since loading, by identity: is_dirty() runs on every key press
        # and need not rebuild thousands of accounts that nobody touched
        self._pristine = {id(d): a for d, a in zip(self.drafts, self.base, strict=True)}
        if role_profiles is not None:
            self.role_profiles = set(role_profiles)

    # --- edits ----------------------------------------------------------------------------

    def _touch(self, index: int) -> Draft:
        draft = self.drafts[index]
        self._pristine.pop(id(draft), None)
        return draft

    def add_account(self) -> int:
        self.drafts.append(new_draft())
        return len(self.drafts) - 1

    def remove_account(self, index: int) -> None:
        self._touch(index)
        del self.drafts[index]

    def set_field(self, index: int, key: str, value: Any) -> None:
        """None or blank text removes the field: the account's default applies."""
        _typed(self._touch(index), key)
        if isinstance(value, str):
            value = value.strip() or None
        if value is None:
            self.drafts[index].pop(key, None)
        else:
            self.drafts[index][key] = value

    def roles(self, index: int) -> list[dict[str, Any]]:
        return self.drafts[index].get("roles", [])

    def add_role(self, index: int) -> int:
        roles = self._touch(index).setdefault("roles", [])
        roles.append(new_role())
        return len(roles) - 1

    def remove_role(self, index: int, row: int) -> None:
        del self._touch(index)["roles"][row]

    def set_cell(self, index: int, row: int, column: str, text: str) -> None:
        role = self._touch(index)["roles"][row]
        _typed(role, column)
        text = text.strip()
        if column in FLAG_COLUMNS:
            if text.lower() == "true":
                role[column] = True
            else:
                role.pop(column, None)
        elif text:
            role[column] = text
        else:
            role.pop(column, None)

    # --- checks ---------------------------------------------------------------------------

    def field_problem(self, index: int, key: str) -> str | None:
        """The problem to show now: none for a new field the user has not typed in yet."""
        if _waits(self.drafts[index], key):
            return None
        return field_problem(key, self.drafts[index].get(key))

    def reveal(self) -> None:
        """Save was pressed: every problem shows, typed in or not."""
        for draft in self.drafts:
            draft.pop("_untyped", None)
            for role in draft.get("roles", []):
                role.pop("_untyped", None)

    def cell_problem(self, index: int, row: int, column: str) -> str | None:
        """What is wrong with a role cell: on its own (an empty cell is fine, but for the
        name), then among the other roles, accounts and the palette."""
        role = self.roles(index)[row]
        if _waits(role, column):
            return None
        value = role.get(column)
        text = "" if value is None else str(value).strip()
        if not text and column != "name":
            return None
        try:
            ROLE_CHECKS[column](text)
        except InputError as exc:
            return str(exc)
        return self._cell_in_context(index, row, column, text)

    def _cell_in_context(self, index: int, row: int, column: str, text: str) -> str | None:
        if column == "hotkey":
            return self.hotkey_conflict(index, row, text)
        draft = self.drafts[index]
        role = self.roles(index)[row]
        if column == "via":
            if text == f"{draft.get('alias')}/{role.get('name')}":
                return "a role cannot be assumed via itself"
            if text not in self.target_names():
                if text in self.sources:
                    return (f"{text!r} is a credentials source, not a role; name an alias/role "
                            "or an AWS CLI profile that has role_arn")
                return f"no target named {text!r} (an alias/role here or an AWS CLI profile with role_arn)"
        if column == "duration" and role.get("via"):
            try:
                v.check_duration(text, chained=True)
            except InputError as exc:
                return str(exc)
        return None

    def target_names(self) -> set[str]:
        """What the core's ``resolve`` accepts, counting unsaved drafts as saved."""
        names = set(self.role_profiles)
        for draft in self.drafts:
            alias = draft.get("alias")
            roles = [r.get("name") for r in draft.get("roles", []) if r.get("name")]
            names.update(f"{alias}/{name}" for name in roles)
            if len(roles) == 1:
                names.add(alias)  # the shorthand of an account with one role
        return names

    def _role_hotkeys(self, skip: tuple[int, int] | None) -> Iterator[tuple[str, str | None]]:
        for index, draft in enumerate(self.drafts):
            for row, role in enumerate(draft.get("roles", [])):
                if (index, row) != skip:
                    yield role_owner(draft, role), role.get("hotkey")

    def role_hotkeys(self) -> dict[str, str]:
        """{owner: spec} of every role in every draft that has a hotkey."""
        return hotkeys.owned_hotkeys(None, self._role_hotkeys(None))

    def hotkey_specs(self, skip: tuple[int, int] | None = None) -> dict[str, str]:
        """{owner: spec} of the palette and every role but ``skip`` (index, row)."""
        return hotkeys.owned_hotkeys(self.palette_hotkey, self._role_hotkeys(skip))

    def hotkey_conflict(self, index: int, row: int, text: str) -> str | None:
        return hotkeys.conflict(text, self.hotkey_specs(skip=(index, row)))

    def problems(self, index: int) -> list[str]:
        """Every problem of one account: fields, then each bad cell, then what only the
        whole account can tell (e.g. a role listed twice)."""
        if not 0 <= index < len(self.drafts):
            return []
        problems = [f"{label}: {error}" for key, label in FIELD_LABELS.items()
                    if (error := self.field_problem(index, key))]
        for row in range(len(self.roles(index))):
            for header, column in zip(ROLE_HEADERS, ROLE_COLUMNS, strict=True):
                error = self.cell_problem(index, row, column)
                if error:
                    problems.append(f"Role row {row + 1}, {header}: {error}")
        if not problems and not self._waiting(index):
            try:
                build_account(self.drafts[index])
            except InputError as exc:
                problems.append(str(exc))
        return problems

    def _waiting(self, index: int) -> bool:
        draft = self.drafts[index]
        return bool(draft.get("_untyped")) or any(r.get("_untyped") for r in draft.get("roles", []))

    # --- imports and carried edits ----------------------------------------------------------

    def stage(self, planned: Sequence[Account]) -> None:
        """Put an import's plan into the drafts, unsaved: ``planned`` is the accounts as
        ``build()`` gave them with the import's roles added and its new accounts after them
        (the importer keeps the order and only appends)."""
        built = [account for _original, account in self.build()]
        for index, account in enumerate(planned):
            if index < len(built):
                known = {r.name for r in built[index].roles}
                self._touch(index).setdefault("roles", []).extend(
                    r.to_dict() for r in account.roles if r.name not in known)
            else:
                self.drafts.append({**account.to_dict(), "_original": None})

    def changed_drafts(self) -> list[Draft]:
        """The drafts the user added or changed, as they are (even half typed), each as a
        new account: what leaving the sandbox carries over into the real config."""
        base = {a.alias: a for a in self.base}
        out = []
        for draft in self.drafts:
            original = draft.get("_original")
            if original is not None and original in base:
                try:
                    if build_account(draft) == base[original]:
                        continue
                except InputError:
                    pass
            out.append({**copy.deepcopy(draft), "_original": None})
        return out

    def carry(self, drafts: Iterable[Draft]) -> None:
        self.drafts.extend(drafts)

    # --- results --------------------------------------------------------------------------

    def build(self) -> list[tuple[str | None, Account]]:
        """(original alias or None for a new account, validated account) per draft."""
        out = []
        for draft in self.drafts:
            try:
                out.append((draft.get("_original"), build_account(draft)))
            except InputError as exc:
                name = draft.get("alias") or "new account"
                raise InputError(f"{name}: {exc}") from None
        return out

    def is_dirty(self) -> bool:
        """Whether saving would change any account (a draft that cannot be built would)."""
        if len(self.drafts) != len(self.base):
            return True
        for draft, account in zip(self.drafts, self.base, strict=True):
            if self._pristine.get(id(draft)) is account:
                continue
            try:
                if build_account(draft) != account:
                    return True
            except InputError:
                return True
        return False
