"""A local stand-in for IAM Identity Center: the ``sso-oidc`` and ``sso`` (portal) APIs
on one threaded HTTP server, speaking botocore's rest-json wire protocol.

moto has neither API. Requests, answers and errors follow botocore's service models:
error responses carry the shape name in ``x-amzn-ErrorType`` and ``__type`` (what
botocore's rest-json parser reads) with the model's HTTP status, OIDC errors also the
OAuth ``error`` / ``error_description`` members. Point botocore at it with its own
service-specific variables, AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO (both the
same ``url``).

GetRoleCredentials answers with real moto STS credentials: an AssumeRole of the account's
``AWSReservedSSO_<permission set>_<hash>`` role, as AWS names them, recorded in the
Ledger with kind ``sso`` so the sandbox federation endpoint signs them in and, like AWS,
refuses a SessionDuration for them (they were not assumed with long-term keys).

Throttling (``throttle``) applies to the four portal APIs only — the OIDC API answers
SlowDownException in its own way. Limits are requests per sliding second: per API name,
plus ``"*"`` for the portal as a whole; a refused request does not count against the
window. Real Identity Center throttles ListAccountRoles hardest, so a realistic setting
is e.g. ``{"ListAccountRoles": 10, "*": 20}``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from switcher.sandbox.httpd import Server
from switcher.sandbox.ledger import Ledger, Session
from switcher.sandbox.sso_errors import ApiError
from switcher.sandbox.sso_handler import Handler
from switcher.sandbox.sso_oidc import Lifetimes, Oidc

__all__ = ["IdentityCenter", "SsoAccount", "Lifetimes", "make_accounts", "reserved_role_arn"]

AUTO_APPROVE_ENV = "SWITCHER_SANDBOX_AUTO_APPROVE"
DEFAULT_PAGE = 20


@dataclass(frozen=True)
class SsoAccount:
    """An account assigned to the sandbox user, with its permission sets ("roles")."""

    account_id: str
    name: str
    roles: tuple[str, ...]
    email: str = ""


def make_accounts(count: int, roles: Iterable[str] = ("AdministratorAccess", "ReadOnlyAccess",
                                                       "PowerUserAccess")) -> list[SsoAccount]:
    """``count`` accounts with ids 100000000000, 100000000001, ... each with ``roles``."""
    roles = tuple(roles)
    return [SsoAccount(f"{100_000_000_000 + n}", f"Account {n:05d}", roles,
                       f"aws+{n:05d}@example.com") for n in range(count)]


def reserved_role_arn(account_id: str, permission_set: str, partition: str = "aws") -> str:
    """The IAM role Identity Center provisions for a permission set in an account."""
    suffix = hashlib.sha256(f"{account_id}/{permission_set}".encode()).hexdigest()[:16]
    return (f"arn:{partition}:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/"
            f"AWSReservedSSO_{permission_set}_{suffix}")


class _Throttle:
    def __init__(self, limits: Mapping[str, int] | None) -> None:
        self._lock = threading.Lock()
        self.limits = dict(limits or {})
        self._seen: dict[str, deque[float]] = {}

    def admit(self, api: str) -> bool:
        keys = [k for k in ("*", api) if k in self.limits]
        if not keys:
            return True
        now = time.monotonic()
        with self._lock:
            windows = [self._seen.setdefault(k, deque()) for k in keys]
            for key, window in zip(keys, windows, strict=True):
                while window and window[0] <= now - 1.0:
                    window.popleft()
                if len(window) >= self.limits[key]:
                    return False
            for window in windows:
                window.append(now)
            return True


class IdentityCenter(Server):
    """The stand-in. ``url`` serves both APIs and the browser pages.

    ``accounts``: the directory of what the one sandbox user (``user_name``) may use.
    ``lifetimes``: token, code and registration lifetimes (short ones for tests).
    ``throttle``: requests per second, see the module docstring; settable while serving.
    ``auto_approve``: approve /authorize and device codes without a click (a headless
    ``$BROWSER`` that just follows redirects completes the flow); None reads
    SWITCHER_SANDBOX_AUTO_APPROVE=1 from the environment.
    ``connect(moto_url, ledger)`` before GetRoleCredentials can issue credentials.

    For tests and benchmarks in other processes: GET /_sandbox/stats (``stats()``),
    DELETE /_sandbox/stats (``reset_stats()``), POST /_sandbox/throttle with a JSON
    object of limits (``throttle = ...``).
    """

    request_queue_size = 128  # bursts of parallel clients must not be refused at connect

    def __init__(self, accounts: Iterable[SsoAccount], *,
                 start_url: str = "https://d-sandbox.awsapps.com/start",
                 region: str = "us-east-1", user_name: str = "sandbox.user@example.com",
                 lifetimes: Lifetimes | None = None, throttle: Mapping[str, int] | None = None,
                 auto_approve: bool | None = None, role_session_seconds: int = 3600) -> None:
        self.accounts = list(accounts)
        self._by_id = {a.account_id: a for a in self.accounts}
        self.start_url, self.region, self.user_name = start_url, region, user_name
        self.oidc = Oidc(start_url, lifetimes)
        self._throttle = _Throttle(throttle)
        if auto_approve is None:
            auto_approve = os.environ.get(AUTO_APPROVE_ENV) == "1"
        self.auto_approve = auto_approve
        self.role_session_seconds = role_session_seconds
        self.moto_url: str | None = None
        self.ledger: Ledger | None = None
        self._sts = None
        self._sts_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self._counts: dict[str, Counter] = {"requests": Counter(), "throttled": Counter(),
                                            "errors": Counter()}
        super().__init__(Handler)

    @property
    def lifetimes(self) -> Lifetimes:
        return self.oidc.lifetimes

    @property
    def throttle(self) -> dict[str, int]:
        return dict(self._throttle.limits)

    @throttle.setter
    def throttle(self, limits: Mapping[str, int] | None) -> None:
        self._throttle = _Throttle(limits)

    def admit(self, api: str) -> bool:
        """False when ``api`` is over its throttle limit right now."""
        return self._throttle.admit(api)

    @property
    def endpoint_env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL_SSO": self.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.url}

    def connect(self, moto_url: str, ledger: Ledger) -> IdentityCenter:
        self.moto_url, self.ledger = moto_url, ledger
        return self

    def stats(self) -> dict[str, dict[str, int]]:
        """Per API name: requests that arrived, how many got a 429, how many got another
        error answer (an AuthorizationPendingException poll counts as one)."""
        with self._stats_lock:
            return {kind: dict(counts) for kind, counts in self._counts.items()}

    def reset_stats(self) -> None:
        with self._stats_lock:
            for counts in self._counts.values():
                counts.clear()

    def count(self, kind: str, api: str) -> None:
        with self._stats_lock:
            self._counts[kind][api] += 1

    def record(self, **event) -> None:
        if self.ledger is not None:
            self.ledger.record(**event)

    # -- the portal -------------------------------------------------------------------

    def _page(self, items: list[dict], query: dict[str, str], api: str) -> tuple[list, str | None]:
        raw = query.get("max_result", str(DEFAULT_PAGE))
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            raise ApiError(400, "InvalidRequestException", "max_result must be 1-100")
        size, start = int(raw), 0
        if "next_token" in query:
            start = _decode_token(query["next_token"], api)
        end = start + size
        return items[start:end], (_encode_token(end, api) if end < len(items) else None)

    def list_accounts(self, query: dict[str, str]) -> dict:
        items = [{"accountId": a.account_id, "accountName": a.name, "emailAddress": a.email}
                 for a in self.accounts]
        page, token = self._page(items, query, "ListAccounts")
        return {"accountList": page, **({"nextToken": token} if token else {})}

    def list_account_roles(self, query: dict[str, str]) -> dict:
        account = self._by_id.get(_account_id(query))
        roles = [{"roleName": r, "accountId": account.account_id}
                 for r in (account.roles if account else ())]
        page, token = self._page(roles, query, "ListAccountRoles")
        return {"roleList": page, **({"nextToken": token} if token else {})}

    def get_role_credentials(self, query: dict[str, str]) -> dict:
        account_id, role = _account_id(query), query.get("role_name", "")
        account = self._by_id.get(account_id)
        if not role:
            raise ApiError(400, "InvalidRequestException", "role_name is required")
        if account is None or role not in account.roles:
            # what AWS answers for an account or permission set that is not assigned
            raise ApiError(403, "ForbiddenException", "No access")
        if self.moto_url is None or self.ledger is None:
            raise ApiError(500, "InternalServerException", "no moto connected to the sandbox")
        from switcher.core.partitions import partition_name

        arn = reserved_role_arn(account_id, role, partition_name(self.region))
        creds = self._sts_client().assume_role(
            RoleArn=arn, RoleSessionName=self.user_name[:64],
            DurationSeconds=self.role_session_seconds)["Credentials"]
        expires = creds["Expiration"].timestamp()
        self.ledger.add_session(Session(
            access_key_id=creds["AccessKeyId"], secret_access_key=creds["SecretAccessKey"],
            session_token=creds["SessionToken"], expires_at=expires, kind="sso",
            region=self.region, role_arn=arn))
        return {"roleCredentials": {
            "accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretAccessKey"],
            "sessionToken": creds["SessionToken"], "expiration": int(expires * 1000)}}

    def _sts_client(self):
        with self._sts_lock:
            if self._sts is None:
                import boto3

                from switcher.sandbox.seed import create_user_keys

                # the service's own identity in moto: a real IAM user, like the sandbox's
                key, secret = create_user_keys(self.moto_url, "identity-center")
                self._sts = boto3.session.Session().client(
                    "sts", endpoint_url=self.moto_url, region_name=self.region,
                    aws_access_key_id=key, aws_secret_access_key=secret)
            return self._sts


def _account_id(query: dict[str, str]) -> str:
    account_id = query.get("account_id", "")
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ApiError(400, "InvalidRequestException", "account_id must be 12 digits")
    return account_id


def _encode_token(offset: int, api: str) -> str:
    return f"{api[:1]}{offset}.{secrets.token_hex(4)}"  # opaque enough to not be parsed


def _decode_token(token: str, api: str) -> int:
    head, _, _ = token.partition(".")
    if head[:1] == api[:1] and head[1:].isdigit():
        return int(head[1:])
    raise ApiError(400, "InvalidRequestException", "invalid next_token")
