"""Input rules from IAM/STS, and our own for aliases. moto checks none of them, so we do.

Each ``check_*`` returns the normalised value or raises InputError with a line that
names the field and the rule.
"""

from __future__ import annotations

import re

from switcher.core.errors import InputError

# re.ASCII throughout: without it \d and \w take "١٢٣" and "Ä", which IAM and STS refuse.
# \A...\Z, not ^...$: "$" also matches before a trailing newline.
ACCOUNT_ID_RE = re.compile(r"\A\d{12}\Z", re.ASCII)
# Our aliases are local nicknames, case kept ("qa", "My_Account"); an IAM account alias
# (IAM_ALIAS_RE) is AWS's and is only met where a link or an ESR file names an account.
ALIAS_RE = re.compile(r"\A[A-Za-z0-9._-]{1,64}\Z", re.ASCII)
IAM_ALIAS_RE = re.compile(r"\A[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]\Z", re.ASCII)
ROLE_NAME_RE = re.compile(r"\A[\w+=,.@-]{1,64}\Z", re.ASCII)
PATH_SEGMENT_RE = re.compile(r"\A[\w+=,.@-]+\Z", re.ASCII)
SESSION_NAME_RE = re.compile(r"\A[\w+=,.@-]{2,64}\Z", re.ASCII)
EXTERNAL_ID_RE = re.compile(r"\A[\w+=,.@:/-]{2,1224}\Z", re.ASCII)
TOKEN_CODE_RE = re.compile(r"\A\d{6}\Z", re.ASCII)
MFA_SERIAL_RE = re.compile(r"\A[\w+=/:,.@-]{9,256}\Z", re.ASCII)
COLOR_RE = re.compile(r"\A[0-9a-fA-F]{6}\Z", re.ASCII)
REGION_RE = re.compile(r"\A[a-z]{2,4}(-[a-z]+)+-\d{1,2}\Z", re.ASCII)
ROLE_ARN_RE = re.compile(
    r"\Aarn:(?P<partition>aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)"
    r":iam::(?P<account>\d{12}):role/(?P<role>.+)\Z",
    re.ASCII,
)
SECONDS_RE = re.compile(r"\A[0-9]+\Z", re.ASCII)
ENDPOINT_ENV = ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL")
# botocore's own hostname rule (botocore.utils.is_valid_endpoint_url), which it applies only
# when a client is built: checked here so a typo fails before any keyring or AWS call
_HOSTNAME_RE = re.compile(r"\A((?!-)[A-Z\d-]{1,63}(?<!-)\.)*((?!-)[A-Z\d-]{1,63}(?<!-))\Z",
                          re.ASCII | re.IGNORECASE)

MIN_DURATION = 900
MAX_DURATION = 43200
CHAINED_MAX_DURATION = 3600
DISPLAY_NAME_MAX = 64


def check_account_id(value: str) -> str:
    value = str(value).strip()
    if not ACCOUNT_ID_RE.match(value):
        raise InputError(f"account id {short_repr(value)} must be exactly 12 digits")
    return value


def check_alias(value: str) -> str:
    """An account's alias in Switcher: a nickname, not the account's IAM alias."""
    value = str(value).strip()
    if not ALIAS_RE.match(value):
        raise InputError(f"alias {short_repr(value)} must be 1-64 letters, digits or . _ - characters")
    return value


def check_iam_alias(value: str) -> str:
    """AWS's rule for an IAM account alias, as a Switch Role link may carry one."""
    value = str(value).strip()
    if not IAM_ALIAS_RE.match(value):
        raise InputError(
            f"account alias {short_repr(value)} must be 3-63 lowercase letters, digits or single "
            "hyphens, starting and ending with a letter or digit"
        )
    return value


ROLE_PATH_MAX = 512  # IAM's limit for the path; the name itself is at most 64


def check_role_name(value: str) -> str:
    """A role name with optional path, e.g. ``team/ops/Deploy``.

    IAM allows a 512-character path; only the console's Switch Role form caps path+name at
    64, and links.switch_role_link checks that where it matters."""
    value = str(value).strip().strip("/")
    if not value:
        raise InputError("role name is empty")
    *path, name = value.split("/")
    if not ROLE_NAME_RE.match(name):
        raise InputError(
            f"role name {short_repr(name)} must be 1-64 letters, digits or +=,.@_- characters"
        )
    for segment in path:
        if not PATH_SEGMENT_RE.match(segment):
            raise InputError(f"role path segment {short_repr(segment)} has characters IAM does not allow")
    path_len = len(value) - len(name)
    if path_len > ROLE_PATH_MAX:
        raise InputError(f"role path of {short_repr(value)} is {path_len} characters; IAM's limit is {ROLE_PATH_MAX}")
    return value


def check_session_name(value: str) -> str:
    if not SESSION_NAME_RE.match(value):
        raise InputError(f"session name {short_repr(value)} must be 2-64 letters, digits or +=,.@_- characters")
    return value


