"""The tray's end of the single-instance channel (protocol and client: ``switcher.ipc``)."""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from switcher.core.errors import InputError
from switcher.core.paths import lock_path, socket_path
from switcher.ipc import BROKER_COMMANDS, COMMANDS, MAX_LINE, PROTOCOL, encode, raw_frame

ACCEPT_RETRY_MS = 1000
# A client has this long to send its line: a silent one would hold a descriptor forever,
# and a few hundred of them would leave the tray none to accept `switcher status` with.
IDLE_SECONDS = 2.0
SWEEP_MS = 250
# Room for many `switcher status` at once (8 made some clients fail with EAGAIN); the
# kernel caps it at net.core.somaxconn.
BACKLOG = 128


@dataclass(frozen=True)
class Peer:
    """Who is on the other end, as the kernel says (SO_PEERCRED), not as the client says."""

    pid: int
    uid: int
    gid: int


@dataclass(frozen=True)
class Caller:
    """The program asking for credentials, for the dialogs: what /proc says about the
    peer's pid and its parent (`aws` runs `switcher creds` as its credential_process)."""

    pid: int
    exe: str
    cmdline: str
    parent_pid: int | None = None
    parent_cmdline: str = ""
    parent_exe: str = ""

    @property
    def program(self) -> str:
        """What an "Allow for 1 hour" is granted to: this command line run by this parent
        program (every `switcher creds` is the same python, the caller is what differs)."""
        return f"{self.exe}\0{self.cmdline}\0{self.parent_exe}"

    def describe(self) -> str:
        text = f"{self.cmdline or self.exe or '?'} (pid {self.pid})"
        if self.parent_pid:
            text += f", started by {self.parent_cmdline or '?'} (pid {self.parent_pid})"
        return text


_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


