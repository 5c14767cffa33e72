"""IAM Identity Center tokens, kept in the OS keyring only, and the one way to get one:
``access_token(source)``.

Keyring service ``switcher:sso`` holds, per start URL, the access and refresh tokens
(``token <start URL>``) and, per flow and region, the OIDC client registration they came
from (``client <flow> <region> <start URL>``), reused until shortly before it expires.
There is no plaintext fallback. The AWS CLI's own token cache (~/.aws/sso/cache, keyed
by botocore's SSOTokenLoader) is read when Switcher has no valid token, and never
written: its refresh token is the AWS CLI's, and refreshing rotates it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from switcher.core.errors import AwsError, Fix, InputError
from switcher.core.secrets import keystore
from switcher.core.sso import loopback, oidc
from switcher.core.sso.oidc import CODE, DEVICE, Registration, TokenSet
from switcher.core.sso.sources import Source, url_key

SERVICE = keystore.SSO_SERVICE
REFRESH_WINDOW = 300  # seconds before expiry when a token is renewed rather than used
CLI_CACHE_MARGIN = 60  # an AWS CLI token closer to expiry than this is not worth using
# a registration this close to its end is replaced: a sign-in or a refresh started with it
# must not fail half-way, and a refresh token only works with the client it came from
REGISTRATION_MARGIN = 24 * 3600

SIGNED_IN, EXPIRED, NEVER = "signed-in", "expired", "never"
KEYRING, AWS_CLI = "keyring", "aws-cli"


def _token_name(source: Source) -> str:
    return f"token {source.key}"


def _client_name(source: Source, flow: str) -> str:
    return f"client {flow} {source.region} {source.key}"


def _get(name: str) -> str | None:
    try:
        return keystore.get(SERVICE, name)
    except keystore.KeyringUnavailable as exc:
        raise InputError(f"cannot read the Identity Center sign-in: {exc}") from None


def _put(name: str, value: str) -> None:
    try:
        keystore.put(SERVICE, name, value)
    except keystore.KeyringUnavailable as exc:
        raise InputError(f"cannot keep the Identity Center sign-in ({exc}); Switcher keeps "
                         "its tokens only in the OS keyring") from None


def _delete(name: str) -> bool:
    try:
        return keystore.delete(SERVICE, name)
    except keystore.KeyringUnavailable as exc:
        raise InputError(f"cannot forget the Identity Center sign-in: {exc}") from None


# -- what the keyring holds -----------------------------------------------------------

def load(source: Source) -> TokenSet | None:
    raw = _get(_token_name(source))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return TokenSet(str(data["accessToken"]), float(data["expiresAt"]),
                        data.get("refreshToken"), str(data.get("flow", CODE)))
    except (ValueError, KeyError, TypeError):
        return None  # damaged: as good as never signed in, and the next sign-in replaces it


def save(source: Source, tokens: TokenSet) -> None:
    _put(_token_name(source), json.dumps({
        "startUrl": source.start_url, "region": source.region, "flow": tokens.flow,
        "accessToken": tokens.access_token, "expiresAt": tokens.expires_at,
        **({"refreshToken": tokens.refresh_token} if tokens.refresh_token else {}),
    }))


def forget(source: Source) -> bool:
    """Drop the tokens (not the client registrations, which hold no access)."""
    return _delete(_token_name(source))


def forget_registrations(source: Source) -> None:
    for flow in (CODE, DEVICE):
        _delete(_client_name(source, flow))


def remove_source(name: str, config_path=None):
    """``sources.remove``, and its tokens and registrations forgotten when no other
    definition signs in at that start URL (they would be orphans nobody can list)."""
    from switcher.core import config as store
    from switcher.core.sso import sources

    removed = sources.remove(name, config_path)
    forget_orphans([removed], store.load(config_path))
    return removed


def forget_orphans(removed, config, aws_config: dict | None = None) -> None:
    """The tokens and registrations of removed config.toml sources (``SsoSource``) whose
    start URL no source of ``config`` or ~/.aws/config signs in to any more."""
    from switcher.core.sso import sources

    left = {s.key for s in sources.all_sources(config, aws_config)}
    for entry in removed:
        if url_key(entry.start_url) not in left:
            gone = Source(entry.name, entry.start_url, entry.region, (entry.name,), ())
            forget(gone)
            forget_registrations(gone)


def _registration(source: Source, flow: str, client, *, create: bool) -> Registration | None:
    cached = _get(_client_name(source, flow))
    registration = Registration.from_json(cached) if cached else None
    now = time.time()
    if registration is not None and registration.expires_at - now > REGISTRATION_MARGIN:
        return registration
    if not create:  # a refresh needs the very client that got the token
        return registration if registration and registration.expires_at > now else None
    registration = oidc.register(client, source, flow)
    _put(_client_name(source, flow), registration.to_json())
    return registration


# -- signing in -----------------------------------------------------------------------

def login(source: Source, *, device_code: bool = False,
          open_url: Callable[[str], object] | None = None, browser: str | None = None,
          show_device_code: Callable[[str, str], object] | None = None,
          timeout: float = loopback.DEFAULT_TIMEOUT,
          sleep: Callable[[float], object] = time.sleep) -> TokenSet:
    """Sign in and keep the tokens in the keyring.

    Browser flow: ``open_url(authorize URL)``, by default the browser chosen as for the
    console (``browser``: a browser_spec string, None for $BROWSER / the system's).
    Device code flow: ``show_device_code(verification URL, user code)``.
    """
    client = oidc.client("sso-oidc", source)
    if device_code:
        registration = _registration(source, DEVICE, client, create=True)
        tokens = oidc.sign_in_with_device_code(
            client, registration, source, sleep=sleep,
            show=show_device_code or (lambda url, code: None))
    else:
        registration = _registration(source, CODE, client, create=True)
        tokens = oidc.sign_in_with_browser(
            client, registration, timeout=timeout,
            open_url=open_url or (lambda url: _open_browser(url, source, browser)))
    save(source, tokens)
    return tokens


def _open_browser(url: str, source: Source, browser: str | None) -> None:
    from switcher.core.browser_open import open_url

    open_url(url, account=source.name, color=None, spec_text=browser)


def logout(source: Source) -> bool:
    """Sign out at the portal (the tokens stop working there) and forget them here.
    False when there was nothing to sign out of."""
    tokens = load(source)
    if tokens is None:
        return False
    if tokens.expires_at > time.time():
        try:
            oidc.logout(oidc.client("sso", source), tokens.access_token)
        except oidc.Refused:
            pass  # already revoked there: forgetting it here is all that is left
        except AwsError as exc:
            if "UnauthorizedException" not in str(exc):
                raise
    forget(source)
    return True


# -- the token for everything else ----------------------------------------------------

def _needs_login(source: Source, problem: str) -> AwsError:
    return AwsError(problem, fix=Fix.SSO_LOGIN, fix_for=source.name)


def access_token(source: Source, *, interactive: bool = False, **login_options) -> str:
    """A valid access token for ``source``: the keyring's, renewed with the refresh token
    when it is about to expire, else a valid one from the AWS CLI's cache. With
    ``interactive`` a sign-in runs when nothing else works (``login_options`` go to
    ``login``); otherwise no browser is opened and AwsError with Fix.SSO_LOGIN says so.
    Network failures are AwsErrors without that fix: signing in again would not help."""
    tokens = load(source)
    now = time.time()
    if tokens is not None and tokens.expires_at - now > REFRESH_WINDOW:
        return tokens.access_token
    refused = False
    if tokens is not None and tokens.refresh_token:
        try:
            return _refresh(source, tokens)
        except oidc.Refused:
            refused = True
        except AwsError:
            if tokens.expires_at - now <= CLI_CACHE_MARGIN:
                raise  # unreachable and expired: signing in again would not help
    if tokens is not None and tokens.expires_at - now > CLI_CACHE_MARGIN:
        return tokens.access_token  # could not renew yet, but it still works for a while
    cached = cli_cache_token(source)
    if cached is not None:
        return cached[0]
    if interactive:
        return login(source, **login_options).access_token
    if tokens is None:
        raise _needs_login(source, f"not signed in to IAM Identity Center {source.name}")
    if refused:
        raise _needs_login(source, f"the IAM Identity Center sign-in of {source.name} has "
                           "expired and could not be renewed")
    raise _needs_login(source, f"the IAM Identity Center sign-in of {source.name} has expired")


def _refresh(source: Source, tokens: TokenSet) -> str:
    client = oidc.client("sso-oidc", source)
    registration = _registration(source, tokens.flow, client, create=False)
    if registration is None:
        raise oidc.Refused("the client registration has expired")
    try:
        fresh = oidc.refresh(client, registration, tokens.refresh_token)
    except oidc.Refused:
        # another Switcher process may have renewed it first (refresh tokens are
        # single-use): its result is in the keyring now
        again = load(source)
        if (again is not None and again.access_token != tokens.access_token
                and again.expires_at - time.time() > CLI_CACHE_MARGIN):
            return again.access_token
        raise
    save(source, fresh)
    return fresh.access_token


def cli_cache_token(source: Source) -> tuple[str, float] | None:
    """(access token, expiry) from the AWS CLI's cache when it holds a valid one for this
    start URL; read only."""
    from botocore.exceptions import SSOTokenLoadError
    from botocore.utils import JSONFileCache, SSOTokenLoader

    from switcher.core.paths import aws_sso_cache_dir

    loader = SSOTokenLoader(cache=JSONFileCache(str(aws_sso_cache_dir())))
    for start_url, session_name in source.cli_cache_keys:
        try:
            entry = loader(start_url, session_name=session_name)
        except (SSOTokenLoadError, KeyError):
            continue
        expires = _parse_time(entry.get("expiresAt"))
        if (expires is not None and url_key(str(entry.get("startUrl", ""))) == source.key
                and expires - time.time() > CLI_CACHE_MARGIN):
            return str(entry["accessToken"]), expires
    return None


def _parse_time(value) -> float | None:
    if not isinstance(value, str):
        return None
    from dateutil.parser import parse  # botocore's own dependency, and its format

    try:
        when = parse(value)
    except (ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


# -- what `sso list` shows ------------------------------------------------------------

@dataclass(frozen=True)
class State:
    status: str  # SIGNED_IN, EXPIRED or NEVER
    expires_at: float | None = None
    origin: str | None = None  # KEYRING or AWS_CLI
    renewable: bool = False  # expired, but a refresh token may renew it without a browser

    @property
    def until(self) -> str | None:
        if self.expires_at is None:
            return None
        return datetime.fromtimestamp(self.expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def describe(self) -> str:
        if self.status == SIGNED_IN:
            return f"signed in until {self.until}" + (" (AWS CLI)" if self.origin == AWS_CLI else "")
        if self.status == EXPIRED:
            return "expired" + (" (renews on use)" if self.renewable else "")
        return "never"


def state(source: Source) -> State:
    """No network: what the keyring and the AWS CLI's cache say."""
    tokens = load(source)
    now = time.time()
    if tokens is not None and tokens.expires_at > now:
        return State(SIGNED_IN, tokens.expires_at, KEYRING)
    cached = cli_cache_token(source)
    if cached is not None:
        return State(SIGNED_IN, cached[1], AWS_CLI)
    if tokens is not None:
        registration = _get(_client_name(source, tokens.flow))
        parsed = Registration.from_json(registration) if registration else None
        renewable = bool(tokens.refresh_token and parsed and parsed.expires_at > now)
        return State(EXPIRED, tokens.expires_at, KEYRING, renewable)
    return State(NEVER)
