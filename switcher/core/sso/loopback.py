"""The one-shot loopback listener an OAuth authorization code comes back to (RFC 8252 §7.3).

It binds 127.0.0.1 only, on a port the kernel picks, and takes exactly one callback whose
``state`` is the one it was given: a callback with another state (a stale tab, a page
trying its luck) gets an error page and is otherwise ignored. It closes after that one,
or when ``wait``'s time is up. The request line carries the code, so nothing is logged.
"""

from __future__ import annotations

import hmac
import re
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from switcher.core.errors import AwsError

HOST = "127.0.0.1"
PATH = "/oauth/callback"
DEFAULT_TIMEOUT = 300.0  # seconds: as long as the AWS CLI waits for the browser

_STYLE = "body{font-family:sans-serif;max-width:34em;margin:4em auto;color:#16191f}"


def _page(title: str, text: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
            f"<p>{escape(text)}</p></body></html>").encode()


DONE_PAGE = _page("Switcher is signed in", "You can close this tab and return to Switcher.")
DENIED_PAGE = _page("Sign-in cancelled", "Switcher got no access. You can close this tab.")
STRAY_PAGE = _page("Not for this sign-in",
                   "This answer does not belong to the sign-in Switcher is waiting for; "
                   "it was ignored.")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a connection that sends nothing must not hold the one-at-a-time server

    def log_message(self, format, *args):  # noqa: A002 - the request line holds the code
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        if parts.path != PATH:
            return self._answer(404, _page("Not found", "Nothing here."))
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.server.done.is_set() or not hmac.compare_digest(
                query.get("state", "").encode(), self.server.state.encode()):
            return self._answer(400, STRAY_PAGE)
        if query.get("code"):
            self.server.result = ("code", query["code"])
            self._answer(200, DONE_PAGE)
        else:
            self.server.result = ("error", query.get("error") or "no code in the answer")
            self._answer(200, DENIED_PAGE)
        self.server.done.set()

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class _Server(HTTPServer):
    allow_reuse_address = False

    def __init__(self, state: str) -> None:
        self.state = state
        self.result: tuple[str, str] | None = None
        self.done = threading.Event()
        super().__init__((HOST, 0), _Handler)


class Listener:
    """``with Listener(state) as listener:`` send the browser to ``listener.redirect_uri``,
    then ``listener.wait(timeout)`` returns the authorization code.

    It answers from a thread of its own from the start: a browser command that only
    returns once its page has loaded (as $BROWSER commands may) must find it serving.
    """

    def __init__(self, state: str) -> None:
        if not state:
            raise ValueError("a state is required")
        self._server = _Server(state)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="sso-callback", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    @property
    def redirect_uri(self) -> str:
        return f"http://{HOST}:{self.port}{PATH}"

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        """The code of the one valid callback; AwsError when the user denied access or
        nothing came within ``timeout`` seconds. The listener is closed either way."""
        try:
            if not self._server.done.wait(timeout):
                raise AwsError(f"no answer from the browser within {_duration(timeout)}; "
                               "sign in again (or use --device-code)")
        finally:
            self.close()
        kind, value = self._server.result
        if kind == "error":
            # an OAuth error code is a word; anything else in it is not worth repeating
            reason = re.sub(r"[^\w.-]", "", value)[:40] or "no reason given"
            raise AwsError(f"the sign-in was not completed in the browser ({reason})")
        return value

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
            self._server.server_close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' * (minutes != 1)}"
    return f"{seconds:g} s"
