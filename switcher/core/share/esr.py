"""AWS Extend Switch Roles (ESR) configuration text: parse it, and render ours as it.

The format follows the extension's own parser (tilfinltd/aesr-config): ``[name]`` or
``[profile name]`` sections; ``;`` or ``#`` start a comment anywhere on a line; a key may
appear once per section and needs a value. A section names its account with
``aws_account_id`` (+ ``role_name``) or ``role_arn`` (not both). A section that another one
names as ``source_profile`` is a *base account* (where the user signs in); its
``target_role_name`` and ``target_region`` are defaults for the sections that point at it.
A section without ``source_profile`` that nobody points at is a standalone target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.model import Config
from switcher.core.share.links import LINK_ROLE_MAX

_COMMENT_RE = re.compile(r"[;#].*$")
_SECTION_RE = re.compile(r"^\[(.+)\]$")
_PROFILE_PREFIX_RE = re.compile(r"^profile\s+", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Section:
    name: str
    line: int
    params: dict[str, str]


@dataclass(frozen=True)
class EsrTarget:
    """One switchable entry; values are the text of the file (validated by the importer)."""

    name: str
    line: int
    account: str  # 12-digit id, or an account alias (the extension allows both)
    role_name: str
    color: str | None = None
    region: str | None = None
    source_profile: str | None = None
    account_alias: str | None = None
    partition: str | None = None  # from role_arn, when the section gave one


def _where(section: Section) -> str:
    return f"[{section.name}] (line {section.line})"


def parse_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    seen: set[str] = set()
    current: Section | None = None
    text = text.removeprefix("\ufeff")  # a BOM from a Windows editor is not text
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT_RE.sub("", raw).strip()
        if not line:
            continue
        header = _SECTION_RE.match(line)
        if header:
            name = _PROFILE_PREFIX_RE.sub("", header[1].strip()).strip()
            if not name:
                raise InputError(f"ESR line {number}: a section has no name")
            if name in seen:
                raise InputError(f"ESR line {number}: section [{name}] appears twice")
            seen.add(name)
            current = Section(name, number, {})
            sections.append(current)
            continue
        if current is None:
            raise InputError(f"ESR line {number}: text before the first [section]")
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise InputError(f"ESR {_where(current)}: line {number} is not 'key = value'")
        if key in current.params:
            raise InputError(f"ESR {_where(current)}: {key} is given twice")
        current.params[key] = value
    return sections


def parse(text: str, skipped: list[tuple[str, str]] | None = None) -> list[EsrTarget]:
    """Every target of the text, with base-account defaults applied; ``skipped`` collects
    (section, why) for each section that is no target."""
    skipped = [] if skipped is None else skipped
    sections = parse_sections(text)
    by_name = {s.name: s for s in sections}
    referenced = {s.params["source_profile"] for s in sections if "source_profile" in s.params}
    for section in sections:
        source = section.params.get("source_profile")
        if source is not None and source not in by_name:
            raise InputError(f"ESR {_where(section)}: source_profile {source} is not defined")
        if source == section.name:
            raise InputError(f"ESR {_where(section)}: source_profile names the section itself")

    targets = []
    for section in sections:
        account, role, partition = _account_and_role(section)
        source = section.params.get("source_profile")
        if source is None and section.name in referenced:
            users = ", ".join(f"[{s.name}]" for s in sections
                              if s.params.get("source_profile") == section.name)
            skipped.append((section.name, f"a base account (where you sign in for {users}), "
                                          "not a role to switch to"))
            continue
        base = by_name[source].params if source else {}
        role = role or base.get("target_role_name")
        if not role:
            if source is None:
                skipped.append((section.name, "no role_name: a base account nothing points at"))
                continue
            raise InputError(
                f"ESR {_where(section)}: no role_name, and its source_profile {source} "
                "has no target_role_name"
            )
        targets.append(EsrTarget(
            name=section.name,
            line=section.line,
            account=account,
            role_name=role,
            color=section.params.get("color"),
            region=section.params.get("region") or base.get("target_region"),
            source_profile=source,
            account_alias=section.params.get("aws_account_alias"),
            partition=partition,
        ))
    return targets


def _account_and_role(section: Section) -> tuple[str, str | None, str | None]:
    params = section.params
    if "role_arn" in params:
        if "aws_account_id" in params or "role_name" in params:
            raise InputError(
                f"ESR {_where(section)}: give role_arn, or aws_account_id and role_name, not both"
            )
        try:
            match = v.check_role_arn(params["role_arn"])
        except InputError as exc:
            raise InputError(f"ESR {_where(section)}: {exc}") from None
        return match["account"], match["role"], match["partition"]
    account = params.get("aws_account_id")
    if not account:
        raise InputError(f"ESR {_where(section)}: no aws_account_id or role_arn")
    return account, params.get("role_name"), None


# --- names shared by the ESR and ~/.aws/config exports and imports -----------------------

def section_name(alias: str, role_name: str) -> str:
    """``prod-team-ops-Deploy`` for ``prod/team/ops/Deploy``: valid as an ESR section and an
    AWS CLI profile name, and :func:`alias_from_section` gives ``prod`` back."""
    return f"{alias}-{role_name.replace('/', '-')}"


def section_names(config: Config) -> dict[tuple[str, str], str]:
    """:func:`section_name` for every target, made unique: ``a-b``/``c`` and ``a``/``b-c``
    would both be ``a-b-c``, and a repeated section would hide the first one."""
    names: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for account in config.accounts:
        for role in account.roles:
            name = section_name(account.alias, role.name)
            candidate, number = name, 1
            while candidate.lower() in used:
                number += 1
                candidate = f"{name}-{number}"
            used.add(candidate.lower())
            names[(account.alias, role.name)] = candidate
    return names


def _is_alias(text: str) -> bool:
    try:
        v.check_alias(text)
    except InputError:
        return False
    return True


_ALIAS_CHARS: dict[str, bool] = {}


def _alias_char(char: str) -> bool:
    # the alias rule (validate.check_alias) asked about one character, inside a word
    if char not in _ALIAS_CHARS:
        _ALIAS_CHARS[char] = char.strip() == char and _is_alias(f"a{char}a")
    return _ALIAS_CHARS[char]


def normalise_alias(text: str | None) -> str | None:
    """``text`` as an alias: unchanged when the alias rule takes it; else each run of
    characters the rule refuses becomes one hyphen (nothing else is touched) and the result
    is cut to the rule's length. None when nothing usable is left."""
    text = (text or "").strip()
    if not text or _is_alias(text):
        return text or None
    out: list[str] = []
    for char in text:
        if _alias_char(char):
            out.append(char)
        elif out and out[-1] != "\0":
            out.append("\0")  # a run of refused characters: one hyphen, added below
    alias = "".join(out).strip("\0").replace("\0", "-")
    for candidate in (alias, alias[:64], alias[:63]):
        if candidate and _is_alias(candidate):
            return candidate
    return None