def peer_of(sock: socket.socket) -> Peer | None:
    """The peer's credentials from the kernel; None where SO_PEERCRED does not exist."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, option, _UCRED.size)
    except OSError:
        return None
    return Peer(*_UCRED.unpack(raw))


def refusal(peer: Peer | None, uid: int | None = None) -> str | None:
    """Why ``peer`` may not have credentials, or None when it may: only the tray's own
    user is served."""
    if peer is None:
        return "the tray cannot tell who is asking (no SO_PEERCRED here); it hands out no credentials"
    own = os.getuid() if uid is None else uid
    if peer.uid != own:
        return f"refused: the asking process runs as uid {peer.uid}, not as this tray's user"
    return None


def started_by_this_tray(pid: int, proc: str = "/proc", own: int | None = None) -> bool:
    """Whether pid descends from the tray (not the tray itself). The tray's own switches run
    ``credential_process`` programs, and one that is ``switcher creds`` would ask the tray
    back, which waits on it: such a peer does the work itself."""
    own = os.getpid() if own is None else own
    seen = 0
    while pid > 1 and seen < 64:
        try:
            with open(f"{proc}/{pid}/status", encoding="utf-8", errors="replace") as fh:
                pid = next((int(line.split()[1]) for line in fh if line.startswith("PPid:")), 0)
        except (OSError, ValueError):
            return False
        if pid == own:
            return True
        seen += 1
    return False


def caller_of(pid: int, proc: str = "/proc") -> Caller:
    """What the dialogs show about pid: its command line and its parent's, one line each."""

    def cmdline(p: int) -> str:
        try:
            with open(f"{proc}/{p}/cmdline", "rb") as fh:
                raw = fh.read(4096)
        except OSError:
            return ""
        words = raw.rstrip(b"\0").split(b"\0")
        text = " ".join(w.decode("utf-8", "replace") for w in words)
        return "".join(ch if ch.isprintable() else "?" for ch in text)[:300]

    def exe_of(p: int) -> str:
        try:
            return os.readlink(f"{proc}/{p}/exe")
        except OSError:
            return ""

    parent = None
    try:
        with open(f"{proc}/{pid}/status", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("PPid:"):
                    parent = int(line.split()[1]) or None
                    break
    except (OSError, ValueError):
        parent = None
    return Caller(pid=pid, exe=exe_of(pid), cmdline=cmdline(pid), parent_pid=parent,
                  parent_cmdline=cmdline(parent) if parent else "",
                  parent_exe=exe_of(parent) if parent else "")


# broker(message, caller, respond): respond(reply) once, on the main thread, maybe later
BrokerHandler = Callable[[dict, Caller, Callable[[dict], None]], None]


class Server:
    """The tray's end: QLockFile for one instance per user, a local socket for commands.

    On Unix the socket is a plain AF_UNIX one watched by QSocketNotifier: QtNetwork (for
    QLocalServer) would add ~3.5 MB to the idle tray. Windows uses QLocalServer
    (named pipes). Replies are one short line, so each request is read without blocking;
    ``show/status/quit`` are answered in the same turn, the broker's commands whenever
    their job is done (the connection stays open until then).
    """

    def __init__(self, handler, broker: BrokerHandler | None = None) -> None:
        from switcher.gui.qt import QLockFile

        self.handler = handler  # callable(dict) -> dict, runs on the main thread
        self.broker = broker
        self.lock = QLockFile(str(lock_path()))
        # 0 disables the age rule: a live tray's lock never goes stale; a dead one's does
        # (QLockFile checks whether the recorded pid still runs).
        self.lock.setStaleLockTime(0)
        self.server = None
        self._notifier = None
        self._conns: dict[int, tuple] = {}  # fd -> (socket, notifier, buffer, accepted at)
        self._sweeper = None

    def acquire(self) -> bool:
        # tryLock itself recovers a lock left by a crash: it checks that the recorded pid
        # still runs and is a process of the same name.
        return self.lock.tryLock(200)

    def listen(self) -> None:
        if sys.platform == "win32":
            self._listen_qt()
            return
        from switcher.gui.qt import QSocketNotifier

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
        sock.listen(BACKLOG)
        sock.setblocking(False)
        self.server = sock
        self._path = path
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._accept)
        from switcher.gui.qt import QTimer

        self._sweeper = QTimer()
        self._sweeper.setInterval(SWEEP_MS)
        self._sweeper.timeout.connect(self._drop_idle)

    def _accept(self, *_args) -> None:
        from switcher.gui.qt import QSocketNotifier

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
            self._conns[fd] = (conn, notifier, b"", time.monotonic())
            if self._sweeper is not None and not self._sweeper.isActive():
                self._sweeper.start()

    def _drop_idle(self) -> None:
        too_old = time.monotonic() - IDLE_SECONDS
        idle = [fd for fd, entry in self._conns.items() if entry[3] < too_old]
        for fd in idle:
            self._drop(fd)
        if not self._conns and self._sweeper is not None:
            self._sweeper.stop()
        if idle and self._notifier is not None and self.server is not None:
            self._notifier.setEnabled(True)  # descriptors are free again: take the waiting

    def _pause_accepting(self) -> None:
        from switcher.gui.qt import QTimer

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
        conn, notifier, buf, since = entry
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
            self._conns[fd] = (conn, notifier, buf, since)
            return
        notifier.setEnabled(False)
        line = buf.split(b"\n", 1)[0]
        message = self._broker_message(line)
        if message is None:
            self._send(fd, self._reply(line))
            return
        peer = peer_of(conn)
        why = refusal(peer)
        if why is not None:
            self._send(fd, {"ok": False, "error": why, "exit_code": 1})
            return
        if started_by_this_tray(peer.pid):
            # no exit code: the client falls back to doing the work itself
            self._send(fd, {"ok": False, "error": "a process this tray started works alone"})
            return
        # waiting on a job or a person now, not on the client: the idle sweep leaves it
        self._conns[fd] = (conn, notifier, b"", float("inf"))
        answered = []

        def respond(reply: dict) -> None:
            entry = self._conns.get(fd)
            if not answered and entry is not None and entry[0] is conn:
                answered.append(True)
                text = reply.get("text")
                if message.get("frame") == "raw" and reply.get("ok") and isinstance(text, str):
                    self._send(fd, raw_frame(text))
                else:
                    self._send(fd, reply)

        try:
            self.broker(message, caller_of(peer.pid), respond)
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the client hanging
            respond({"ok": False, "error": f"internal error ({type(exc).__name__})", "exit_code": 1})

    def _broker_message(self, line: bytes) -> dict | None:
        """The request when it is a well-formed broker command this tray serves."""
        if self.broker is None or sys.platform == "win32":
            return None
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        if (isinstance(message, dict) and message.get("v") == PROTOCOL
                and message.get("cmd") in BROKER_COMMANDS):
            return message
        return None

    def _send(self, fd: int, reply: dict | bytes) -> None:
        conn = self._conns[fd][0]
        try:
            conn.settimeout(2)  # the client is waiting for this line; do not hang on it
            conn.sendall(reply if isinstance(reply, bytes) else encode(reply))
        except OSError:
            pass
        self._drop(fd)

    def _drop(self, fd: int) -> None:
        conn, notifier, *_ = self._conns.pop(fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        conn.close()

    def _reply(self, line: bytes) -> dict[str, Any]:
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {"ok": False, "error": "the request is not JSON"}
        if not isinstance(message, dict):
            return {"ok": False, "error": "the request is not a JSON object"}
        if message.get("v") != PROTOCOL:
            return {"ok": False, "error": f"protocol {_short(message.get('v'))} is not "
                                          f"supported (this tray speaks {PROTOCOL}); restart it"}
        known = COMMANDS if self.broker is not None else tuple(
            c for c in COMMANDS if c not in BROKER_COMMANDS)
        if message.get("cmd") not in known:
            return {"ok": False, "error": f"unknown command {_short(message.get('cmd'))} "
                                          f"(known: {', '.join(known)})"}
        try:
            return self.handler(message)
        except InputError as exc:
            return {"ok": False, "error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the client hanging
            return {"ok": False, "error": f"internal error ({type(exc).__name__})"}

    # --- Windows: QLocalServer over a named pipe ----------------------------------------

    def _listen_qt(self) -> None:
        from switcher.gui.qt import QtNetwork

        path = str(socket_path())
        QLocalServer = QtNetwork.QLocalServer
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
        if self._sweeper is not None:
            self._sweeper.stop()
            self._sweeper = None
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


def _short(value: Any) -> str:
    """A client's value quoted in a reply: repr, one line, never long."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:60] + "…"
