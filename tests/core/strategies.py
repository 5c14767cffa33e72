"""Hypothesis strategies for valid model values (IAM's and STS's rules, ASCII as IAM is)."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from switcher.core.model import CREDS_FORMATS, Account, Config, Role, Settings

ROLE_CHARS = string.ascii_letters + string.digits + "+=,.@_-"
EXTERNAL_ID_CHARS = ROLE_CHARS + ":/"
ALIAS_CHARS = string.ascii_lowercase + string.digits

REGIONS = {
    "aws": ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "eu-central-1"],
    "aws-us-gov": ["us-gov-west-1", "us-gov-east-1"],
    "aws-cn": ["cn-north-1", "cn-northwest-1"],
}
ALL_REGIONS = [r for regions in REGIONS.values() for r in regions]

account_ids = st.text(string.digits, min_size=12, max_size=12)
colors = st.text("0123456789ABCDEF", min_size=6, max_size=6)
regions = st.sampled_from(ALL_REGIONS)
durations = st.integers(900, 43200)
external_ids = st.text(EXTERNAL_ID_CHARS, min_size=2, max_size=40)
mfa_serials = st.builds(lambda i, n: f"arn:aws:iam::{i}:mfa/{n}", account_ids,
                        st.text(string.ascii_letters + string.digits, min_size=1, max_size=20))
# Free text that TOML must carry unchanged: any character but lone surrogates.
# hotkeys are validated and stored canonically, so only canonical spellings round-trip
hotkeys = st.builds(
    lambda mods, key: "+".join([*mods, key]),
    st.sampled_from([("Ctrl",), ("Ctrl", "Alt"), ("Alt", "Shift"), ("Ctrl", "Alt", "Shift"), ("Meta",)]),
    st.sampled_from(["A", "P", "Z", "1", "F5", "Space"]),
)
free_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=24)


@st.composite
def aliases(draw) -> str:
    words = draw(st.lists(st.text(ALIAS_CHARS, min_size=1, max_size=12), min_size=1, max_size=5))
    alias = "-".join(words)[:63].strip("-")
    if len(alias) < 3:
        alias = (alias + "acc")[:3]
    return alias


@st.composite
def role_names(draw, max_len: int = 64) -> str:
    """A role name with an optional path, path + name within 64 characters."""
    segments = draw(st.lists(st.text(ROLE_CHARS, min_size=1, max_size=16), min_size=0, max_size=3))
    name = draw(st.text(ROLE_CHARS, min_size=1, max_size=32))
    full = "/".join([*segments, name])
    if len(full) > max_len:
        full = name[:max_len]
    return full


@st.composite
def roles(draw, **overrides) -> Role:
    """``overrides`` maps a field to a strategy for it."""
    fields = {
        "name": draw(role_names()),
        "duration": draw(st.none() | durations),
        "external_id": draw(st.none() | external_ids),
        "mfa_serial": draw(st.none() | mfa_serials),
        "hotkey": draw(st.none() | hotkeys),
    }
    fields.update({key: draw(strategy) for key, strategy in overrides.items()})
    return Role(**fields)


def _unique_roles(role_strategy, max_size=4):
    return st.lists(role_strategy, min_size=0, max_size=max_size,
                    unique_by=lambda r: r.name.casefold()).map(tuple)


@st.composite
def accounts(draw, role_strategy=None, **overrides) -> Account:
    """``overrides`` maps a field to a strategy for it."""
    fields = {
        "alias": draw(aliases()),
        "id": draw(account_ids),
        "region": draw(regions),
        "color": draw(st.none() | colors),
        "source": draw(st.none() | free_text),
        "roles": draw(_unique_roles(roles() if role_strategy is None else role_strategy)),
        "mfa_serial": draw(st.none() | mfa_serials),
        "mfa_process": draw(st.none() | free_text),
        "browser": draw(st.none() | free_text),
        "logout_first": draw(st.none() | st.booleans()),
        "multi_session": draw(st.none() | st.booleans()),
    }
    fields.update({key: draw(strategy) for key, strategy in overrides.items()})
    return Account(**fields)


settings = st.builds(
    Settings,
    browser=st.none() | free_text,
    clipboard_clear_seconds=st.integers(0, 3600),
    logout_first=st.booleans(),
    multi_session=st.booleans(),
    default_duration=st.none() | durations,
    palette_hotkey=hotkeys,
    creds_format=st.sampled_from(CREDS_FORMATS),
    start_at_login=st.booleans(),
    mfa_process=st.none() | free_text,
    session_name=st.none() | st.text(ROLE_CHARS, min_size=2, max_size=64),
)


@st.composite
def configs(draw, account_strategy=None, with_settings: bool = True) -> Config:
    accts = draw(st.lists(accounts() if account_strategy is None else account_strategy, max_size=5,
                          unique_by=(lambda a: a.alias, lambda a: a.id)))
    return Config(
        accounts=tuple(accts),
        settings=draw(settings) if with_settings else Settings(),
        keyring_sources=tuple(draw(st.lists(free_text, max_size=3, unique=True))),
    )
