"""keys add / remove / list: long-term access keys kept in the OS keyring.

Keys are read from a terminal prompt, or as two lines on stdin (key id, then secret) —
never from argv, where every other user of the machine could read them.
"""

from __future__ import annotations

import getpass
import re
import sys
from dataclasses import replace

from ..core import config as store
from ..core import keystore
from ..core.errors import InputError

SOURCE_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
ACCESS_KEY_RE = re.compile(r"^[A-Z0-9]{16,128}$")


def _check_source(name: str) -> str:
    if not SOURCE_RE.match(name):
        raise InputError(f"source name {name!r} must be 1-64 letters, digits or +=,.@_- characters")
    return name


def _read_keys() -> tuple[str, str]:
    if sys.stdin.isatty():
        key_id = input("Access key id: ").strip()
        secret = getpass.getpass("Secret access key: ").strip()
    else:
        lines = sys.stdin.read().splitlines()
        lines = [line.strip() for line in lines if line.strip()]
        if len(lines) != 2:
            raise InputError("expected two lines on stdin: the access key id, then the secret key")
        key_id, secret = lines
    if not ACCESS_KEY_RE.match(key_id):
        raise InputError("the access key id must be 16-128 capital letters and digits (AKIA...)")
    if key_id.startswith("ASIA"):
        raise InputError("ASIA... keys are temporary; a keyring source holds long-term keys (AKIA...)")
    if not secret or any(c.isspace() for c in secret) or len(secret) < 16:
        raise InputError("the secret access key is empty or malformed")
    return key_id, secret


def add(args) -> int:
    source = _check_source(args.source)
    store.load()  # a broken config fails here, before the keyring is touched
    key_id, secret = _read_keys()
    keystore.store_keys(source, key_id, secret)

    def change(config):
        if source in config.keyring_sources:
            return config
        return replace(config, keyring_sources=(*config.keyring_sources, source))

    store.update(change)
    from ..core import cache

    # sessions assumed with the old keys belong to whoever those keys were
    for target in _targets_using(store.load(), source):
        cache.clear(target)
    sys.stderr.write(f"stored keys for {source} in the OS keyring ({keystore.backend_name()})\n")
    return 0


def remove(args) -> int:
    source = _check_source(args.source)
    config = store.load()
    if source not in config.keyring_sources:
        raise InputError(f"{source} is not a keyring source (see: switcher keys list)")
    users = sorted({a.alias for a in config.accounts if a.source == source})
    if users:
        raise InputError(f"source {source} is used by {', '.join(users)}; change their source first")
    store.update(lambda c: replace(
        c, keyring_sources=tuple(s for s in c.keyring_sources if s != source)))
    keystore.remove_keys(source)
    return 0


def list_(args) -> int:
    config = store.load()
    for source in config.keyring_sources:
        sys.stdout.write(source + "\n")
    return 0


def _targets_using(config, source):
    from ..core.targets import account_targets

    return [t for a in config.accounts if a.source == source for t in account_targets(a)]


def keys(args) -> int:
    return {"add": add, "remove": remove, "list": list_}[args.action](args)
