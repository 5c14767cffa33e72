"""What the sandbox has seen: sessions STS issued, sign-in tokens, and a request log.

Shared by the STS proxy (which records sessions) and the federation endpoint (which
checks them). The log holds no secrets — no keys, tokens or session tokens — so tests
and the debug endpoint can show it freely.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

TOKEN_LIFETIME = 15 * 60  # seconds, like AWS sign-in tokens
LOG_LIMIT = 10_000  # events kept: a sandbox left running for days must not grow unbounded


@dataclass
class Session:
    """Temporary credentials that went through the sandbox STS endpoint, or that its
    Identity Center issued."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expires_at: float  # epoch seconds
    # "assumed" (long-term caller), "chained", "session-token", "federation-token", "sso"
    # (Identity Center GetRoleCredentials: signs in, but like "chained" gets no SessionDuration)
    kind: str
    region: str  # signing region of the issuing call: decides the partition in moto
    role_arn: str | None = None


@dataclass
class SigninToken:
    account: str
    role_arn: str
    session_name: str
    expires_at: float
    session_duration: int | None
    used: bool = False


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # keyed by (key id, session token): moto hands every GetSessionToken and
        # GetFederationToken caller the same fixed key id, with different tokens
        self._sessions: dict[tuple[str, str], Session] = {}
        self._kinds: dict[str, str] = {}
        self._tokens: dict[str, SigninToken] = {}
        self._log: deque[dict] = deque(maxlen=LOG_LIMIT)

    def add_session(self, session: Session) -> None:
        with self._lock:
            now = time.time()
            for key in [k for k, old in self._sessions.items() if old.expires_at < now]:
                del self._sessions[key]
            self._sessions[(session.access_key_id, session.session_token)] = session
            self._kinds[session.access_key_id] = session.kind

    def session(self, access_key_id: str, session_token: str) -> Session | None:
        with self._lock:
            return self._sessions.get((access_key_id, session_token))

    def kind_of(self, access_key_id: str) -> str | None:
        """How the latest session with this key id was issued (None: not by us)."""
        with self._lock:
            return self._kinds.get(access_key_id)

    def issue_token(self, **info) -> str:
        token = secrets.token_urlsafe(48)
        with self._lock:
            now = time.time()
            # drop expired tokens so a long-running sandbox does not grow without bound
            for key in [k for k, t in self._tokens.items() if t.expires_at < now]:
                del self._tokens[key]
            self._tokens[token] = SigninToken(expires_at=now + TOKEN_LIFETIME, **info)
        return token

    def redeem(self, token: str) -> tuple[SigninToken | None, str]:
        """Use a token once. Returns (token, "") or (None, why it was refused)."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None, "unknown sign-in token"
            if entry.used:
                return None, "this sign-in link was already used"
            if entry.expires_at < time.time():
                return None, "this sign-in link has expired (tokens last 15 minutes)"
            entry.used = True
            return entry, ""

    def record(self, **event) -> None:
        event.setdefault("time", round(time.time(), 3))
        with self._lock:
            self._log.append(event)

    def log(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._log]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
