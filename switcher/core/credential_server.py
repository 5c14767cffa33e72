"""A renewing credential server for ``switcher exec --server``: the container-credentials
protocol that botocore's ContainerProvider (boto3, the AWS CLI) and the other SDKs read
from ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` with ``AWS_CONTAINER_AUTHORIZATION_TOKEN``.

A long job then never holds a session that can run out: the SDK asks again when its copy
nears expiry, and by then the server has renewed the role session in the background.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from switcher.core.credentials import Credentials
from switcher.core.creds_text import iso8601

HOST = "127.0.0.1"  # botocore accepts plain http for a FULL_URI only on loopback
PATH = "/credentials"
RENEW_MARGIN = 300  # seconds before expiry
# How long the renewer sleeps at most between looks at the clock: a laptop that slept
# through the renewal time renews within this much of waking up.
POLL_SECONDS = 30.0
RETRY_SECONDS = 60.0  # after a failed renewal

Fetch = Callable[[], Credentials]
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


class CredentialServer:
    """Serves ``first`` and its renewals (from ``fetch``) on 127.0.0.1, a random port.

    ``fetch`` runs on the renewer thread once the served session has ``margin`` seconds
    left; a failure is passed to ``report`` (one line, no secrets, once per reason) and
    tried again every ``retry`` seconds, also after the old session has expired (a
    network back, an ``sso login`` done elsewhere). After it has expired the server answers
    503, so the SDK fails with that message rather than a signature error.
    """

    def __init__(self, first: Credentials, fetch: Fetch, *, margin: float = RENEW_MARGIN,
                 clock: Clock = _now, poll: float = POLL_SECONDS, retry: float = RETRY_SECONDS,
                 report: Callable[[str], None] | None = None) -> None:
        self.token = secrets.token_urlsafe(32)
        self._creds = first
        self._fetch = fetch
        self._margin, self._clock, self._poll, self._retry = margin, clock, poll, retry
        self._report = report or (lambda _message: None)
        self._failure: str | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._http = _Http((HOST, 0), _handler_for(self))
        self._threads = [
            threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.2},
                             name="credential-server", daemon=True),
            threading.Thread(target=self._renew_loop, name="credential-renewer", daemon=True),
        ]

    # -- the outside -----------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._http.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}{PATH}"

    def environment(self) -> dict[str, str]:
        """The variables that point an SDK at this server."""
        return {"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.url,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": self.token}

    def current(self) -> Credentials:
        with self._lock:
            return self._creds

    def start(self) -> CredentialServer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            # a renewal stuck in a network call is bounded by the switch's own deadline;
            # the thread is a daemon, so the process never waits for it
            thread.join(timeout=1)

    def __enter__(self) -> CredentialServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- renewal ---------------------------------------------------------------------

    def _seconds_to_renewal(self) -> float | None:
        left = self.current().seconds_left(self._clock())
        return None if left is None else left - self._margin

    def _renew_loop(self) -> None:
        while not self._stopped.is_set():
            due = self._seconds_to_renewal()
            if due is None:  # a session without an end is never renewed
                return
            if due > 0:
                self._stopped.wait(min(due, self._poll))
                continue
            try:
                fresh = self._fetch()
            except Exception as exc:  # noqa: BLE001 - reported, and tried again
                if self._stopped.is_set():
                    return
                message = str(exc) or type(exc).__name__
                with self._lock:
                    repeated, self._failure = self._failure == message, message
                if not repeated:  # one line per new reason, not one a minute
                    self._report(f"cannot renew the session: {message}; "
                                 f"trying again every {self._retry:g} s")
                self._stopped.wait(self._retry)
                continue
            with self._lock:
                self._creds, self._failure = fresh, None
            if (self._seconds_to_renewal() or 0) <= 0:
                # a session no longer than the margin (or a clock that ran ahead):
                # renewing again at once would only hammer STS
                self._stopped.wait(self._poll)

    # -- answers ---------------------------------------------------------------------

    def _answer(self, authorization: str | None) -> tuple[int, dict]:
        if authorization is None:
            return 401, {"message": "missing Authorization header"}
        given = authorization.encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self.token.encode()):
            return 403, {"message": "wrong authorization token"}
        with self._lock:
            creds, failure = self._creds, self._failure
        left = creds.seconds_left(self._clock())
        if left is not None and left <= 0:
            why = f": {failure}" if failure else ""
            return 503, {"message": f"the session has expired and could not be renewed{why}"}
        body = {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "Token": creds.session_token,
        }
        if creds.expiration is not None:
            body["Expiration"] = iso8601(creds)
        return 200, body


class _Http(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # a random port; never share one with another listener


def _handler_for(server: CredentialServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "switcher"
        sys_version = ""
        timeout = 10  # seconds; a client that stalls mid-request does not keep a thread

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path != PATH:
                self._send(404, {"message": "not found"})
                return
            self._send(*server._answer(self.headers.get("Authorization")))

        def _refuse(self) -> None:
            self._send(405, {"message": "only GET is served"}, allow="GET")

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

        def do_HEAD(self) -> None:  # noqa: N802
            self.send_response(405)
            self.send_header("Allow", "GET")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, body: dict, **headers: str) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers.items():
                self.send_header(name.capitalize(), value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args) -> None:  # noqa: A002
            pass  # nothing about a request goes anywhere: no log can ever hold a secret

    return Handler
