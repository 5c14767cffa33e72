"""IAM Identity Center's OAuth through botocore's own ``sso-oidc`` and ``sso`` clients: client
registration, the two sign-in flows the AWS CLI v2 offers (authorization code with PKCE
through the browser, and the device code), the refresh_token grant and Logout.

Protocol only: registrations and tokens come in as arguments and go out as values;
keeping them (in the OS keyring) is tokens.py's job. Endpoints are botocore's: the
regional ``oidc.<region>.amazonaws.com`` / ``portal.sso.<region>.amazonaws.com``, or
AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from switcher.core.errors import AwsError
from switcher.core.sso import loopback
from switcher.core.sso.sources import Source

CODE_GRANT = "authorization_code"
REFRESH_GRANT = "refresh_token"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SCOPES = ("sso:account:access",)
# registered without a port: loopback redirects match on any port (RFC 8252 §7.3), so
# one registration serves every listener
REDIRECT_URI = f"http://{loopback.HOST}{loopback.PATH}"
CLIENT_NAME = "switcher"
CODE, DEVICE = "code", "device"  # the two flows; each needs a registration of its own
SLOW_DOWN_STEP = 5  # seconds added to the polling interval on slow_down (RFC 8628 §3.5)

# refused grants and clients: signing in again is what helps (tokens.py adds the fix)
_REFUSALS = {"InvalidGrantException", "InvalidClientException", "ExpiredTokenException",
             "UnauthorizedClientException", "AccessDeniedException",
             "InvalidRequestException"}


class Refused(AwsError):
    """Identity Center turned a grant or a client down (as opposed to not answering)."""


@dataclass(frozen=True)
class Registration:
    client_id: str
    client_secret: str = field(repr=False)
    expires_at: float
    flow: str

    def to_json(self) -> str:
        return json.dumps({"clientId": self.client_id, "clientSecret": self.client_secret,
                           "expiresAt": self.expires_at, "flow": self.flow})

    @classmethod
    def from_json(cls, text: str) -> Registration | None:
        try:
            data = json.loads(text)
            return cls(str(data["clientId"]), str(data["clientSecret"]),
                       float(data["expiresAt"]), str(data["flow"]))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    expires_at: float  # epoch seconds
    refresh_token: str | None = field(default=None, repr=False)
    flow: str = CODE


def _client_config():
    from botocore import UNSIGNED
    from botocore.config import Config

    # a hung network must not hang a command or a GUI worker; within a switch, client()
    # caps these by the switch's deadline as well
    return Config(signature_version=UNSIGNED, connect_timeout=5, read_timeout=20,
                  retries={"mode": "standard", "max_attempts": 3})


def client(service: str, source: Source, config=None):
    """botocore's ``sso-oidc`` or ``sso`` client for the source's region (``config``
    replaces the default one, e.g. with timeouts capped by a deadline)."""
    from switcher.core.aws import deadline
    from switcher.core.aws.endpoints import checked_client
    from switcher.core.aws.sts import new_session

    if config is None:
        config = _client_config()
        limit = deadline.current()  # e.g. a token refresh in the middle of a switch
        if limit is not None:
            config = limit.client_config(config)
    made = new_session().create_client(service, region_name=source.region, config=config)
    return checked_client(made, service)


def _call(what: str, method, **params):
    from botocore import exceptions as bx

    try:
        return method(**params)
    except (bx.ClientError, bx.BotoCoreError) as exc:
        raise _mapped(exc, what) from None


def _mapped(exc: Exception, what: str) -> AwsError:
    """One line for a botocore failure; never the request, which may hold a token."""
    from botocore import exceptions as bx

    from switcher.core.aws.sts import one_line

    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "") or "error"
        message = one_line(error.get("Message", ""))
        kind = Refused if code in _REFUSALS else AwsError
        return kind(f"IAM Identity Center refused {what}: {code}"
                    + (f" ({message})" if message else ""))
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError,
                        bx.ReadTimeoutError, bx.ConnectionClosedError)):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return AwsError(f"cannot reach IAM Identity Center{' at ' + endpoint if endpoint else ''} "
                        f"({what}): the network is down or the endpoint is unreachable")
    return AwsError(f"{what} failed: {one_line(exc)}")


def register(oidc, source: Source, flow: str) -> Registration:
    """RegisterClient as the AWS CLI v2 does: a public client with the portal's scope."""
    params: dict = {"clientName": CLIENT_NAME, "clientType": "public", "scopes": list(SCOPES)}
    if flow == CODE:
        params.update(grantTypes=[CODE_GRANT, REFRESH_GRANT], redirectUris=[REDIRECT_URI],
                      issuerUrl=source.start_url)
    else:
        params.update(grantTypes=[DEVICE_GRANT, REFRESH_GRANT])
    reply = _call("the client registration", oidc.register_client, **params)
    return Registration(reply["clientId"], reply["clientSecret"],
                        float(reply["clientSecretExpiresAt"]), flow)


