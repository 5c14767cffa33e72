"""Credentials as plain data. Never logged: ``repr`` hides the secret parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

# How the credentials were obtained decides what the console sign-in may send: AWS takes
# SessionDuration only for roles assumed with long-term keys (see aws/signin.py).
LONG_TERM = "long-term"  # IAM user keys: can AssumeRole, cannot sign in to the console
ASSUMED = "assumed"  # AssumeRole called with long-term keys: SessionDuration allowed
CHAINED = "chained"  # AssumeRole called with temporary credentials: no SessionDuration, <= 1 h
SESSION_TOKEN = "session-token"  # GetSessionToken: can never sign in
FEDERATION_TOKEN = "federation-token"  # GetFederationToken: no SessionDuration


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None  # timezone-aware UTC
    kind: str = ASSUMED

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
