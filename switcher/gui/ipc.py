"""Single-instance channel between ``switcher show/status/quit`` and the running tray.

JSON lines over a local socket in the user's runtime dir (0700): the client sends
``{"v": 1, "cmd": "show"}`` and reads one reply line ``{"v": 1, "ok": true, ...}``.

This module has no Qt at import time on purpose: the CLI client is a plain Unix socket so
``switcher status`` starts in milliseconds. The server side (``Server``) imports Qt lazily.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from ..core.errors import InputError, NoTrayError

PROTOCOL = 1
COMMANDS = ("show", "status", "quit", "ping")
MAX_LINE = 64 * 1024
ACCEPT_RETRY_MS = 1000


def runtime_dir() -> Path:
    """Per-user, private (0700): where the lock file and the socket live."""
    override = os.environ.get("SWITCHER_RUNTIME_DIR")
    if override:
        path = Path(override)
    else:
        base = os.environ.get("XDG_RUNTIME_DIR")
        if base and Path(base).is_dir():
            path = Path(base) / "switcher"
        elif sys.platform in ("win32", "darwin"):
            import platformdirs

            path = Path(platformdirs.user_runtime_dir("switcher"))
        else:
            import tempfile

            path = Path(tempfile.gettempdir()) / f"switcher-{os.getuid()}"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        st = path.stat()
        if st.st_uid != os.getuid():
            raise InputError(f"{path} belongs to another user; refusing to use it")
        if st.st_mode & 0o077:
            os.chmod(path, 0o700)
    return path


def socket_path() -> Path:
    return runtime_dir() / "tray.sock"


def lock_path() -> Path:
    return runtime_dir() / "tray.lock"


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps({"v": PROTOCOL, **message}, separators=(",", ":")) + "\n").encode()


def decode(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError("the tray sent a reply that is not JSON") from None
    if not isinstance(data, dict):
        raise InputError("the tray sent a reply that is not a JSON object")
    return data


def request(cmd: str, timeout: float = 5.0, **fields: Any) -> dict[str, Any]:
    """Send one command to the running tray; NoTrayError (exit 3) when none answers."""
    if sys.platform == "win32":  # named pipes: only Qt speaks them conveniently
        return _request_qt(cmd, timeout, **fields)
    path = socket_path()
    if not path.exists():
        raise NoTrayError("no Switcher tray is running (start one with: switcher tray)")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            raise NoTrayError("no Switcher tray is running (start one with: switcher tray)") from None
        sock.sendall(encode({"cmd": cmd, **fields}))
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
            if len(buf) > MAX_LINE:
                raise InputError("the tray's reply is too long")
    except TimeoutError:
        raise NoTrayError("the Switcher tray did not answer in time") from None
    finally:
        sock.close()
    if not buf:
        raise NoTrayError("the Switcher tray closed the connection without answering")
    reply = decode(buf.strip())
    if reply.get("v") != PROTOCOL:
        raise InputError(f"the running tray speaks protocol {reply.get('v')!r}, not {PROTOCOL}; restart it")
    return reply


def _request_qt(cmd: str, timeout: float, **fields: Any) -> dict[str, Any]:
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(str(socket_path()))
    if not sock.waitForConnected(int(timeout * 1000)):
        raise NoTrayError("no Switcher tray is running (start one with: switcher tray)")
    sock.write(encode({"cmd": cmd, **fields}))
    sock.waitForBytesWritten(int(timeout * 1000))
    buf = b""
    while not buf.endswith(b"\n") and sock.waitForReadyRead(int(timeout * 1000)):
        buf += bytes(sock.readAll())
    if not buf:
        raise NoTrayError("the Switcher tray did not answer")
    return decode(buf.strip())


class Server:
    """The tray's end: QLockFile for one instance per user, a local socket for commands.

    On Unix the socket is a plain AF_UNIX one watched by QSocketNotifier: QtNetwork (for
    QLocalServer) would add ~3.5 MB to the idle tray (DESIGN §7). Windows uses QLocalServer
    (named pipes). Replies are one short line, so each request is read without blocking
    and answered in one go.
    """

    def __init__(self, handler) -> None:
        from PySide6.QtCore import QLockFile

        self.handler = handler  # callable(dict) -> dict, runs on the main thread
        self.lock = QLockFile(str(lock_path()))
        # 0 disables the age rule: a live tray's lock never goes stale; a dead one's does
        # (QLockFile checks whether the recorded pid still runs).
        self.lock.setStaleLockTime(0)
        self.server = None
        self._notifier = None
        self._conns: dict[int, tuple] = {}  # fd -> (socket, notifier, buffer)

    def acquire(self) -> bool:
        # tryLock itself recovers a lock left by a crash: it checks that the recorded pid
        # still runs and is a process of the same name.
        return self.lock.tryLock(200)

    def listen(self) -> None:
        if sys.platform == "win32":
            self._listen_qt()
            return
        from PySide6.QtCore import QSocketNotifier

        path = str(socket_path())
        try:
            os.unlink(path)  # a stale socket file after a crash; we hold the lock
        except FileNotFoundError:
            pass
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # the socket is born 0600: no window for others
        try:
            sock.bind(path)
        except OSError as exc:
            sock.close()
            raise InputError(f"cannot listen on {path}: {exc.strerror or exc}") from None
        finally:
            os.umask(old_umask)
        sock.listen(8)
        sock.setblocking(False)
        self.server = sock
        self._path = path
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._accept)

    def _accept(self, *_args) -> None:
        from PySide6.QtCore import QSocketNotifier

        while self.server is not None:
            try:
                conn, _ = self.server.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                # EMFILE and the like leave the connection pending, so the notifier would
                # fire again at once and spin; back off and retry once fds may be free.
                self._pause_accepting()
                return
            conn.setblocking(False)
            notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read)
            fd = conn.fileno()
            notifier.activated.connect(lambda *_a, fd=fd: self._on_readable(fd))
            self._conns[fd] = (conn, notifier, b"")

    def _pause_accepting(self) -> None:
        from PySide6.QtCore import QTimer

        if self._notifier is None:
            return
        self._notifier.setEnabled(False)
        QTimer.singleShot(ACCEPT_RETRY_MS, self._resume_accepting)

    def _resume_accepting(self) -> None:
        if self._notifier is not None and self.server is not None:
            self._notifier.setEnabled(True)

    def _on_readable(self, fd: int) -> None:
        entry = self._conns.get(fd)
        if entry is None:
            return
        conn, notifier, buf = entry
        try:
            chunk = conn.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk or len(buf) + len(chunk) > MAX_LINE:
            self._drop(fd)  # gone before a full line, or not a client of ours
            return
        buf += chunk
        if b"\n" not in buf:
            self._conns[fd] = (conn, notifier, buf)
            return
        notifier.setEnabled(False)
        reply = self._reply(buf.split(b"\n", 1)[0])
        try:
            conn.settimeout(2)  # the client is waiting for this line; do not hang on it
            conn.sendall(encode(reply))
        except OSError:
            pass
        self._drop(fd)

    def _drop(self, fd: int) -> None:
        conn, notifier, _ = self._conns.pop(fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        conn.close()

    def _reply(self, line: bytes) -> dict[str, Any]:
        try:
            message = decode(line)
            if message.get("v") != PROTOCOL:
                return {"ok": False, "error": f"protocol {message.get('v')!r} not supported"}
            if message.get("cmd") not in COMMANDS:
                return {"ok": False, "error": f"unknown command {message.get('cmd')!r}"}
            return self.handler(message)
        except InputError as exc:
            return {"ok": False, "error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the client hanging
            return {"ok": False, "error": f"internal error ({type(exc).__name__})"}

    # --- Windows: QLocalServer over a named pipe ----------------------------------------

    def _listen_qt(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        path = str(socket_path())
        QLocalServer.removeServer(path)
        self.server = QLocalServer()
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(path):
            raise InputError(f"cannot listen on {path}: {self.server.errorString()}")
        self.server.newConnection.connect(self._on_qt_connection)

    def _on_qt_connection(self) -> None:
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.setProperty("buf", b"")
            conn.readyRead.connect(lambda c=conn: self._on_qt_ready(c))
            conn.disconnected.connect(conn.deleteLater)

    def _on_qt_ready(self, conn) -> None:
        buf = bytes(conn.property("buf") or b"") + bytes(conn.readAll())
        if len(buf) > MAX_LINE:
            conn.abort()
            return
        if b"\n" not in buf:
            conn.setProperty("buf", buf)
            return
        conn.write(encode(self._reply(buf.split(b"\n", 1)[0])))
        conn.flush()
        conn.disconnectFromServer()

    def close(self) -> None:
        for fd in list(self._conns):
            self._drop(fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if isinstance(self.server, socket.socket):
            self.server.close()
            try:
                os.unlink(self._path)
            except OSError:
                pass
        elif self.server is not None:
            self.server.close()
        self.server = None
        self.lock.unlock()
