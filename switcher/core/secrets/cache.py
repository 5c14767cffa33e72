"""Assumed-role sessions cached in the OS keyring, one entry per target.

The entry name carries a digest of everything that decides *which* role is assumed and
*with what* (account, role, region, source, chain, external id, MFA device), so editing a
target never hands back credentials of what it used to be. Sessions are used until
5 minutes before they expire. Reading the cache imports neither boto3 nor botocore.
"""

from __future__ import annotations

import json
import os
import threading
import zlib

from switcher.core.credentials import Credentials
from switcher.core.secrets import keystore
from switcher.core.secrets.keystore import SESSIONS_SERVICE, KeyringUnavailable

MIN_SECONDS_LEFT = 300
INDEX = "_index"  # keyrings cannot list entries, so we keep the names ourselves
_index_lock = threading.Lock()  # GUI workers store sessions concurrently


def cache_key(target) -> str:
    identity = [
        target.kind, target.account_id, target.role_name, target.region, target.source,
        target.via, target.external_id, target.mfa_serial,
        # sessions from one STS endpoint (a sandbox, a moto run) are useless at another
        os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL"),
    ]
    # not a security boundary, only "did the target change": two cheap checksums (hashlib
    # would load OpenSSL on the cached path)
    data = json.dumps(identity).encode()
    digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    return f"{target.name}#{digest}"


def load(target, *, min_seconds_left: float = MIN_SECONDS_LEFT) -> Credentials | None:
    try:
        raw = keystore.get(SESSIONS_SERVICE, cache_key(target))
    except KeyringUnavailable as exc:
        keystore.warn_no_cache(str(exc))
        return None
    if not raw:
        return None
    try:
        creds = Credentials.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry is just a miss; the next store overwrites it
    left = creds.seconds_left()
    if left is None or left < min_seconds_left:
        return None
    return creds


def store(target, creds: Credentials) -> None:
    key = cache_key(target)
    try:
        keystore.put(SESSIONS_SERVICE, key, json.dumps(creds.to_json()))
        with _index_lock:
            _add_to_index(target, key)
    except KeyringUnavailable as exc:
        keystore.warn_no_cache(str(exc))


def _add_to_index(target, key: str) -> None:
    names = _index()
    if key in names:
        return
    # drop entries of this target's previous shapes; they can never match again
    stale = [n for n in names if n.rsplit("#", 1)[0] == target.name]
    for name in stale:
        keystore.delete(SESSIONS_SERVICE, name)
    names = [n for n in names if n not in stale] + [key]
    keystore.put(SESSIONS_SERVICE, INDEX, json.dumps(names))


def clear(target=None) -> None:
    """Forget the cached session of one target, or of all targets."""
    _forget(lambda name: target is None or name.rsplit("#", 1)[0] == target.name,
            extra=cache_key(target) if target is not None else None)


def forget_name(name: str) -> None:
    """Forget every cached session of the target called ``name`` (e.g. after removing it,
    when there is no Target left to compute a key from)."""
    _forget(lambda entry: entry.rsplit("#", 1)[0] == name)


def _forget(match, extra: str | None = None) -> None:
    try:
        with _index_lock:
            _forget_locked(match, extra)
    except KeyringUnavailable as exc:
        keystore.warn_no_cache(str(exc))


def _forget_locked(match, extra: str | None) -> None:
    names = _index()
    doomed = [n for n in names if match(n)]
    if extra and extra not in doomed:
        doomed.append(extra)  # an entry the index lost track of
    for entry in doomed:
        keystore.delete(SESSIONS_SERVICE, entry)
    keystore.put(SESSIONS_SERVICE, INDEX, json.dumps([n for n in names if n not in doomed]))


def _index() -> list[str]:
    raw = keystore.get(SESSIONS_SERVICE, INDEX)
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        names = []
    return [n for n in names if isinstance(n, str)]
