"""The OIDC half of the sandbox Identity Center: clients, device and authorization codes,
access and refresh tokens — the state behind botocore's ``sso-oidc`` API.

No HTTP here: ``identity_center`` maps requests onto these methods and ``ApiError`` onto
rest-json error responses. Rules follow the real service where it is observable: a
client may use only the grant types it registered (a client registered without any gets
the legacy device flow, without refresh tokens), PKCE with S256 is mandatory for the
authorization code, codes and refresh tokens are single-use, and loopback redirect URIs
match whatever their port (RFC 8252 §7.3: the AWS CLI registers ``http://127.0.0.1/...``
and then listens on a port it picks).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from switcher.sandbox import sso_errors as err

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CODE_GRANT = "authorization_code"
REFRESH_GRANT = "refresh_token"
GRANTS = (DEVICE_GRANT, CODE_GRANT, REFRESH_GRANT)
PORTAL_SCOPE = "sso:account:access"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# RFC 8628 §6.1: no vowels or look-alikes, so a user code cannot spell words or be misread
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
SWEEP_EVERY, SWEEP_GRACE = 60.0, 600.0  # seconds


def is_loopback_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK


def _same_redirect(registered: str, given: str) -> bool:
    a, b = urlsplit(registered), urlsplit(given)
    return (a.scheme, a.hostname, a.path, a.query) == (b.scheme, b.hostname, b.path, b.query)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Client:
    client_id: str
    secret: str = field(repr=False)
    name: str
    grant_types: tuple[str, ...]
    scopes: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    expires_at: float

    def allows(self, grant: str) -> bool:
        # a client registered with no grant types is the AWS CLI's legacy device flow
        return grant in self.grant_types if self.grant_types else grant == DEVICE_GRANT


@dataclass
class DeviceAuth:
    device_code: str = field(repr=False)
    user_code: str
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    interval: int
    last_poll: float = 0.0
    state: str = "pending"  # "approved", "denied", "redeemed"


@dataclass
class AuthRequest:
    """An /authorize request waiting for the user's answer on the approval page."""

    client_id: str
    redirect_uri: str
    state: str
    challenge: str
    scopes: tuple[str, ...]
    expires_at: float


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    challenge: str
    scopes: tuple[str, ...]
    expires_at: float


@dataclass
class AccessToken:
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    revoked: bool = False


@dataclass
class RefreshToken:
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    used: bool = False


@dataclass
class Lifetimes:
    """Seconds. The defaults are the real service's; tests shorten them."""

    access_token: int = 3600
    refresh_token: int = 90 * 24 * 3600
    client: int = 90 * 24 * 3600
    device_code: int = 600
    auth_code: int = 300
    interval: int = 1  # the device flow's polling interval (whole seconds, as in the model)