def _tokens(reply: dict, flow: str) -> TokenSet:
    return TokenSet(reply["accessToken"], time.time() + int(reply["expiresIn"]),
                    reply.get("refreshToken"), flow)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636 §4.1-4.2."""
    verifier = secrets.token_urlsafe(64)  # 86 characters of the unreserved set
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(oidc, registration: Registration, redirect_uri: str, state: str,
                  challenge: str) -> str:
    """Where the browser signs in: the sso-oidc endpoint's /authorize page. Not a secret:
    what it returns (the code) is, and only the listener sees that."""
    query = urlencode({
        "response_type": "code", "client_id": registration.client_id,
        "redirect_uri": redirect_uri, "state": state, "code_challenge_method": "S256",
        "scopes": " ".join(SCOPES), "code_challenge": challenge,
    })
    return f"{oidc.meta.endpoint_url.rstrip('/')}/authorize?{query}"


def sign_in_with_browser(oidc, registration: Registration, *, open_url: Callable[[str], object],
                         timeout: float = loopback.DEFAULT_TIMEOUT) -> TokenSet:
    """The authorization code flow with PKCE: ``open_url`` gets the authorize URL (opens a
    browser or prints it), the loopback listener gets the code, CreateToken redeems it."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(32)
    with loopback.Listener(state) as listener:
        redirect_uri = listener.redirect_uri
        open_url(authorize_url(oidc, registration, redirect_uri, state, challenge))
        code = listener.wait(timeout)
    reply = _call("the sign-in", oidc.create_token, clientId=registration.client_id,
                  clientSecret=registration.client_secret, grantType=CODE_GRANT, code=code,
                  codeVerifier=verifier, redirectUri=redirect_uri)
    return _tokens(reply, CODE)


def sign_in_with_device_code(oidc, registration: Registration, source: Source, *,
                             show: Callable[[str, str], object],
                             sleep: Callable[[float], object] = time.sleep,
                             clock: Callable[[], float] = time.monotonic) -> TokenSet:
    """The device code flow (RFC 8628): ``show(verification URL, user code)``, then poll
    CreateToken every ``interval`` seconds (5 more after each slow_down) until the user
    approves, denies, or the code expires."""
    start = _call("the device authorization", oidc.start_device_authorization,
                  clientId=registration.client_id, clientSecret=registration.client_secret,
                  startUrl=source.start_url)
    show(start.get("verificationUriComplete") or start["verificationUri"], start["userCode"])
    interval = max(int(start.get("interval") or 5), 1)
    deadline = clock() + int(start["expiresIn"])
    from botocore import exceptions as bx

    while True:
        sleep(interval)
        if clock() >= deadline:
            break
        try:
            reply = oidc.create_token(clientId=registration.client_id,
                                      clientSecret=registration.client_secret,
                                      grantType=DEVICE_GRANT, deviceCode=start["deviceCode"])
        except bx.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "AuthorizationPendingException":
                continue
            if code == "SlowDownException":
                interval += SLOW_DOWN_STEP
                continue
            if code == "ExpiredTokenException":
                break
            if code == "AccessDeniedException":
                raise AwsError("the sign-in was denied on the verification page") from None
            raise _mapped(exc, "the sign-in") from None
        except bx.BotoCoreError as exc:
            raise _mapped(exc, "the sign-in") from None
        return _tokens(reply, DEVICE)
    raise AwsError("the device code expired before the sign-in was approved; sign in again")


def refresh(oidc, registration: Registration, refresh_token: str) -> TokenSet:
    """The refresh_token grant; Identity Center rotates the refresh token with it."""
    reply = _call("renewing the sign-in", oidc.create_token, clientId=registration.client_id,
                  clientSecret=registration.client_secret, grantType=REFRESH_GRANT,
                  refreshToken=refresh_token)
    tokens = _tokens(reply, registration.flow)
    if tokens.refresh_token is None:  # not rotated: the old one still stands
        tokens = TokenSet(tokens.access_token, tokens.expires_at, refresh_token, tokens.flow)
    return tokens


def logout(portal, access_token: str) -> None:
    _call("the sign-out", portal.logout, accessToken=access_token)