def alias_from_section(name: str, role_name: str | None = None) -> str:
    """A section or profile name minus a trailing role name when present, so that
    ``prod-Admin`` and ``prod-ReadOnly`` both land in account ``prod``; not yet normalised
    (see :func:`normalise_alias`)."""
    name = name.strip()
    if role_name:
        suffix = role_name.replace("/", "-").lower()
        if (len(name) > len(suffix) + 1 and name.lower().endswith(suffix)
                and name[-len(suffix) - 1] in "-_. "):
            return name[: -len(suffix) - 1].rstrip("-_. ")
    return name


# --- render ------------------------------------------------------------------------------

def render(config: Config) -> str:
    lines = [
        "; AWS Extend Switch Roles configuration, exported by Switcher.",
        "; Paste it into the extension's configuration.",
    ]
    skipped = []
    names = section_names(config)
    for account in config.accounts:
        for role in account.roles:
            # The extension switches through the console's form: the same limits as a link.
            if role.external_id or len(role.name) > LINK_ROLE_MAX:
                skipped.append(f"{account.alias}/{role.name}")
                continue
            lines += ["", f"[{names[(account.alias, role.name)]}]",
                      f"aws_account_id = {account.id}",
                      f"role_name = {role.name}"]
            color = role.color or account.color
            if color:
                lines.append(f"color = {color.lower()}")
            lines.append(f"region = {role.region or account.region}")
    if skipped:
        lines += ["", "; Not exported (the console's Switch Role form cannot take their external "
                  f"id or a role path and name over {LINK_ROLE_MAX} characters): " + ", ".join(skipped)]
    return "\n".join(lines) + "\n"