class Oidc:
    def __init__(self, start_url: str, lifetimes: Lifetimes | None = None) -> None:
        self.start_url = start_url
        self.lifetimes = lifetimes or Lifetimes()
        self._lock = threading.Lock()
        self._clients: dict[str, Client] = {}
        self._devices: dict[str, DeviceAuth] = {}
        self._user_codes: dict[str, str] = {}  # user code -> device code
        self._requests: dict[str, AuthRequest] = {}
        self._codes: dict[str, AuthCode] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._swept = 0.0

    # -- RegisterClient / StartDeviceAuthorization -----------------------------------

    def register_client(self, body: dict) -> dict:
        name, kind = body.get("clientName"), body.get("clientType")
        if not isinstance(name, str) or not name:
            raise err.InvalidRequest("clientName is required")
        if kind != "public":
            raise err.InvalidClientMetadata(f"unsupported clientType {kind!r} (only 'public')")
        grants = tuple(body.get("grantTypes") or ())
        for grant in grants:
            if grant not in GRANTS:
                raise err.UnsupportedGrant(f"unsupported grant type {grant!r}")
        scopes = tuple(body.get("scopes") or ())
        if any(not isinstance(s, str) or not s or " " in s for s in scopes):
            raise err.InvalidScope("invalid scope")
        uris = tuple(body.get("redirectUris") or ())
        if any(not is_loopback_uri(u) for u in uris):
            raise err.InvalidRedirectUri("redirect URIs must be http on a loopback address")
        if CODE_GRANT in grants and not uris:
            raise err.InvalidRedirectUri("the authorization_code grant needs redirectUris")
        if CODE_GRANT in grants and not body.get("issuerUrl"):
            raise err.InvalidRequest("the authorization_code grant needs issuerUrl")
        now = time.time()
        client = Client(client_id=secrets.token_urlsafe(16), secret=secrets.token_urlsafe(48),
                         name=name, grant_types=grants, scopes=scopes, redirect_uris=uris,
                         expires_at=now + self.lifetimes.client)
        with self._lock:
            self._clients[client.client_id] = client
        return {"clientId": client.client_id, "clientSecret": client.secret,
                "clientIdIssuedAt": int(now), "clientSecretExpiresAt": int(client.expires_at)}

    def _client(self, client_id, secret) -> Client:
        client = self._clients.get(client_id) if isinstance(client_id, str) else None
        if client is None:
            raise err.InvalidClient("unknown client")
        if not hmac.compare_digest(str(secret or ""), client.secret):
            raise err.InvalidClient("invalid client secret")
        if client.expires_at < time.time():
            raise err.InvalidClient("the client registration has expired")
        return client

    def client_name(self, client_id: str) -> str:
        with self._lock:
            client = self._clients.get(client_id)
            return client.name if client else "?"

    def _check_start_url(self, url) -> None:
        if not isinstance(url, str) or url.rstrip("/#") != self.start_url.rstrip("/#"):
            raise err.InvalidRequest("unknown start URL")

    def start_device_authorization(self, body: dict, base_url: str) -> dict:
        with self._lock:
            client = self._client(body.get("clientId"), body.get("clientSecret"))
            self._check_start_url(body.get("startUrl"))
            now = time.time()
            self._sweep(now)
            device_code = secrets.token_urlsafe(32)
            while True:
                raw = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
                user_code = f"{raw[:4]}-{raw[4:]}"
                if user_code not in self._user_codes:
                    break
            self._devices[device_code] = DeviceAuth(
                device_code, user_code, client.client_id, client.scopes,
                now + self.lifetimes.device_code, self.lifetimes.interval)
            self._user_codes[user_code] = device_code
        return {"deviceCode": device_code, "userCode": user_code,
                "verificationUri": f"{base_url}/device",
                "verificationUriComplete": f"{base_url}/device?user_code={user_code}",
                "expiresIn": self.lifetimes.device_code, "interval": self.lifetimes.interval}

    def device(self, user_code: str) -> DeviceAuth | None:
        with self._lock:
            device = self._devices.get(self._user_codes.get(user_code.strip().upper(), ""))
            if device is None or device.expires_at < time.time():
                return None
            return device

    def answer_device(self, user_code: str, approve: bool) -> bool:
        with self._lock:
            device = self._devices.get(self._user_codes.get(user_code.strip().upper(), ""))
            if device is None or device.expires_at < time.time() or device.state != "pending":
                return False
            device.state = "approved" if approve else "denied"
            return True

    # -- the browser side of the authorization code grant ----------------------------

    def authorize(self, query: dict[str, str]) -> tuple[str | None, str]:
        """Check an /authorize request. Returns (request id, "") or (None, why).

        Errors found before the redirect URI is known to be the client's are shown to
        the user, never redirected: that would make the endpoint an open redirector.
        """
        with self._lock:
            client = self._clients.get(query.get("client_id", ""))
            if client is None or client.expires_at < time.time():
                return None, "unknown or expired client_id"
            if not client.allows(CODE_GRANT):
                return None, "this client did not register the authorization_code grant"
            redirect = query.get("redirect_uri", "")
            if not is_loopback_uri(redirect) or not any(
                    _same_redirect(r, redirect) for r in client.redirect_uris):
                return None, "redirect_uri is not one the client registered"
            if query.get("response_type") != "code":
                return None, "response_type must be code"
            if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                return None, "PKCE with code_challenge_method=S256 is required"
            scopes = tuple(query.get("scopes", "").replace(",", " ").split()) or client.scopes
            now = time.time()
            self._sweep(now)
            request_id = secrets.token_urlsafe(24)
            self._requests[request_id] = AuthRequest(
                client.client_id, redirect, query.get("state", ""), query["code_challenge"],
                scopes, now + self.lifetimes.auth_code)
            return request_id, ""

    def pending_request(self, request_id: str) -> AuthRequest | None:
        with self._lock:
            request = self._requests.get(request_id)
            return request if request and request.expires_at >= time.time() else None

    def answer_request(self, request_id: str, approve: bool) -> tuple[str, dict[str, str]] | None:
        """The user's answer: (redirect URI, its query parameters), or None if stale."""
        with self._lock:
            request = self._requests.pop(request_id, None)
            if request is None or request.expires_at < time.time():
                return None
            extra = {"state": request.state} if request.state else {}
            if not approve:
                return request.redirect_uri, {"error": "access_denied", **extra}
            code = secrets.token_urlsafe(32)
            self._codes[code] = AuthCode(request.client_id, request.redirect_uri,
                                         request.challenge, request.scopes,
                                         time.time() + self.lifetimes.auth_code)
            return request.redirect_uri, {"code": code, **extra}

    # -- CreateToken ------------------------------------------------------------------

    def create_token(self, body: dict) -> dict:
        grant = body.get("grantType")
        with self._lock:
            client = self._client(body.get("clientId"), body.get("clientSecret"))
            if grant not in GRANTS:
                raise err.UnsupportedGrant(f"unsupported grant type {grant!r}")
            if not client.allows(grant):
                raise err.UnauthorizedClient(f"the client is not registered for {grant}")
            now = time.time()
            if grant == DEVICE_GRANT:
                scopes = self._redeem_device(client, body.get("deviceCode"), now)
            elif grant == CODE_GRANT:
                scopes = self._redeem_code(client, body, now)
            else:
                scopes = self._redeem_refresh(client, body.get("refreshToken"), now)
            return self._issue(client, scopes, now)

    def _redeem_device(self, client: Client, device_code, now: float) -> tuple[str, ...]:
        device = self._devices.get(device_code) if isinstance(device_code, str) else None
        if device is None or device.client_id != client.client_id:
            raise err.InvalidGrant("invalid device code")
        if device.state == "redeemed":
            raise err.InvalidGrant("the device code was already used")
        if device.expires_at < now:
            raise err.Expired("the device code has expired")
        if device.state == "denied":
            raise err.Denied("the user denied the authorization")
        if device.state == "pending":
            too_soon = now - device.last_poll < device.interval
            device.last_poll = now
            if too_soon:
                raise err.SlowDown("polled faster than the interval")
            raise err.Pending("authorization is pending")
        device.state = "redeemed"
        return device.scopes

    def _redeem_code(self, client: Client, body: dict, now: float) -> tuple[str, ...]:
        code, verifier = body.get("code"), body.get("codeVerifier")
        if not isinstance(code, str) or not code:
            raise err.InvalidRequest("code is required")
        if not isinstance(verifier, str) or not verifier:
            raise err.InvalidRequest("codeVerifier is required (PKCE)")
        # popped before any check: a code is single-use even when its redemption fails
        entry = self._codes.pop(code, None)
        if entry is None or entry.client_id != client.client_id:
            raise err.InvalidGrant("invalid or already used authorization code")
        if entry.expires_at < now:
            raise err.InvalidGrant("the authorization code has expired")
        if body.get("redirectUri") != entry.redirect_uri:
            raise err.InvalidGrant("redirectUri does not match the authorization request")
        if not hmac.compare_digest(s256(verifier), entry.challenge):
            raise err.InvalidGrant("codeVerifier does not match the code_challenge")
        return entry.scopes

    def _redeem_refresh(self, client: Client, token, now: float) -> tuple[str, ...]:
        entry = self._refresh.get(token) if isinstance(token, str) else None
        if entry is None or entry.client_id != client.client_id or entry.used:
            raise err.InvalidGrant("invalid, used or revoked refresh token")
        if entry.expires_at < now:
            raise err.InvalidGrant("the refresh token has expired")
        entry.used = True
        return entry.scopes

    def _issue(self, client: Client, scopes: tuple[str, ...], now: float) -> dict:
        self._sweep(now)
        access = secrets.token_urlsafe(48)
        refresh = None
        if client.allows(REFRESH_GRANT):
            refresh = secrets.token_urlsafe(48)
            self._refresh[refresh] = RefreshToken(client.client_id, scopes,
                                                  now + self.lifetimes.refresh_token)
        self._access[access] = AccessToken(client.client_id, scopes,
                                           now + self.lifetimes.access_token, refresh)
        answer = {"accessToken": access, "tokenType": "Bearer",
                  "expiresIn": self.lifetimes.access_token}
        if refresh:
            answer["refreshToken"] = refresh
        return answer

    # -- what the portal needs --------------------------------------------------------

    def check_access(self, token: str | None) -> AccessToken | None:
        with self._lock:
            entry = self._access.get(token or "")
            if entry is None or entry.revoked or entry.expires_at < time.time():
                return None
            if entry.scopes and PORTAL_SCOPE not in entry.scopes:
                return None
            return entry

    def revoke(self, token: str) -> None:
        """Logout: the access token and the refresh token issued with it stop working."""
        with self._lock:
            entry = self._access.get(token)
            if entry is not None:
                entry.revoked = True
                if entry.refresh_token in self._refresh:
                    self._refresh[entry.refresh_token].used = True

    def _sweep(self, now: float) -> None:
        """Drop long-expired state, so a sandbox left running for days stays small.

        Only every SWEEP_EVERY seconds (a sweep walks every table), and only what expired
        SWEEP_GRACE ago: a device code that just expired must still answer
        ExpiredTokenException, not InvalidGrantException.
        """
        if now - self._swept < SWEEP_EVERY:
            return
        self._swept, cutoff = now, now - SWEEP_GRACE
        for user_code, code in list(self._user_codes.items()):
            if self._devices[code].expires_at < cutoff:
                del self._user_codes[user_code], self._devices[code]
        for table in (self._requests, self._codes, self._access, self._refresh):
            for key in [k for k, v in table.items() if v.expires_at < cutoff]:
                del table[key]
