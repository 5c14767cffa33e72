"""Assumed-role sessions cached in the OS keyring, one entry per target.

The entry name carries a digest of everything that decides *which* role is assumed and
*with what* (account, role, region, source, chain, external id, MFA device), so editing a
target never hands back credentials of what it used to be. Sessions are used until
5 minutes before they expire. Reading the cache imports neither boto3 nor botocore.

Whatever the keyring hands back is checked before use: a damaged entry (not JSON, not an
object, fields of the wrong type, an expiry without a timezone, not UTF-8) is a miss, with
one warning per process, and the next store overwrites it. The index of entry names is
updated under a lock file (``paths.sessions_lock_path``), so parallel processes never drop
each other's names and ``clear``/``forget_name`` find every entry.
"""

from __future__ import annotations

import json
import os
import threading
import zlib
from contextlib import contextmanager

from switcher.core.credentials import MIN_SECONDS_LEFT, Credentials, cached_session
from switcher.core.secrets import keystore
from switcher.core.secrets.keystore import SESSIONS_SERVICE, DamagedEntry, KeyringUnavailable

INDEX = "_index"  # keyrings cannot list entries, so we keep the names ourselves
_index_lock = threading.Lock()  # GUI workers store sessions concurrently
_warned_damaged = False


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
    except DamagedEntry:
        _warn_damaged(f"the cached session of {target.name}")
        return None
    except KeyringUnavailable as exc:
        keystore.warn_no_cache(str(exc))
        return None
    if not raw:
        return None
    creds = cached_session(raw)
    if creds is None:  # a damaged entry is just a miss; the next store overwrites it
        _warn_damaged(f"the cached session of {target.name}")
        return None
    left = creds.seconds_left()
    if left is None or left < min_seconds_left:
        return None
    return creds


def store(target, creds: Credentials) -> None:
    key = cache_key(target)
    try:
        keystore.put(SESSIONS_SERVICE, key, json.dumps(creds.to_json()))
        with _index_locked():
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
        with _index_locked():
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


@contextmanager
def _index_locked():
    """The index's read-modify-write, one at a time across threads and processes."""
    from switcher.core.files import locked
    from switcher.core.paths import sessions_lock_path

    with _index_lock:
        try:
            lock_file = sessions_lock_path()
        except Exception:  # noqa: BLE001 - no runtime dir: still serialised in-process
            lock_file = None
        if lock_file is None:
            yield
            return
        with locked(lock_file):
            yield


def _index() -> list[str]:
    """The names in the index; a damaged index reads as empty (and is rewritten whole by
    the caller's update)."""
    try:
        raw = keystore.get(SESSIONS_SERVICE, INDEX)
    except DamagedEntry:
        raw = "damaged"
    if not raw:
        return []
    try:
        names = json.loads(raw)
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        _warn_damaged("the index of cached sessions")
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
    return names


def _warn_damaged(what: str) -> None:
    """One line per process on stderr (never stdout, which eval and credential_process
    read); the entry itself is never shown."""
    global _warned_damaged
    if _warned_damaged:
        return
    _warned_damaged = True
    import logging

    logging.getLogger("switcher").warning(
        "switcher: warning: %s in the OS keyring is damaged; ignored, and replaced by the "
        "next session stored", what)
