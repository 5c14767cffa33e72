"""HTTP for the sandbox Identity Center: routes botocore's ``sso-oidc`` and ``sso``
requests (and the browser pages) onto ``IdentityCenter`` and ``Oidc``, and errors onto
rest-json error responses."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from switcher.sandbox import sso_pages
from switcher.sandbox.sso_errors import ApiError

if TYPE_CHECKING:
    from switcher.sandbox.identity_center import IdentityCenter

PORTAL_APIS = ("ListAccounts", "ListAccountRoles", "GetRoleCredentials", "Logout")
OIDC_APIS = ("RegisterClient", "StartDeviceAuthorization", "CreateToken")


class Handler(BaseHTTPRequestHandler):
    server: IdentityCenter
    protocol_version = "HTTP/1.1"
    # headers and body go out as two writes: with Nagle's algorithm a keep-alive client's
    # delayed ACK then holds every answer back ~40 ms
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - URLs carry codes: never print them
        pass

    def do_GET(self) -> None:
        self._route()

    do_POST = do_DELETE = do_GET

    def _send(self, status: int, body: bytes, ctype: str = "application/json",
              headers: Mapping[str, str] | None = None) -> None:
        api = getattr(self, "_api", "")
        if api and not api.startswith("_"):
            # before the answer leaves: a client reading the log next must find it there
            self.server.record(service="sso-oidc" if api in OIDC_APIS else "sso",
                               action=api, status=status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("x-amzn-RequestId", secrets.token_hex(16))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict | None) -> None:
        self._send(status, json.dumps(data).encode() if data is not None else b"")

    def _error(self, exc: ApiError) -> None:
        body = {"__type": exc.code, "message": str(exc)}
        if exc.oauth:  # the sso-oidc shapes' own members
            body = {"__type": exc.code, "error": exc.oauth, "error_description": str(exc)}
        self._send(exc.status, json.dumps(body).encode(),
                   headers={"x-amzn-ErrorType": exc.code})

    def _route(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""  # always read: keep-alive needs it
        route = ROUTES.get((self.command, parts.path))
        self._api = route[0] if route else ""
        if route is None:
            return self._error(ApiError(404, "UnknownOperationException", "unknown operation"))
        api, handler = route
        server = self.server
        if not api.startswith("_"):  # the sandbox's own endpoints are not counted
            server.count("requests", api)
        try:
            if api in PORTAL_APIS:
                if not server.admit(api):
                    server.count("throttled", api)
                    raise ApiError(429, "TooManyRequestsException", "Rate exceeded")
                if server.oidc.check_access(self.headers.get("x-amz-sso_bearer_token")) is None:
                    raise ApiError(401, "UnauthorizedException",
                                   "Session token not found or invalid")
            handler(self, api, query, raw)
        except ApiError as exc:
            if exc.status != 429:
                server.count("errors", api)
            self._error(exc)
        except Exception as exc:  # a bug here must answer 500, not drop the connection
            server.count("errors", api)
            self._error(ApiError(500, "InternalServerException", type(exc).__name__))

    # -- handlers ---------------------------------------------------------------------

    def _body(self, raw: bytes) -> dict:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise ApiError(400, "InvalidRequestException", "the body is not JSON",
                           "invalid_request") from None
        if not isinstance(data, dict):
            raise ApiError(400, "InvalidRequestException", "the body is not an object",
                           "invalid_request")
        return data

    def _register_client(self, api, query, raw):
        self._json(200, self.server.oidc.register_client(self._body(raw)))

    def _start_device(self, api, query, raw):
        self._json(200, self.server.oidc.start_device_authorization(self._body(raw),
                                                                    self.server.url))

    def _create_token(self, api, query, raw):
        if "aws_iam" in query:  # CreateTokenWithIAM: same path, signed requests
            raise ApiError(400, "InvalidRequestException", "CreateTokenWithIAM is not "
                           "supported by the sandbox", "invalid_request")
        self._json(200, self.server.oidc.create_token(self._body(raw)))

    def _portal(self, api, query, raw):
        server = self.server
        if api == "Logout":
            server.oidc.revoke(self.headers.get("x-amz-sso_bearer_token", ""))
            return self._send(200, b"")
        method = {"ListAccounts": server.list_accounts,
                  "ListAccountRoles": server.list_account_roles,
                  "GetRoleCredentials": server.get_role_credentials}[api]
        self._json(200, method(query))

    def _html(self, status: int, page: bytes) -> int:
        self._send(status, page, "text/html; charset=utf-8",
                   {"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"})
        return status

    def _redirect(self, answer: tuple[str, dict[str, str]]) -> int:
        uri, params = answer
        location = uri + ("&" if "?" in uri else "?") + urlencode(params)
        self._send(302, b"", "text/plain", {"Location": location})
        return 302

    def _authorize(self, api, query, raw):
        oidc = self.server.oidc
        if self.command == "POST":
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
            answer = oidc.answer_request(form.get("request_id", ""),
                                         form.get("decision") == "approve")
            if answer is None:
                return self._html(400, sso_pages.error_page("this request is unknown or "
                                                            "has expired; start again"))
            return self._redirect(answer)
        request_id, why = oidc.authorize(query)
        if request_id is None:
            return self._html(400, sso_pages.error_page(why))
        if self.server.auto_approve:
            return self._redirect(oidc.answer_request(request_id, True))
        request = oidc.pending_request(request_id)
        return self._html(200, sso_pages.authorize_page(request_id, oidc.client_name(request.client_id),
                                                        self.server.user_name, request.scopes))

    def _device(self, api, query, raw):
        oidc = self.server.oidc
        if self.command == "POST":
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
            approve = form.get("decision") == "approve"
            if not oidc.answer_device(form.get("user_code", ""), approve):
                return self._html(400, sso_pages.error_page("unknown, expired or already "
                                                            "answered code"))
            return self._html(200, sso_pages.done_page(approve))
        user_code = query.get("user_code", "")
        if not user_code:
            return self._html(200, sso_pages.device_code_form())
        device = oidc.device(user_code)
        if device is None or device.state != "pending":
            return self._html(400, sso_pages.error_page("unknown, expired or already "
                                                        "answered code"))
        if self.server.auto_approve:
            oidc.answer_device(user_code, True)
            return self._html(200, sso_pages.done_page(True))
        return self._html(200, sso_pages.device_page(device.user_code, oidc.client_name(device.client_id),
                                                     self.server.user_name))

    def _stats(self, api, query, raw):
        if self.command == "DELETE":
            self.server.reset_stats()
            self._send(204, b"")
            return 204
        self._json(200, self.server.stats())

    def _set_throttle(self, api, query, raw):
        limits = self._body(raw)
        if not all(isinstance(v, int) and v > 0 for v in limits.values()):
            raise ApiError(400, "InvalidRequestException", "limits must be positive integers")
        self.server.throttle = limits
        self._json(200, self.server.throttle)


ROUTES = {
    ("POST", "/client/register"): ("RegisterClient", Handler._register_client),
    ("POST", "/device_authorization"): ("StartDeviceAuthorization", Handler._start_device),
    ("POST", "/token"): ("CreateToken", Handler._create_token),
    ("GET", "/assignment/accounts"): ("ListAccounts", Handler._portal),
    ("GET", "/assignment/roles"): ("ListAccountRoles", Handler._portal),
    ("GET", "/federation/credentials"): ("GetRoleCredentials", Handler._portal),
    ("POST", "/logout"): ("Logout", Handler._portal),
    ("GET", "/authorize"): ("Authorize", Handler._authorize),
    ("POST", "/authorize"): ("Authorize", Handler._authorize),
    ("GET", "/device"): ("Device", Handler._device),
    ("POST", "/device"): ("Device", Handler._device),
    ("GET", "/_sandbox/stats"): ("_stats", Handler._stats),
    ("DELETE", "/_sandbox/stats"): ("_stats", Handler._stats),
    ("POST", "/_sandbox/throttle"): ("_throttle", Handler._set_throttle),
}
