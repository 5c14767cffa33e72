"""Console sign-in through the federation endpoint (DESIGN.md §4).

Credentials travel only in the body of a form POST, never in a URL. The login URL this
module returns carries a sign-in token that is valid for 15 minutes: callers must treat it
as a secret (open it, or print it on request; never log it).

Only the standard library is used here so that building a console URL costs two HTTP
round trips and nothing else (no boto3 import on this path).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from switcher.core import validate as v
from switcher.core.aws import deadline
from switcher.core.aws.endpoints import plain_http_allowed
from switcher.core.credentials import ASSUMED, CHAINED, FEDERATION_TOKEN, LONG_TERM, SESSION_TOKEN
from switcher.core.errors import AwsError, InputError
from switcher.core.partitions import PARTITIONS, partition_name  # noqa: F401 - callers use signin.partition_name

FEDERATION_ENV = "SWITCHER_FEDERATION_URL"
ISSUER = "switcher"  # shown by the console as where the session came from; aws-vault does the same
TIMEOUT = 15.0  # seconds per wait, within the overall deadline (aws/deadline.py)
MAX_BODY = 64 * 1024  # a sign-in token answer is about 1 KB; more is not the federation endpoint

# Console services that live outside any region: their pages take no ?region= parameter.
GLOBAL_SERVICES = frozenset({
    "account", "billing", "cloudfront", "costmanagement", "globalaccelerator", "iam",
    "organizations", "route53", "route53domains", "support", "trustedadvisor",
    "artifact", "budgets", "cost-reports", "health", "wafv2-global",
})
SERVICE_RE = re.compile(r"\A[a-z0-9][a-z0-9-]{0,62}\Z")  # \Z: "$" lets "ec2\n" through


def federation_url(partition: str) -> str:
    """The getSigninToken endpoint for a partition, or ``$SWITCHER_FEDERATION_URL``."""
    override = os.environ.get(FEDERATION_ENV)
    if override:
        return _check_override(override)
    try:
        return PARTITIONS[partition].federation_url
    except KeyError:
        raise InputError(
            f"partition {partition!r} has no console sign-in (known: {', '.join(PARTITIONS)})"
        ) from None


def _split(url: str):
    """urlsplit, with ``.hostname`` and ``.port`` checked (both raise on garbage)."""
    try:
        parts = urlsplit(url)
        parts.hostname, parts.port  # noqa: B018 - evaluated for their ValueError
    except ValueError:
        return None
    return parts


def _check_override(url: str) -> str:
    parts = _split(url.strip())
    host = (parts and parts.hostname) or ""
    if not parts or parts.scheme not in ("https", "http") or not host or not parts.path.endswith("/federation"):
        raise InputError(
            f"{FEDERATION_ENV} must be a full URL ending in /federation, "
            "e.g. https://signin.example.com/federation"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError(f"{FEDERATION_ENV} must not carry a query, fragment or user info")
    # Session credentials are POSTed there: plain http only to this machine.
    if parts.scheme == "http" and not plain_http_allowed(host):
        raise InputError(f"{FEDERATION_ENV} must use https unless it points at this machine")
    return urlunsplit(parts)


def signin_base(partition: str) -> str:
    """``scheme://host`` of the sign-in service (the federation override's, when set)."""
    return _base(federation_url(partition))


def _base(federation: str) -> str:
    parts = urlsplit(federation)
    return f"{parts.scheme}://{parts.netloc}"


def destination_url(region: str, *, service: str | None = None,
                    destination: str | None = None) -> str:
    """The console page to land on: a region's home, a service, or a given console URL."""
    region, partition = v.check_region_partition(region)
    return landing_url(region, partition, service=service, destination=destination)


def landing(region: str, partition: str, *, service: str | None = None,
            destination: str | None = None) -> tuple[str, str]:
    """The page to land on and the federation endpoint to sign in at, for a region already
    checked (validate.check_region_partition): what a login can check before any call."""
    page = landing_url(region, partition, service=service, destination=destination)
    return page, federation_url(partition)


def landing_url(region: str, partition: str, *, service: str | None = None,
                destination: str | None = None) -> str:
    """destination_url for a region already checked, in ``partition`` (a key of PARTITIONS)."""
    partition = PARTITIONS[partition]
    if service and destination:
        raise InputError("give either a service or a destination, not both")
    if destination:
        return _check_destination(destination, partition)
    if service:
        service = service.strip().lower()
        if not SERVICE_RE.match(service):
            raise InputError(
                f"service {service!r} must be a console service name like ec2, s3 or iam"
            )
        if service in GLOBAL_SERVICES:
            return f"https://console.{partition.console_domain}/{service}/home"
        if service != "console":
            host = partition.console_host(region)
            return f"https://{host}/{service}/home?{urlencode({'region': region})}"
    host = partition.console_host(region)
    return f"https://{host}/console/home?{urlencode({'region': region})}"


def _check_destination(url: str, partition) -> str:
    url = url.strip()
    parts = _split(url)
    host = ((parts and parts.hostname) or "").lower()
    domain = partition.console_domain
    # "console.aws.amazon.com" alone is the bare domain; anything else must sit under it
    # and name a console host, so a link to some other page of aws.amazon.com is refused.
    on_console = host == f"console.{domain}" or host.endswith(f".console.{domain}")
    if not parts or parts.scheme != "https" or not on_console or parts.username or parts.port:
        raise InputError(
            f"destination must be an https URL on the {partition.name} console "
            f"(https://…console.{domain}/…)"
        )
    return url


