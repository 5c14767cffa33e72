"""keys add / remove / list: long-term access keys kept in the OS keyring.

Keys are read from a terminal prompt, or as two lines on stdin (key id, then secret) —
never from argv, where every other user of the machine could read them.
"""

from __future__ import annotations

import getpass
import sys

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.secrets import keysources, keystore


def _read_keys() -> tuple[str, str]:
    if sys.stdin.isatty():
        key_id = input("Access key id: ")
        secret = getpass.getpass("Secret access key: ")
    else:
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if len(lines) != 2:
            raise InputError("expected two lines on stdin: the access key id, then the secret key")
        key_id, secret = lines
    return keysources.check_keys(key_id, secret)


def add(args) -> int:
    source = keysources.check_source_name(args.source)
    store.load()  # a broken config fails before the user types the secret
    key_id, secret = _read_keys()
    keysources.add(source, key_id, secret)
    sys.stderr.write(f"stored keys for {source} in the OS keyring ({keystore.backend_name()})\n")
    return 0


def remove(args) -> int:
    keysources.remove(args.source)
    return 0


def list_(args) -> int:
    for source in store.load().keyring_sources:
        sys.stdout.write(source + "\n")
    return 0


def keys(args) -> int:
    return {"add": add, "remove": remove, "list": list_}[args.action](args)
