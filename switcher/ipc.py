"""The channel between ``switcher show/status/quit`` and the running tray: the protocol
and the client. The tray's end is ``switcher.gui.ipc_server``.

JSON lines over a local socket in the user's runtime dir (0700): the client sends
``{"v": 1, "cmd": "show"}`` and reads one reply line ``{"v": 1, "ok": true, ...}``.

Outside ``gui/`` on purpose: the client is a plain Unix socket, so ``switcher status``
starts in milliseconds without loading Qt. Only Windows (named pipes, which Qt speaks
conveniently) imports QtNetwork, lazily.
"""

from __future__ import annotations

import json
import socket
import sys
from typing import Any

from switcher.core.errors import InputError, NoTrayError
from switcher.core.paths import socket_path

PROTOCOL = 1
COMMANDS = ("show", "status", "quit", "ping")
MAX_LINE = 64 * 1024


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
