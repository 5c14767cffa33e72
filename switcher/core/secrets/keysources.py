"""Keyring sources: long-term access keys kept in the OS keyring under a source name.

One implementation for `switcher keys add/remove` and the tray's "Add keys…" dialog, so
both validate the same way and leave the keyring, the config and the session cache alike.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.model import Config
from switcher.core.secrets import keystore

SOURCE_RE = re.compile(r"\A[\w+=,.@-]{1,64}\Z", re.ASCII)
ACCESS_KEY_RE = re.compile(r"\A[A-Z0-9]{16,128}\Z")


def check_source_name(name: str) -> str:
    name = name.strip()
    if not SOURCE_RE.match(name):
        raise InputError(f"source name {name!r} must be 1-64 letters, digits or +=,.@_- characters")
    return name


def check_keys(access_key_id: str, secret_access_key: str) -> tuple[str, str]:
    access_key_id, secret_access_key = access_key_id.strip(), secret_access_key.strip()
    if not ACCESS_KEY_RE.match(access_key_id):
        raise InputError("the access key id must be 16-128 capital letters and digits (AKIA...)")
    if access_key_id.startswith("ASIA"):
        raise InputError("ASIA... keys are temporary; a keyring source holds long-term keys (AKIA...)")
    if len(secret_access_key) < 16 or any(c.isspace() for c in secret_access_key):
        raise InputError("the secret access key is empty or malformed")
    return access_key_id, secret_access_key


def add(source: str, access_key_id: str, secret_access_key: str,
        config_path: Path | None = None) -> Config:
    """Store the keys and record the source; nothing is stored when any input is bad."""
    source = check_source_name(source)
    access_key_id, secret_access_key = check_keys(access_key_id, secret_access_key)
    # a broken config fails here, before the keyring is touched
    known = source in store.load(config_path).keyring_sources
    keystore.store_keys(source, access_key_id, secret_access_key)

    def change(config: Config) -> Config:
        if source in config.keyring_sources:
            return config
        return replace(config, keyring_sources=(*config.keyring_sources, source))

    try:
        config = store.update(change, config_path)
    except BaseException:
        if not known:  # keys nobody can see in `keys list` must not stay in the keyring
            keystore.remove_keys(source)
        raise
    from switcher.core.secrets import cache
    from switcher.core.targets import account_targets

    # sessions assumed with the old keys belong to whoever those keys were
    for account in config.accounts:
        if account.source == source:
            for target in account_targets(account):
                cache.clear(target)
    return config


def remove(source: str, config_path: Path | None = None) -> Config:
    source = check_source_name(source)
    config = store.load(config_path)
    if source not in config.keyring_sources:
        raise InputError(f"{source} is not a keyring source (see: switcher keys list)")
    users = sorted({a.alias for a in config.accounts if a.source == source})
    if users:
        raise InputError(f"source {source} is used by {', '.join(users)}; change their source first")
    config = store.update(lambda c: replace(
        c, keyring_sources=tuple(s for s in c.keyring_sources if s != source)), config_path)
    keystore.remove_keys(source)
    return config
