"""The sandbox's federation endpoint: AWS's ``/federation`` sign-in, emulated.

``getSigninToken`` checks the Session credentials twice: against the sessions the STS
proxy saw being issued (secret and session token must match, not expired), and against
moto itself with a signed ``GetCallerIdentity`` — which also names the account and role.
It applies AWS's rules: GetSessionToken sessions cannot sign in, and SessionDuration is an
HTTP 400 "Invalid credentials parameter" unless the role was assumed with long-term keys.
Tokens are random, single-use and expire after 15 minutes. ``login`` shows a small
console page; ``/oauth?Action=logout`` redirects like the real logout wrapper.
"""

from __future__ import annotations

import hmac
import json
import re
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from switcher.sandbox import console
from switcher.sandbox.httpd import Server
from switcher.sandbox.ledger import Ledger, Session

REGION_RE = re.compile(r"\A[a-z]{2}(-[a-z]+)+-\d{1,2}\Z", re.ASCII)
ASSUMED_ROLE_RE = re.compile(r"\Aarn:[\w-]+:sts::(\d{12}):assumed-role/([^/]+)/(.+)\Z", re.ASCII)


class FederationServer(Server):
    def __init__(self, moto_url: str, ledger: Ledger) -> None:
        self.moto_url = moto_url
        self.ledger = ledger
        super().__init__(_Handler)

    @property
    def federation_url(self) -> str:
        return f"{self.url}/federation"


