"""A recording STS proxy in front of moto.

moto issues credentials but forgets how they were obtained. AWS's console rules depend
on exactly that (SessionDuration is refused for chained sessions), so every STS call goes
through here: the caller's access key is read from the SigV4 ``Authorization`` header,
and a session whose caller was itself a temporary session is recorded as chained.
"""

from __future__ import annotations

import http.client
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from switcher.sandbox.httpd import Server
from switcher.sandbox.ledger import Ledger, Session

CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/", re.ASCII)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade",
              "proxy-authorization", "proxy-authenticate", "trailer"}
ISSUING = {"AssumeRole", "GetSessionToken", "GetFederationToken"}


def _params(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, str]:
    params = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
    ctype = handler.headers.get("Content-Type", "")
    if body and "x-www-form-urlencoded" in ctype:
        params.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
    return params


def _credentials(xml: bytes) -> dict[str, str] | None:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    for elem in root.iter():
        if elem.tag.rsplit("}", 1)[-1] == "Credentials":
            return {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in elem}
    return None


def _epoch(text: str) -> float:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


class StsProxy(Server):
    def __init__(self, moto_url: str, ledger: Ledger) -> None:
        self.moto = urlsplit(moto_url)
        self.ledger = ledger
        super().__init__(_Handler)

    def caller_kind(self, access_key_id: str | None) -> str:
        if not access_key_id:
            return "anonymous"
        kind = self.ledger.kind_of(access_key_id)
        if kind:
            return kind
        # Not issued through us: AWS's convention is ASIA for temporary keys.
        return "temporary" if access_key_id.startswith("ASIA") else "long-term"


class _Handler(BaseHTTPRequestHandler):
    server: StsProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - requests are recorded, not printed
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        conn = http.client.HTTPConnection(self.server.moto.hostname, self.server.moto.port,
                                          timeout=30)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status, reply_headers = response.status, response.getheaders()
        except OSError as exc:
            payload = f"moto is not answering: {exc}".encode()
            status, reply_headers = 502, [("Content-Type", "text/plain")]
        finally:
            conn.close()
        self._record(body, status, payload)
        self.send_response(status)
        for key, value in reply_headers:
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def _record(self, body: bytes, status: int, payload: bytes) -> None:
        params = _params(self, body)
        match = CREDENTIAL_RE.search(self.headers.get("Authorization", ""))
        caller, region = (match.group(1), match.group(2)) if match else (None, "us-east-1")
        caller_kind = self.server.caller_kind(caller)
        action = params.get("Action", "")
        event = {"service": "sts", "action": action, "status": status, "region": region,
                 "caller": caller_kind}
        if action == "AssumeRole":
            event.update(
                role_arn=params.get("RoleArn"),
                session_name=params.get("RoleSessionName"),
                duration_seconds=int(params["DurationSeconds"]) if "DurationSeconds" in params else None,
                external_id="ExternalId" in params,
                mfa="SerialNumber" in params or "TokenCode" in params,
                chained=caller_kind not in ("long-term", "anonymous"),
            )
        self.server.ledger.record(**event)
        if status != 200 or action not in ISSUING:
            return
        creds = _credentials(payload)
        if not creds or "AccessKeyId" not in creds:
            return
        if action == "AssumeRole":
            kind = "assumed" if caller_kind in ("long-term", "anonymous") else "chained"
        else:
            kind = "session-token" if action == "GetSessionToken" else "federation-token"
        self.server.ledger.add_session(Session(
            access_key_id=creds["AccessKeyId"],
            secret_access_key=creds.get("SecretAccessKey", ""),
            session_token=creds.get("SessionToken", ""),
            expires_at=_epoch(creds.get("Expiration", "")),
            kind=kind,
            region=region,
            role_arn=params.get("RoleArn"),
        ))
