"""One overall time limit for the network calls of a command or a switch.

Per-read timeouts alone do not bound a call: a server that trickles one byte a second
never trips a read timeout, and retries multiply a silent server's wait. A ``Deadline`` is
started once, at the edge (``core.switch`` for a switch, so the CLI and the tray both get
one), and every request made under it ends when it runs out, with one line naming the
endpoint: ``no answer from https://sts.eu-west-1.amazonaws.com within 30 s`` (an
``AwsError``, exit 1).

How to use it (the STS and federation code do exactly this; an IAM Identity Center client
does the same)::

    from switcher.core.aws import deadline

    with deadline.ensure(config.settings.network_deadline_seconds) as limit:
        session = sts.new_session(profile)        # botocore session: guard_session() applied
        client = session.create_client("sso-oidc", region_name=region,
                                       config=limit.client_config(BASE_CONFIG))
        try:
            reply = client.create_token(...)
        except Exception as exc:
            raise limit.error_for(exc) or my_own_mapping(exc) from None

``ensure`` reuses the deadline already running in this context (a switch's chain of calls
shares one) and starts one otherwise. Sessions from ``sts.new_session`` are guarded; a
botocore session made elsewhere needs ``guard_session(session)`` once. Plain HTTP through
the standard library reads its body with ``read_body``, which also caps its size.

What enforces it:

- botocore clients get connect/read timeouts capped by the time left (``client_config``);
  a ``before-send`` hook refuses to start a request (a retry included) once time is up and
  names the endpoint; a ``before-parse`` hook caps the body size and turns a non-AWS error
  page (an HTTP 500 in plain text from a proxy) into ``HTTP 500 from <endpoint>``.
- a socket-level guard stops what timeouts cannot: every TCP socket connected in the
  deadline's context is shut down when the deadline passes, so a trickling or silent
  server makes the blocked read return at once, in whatever library it is. botocore has no
  public way to reach its sockets, so they are noticed through the interpreter's
  ``socket.connect`` audit event (one hook per process, a dictionary lookup for any other
  event); only sockets connected while a deadline is running in that thread's context are
  kept, weakly, and nothing is done to them unless the deadline passes while they are open.

The deadline lives in a ``contextvars.ContextVar``: a GUI worker thread starts with an
empty context, so jobs never share one.
"""

from __future__ import annotations

import contextvars
import sys
import threading
import time
import weakref
from contextlib import contextmanager

from switcher.core.errors import AwsError

# socket and urllib.parse are imported where used: a cached `switcher creds` enters a
# deadline too, and makes no connection

DEFAULT_SECONDS = 30
MAX_AWS_BODY = 1024 * 1024  # STS/SSO answers are a few KB; a bigger one is not AWS talking
MAX_ERROR_TEXT = 200  # of a server's own words quoted in an error line

_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "switcher_deadline", default=None)
_hook_lock = threading.Lock()
_hook_installed = False


class DeadlineExceeded(AwsError):
    """The deadline passed before a network call finished."""


