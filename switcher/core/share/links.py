"""Console Switch Role links (https://signin.aws.amazon.com/switchrole?...): build one for a target, parse one back.

A link only pre-fills the console's "Switch Role" form; it carries no secret, so it is
safe to share in chat or on a team page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from switcher.core import validate as v
from switcher.core.errors import InputError
from switcher.core.partitions import SIGNIN_HOSTS, Partition, partition_for_region

SWITCH_PATH = "/switchrole"
# "eu-west-1.signin.aws.amazon.com": the console hands out regional sign-in hosts too.
_REGIONAL_HOST_RE = re.compile(r"\A(?P<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?P<host>signin\..+)\Z", re.ASCII)
# C0 and C1 controls, DEL, line/paragraph separators and the bidi embeddings, overrides and
# isolates, which would make a shared link's name read differently from what it is (a ZWJ
# inside an emoji stays allowed)
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ELLIPSIS = "..."  # ASCII so that "64 characters" means the same to us and to the console


@dataclass(frozen=True)
class SwitchRoleLink:
    account: str  # 12-digit id or the account's AWS alias
    role_name: str  # with path
    display_name: str | None
    color: str | None  # 6 upper-case hex digits
    partition: Partition
    region: str | None  # only when the link used a regional sign-in host

    def as_tuple(self) -> tuple[str, str, str | None, str | None]:
        return (self.account, self.role_name, self.display_name, self.color)


def default_display_name(target) -> str:
    """``alias/role``, shortened to fit the console's 64-character limit."""
    limit = v.DISPLAY_NAME_MAX
    name = target.name
    if len(name) <= limit:
        return name
    # A long role path is the least useful part on the console's header: keep alias + leaf.
    alias = target.account_alias or target.name.split("/", 1)[0]
    leaf = target.role_name.rsplit("/", 1)[-1]
    short = f"{alias}/{leaf}"
    if len(short) <= limit:
        return short
    return short[: limit - len(_ELLIPSIS)] + _ELLIPSIS


def check_display_name(value: str) -> str:
    if not value or not value.strip():
        raise InputError("display name is empty")
    if len(value) > v.DISPLAY_NAME_MAX:
        raise InputError(
            f"display name is {len(value)} characters; the console accepts at most {v.DISPLAY_NAME_MAX}"
        )
    if _CONTROL_RE.search(value):
        raise InputError("display name contains control or text-direction characters")
    return value


EXTERNAL_ID_REASON = "needs an external id; the console cannot switch to it"
# IAM allows a 512-character path, but the console's form field (and so a link's roleName)
# holds at most 64 characters of path and name together.
LINK_ROLE_MAX = 64


def check_link_role_name(role_name: str) -> str:
    if len(role_name) > LINK_ROLE_MAX:
        raise InputError(
            f"the console's Switch Role form takes at most {LINK_ROLE_MAX} characters of path "
            f"and name; {role_name} has {len(role_name)}"
        )
    return role_name


SSO_REASON = ("an IAM Identity Center role, which the console's Switch Role form cannot "
              "reach; the access portal opens it")


def unlinkable_reason(target) -> str | None:
    """Why the console's Switch Role form cannot reach ``target``; None when it can."""
    if getattr(target, "is_sso", False):
        # its IAM role is AWSReservedSSO_..., trusting only the Identity Center's SAML
        # provider: no AssumeRole, so no Switch Role, reaches it
        return f"{SSO_REASON}: {target.portal_url}"
    if target.external_id:
        return EXTERNAL_ID_REASON
    if len(target.role_name) > LINK_ROLE_MAX:
        return (f"its role path and name are {len(target.role_name)} characters; the console's "
                f"Switch Role form takes at most {LINK_ROLE_MAX}")
    return None


def check_switchable(target) -> None:
    """The console's Switch Role form has no field for an external id, and a short one
    for the role."""
    if getattr(target, "is_sso", False):
        raise InputError(f"{target.name} is {SSO_REASON}: {target.portal_url}")
    if target.external_id:
        raise InputError(
            f"{target.name} needs an external id, which the console's Switch Role form cannot send; "
            "use: switcher login " + target.name
        )
    check_link_role_name(target.role_name)


def switch_role_link(target, *, display_name: str | None = None) -> str:
    check_switchable(target)
    partition = partition_for_region(target.region)
    params = {
        "account": v.check_account_id(target.account_id),
        "roleName": v.check_role_name(target.role_name),
        "displayName": check_display_name(display_name or default_display_name(target)),
    }
    if target.color:
        params["color"] = v.check_color(target.color)
    # urlencode escapes "/", "+", "=" and "&" too: role names may contain all of them.
    return f"https://{partition.signin_host}{SWITCH_PATH}?{urlencode(params)}"


def _partition_of_host(host: str) -> tuple[Partition, str | None]:
    host = host.lower()
    if host in SIGNIN_HOSTS:
        return SIGNIN_HOSTS[host], None
    match = _REGIONAL_HOST_RE.match(host)
    if match and match["host"] in SIGNIN_HOSTS:
        partition = SIGNIN_HOSTS[match["host"]]
        region = match["region"]
        if partition_for_region(region).name == partition.name:
            return partition, region
    known = ", ".join(sorted(SIGNIN_HOSTS))
    raise InputError(f"{host or 'the link'} is not an AWS sign-in host ({known})")


def parse_link(url: str) -> SwitchRoleLink:
    url = str(url).strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InputError("not a Switch Role link: the URL is malformed") from None
    if parts.scheme != "https":
        raise InputError("a Switch Role link must start with https://")
    if port not in (None, 443) or parts.username or parts.password:
        raise InputError("a Switch Role link has no port or user name in its host")
    partition, region = _partition_of_host(parts.hostname or "")
    if parts.path.rstrip("/") != SWITCH_PATH:
        raise InputError(f"not a Switch Role link: the path must be {SWITCH_PATH}")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query),
                         errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise InputError("not a Switch Role link: the query string is malformed") from None
    for key in ("account", "roleName", "displayName", "color"):
        if len(query.get(key, [])) > 1:
            raise InputError(f"the link gives {key} twice")
    account = query.get("account", [""])[0].strip()
    if not account:
        raise InputError("the link has no account")
    if account.isdigit():
        v.check_account_id(account)  # digits that are not 12 are a mistyped id, not an alias
    elif not v.IAM_ALIAS_RE.match(account):  # the account's IAM alias, AWS's rule
        raise InputError(f"account {account!r} in the link is neither a 12-digit id nor an account alias")
    if "roleName" not in query:
        raise InputError("the link has no roleName")
    role_name = check_link_role_name(v.check_role_name(query["roleName"][0]))
    display = query.get("displayName", [None])[0]
    display = check_display_name(display) if display else None  # "displayName=" = none given
    color = query.get("color", [None])[0]
    color = v.check_color(color) if color else None
    return SwitchRoleLink(account, role_name, display, color, partition, region)


def parse_switch_role_link(url: str) -> tuple[str, str, str | None, str | None]:
    """``(account id or alias, role name with path, display name, colour)``."""
    return parse_link(url).as_tuple()