class Refused(Exception):
    """An answer with an HTTP status, as the real endpoint would give it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def caller_identity(moto_url: str, session: Session) -> dict[str, str]:
    """GetCallerIdentity signed with the session's credentials, straight to moto."""
    from botocore.auth import SigV4Auth  # moto already imported botocore: no extra cost
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST", url=moto_url + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    creds = Credentials(session.access_key_id, session.secret_access_key, session.session_token)
    SigV4Auth(creds, "sts", session.region).add_auth(request)
    prepared = request.prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    http_request = urllib.request.Request(prepared.url, data=body, method="POST",
                                          headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(http_request, timeout=10) as response:
            root = ET.fromstring(response.read())
    except (urllib.error.URLError, OSError, ET.ParseError) as exc:
        raise Refused(502, f"moto did not confirm the session: {exc}") from None
    found = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
    return {"arn": found.get("Arn", ""), "account": found.get("Account", "")}


def _as_int(value: str | None) -> int | str | None:
    return int(value) if value is not None and value.isdigit() else value


def _region_of(destination: str) -> str:
    parts = urlsplit(destination)
    region = parse_qs(parts.query).get("region", [""])[0]
    if REGION_RE.match(region):
        return region
    first = (parts.hostname or "").split(".", 1)[0]
    return first if REGION_RE.match(first) else "global"


class _Handler(BaseHTTPRequestHandler):
    server: FederationServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - URLs carry tokens: never print them
        pass

    # -- plumbing ---------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")  # the login URL holds a token
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _params(self) -> tuple[dict[str, str], set[str]]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        form: dict[str, str] = {}
        if length:
            raw = self.rfile.read(length).decode("utf-8", "replace")
            form = {k: v[0] for k, v in parse_qs(raw).items()}
        return {**query, **form}, set(query)

    def do_GET(self) -> None:
        self._route()

    do_POST = do_GET  # no HEAD: a link checker's HEAD must not use up a sign-in token

    def do_DELETE(self) -> None:
        if urlsplit(self.path).path == "/_sandbox/log":
            self.server.ledger.clear_log()
            self._send(204, b"", "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def _route(self) -> None:
        path = urlsplit(self.path).path
        params, in_query = self._params()
        try:
            if path == "/federation":
                action = params.get("Action", "")
                if action == "getSigninToken":
                    return self._get_signin_token(params, in_query)
                if action == "login":
                    return self._login(params)
                raise Refused(400, f"unknown Action {action!r}")
            if path == "/oauth":
                return self._logout(params)
            if path == "/_sandbox/log":
                body = json.dumps(self.server.ledger.log(), indent=1).encode()
                return self._send(200, body, "application/json")
            if path == "/":
                return self._send(200, console.index_page(self.server.federation_url),
                                  "text/html; charset=utf-8")
            if path == "/favicon.ico":
                return self._send(204, b"", "image/x-icon")
            raise Refused(404, "not found")
        except Refused as exc:
            self._send(exc.status, str(exc).encode(), "text/plain; charset=utf-8")
        except Exception as exc:  # a bug here must answer 500, not drop the connection
            self._send(500, f"sandbox error: {type(exc).__name__}".encode(), "text/plain")

    # -- actions ----------------------------------------------------------------------

    def _get_signin_token(self, params: dict[str, str], in_query: set[str]) -> None:
        event = {"service": "federation", "action": "getSigninToken", "method": self.command,
                 "session_in_query": "Session" in in_query,
                 "session_duration": _as_int(params.get("SessionDuration"))}
        try:
            session, identity = self._check_session(params.get("Session", ""))
            event.update(kind=session.kind, role_arn=session.role_arn)
            duration = self._check_duration(params.get("SessionDuration"), session)
            match = ASSUMED_ROLE_RE.match(identity["arn"])
            token = self.server.ledger.issue_token(
                account=identity["account"],
                role_arn=session.role_arn or identity["arn"],
                session_name=match.group(3) if match else identity["arn"],
                session_duration=duration,
            )
        except Refused as exc:
            event.update(status=exc.status, error=str(exc))
            self.server.ledger.record(**event)
            raise
        event["status"] = 200
        self.server.ledger.record(**event)
        self._send(200, json.dumps({"SigninToken": token}).encode(), "application/json")

    def _check_session(self, text: str) -> tuple[Session, dict[str, str]]:
        try:
            data = json.loads(text)
            key, secret, token = data["sessionId"], data["sessionKey"], data["sessionToken"]
        except (ValueError, KeyError, TypeError):
            raise Refused(400, "Invalid Session parameter") from None
        session = self.server.ledger.session(str(key), str(token))
        if session is None or not hmac.compare_digest(str(secret), session.secret_access_key):
            raise Refused(400, "Invalid credentials parameter")
        if session.expires_at < time.time():
            raise Refused(400, "Invalid credentials parameter (the session has expired)")
        if session.kind == "session-token":
            raise Refused(400, "Invalid credentials parameter (GetSessionToken credentials "
                               "cannot sign in to the console)")
        identity = caller_identity(self.server.moto_url, session)
        if session.kind != "federation-token" and not ASSUMED_ROLE_RE.match(identity["arn"]):
            raise Refused(400, "Invalid credentials parameter (moto does not know this session)")
        return session, identity

    @staticmethod
    def _check_duration(value: str | None, session: Session) -> int | None:
        if value is None:
            return None
        try:
            seconds = int(value)
        except ValueError:
            raise Refused(400, "Invalid SessionDuration parameter") from None
        if not 900 <= seconds <= 43200:
            raise Refused(400, "Invalid SessionDuration parameter (900-43200)")
        if session.kind != "assumed":
            # AWS's own answer when the role was assumed with temporary credentials
            raise Refused(400, "Invalid credentials parameter")
        return seconds

    def _login(self, params: dict[str, str]) -> None:
        destination = params.get("Destination", "")
        entry, why = self.server.ledger.redeem(params.get("SigninToken", ""))
        if entry is not None and not destination.startswith("https://"):
            entry, why = None, "the Destination parameter is missing or not an https URL"
        self.server.ledger.record(
            service="federation", action="login", status=200 if entry else 400,
            issuer=params.get("Issuer"), destination=destination or None,
            **({"error": why} if why else {"account": entry.account, "role_arn": entry.role_arn}),
        )
        if entry is None:
            return self._send(400, console.error_page(why), "text/html; charset=utf-8")
        role = entry.role_arn.split(":role/", 1)[-1]
        page = console.console_page(
            account=entry.account, role=role, session_name=entry.session_name,
            region=_region_of(destination), destination=destination,
            session_duration=entry.session_duration,
        )
        self._send(200, page, "text/html; charset=utf-8")

    def _logout(self, params: dict[str, str]) -> None:
        target = params.get("redirect_uri", "")
        own = self.server.federation_url + "?"
        ok = params.get("Action") == "logout" and target.startswith(own)
        self.server.ledger.record(service="federation", action="logout",
                                  status=302 if ok else 400)
        if not ok:  # an open redirect would be a phishing tool; AWS refuses too
            return self._send(400, console.error_page("logout: bad redirect_uri"),
                              "text/html; charset=utf-8")
        self._send(302, b"", "text/plain", {"Location": target})
