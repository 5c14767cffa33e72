"""Credentials as plain data. Never logged: ``repr`` hides the secret parts."""

from __future__ import annotations

from datetime import UTC, datetime

# How the credentials were obtained decides what the console sign-in may send: AWS takes
# SessionDuration only for roles assumed with long-term keys (see aws/signin.py).
LONG_TERM = "long-term"  # IAM user keys: can AssumeRole, cannot sign in to the console
ASSUMED = "assumed"  # AssumeRole called with long-term keys: SessionDuration allowed
CHAINED = "chained"  # AssumeRole called with temporary credentials: no SessionDuration, <= 1 h
SESSION_TOKEN = "session-token"  # GetSessionToken: can never sign in
FEDERATION_TOKEN = "federation-token"  # GetFederationToken: no SessionDuration


# A session this close to its end is not handed out (the keyring cache, the tray's memory)
MIN_SECONDS_LEFT = 300
_FIELDS = ("access_key_id", "secret_access_key", "session_token", "expiration", "kind")
_SESSION_KINDS = (ASSUMED, CHAINED, SESSION_TOKEN, FEDERATION_TOKEN)


class Credentials:
    """Immutable, compared by value. A plain class rather than a dataclass: importing
    dataclasses costs a cached `switcher creds` a third of its budget."""

    __slots__ = _FIELDS

    def __init__(self, access_key_id: str, secret_access_key: str,
                 session_token: str | None = None, expiration: datetime | None = None,
                 kind: str = ASSUMED) -> None:
        put = object.__setattr__
        put(self, "access_key_id", access_key_id)
        put(self, "secret_access_key", secret_access_key)
        put(self, "session_token", session_token)
        put(self, "expiration", expiration)  # timezone-aware UTC
        put(self, "kind", kind)

    def __setattr__(self, name, value):
        raise AttributeError(f"Credentials are read-only ({name})")

    def __delattr__(self, name):
        raise AttributeError(f"Credentials are read-only ({name})")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash(self._values())

    def __repr__(self) -> str:  # never the secret parts
        return (f"Credentials(access_key_id={self.access_key_id!r}, "
                f"expiration={self.expiration!r}, kind={self.kind!r})")

    def seconds_left(self, now: datetime | None = None) -> float | None:
        if self.expiration is None:
            return None
        now = now or datetime.now(UTC)
        return (self.expiration - now).total_seconds()

    def to_json(self) -> dict:
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": self.expiration.isoformat() if self.expiration else None,
            "Kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: dict) -> Credentials:
        exp = data.get("Expiration")
        return cls(
            access_key_id=data["AccessKeyId"],
            secret_access_key=data["SecretAccessKey"],
            session_token=data.get("SessionToken"),
            expiration=datetime.fromisoformat(exp) if exp else None,
            kind=data.get("Kind", ASSUMED),
        )


def cached_session(raw: str) -> Credentials | None:
    """The session in a keyring cache entry, or None when it is not one Switcher wrote
    (anything but a JSON object of the right field types, or an expiry without a zone)."""
    import json

    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    key_id, secret, token = data.get("AccessKeyId"), data.get("SecretAccessKey"), data.get("SessionToken")
    expiration, kind = data.get("Expiration"), data.get("Kind", ASSUMED)
    if not (isinstance(key_id, str) and _is_key_id(key_id)):
        return None
    if not all(isinstance(x, str) and x for x in (secret, token, expiration)):
        return None
    if kind not in _SESSION_KINDS:
        return None
    try:
        expires = datetime.fromisoformat(expiration)
    except ValueError:
        return None
    if expires.utcoffset() is None:  # naive: cannot be compared with the clock
        return None
    return Credentials(key_id, secret, token, expires, kind)


def _is_key_id(text: str) -> bool:
    # IAM: [\w]+, at most 128 (without re, which the cached path cannot afford)
    return 0 < len(text) <= 128 and text.isascii() and text.replace("_", "a").isalnum()