class Deadline:
    """``seconds`` from now. Use through ``ensure``; read ``left()`` and ``expired``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self._end = time.monotonic() + self.seconds
        self.endpoint: str | None = None  # the last endpoint a request went to
        self._sockets: weakref.WeakSet = weakref.WeakSet()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._fired = False

    def left(self) -> float:
        return max(0.0, self._end - time.monotonic())

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self._end

    def error(self, endpoint: str | None = None) -> DeadlineExceeded:
        where = endpoint or self.endpoint or "the network"
        return DeadlineExceeded(f"no answer from {where} within {self.seconds:g} s")

    def check(self, endpoint: str) -> None:
        """Record ``endpoint`` as the one being talked to; raise if time is already up."""
        self.endpoint = endpoint
        if self.expired:
            raise self.error(endpoint)

    def error_for(self, exc: BaseException) -> AwsError | None:
        """The error to raise for ``exc`` from a call made under this deadline: the
        deadline's own when it has passed (whatever the library made of the cut socket),
        else None, for the caller's usual mapping."""
        if isinstance(exc, DeadlineExceeded):
            return exc
        return self.error() if self.expired else None

    @contextmanager
    def paused(self):
        """Stop the clock for the block: time a person spends (typing an MFA code,
        touching a key) is not network time."""
        start = time.monotonic()
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        try:
            yield
        finally:
            with self._lock:
                self._end += time.monotonic() - start
                if len(self._sockets) and not self._fired:
                    self._start_timer()

    # -- botocore ------------------------------------------------------------------------

    def client_config(self, base=None):
        """``base`` (a botocore Config) with connect and read timeouts capped by the time
        left, so that no single wait outlives the deadline."""
        from botocore.config import Config

        base = base or Config()
        left = max(self.left(), 0.05)
        connect = min(base.connect_timeout or 60, left)
        read = min(base.read_timeout or 60, left)
        return base.merge(Config(connect_timeout=connect, read_timeout=read))

    # -- the socket guard ----------------------------------------------------------------

    def _watch(self, sock) -> None:
        with self._lock:
            if self._fired:
                _shutdown(sock)
                return
            self._sockets.add(sock)
            if self._timer is None:
                self._start_timer()

    def _start_timer(self) -> None:
        self._timer = threading.Timer(self.left(), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            doomed = list(self._sockets)
        for sock in doomed:
            _shutdown(sock)

    def _stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._sockets = weakref.WeakSet()


def _shutdown(sock) -> None:
    # shutdown, not close: the thread blocked in recv() keeps a valid descriptor and gets
    # end-of-file at once; the owner closes it as usual
    import socket

    try:
        if sock.fileno() != -1:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def current() -> Deadline | None:
    """The deadline running in this context, if any."""
    return _current.get()


@contextmanager
def paused():
    """``Deadline.paused`` of the deadline running in this context, if any."""
    limit = _current.get()
    if limit is None:
        yield
        return
    with limit.paused():
        yield


def error_for(exc: BaseException) -> AwsError | None:
    """``Deadline.error_for`` of the deadline running in this context (None without one)."""
    limit = _current.get()
    if isinstance(exc, DeadlineExceeded):
        return exc
    return limit.error_for(exc) if limit is not None else None


@contextmanager
def ensure(seconds: float | None = None):
    """Run the block under the current deadline, or a new one of ``seconds`` (default
    DEFAULT_SECONDS) when none is running; yields the Deadline."""
    running = _current.get()
    if running is not None:
        yield running
        return
    limit = Deadline(DEFAULT_SECONDS if seconds is None else seconds)
    _install_hook()
    token = _current.set(limit)
    try:
        yield limit
    finally:
        _current.reset(token)
        limit._stop()


def _audit(event: str, args) -> None:
    if event != "socket.connect":
        return
    try:
        limit = _current.get()
        if limit is not None:
            socket = sys.modules["socket"]  # loaded: something is connecting
            if args[0].family in (socket.AF_INET, socket.AF_INET6):
                limit._watch(args[0])
    except Exception:  # noqa: BLE001 - an audit hook that raises breaks the connect itself
        pass


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


def endpoint_of(url: str) -> str:
    """``scheme://host[:port][/path]`` of a request URL: never its query, which may be
    long or (for a sign-in URL) secret."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{path}"


# -- botocore session hooks ------------------------------------------------------------


def guard_session(session) -> None:
    """Make every client of this botocore session (the ones botocore's credential chain
    creates itself included) obey the deadline running when it sends a request."""
    session.register("before-send", _before_send)
    session.register("before-parse", _before_parse)
    limit = _current.get()
    if limit is not None:
        # clients created by botocore's own providers (a profile's role chain, SSO) get
        # no config from us: the session default caps theirs
        from botocore.config import Config

        session.set_default_client_config(limit.client_config(
            Config(connect_timeout=5, read_timeout=20)))


def _before_send(request, **_kwargs):
    limit = _current.get()
    if limit is None:
        return None
    limit.check(endpoint_of(request.url))
    context = getattr(request, "context", None)
    if isinstance(context, dict):
        # botocore >= 1.40 reads a per-request read timeout from here: a retry then waits
        # only for what is left
        context["read_timeout"] = max(limit.left(), 0.05)
    return None


def _before_parse(operation_model, response_dict, **_kwargs):
    limit = _current.get()
    endpoint = (limit.endpoint if limit is not None else None) or "the AWS endpoint"
    body = response_dict.get("body")
    if isinstance(body, (bytes, bytearray)) and len(body) > MAX_AWS_BODY:
        raise AwsError(f"{endpoint} sent {len(body) // 1024} KB, more than an AWS answer; "
                       "is the endpoint right?")
    status = response_dict.get("status_code", 200)
    if status >= 300 and isinstance(body, (bytes, bytearray)):
        headers = response_dict.get("headers") or {}
        content_type = str(headers.get("content-type", "")).lower()
        if not any(kind in content_type for kind in ("xml", "json")) and not _looks_structured(body):
            raise AwsError(f"HTTP {status} from {endpoint}{_quote(body)}")


def _looks_structured(body: bytes) -> bool:
    head = body.lstrip()[:1]
    return head in (b"<", b"{")


def _quote(body: bytes) -> str:
    """A server's plain-text words for an error, shortened to one line (never the whole
    body: it may be megabytes)."""
    text = " ".join(body[:MAX_ERROR_TEXT * 2].decode("utf-8", "replace").split())
    if not text:
        return ""
    if len(text) > MAX_ERROR_TEXT:
        text = text[:MAX_ERROR_TEXT] + "…"
    return f": {text}"


# -- plain HTTP (urllib) ---------------------------------------------------------------


def read_body(response, limit: Deadline, *, endpoint: str, max_bytes: int,
              what: str = "the endpoint") -> bytes:
    """Read an http.client response under ``limit``, refusing more than ``max_bytes``.

    A read returns as soon as some bytes arrive (``read1``), so the deadline is checked
    between them; a server that sends nothing is cut by the socket guard.
    """
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise AwsError(f"{what} {endpoint} sent {int(declared) // 1024} KB, more than "
                       f"{max_bytes // 1024} KB; is the endpoint right?")
    chunks: list[bytes] = []
    size = 0
    while True:
        if limit.expired:
            raise limit.error(endpoint)
        chunk = response.read1(16384)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise AwsError(f"{what} {endpoint} sent more than {max_bytes // 1024} KB; "
                           "is the endpoint right?")
        chunks.append(chunk)
    if limit.expired:  # the guard cut the socket: what came is not the whole answer
        raise limit.error(endpoint)
    return b"".join(chunks)
