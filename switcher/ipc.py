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
import time

from switcher.core.errors import InputError, NoTrayError, SwitcherError
from switcher.core.paths import socket_path

PROTOCOL = 1
# The broker's commands hand out secrets: the tray answers them only to a peer of its own
# uid (SO_PEERCRED), and only over this 0600 socket in a 0700 directory.
BROKER_COMMANDS = ("credentials", "console_url")
COMMANDS = ("show", "status", "quit", "ping", *BROKER_COMMANDS)
MAX_LINE = 64 * 1024
# A broker request may wait on a person: an MFA code typed, an approval clicked.
BROKER_TIMEOUT = 600.0
CONNECT_TIMEOUT = 5.0


# A request with "frame": "raw" (the fast `creds`, switcher.cli.fast_creds) that succeeds
# with a "text" is answered by b"raw <length>\n" and the text's UTF-8 bytes instead of a
# JSON line: the client then needs no json module (and so no re) to print it. Failures are
# JSON lines as always.
RAW_FRAME = b"raw "


def raw_frame(text: str) -> bytes:
    body = text.encode("utf-8")
    return RAW_FRAME + str(len(body)).encode() + b"\n" + body


def encode(message: dict[str, object]) -> bytes:
    return (json.dumps({"v": PROTOCOL, **message}, separators=(",", ":")) + "\n").encode()


def decode(line: bytes) -> dict[str, object]:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError("the tray sent a reply that is not JSON") from None
    if not isinstance(data, dict):
        raise InputError("the tray sent a reply that is not a JSON object")
    return data


class TrayRefused(SwitcherError):
    """The tray answered, and its answer is a refusal (in its own words)."""

    exit_code = 1


NO_TRAY = "no Switcher tray is running (start one with: switcher tray)"
REFUSED_GRACE = 0.5  # seconds: a tray that is starting has bound its socket, not listened yet


class TrayFailed(SwitcherError):
    """A broker request the tray tried and failed: its message and exit code are the ones
    the CLI would have given doing the work itself."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def request(cmd: str, timeout: float = 5.0, **fields: object) -> dict[str, object]:
    """Send one command to the running tray; NoTrayError (exit 3) when none answers,
    TrayRefused when it answers with an error."""
    return _check(_exchange(cmd, timeout, fields))


def broker(cmd: str, **fields: object) -> dict[str, object] | None:
    """Ask the running tray to do a credentials command; None when no tray can do it (none
    runs, or an older one that does not know the command), so the caller does the work
    itself. A failure of the tray's is TrayFailed, with the CLI's own words and exit code."""
    if sys.platform == "win32":
        return None  # named pipes carry no peer uid the tray could check
    try:
        reply = _exchange(cmd, BROKER_TIMEOUT, {k: v for k, v in fields.items() if v is not None})
    except NoTrayError:
        return None
    return outcome(reply)


def outcome(reply: dict[str, object]) -> dict[str, object] | None:
    """A broker reply as broker() returns it: the reply, None (work alone) or TrayFailed."""
    if reply.get("ok") is not False:
        return reply
    code = reply.get("exit_code")
    if not isinstance(code, int) or isinstance(code, bool):
        return None  # a tray from before the broker: "unknown command"
    why = " ".join(str(reply.get("error") or "the tray gave no reason").split())[:500]
    raise TrayFailed(why, code if 0 < code < 126 else 1)


def _exchange(cmd: str, timeout: float, fields: dict[str, object]) -> dict[str, object]:
    if sys.platform == "win32":  # named pipes: only Qt speaks them conveniently
        return _request_qt(cmd, timeout, **fields)
    path = socket_path()
    if not path.exists():
        raise NoTrayError(NO_TRAY)
    started = time.monotonic()
    sock = _connect(path, started + min(timeout, CONNECT_TIMEOUT))
    give_up = started + timeout
    try:
        sock.settimeout(max(give_up - time.monotonic(), 0.05))
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
    except OSError:  # reset or broken pipe: the tray dropped us
        buf = b""
    finally:
        sock.close()
    if not buf:
        raise NoTrayError("the Switcher tray closed the connection without answering")
    reply = decode(buf.strip())
    if reply.get("v") != PROTOCOL:
        raise InputError(f"the running tray speaks protocol {reply.get('v')!r}, not {PROTOCOL}; restart it")
    return reply


def _connect(path, give_up: float) -> socket.socket:
    """A connected socket, retrying while the tray's backlog is full (EAGAIN) and, briefly,
    while its socket exists but refuses (a tray between bind and listen)."""
    refused_until = min(give_up, time.monotonic() + REFUSED_GRACE)
    pause = 0.005
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(max(give_up - time.monotonic(), 0.05))
        try:
            sock.connect(str(path))
            return sock
        except (BlockingIOError, InterruptedError):
            busy, retry_until = True, give_up
        except ConnectionRefusedError:
            busy, retry_until = False, refused_until if path.exists() else 0
        except FileNotFoundError:
            sock.close()
            raise NoTrayError(NO_TRAY) from None
        except TimeoutError:
            sock.close()
            raise NoTrayError("the Switcher tray did not answer in time") from None
        except OSError as exc:
            sock.close()
            raise NoTrayError(
                f"cannot reach the Switcher tray at {path}: {exc.strerror or exc}") from None
        sock.close()
        if time.monotonic() + pause > retry_until:
            if busy:
                raise NoTrayError("the Switcher tray is too busy to answer; try again") from None
            raise NoTrayError(NO_TRAY) from None
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _check(reply: dict[str, object]) -> dict[str, object]:
    if reply.get("ok") is False:
        why = " ".join(str(reply.get("error") or "no reason given").split())[:300]
        raise TrayRefused(f"the Switcher tray refused the request: {why}")
    return reply


def _request_qt(cmd: str, timeout: float, **fields: object) -> dict[str, object]:
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(str(socket_path()))
    if not sock.waitForConnected(int(timeout * 1000)):
        raise NoTrayError(NO_TRAY)
    sock.write(encode({"cmd": cmd, **fields}))
    sock.waitForBytesWritten(int(timeout * 1000))
    buf = b""
    while not buf.endswith(b"\n") and sock.waitForReadyRead(int(timeout * 1000)):
        buf += bytes(sock.readAll())
    if not buf:
        raise NoTrayError("the Switcher tray did not answer")
    return decode(buf.strip())