def _credentials_kind(creds) -> str:
    kind = getattr(creds, "kind", ASSUMED)
    if kind in (LONG_TERM, SESSION_TOKEN) or not creds.session_token:
        raise InputError(
            "these credentials cannot sign in to the console (long-term keys and "
            "GetSessionToken sessions are refused by AWS); assume a role first"
        )
    return kind


def _post(url: str, fields: dict[str, str]) -> tuple[int, bytes]:
    body = urlencode(fields).encode("ascii")
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    host = urlsplit(url).netloc
    endpoint = deadline.endpoint_of(url)  # the URL has no query: the session is in the body
    with deadline.ensure() as limit:
        limit.check(endpoint)
        try:
            with urllib.request.urlopen(request, timeout=min(TIMEOUT, max(limit.left(), 0.05))) as response:
                return response.status, _read(response, limit, endpoint)
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, _read(exc, limit, endpoint)
        except AwsError:
            raise
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if limit.expired:
                raise limit.error(endpoint) from None
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                reason = f"no answer within {TIMEOUT:g} s"
            elif isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror
            raise AwsError(f"cannot reach the console sign-in endpoint {host}: {reason}") from None


def _read(response, limit, endpoint: str) -> bytes:
    return deadline.read_body(response, limit, endpoint=endpoint, max_bytes=MAX_BODY,
                              what="the console sign-in endpoint")


def signin_token(creds, *, partition: str, session_duration: int | None = None) -> str:
    """Exchange temporary credentials for a sign-in token (valid 15 minutes)."""
    kind = _credentials_kind(creds)
    url = federation_url(partition)
    if session_duration is not None and kind == ASSUMED:
        session_duration = v.check_duration(session_duration)
    return _signin_token(creds, kind, url, session_duration)


def _signin_token(creds, kind: str, url: str, session_duration: int | None) -> str:
    fields = {
        "Action": "getSigninToken",
        "Session": json.dumps({
            "sessionId": creds.access_key_id,
            "sessionKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
        }),
    }
    # AWS refuses SessionDuration unless the role was assumed with long-term user keys;
    # chained and federation-token sessions are sized by their own expiry instead.
    if session_duration is not None and kind == ASSUMED:
        fields["SessionDuration"] = str(session_duration)
    with deadline.ensure():  # both tries share one deadline
        status, body = _post(url, fields)
        if status == 400 and "SessionDuration" in fields:
            # The credentials were chained after all (e.g. an SSO or session-token source):
            # the documented fix is to ask again without SessionDuration.
            del fields["SessionDuration"]
            status, body = _post(url, fields)
    host = urlsplit(url).netloc
    if status != 200:
        raise AwsError(_refusal(status, body, host, kind, deadline.endpoint_of(url)))
    try:
        token = json.loads(body)["SigninToken"]
    except (ValueError, KeyError, TypeError):
        raise AwsError(f"the console sign-in endpoint {host} gave no sign-in token") from None
    if not isinstance(token, str) or not token:
        raise AwsError(f"the console sign-in endpoint {host} gave an empty sign-in token")
    return token


def _refusal(status: int, body: bytes, host: str, kind: str, endpoint: str) -> str:
    if status in (400, 401, 403):
        why = "the session credentials were refused"
        if kind in (CHAINED, FEDERATION_TOKEN):
            why += " (expired, or not allowed to sign in)"
        else:
            why += " (expired or revoked)"
        return f"console sign-in failed at {host}: {why}"
    # the body is not quoted: whatever a broken proxy sends is no use on one line
    return f"console sign-in failed: HTTP {status} from {endpoint}"


def login_url(creds, *, region: str, service: str | None = None,
              destination: str | None = None, session_duration: int | None = None,
              logout_first: bool = False) -> str:
    """A one-time console sign-in URL for ``creds`` landing on the chosen page.

    The result is a secret for 15 minutes. ``logout_first`` wraps it so that the browser
    first signs out of any other console session (breaks the console's multi-session mode).
    """
    kind = _credentials_kind(creds)  # refuse unusable credentials before any network call
    region, partition = v.check_region_partition(region)
    page, federation = landing(region, partition, service=service, destination=destination)
    if session_duration is not None and kind == ASSUMED:
        session_duration = v.check_duration(session_duration)
    return sign_in_url(creds, federation=federation, destination=page,
                       session_duration=session_duration, logout_first=logout_first)


def sign_in_url(creds, *, federation: str, destination: str,
                session_duration: int | None = None, logout_first: bool = False) -> str:
    """login_url for a landing already checked (``landing``) and a checked duration.

    The credentials are checked here all the same: only now are they known.
    """
    kind = _credentials_kind(creds)
    token = _signin_token(creds, kind, federation, session_duration)
    url = build_login_url(federation, destination, token)
    if logout_first:
        url = _logout_wrapper(url, _base(federation))
    return url


def build_login_url(federation: str, destination: str, token: str) -> str:
    return federation + "?" + urlencode({
        "Action": "login",
        "Issuer": ISSUER,
        "Destination": destination,
        "SigninToken": token,
    })


def logout_wrapper(url: str, *, partition: str) -> str:
    """Sign out of the console first, then follow ``url``."""
    return _logout_wrapper(url, signin_base(partition))


def _logout_wrapper(url: str, base: str) -> str:
    return f"{base}/oauth?" + urlencode({"Action": "logout", "redirect_uri": url})


def parse_login_url(url: str) -> dict[str, str]:
    """The query of a login URL (unwrapping a logout wrapper); for tests and diagnostics."""
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if query.get("Action") == "logout" and "redirect_uri" in query:
        return parse_login_url(query["redirect_uri"])
    return query
