"""The OS keyring, the only place secrets are kept (DESIGN §5): long-term access keys of
keyring sources, and the session cache. There is no plaintext fallback: with no usable
keyring, keys cannot be stored and sessions are simply not cached.

``keyring`` is imported lazily because its backend discovery scans entry points (~80 ms).
"""

from __future__ import annotations

import json
import threading

from switcher.core.errors import Fix, InputError
from switcher.core.secrets import KEYS_SERVICE, SESSIONS_SERVICE, SSO_SERVICE, secretservice

__all__ = ["KEYS_SERVICE", "SESSIONS_SERVICE", "SSO_SERVICE"]  # the names' usual home

_backend_cache: list = []  # [backend or None], resolved once per process
_warned = False
_warn_lock = threading.Lock()  # GUI workers may miss the cache at the same moment
_fast: dict = {}  # "conn": an open secretservice.Connection, "off": the fast path failed
_fast_lock = threading.Lock()  # one D-Bus connection, shared by GUI worker threads


class KeyringUnavailable(Exception):
    """No usable keyring, or it refused the operation; callers decide how bad that is."""


class DamagedEntry(KeyringUnavailable):
    """The entry exists but its secret is not UTF-8 text: the keyring works, the value
    does not (a caller that can rewrite it may treat this as a miss)."""


def _is_plaintext(backend) -> bool:
    # keyrings.alt ships file backends that keep secrets in plain or weakly wrapped files.
    module = type(backend).__module__
    return module.startswith("keyrings.alt") or "plaintext" in type(backend).__name__.lower()


def backend():
    """The keyring backend in use, or None when there is no safe one."""
    if not _backend_cache:
        try:
            import keyring
            from keyring.backends import chainer, fail, null

            found = keyring.get_keyring()
            if isinstance(found, (fail.Keyring, null.Keyring)) or _is_plaintext(found):
                found = None
            elif isinstance(found, chainer.ChainerBackend):
                usable = [b for b in found.backends if not _is_plaintext(b)]
                found = found if usable and len(usable) == len(found.backends) else None
        except Exception:  # a broken keyring install must not break the CLI
            found = None
        _backend_cache.append(found)
    return _backend_cache[0]


def reset() -> None:
    """Forget the detected backend (tests switch backends with keyring.set_keyring)."""
    global _warned
    _backend_cache.clear()
    _warned = False
    with _fast_lock:
        if "conn" in _fast:
            _fast.pop("conn").close()
        _fast.clear()


def _via_fast_path(operation: str, *args):
    """Run ``Connection.<operation>(*args)`` over the lean Secret Service path, or raise
    Unsupported so the caller uses keyring."""
    with _fast_lock:
        if "off" in _fast or not secretservice.usable():
            raise secretservice.Unsupported("off")
        conn = _fast.get("conn")
        if conn is None:
            try:
                conn = _fast["conn"] = secretservice.Connection()
            except secretservice.Unsupported:
                _fast["off"] = True  # no service on this bus: do not retry on every call
                raise
        try:
            return getattr(conn, operation)(*args)
        except secretservice.Unsupported:
            # reconnect next time: the daemon may have restarted under a long-lived tray
            _fast.pop("conn").close()
            raise


def backend_name() -> str:
    found = backend()
    if found is None:
        return "none"
    return f"{type(found).__module__}.{type(found).__name__}"


def _require():
    found = backend()
    if found is None:
        raise KeyringUnavailable("no OS keyring (install or unlock a SecretService)")
    return found


def _call(op: str, args: tuple, through_keyring):
    """The fast Secret Service path when it applies, else ``keyring``; every failure of
    the keyring becomes KeyringUnavailable with a one-line reason."""
    try:
        return _via_fast_path(op, *args)
    except secretservice.Unsupported:
        pass
    except UnicodeDecodeError:
        raise DamagedEntry(_not_text(args)) from None
    try:
        return through_keyring(_require())
    except KeyringUnavailable:
        raise
    except UnicodeDecodeError:  # both paths decode the secret as UTF-8
        raise DamagedEntry(_not_text(args)) from None
    except Exception as exc:
        raise KeyringUnavailable(_describe(exc)) from None


def _not_text(args: tuple) -> str:
    service, name = args[0], args[1]
    return f"the keyring entry {name!r} of {service} is not UTF-8 text"


def get(service: str, name: str) -> str | None:
    return _call("get", (service, name), lambda kr: kr.get_password(service, name))


def put(service: str, name: str, value: str) -> None:
    _call("put", (service, name, value), lambda kr: kr.set_password(service, name, value))


def delete(service: str, name: str) -> bool:
    """Remove an entry; False when it was not there."""

    def through_keyring(kr) -> bool:
        from keyring.errors import PasswordDeleteError

        try:
            kr.delete_password(service, name)
        except PasswordDeleteError:
            return False
        return True

    return bool(_call("delete", (service, name), through_keyring))


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"the OS keyring failed: {text}"


def warn_no_cache(reason: str) -> None:
    """One short line per process, on stderr (never stdout: credential_process and eval
    read that): the cache is a convenience, not worth repeated noise."""
    global _warned
    with _warn_lock:
        if _warned:
            return
        _warned = True
    import logging

    logging.getLogger("switcher").warning("switcher: warning: %s; sessions are not cached", reason)


# -- long-term keys of keyring sources ------------------------------------------------


def store_keys(source: str, access_key_id: str, secret_access_key: str) -> None:
    value = json.dumps({"AccessKeyId": access_key_id, "SecretAccessKey": secret_access_key})
    try:
        put(KEYS_SERVICE, source, value)
    except KeyringUnavailable as exc:
        raise InputError(f"cannot store keys for {source}: {exc}") from None


def load_keys(source: str) -> tuple[str, str] | None:
    try:
        raw = get(KEYS_SERVICE, source)
    except KeyringUnavailable as exc:
        raise InputError(f"cannot read keys of keyring source {source}: {exc}") from None
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return data["AccessKeyId"], data["SecretAccessKey"]
    except (ValueError, KeyError, TypeError):
        raise InputError(
            f"the keyring entry for source {source} is damaged", fix=Fix.ADD_KEYS, fix_for=source
        ) from None


def remove_keys(source: str) -> bool:
    try:
        return delete(KEYS_SERVICE, source)
    except KeyringUnavailable as exc:
        raise InputError(f"cannot remove keys of {source}: {exc}") from None
