"""``switcher creds`` answered by a running tray before any parser is built, with nothing
but the interpreter's built-in modules.

The tray holds the session in memory and renders the text itself, so this process only
sends one request and prints the answer. Every import counts (the budget is 2.5x a bare
``python -c pass``): json brings re, socket.py brings enum and selectors, pathlib and
platformdirs cost more than the rest together. So the request is written by hand, the
reply comes as switcher.ipc's raw frame, and the config file is named by the environment
that decides it (``places.config_inputs``). Anything out of the ordinary returns None or
goes to ``switcher.ipc``, which does it the thorough way: a flag only the parser should
judge, a character the hand-made JSON would have to escape, no XDG runtime dir, a reply
that is not the raw frame.
"""

from __future__ import annotations

import _socket
import os
import sys

from switcher.core import places

_VALUED = {"--format": "format", "--duration": "duration", "--mfa-code": "mfa_code"}
# as switcher.ipc's (tests/cli/test_session_broker.py holds them equal)
CONNECT_TIMEOUT = 5.0
BROKER_TIMEOUT = 600.0
MAX_REPLY = 64 * 1024


def answer(argv: list[str]) -> int | None:
    """The exit code when a running tray answered (it printed the text, or the error line)
    or, with none, the keyring cache did; None when the usual path must run."""
    fields = _parse(argv)
    if fields is None:
        return None
    code = _from_tray(fields)
    if code is None and not set(fields) - {"target", "format"}:
        # --refresh, --duration, --mfa-code: the full path judges them
        code = _from_cache(fields)
    return code


def _from_tray(fields: dict[str, object]) -> int | None:
    path = places.socket_file()
    if path is None or not places.private_dir(os.path.dirname(path)):
        return None
    request = _request(fields)
    if request is None:
        return None
    reply = _exchange(path, request)
    if reply is None:
        return None
    if reply.startswith(b"raw "):
        size, _, body = reply[4:].partition(b"\n")
        if not (size.isdigit() and int(size) == len(body)):
            return None  # torn: the tray went away mid-reply
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return 0
    return _json_reply(reply)


def _from_cache(fields: dict[str, object]) -> int | None:
    """The session straight from the keyring when this NAME was resolved before from the
    same files (core.creds_shortcut), else None."""
    from switcher.core import creds_shortcut

    try:
        text = creds_shortcut.cached_text(fields["target"], fields.get("format"))
    except Exception:  # noqa: BLE001 - e.g. an ini the renderer refuses: the full path words it
        return None
    if text is None:
        return None
    sys.stdout.write(text)
    return 0


def _parse(argv: list[str]) -> dict[str, object] | None:
    from switcher.core.formats import CREDS_FORMATS

    fields: dict[str, object] = {}
    target = None
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--refresh":
            fields["refresh"] = True
            continue
        name, eq, value = word.partition("=")
        if name in _VALUED:
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            fields[_VALUED[name]] = value
            continue
        if word.startswith("-") or target is not None or not word:
            return None
        target = word
    if target is None or fields.get("format", "json") not in CREDS_FORMATS:
        return None
    duration = fields.get("duration")
    if duration is not None:
        if not (duration.isascii() and duration.isdigit() and len(duration) < 10):
            return None  # the parser words that error
        fields["duration"] = int(duration)
    fields["target"] = target
    return fields


def _text(value: str) -> str | None:
    """A JSON string without an escaper: None when the value would need one."""
    if any(ch in '"\\' or ch < " " for ch in value):
        return None
    try:
        value.encode("utf-8")  # a lone surrogate (undecodable bytes in the environment)
    except UnicodeEncodeError:
        return None
    return f'"{value}"'


def _request(fields: dict[str, object]) -> bytes | None:
    parts = ['"v":1', '"cmd":"credentials"', '"render":true', '"frame":"raw"']
    for key, value in fields.items():
        if isinstance(value, bool):
            parts.append(f'"{key}":true')
        elif isinstance(value, int):
            parts.append(f'"{key}":{value}')
        else:
            text = _text(value)
            if text is None:
                return None
            parts.append(f'"{key}":{text}')
    inputs = [_text(value) for value in places.config_inputs()]
    if None in inputs:
        return None
    parts.append(f'"config_inputs":[{",".join(inputs)}]')
    return ("{" + ",".join(parts) + "}\n").encode("utf-8")


def _exchange(path: str, request: bytes) -> bytes | None:
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT)
        sock.connect(path)
        sock.settimeout(BROKER_TIMEOUT)  # the tray may be waiting on an MFA code
        sock.sendall(request)
        chunks, size = [], 0
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REPLY:
                return None
    except OSError:  # gone, refusing, busy, timed out: the thorough path retries or works alone
        return None
    finally:
        sock.close()
    return b"".join(chunks) or None


def _json_reply(line: bytes) -> int | None:
    """An error (or an older tray's JSON answer), read the thorough way."""
    from switcher import ipc
    from switcher.cli.errors import error_line
    from switcher.core.errors import SwitcherError

    try:
        reply = ipc.outcome(ipc.decode(line.strip()))
    except SwitcherError as exc:
        sys.stderr.write(error_line(exc))
        return exc.exit_code
    if reply is None or reply.get("v") != ipc.PROTOCOL or not isinstance(reply.get("text"), str):
        return None
    sys.stdout.write(reply["text"])
    return 0