def session_name_from(text: str) -> str:
    """Build a valid RoleSessionName from free text (user name, host...)."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", text, flags=re.ASCII)[:64]
    if len(cleaned) < 2:
        cleaned = (cleaned + "switcher")[:64]
    return cleaned


def check_external_id(value: str) -> str:
    if not EXTERNAL_ID_RE.match(value):
        raise InputError("external id must be 2-1224 letters, digits or +=,.@:/_- characters")
    return value


def check_mfa_serial(value: str) -> str:
    value = str(value).strip()
    if not MFA_SERIAL_RE.match(value):
        raise InputError(
            f"MFA device {short_repr(value)} must be an MFA device ARN or serial number (9-256 characters)"
        )
    return value


def check_token_code(value: str) -> str:
    value = str(value).strip()
    if not TOKEN_CODE_RE.match(value):
        raise InputError("MFA code must be exactly 6 digits")
    return value


def check_duration(value: int | str, *, chained: bool = False) -> int:
    seconds = _seconds(value)
    if seconds is None:
        raise InputError(f"duration {short_repr(value)} must be a whole number of seconds")
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        shown = seconds if seconds < 10**9 else short_repr(value)
        raise InputError(f"duration {shown} must be between 900 and 43200 seconds (15 min to 12 h)")
    if chained:
        check_chained_duration(seconds)
    return seconds


def check_chained_duration(seconds: int) -> int:
    """A duration already checked by check_duration, held to role chaining's 1 hour: for
    when a role turns out to be chained only after its duration was checked."""
    if seconds > CHAINED_MAX_DURATION:
        raise InputError(
            f"duration {seconds} exceeds the 1 hour limit for roles assumed by role chaining"
        )
    return seconds


def check_color(value: str) -> str:
    value = str(value).strip().lstrip("#")
    if not COLOR_RE.match(value):
        raise InputError(f"colour {short_repr(value)} must be 6 hex digits, e.g. F2B0A9")
    return value.upper()


def check_region(value: str) -> str:
    return check_region_partition(value)[0]


def check_region_partition(value: str) -> tuple[str, str]:
    """check_region, and the partition it found the region in (a key of PARTITIONS)."""
    value = str(value).strip()
    if not REGION_RE.match(value):
        raise InputError(f"region {short_repr(value)} is not a region name like us-east-1")
    from switcher.core.partitions import PARTITIONS, UNKNOWN, partition_name

    partition = partition_name(value)
    if partition == UNKNOWN:
        raise InputError(f"region {short_repr(value)} matches no AWS partition botocore knows")
    if partition not in PARTITIONS:
        # isolated partitions have their own sign-in hosts we do not know; better say so
        # than send credentials to the commercial endpoints
        raise InputError(
            f"region {value} is in partition {partition}, which Switcher does not support "
            f"(supported: {', '.join(PARTITIONS)})"
        )
    return value, partition


def check_role_arn(value: str) -> re.Match[str]:
    match = ROLE_ARN_RE.match(str(value).strip())
    if not match:
        raise InputError(f"{short_repr(value)} is not a role ARN like arn:aws:iam::123456789012:role/Name")
    check_role_name(match["role"])
    return match


def _seconds(value) -> int | None:
    """A whole number from an int or a string of ASCII digits: int() alone would take
    "36١0" (any script's digits), "3_600", and choke on 5,000 digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and SECONDS_RE.match(value.strip()):
        digits = value.strip().lstrip("0") or "0"
        return int(digits) if len(digits) <= 9 else 10**9  # only ever out of range
    return None


def short_repr(value, limit: int = 200) -> str:
    """``repr(value)`` for a message, cut short: a pasted page or a nested table from a
    hand-edited file must not become the whole error line."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # deeply nested lists; ints past 4,300 digits
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_endpoint_url(name: str, value: str) -> str:
    """An STS endpoint override as botocore takes it: an http(s) URL with a valid host."""
    from urllib.parse import urlsplit

    problem = None
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port
    except ValueError:
        problem = "is not a valid URL"
    else:
        if parts.scheme not in ("http", "https"):
            problem = "must start with http:// or https://"
        elif not host or not (_HOSTNAME_RE.match(host.rstrip(".")) or _is_ipv6(host)):
            problem = "has no valid host name"
    if problem:
        raise InputError(f"{name}={short_repr(value)} {problem}, e.g. https://sts.eu-west-1.amazonaws.com")
    return value


def _is_ipv6(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def check_endpoint_env(environ) -> None:
    """The endpoint variables botocore will read for STS (and, for AWS_ENDPOINT_URL, for
    every other client of a switch such as IAM Identity Center's)."""
    if str(environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "")).lower() == "true":
        return  # botocore ignores them then
    for name in ENDPOINT_ENV:
        value = environ.get(name)
        if value:  # botocore takes an empty one as unset
            check_endpoint_url(name, value)
