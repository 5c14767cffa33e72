"""Input rules from IAM/STS (DESIGN.md §4). moto checks none of them, so we do.

Each ``check_*`` returns the normalised value or raises InputError with a line that
names the field and the rule.
"""

from __future__ import annotations

import re

from switcher.core.errors import InputError

ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
ALIAS_RE = re.compile(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
PATH_SEGMENT_RE = re.compile(r"^[\w+=,.@-]+$")
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
TOKEN_CODE_RE = re.compile(r"^\d{6}$")
MFA_SERIAL_RE = re.compile(r"^[\w+=/:,.@-]{9,256}$")
COLOR_RE = re.compile(r"^[0-9a-fA-F]{6}$")
REGION_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
ROLE_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)"
    r":iam::(?P<account>\d{12}):role/(?P<role>.+)$"
)

MIN_DURATION = 900
MAX_DURATION = 43200
CHAINED_MAX_DURATION = 3600
DISPLAY_NAME_MAX = 64


def check_account_id(value: str) -> str:
    value = str(value).strip()
    if not ACCOUNT_ID_RE.match(value):
        raise InputError(f"account id {value!r} must be exactly 12 digits")
    return value


def check_alias(value: str) -> str:
    value = str(value).strip()
    if not ALIAS_RE.match(value):
        raise InputError(
            f"alias {value!r} must be 3-63 lowercase letters, digits or single hyphens, "
            "starting and ending with a letter or digit"
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
            f"role name {name!r} must be 1-64 letters, digits or +=,.@_- characters"
        )
    for segment in path:
        if not PATH_SEGMENT_RE.match(segment):
            raise InputError(f"role path segment {segment!r} has characters IAM does not allow")
    path_len = len(value) - len(name)
    if path_len > ROLE_PATH_MAX:
        raise InputError(f"role path of {value!r} is {path_len} characters; IAM's limit is {ROLE_PATH_MAX}")
    return value


def check_session_name(value: str) -> str:
    if not SESSION_NAME_RE.match(value):
        raise InputError(f"session name {value!r} must be 2-64 letters, digits or +=,.@_- characters")
    return value


def session_name_from(text: str) -> str:
    """Build a valid RoleSessionName from free text (user name, host...)."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", text)[:64]
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
            f"MFA device {value!r} must be an MFA device ARN or serial number (9-256 characters)"
        )
    return value


def check_token_code(value: str) -> str:
    value = str(value).strip()
    if not TOKEN_CODE_RE.match(value):
        raise InputError("MFA code must be exactly 6 digits")
    return value


def check_duration(value: int | str, *, chained: bool = False) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise InputError(f"duration {value!r} must be a whole number of seconds") from None
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise InputError(f"duration {seconds} must be between 900 and 43200 seconds (15 min to 12 h)")
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
        raise InputError(f"colour {value!r} must be 6 hex digits, e.g. F2B0A9")
    return value.upper()


def check_region(value: str) -> str:
    return check_region_partition(value)[0]


def check_region_partition(value: str) -> tuple[str, str]:
    """check_region, and the partition it found the region in (a key of PARTITIONS)."""
    value = str(value).strip()
    if not REGION_RE.match(value):
        raise InputError(f"region {value!r} is not a region name like us-east-1")
    from switcher.core.partitions import PARTITIONS, UNKNOWN, partition_name

    partition = partition_name(value)
    if partition == UNKNOWN:
        raise InputError(f"region {value!r} matches no AWS partition botocore knows")
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
        raise InputError(f"{value!r} is not a role ARN like arn:aws:iam::123456789012:role/Name")
    check_role_name(match["role"])
    return match
