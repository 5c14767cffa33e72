"""One Secret Service read with nothing but ``_socket`` and ``struct``: the keyring-cached
``switcher creds``.

Why not jeepney, which ``secretservice.py`` uses for everything else: importing it costs
14 ms (typing, enum, re, socket, selectors), more than a cached ``creds`` may take on top of
the interpreter. This speaks the little D-Bus that one read needs: EXTERNAL auth, Hello,
OpenSession("plain"), Collection.SearchItems, Service.GetSecrets, with the same attributes
keyring's SecretService backend writes (``service``, ``username``) in the default
collection. Anything it does not expect (another transport, an escaped address, a big-endian
peer, an error reply, a locked item) raises ``Unsupported`` and the caller takes the usual
path, which knows how to prompt, unlock and report.
"""

from __future__ import annotations

import _socket
import os
import struct

from switcher.core.secrets.secretservice import (
    BUS_NAME,
    DEFAULT_COLLECTION,
    SERVICE_PATH,
    TIMEOUT,
    Unsupported,
)

_BUS = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")
_ALIGN = {"y": 1, "b": 4, "i": 4, "u": 4, "s": 4, "o": 4, "g": 1, "a": 4, "(": 8, "{": 8, "v": 1}
METHOD_CALL, METHOD_RETURN, ERROR = 1, 2, 3
# header field codes
PATH, INTERFACE, MEMBER, ERROR_NAME, REPLY_SERIAL, DESTINATION, SIGNATURE = 1, 2, 3, 4, 5, 6, 8
MAX_MESSAGE = 1 << 20


def read(service: str, username: str) -> str | None:
    """The secret stored for (service, username), None when there is no such item."""
    sock = _connect(os.environ.get("DBUS_SESSION_BUS_ADDRESS", ""))
    try:
        stream = _Stream(sock)
        replies = stream.calls([
            (*_BUS, "Hello", "", ()),
            (BUS_NAME, SERVICE_PATH, "org.freedesktop.Secret.Service", "OpenSession", "sv",
             ("plain", ("s", ""))),
        ])
        session = replies[1][1]
        # only now: gnome-keyring sometimes answers a SearchItems sent in the same batch as
        # the client's first calls with UnknownMethod (1 in ~300 here)
        [(items,)] = stream.calls([
            (BUS_NAME, DEFAULT_COLLECTION, "org.freedesktop.Secret.Collection", "SearchItems",
             "a{ss}", ({"service": service, "username": username},))])
        if not items:
            return None
        [secrets] = stream.calls([(BUS_NAME, SERVICE_PATH, "org.freedesktop.Secret.Service",
                                   "GetSecrets", "aoo", (items[:1], session))])
        found = secrets[0].get(items[0])
        if found is None:
            raise Unsupported("the item is locked")
        return found[2].decode("utf-8")  # UnicodeDecodeError: the caller's "damaged entry"
    finally:
        sock.close()


def _connect(address: str):
    """A socket on the session bus, authenticated (EXTERNAL: the kernel vouches for our uid)."""
    transport, _, params = address.split(";")[0].partition(":")
    keys = dict(p.partition("=")[::2] for p in params.split(",") if p)
    if transport != "unix" or "%" in params:
        raise Unsupported(f"bus address {transport!r}")
    if "path" in keys:
        where = keys["path"]
    elif "abstract" in keys:
        where = "\0" + keys["abstract"]
    else:
        raise Unsupported("bus address without a path")
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    try:
        sock.connect(where)
        sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
        answer = b""
        while not answer.endswith(b"\r\n") and len(answer) < 512:
            chunk = sock.recv(512)
            if not chunk:
                break
            answer += chunk
        if not answer.startswith(b"OK "):
            raise Unsupported("the bus refused EXTERNAL authentication")
        sock.sendall(b"BEGIN\r\n")
    except OSError as exc:
        sock.close()
        raise Unsupported(f"session bus: {exc}") from None
    except Unsupported:
        sock.close()
        raise
    return sock


class _Stream:
    def __init__(self, sock) -> None:
        self.sock = sock
        self.serial = 0
        self.buffer = b""

    def calls(self, calls: list[tuple]) -> list[tuple]:
        """Send every call at once, then collect their replies' bodies in order."""
        serials = []
        members: dict[int, str] = {}
        out = b""
        for destination, path, interface, member, signature, body in calls:
            self.serial += 1
            serials.append(self.serial)
            members[self.serial] = member
            out += _message(self.serial, destination, path, interface, member, signature, body)
        try:
            self.sock.sendall(out)
            replies: dict[int, tuple] = {}
            while len(replies) < len(serials):
                kind, fields, body = self._next()
                serial = fields.get(REPLY_SERIAL)
                if serial not in serials or kind not in (METHOD_RETURN, ERROR):
                    continue  # a signal (NameAcquired after Hello), or not ours
                if kind == ERROR:
                    raise Unsupported(f"{members[serial]}: D-Bus error {fields.get(ERROR_NAME)}")
                replies[serial] = _values(body, fields.get(SIGNATURE, ""))
        except (OSError, struct.error, IndexError, ValueError, KeyError) as exc:
            raise Unsupported(f"session bus: {type(exc).__name__}") from None
        return [replies[s] for s in serials]

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("the bus closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _next(self) -> tuple[int, dict, bytes]:
        fixed = self._take(16)
        if fixed[:1] != b"l":
            raise Unsupported("a big-endian peer")
        body_len, fields_len = struct.unpack_from("<I", fixed, 4)[0], struct.unpack_from("<I", fixed, 12)[0]
        header_len = 16 + fields_len + (-(16 + fields_len) % 8)
        if header_len + body_len > MAX_MESSAGE:
            raise Unsupported("a message too large")
        message = fixed + self._take(header_len - 16 + body_len)
        fields = dict(_get(message, 12, "a(yv)")[0])
        return fixed[1], fields, message[header_len:]


def _message(serial: int, destination: str, path: str, interface: str, member: str,
             signature: str, body: tuple) -> bytes:
    payload = bytearray()
    for kind, value in zip(_split(signature), body, strict=True):
        _put(payload, kind, value)
    fields = [(PATH, ("o", path)), (INTERFACE, ("s", interface)), (MEMBER, ("s", member)),
              (DESTINATION, ("s", destination))]
    if signature:
        fields.append((SIGNATURE, ("g", signature)))
    out = bytearray(b"l" + bytes((METHOD_CALL, 0, 1)) + struct.pack("<II", len(payload), serial))
    _put(out, "a(yv)", fields)
    out.extend(b"\0" * (-len(out) % 8))
    return bytes(out + payload)


def _values(body: bytes, signature: str) -> tuple:
    pos, out = 0, []
    for kind in _split(signature):
        value, pos = _get(body, pos, kind)
        out.append(value)
    return tuple(out)


def _split(signature: str) -> list[str]:
    """The complete types in a signature: "a{ss}o" -> ["a{ss}", "o"]."""
    out, i = [], 0
    while i < len(signature):
        j = i
        while signature[j] == "a":
            j += 1
        if signature[j] in "({":
            depth = 0
            for k in range(j, len(signature)):
                depth += signature[k] in "({"
                depth -= signature[k] in ")}"
                if depth == 0:
                    j = k
                    break
        out.append(signature[i:j + 1])
        i = j + 1
    return out


def _put(buf: bytearray, kind: str, value) -> None:
    code = kind[0]
    buf.extend(b"\0" * (-len(buf) % _ALIGN[code]))
    if code == "y":
        buf.append(value)
    elif code in "bu":
        buf.extend(struct.pack("<I", int(value)))
    elif code in "so":
        data = value.encode("utf-8")
        buf.extend(struct.pack("<I", len(data)) + data + b"\0")
    elif code == "g":
        data = value.encode("ascii")
        buf.extend(bytes((len(data),)) + data + b"\0")
    elif code == "v":
        _put(buf, "g", value[0])
        _put(buf, value[0], value[1])
    elif code == "a":
        element = kind[1:]
        at = len(buf)
        buf.extend(b"\0\0\0\0")
        buf.extend(b"\0" * (-len(buf) % _ALIGN[element[0]]))
        start = len(buf)
        for item in (value.items() if element[0] == "{" else value):
            _put(buf, element, item)
        struct.pack_into("<I", buf, at, len(buf) - start)
    elif code in "({":
        for sub, item in zip(_split(kind[1:-1]), value, strict=True):
            _put(buf, sub, item)
    else:
        raise Unsupported(f"D-Bus type {code}")


def _get(data: bytes, pos: int, kind: str):
    code = kind[0]
    pos += -pos % _ALIGN[code]
    if code == "y":
        return data[pos], pos + 1
    if code in "bu":
        return struct.unpack_from("<I", data, pos)[0], pos + 4
    if code == "i":
        return struct.unpack_from("<i", data, pos)[0], pos + 4
    if code in "so":
        size = struct.unpack_from("<I", data, pos)[0]
        return data[pos + 4:pos + 4 + size].decode("utf-8"), pos + 5 + size
    if code == "g":
        size = data[pos]
        return data[pos + 1:pos + 1 + size].decode("ascii"), pos + 2 + size
    if code == "v":
        inner, pos = _get(data, pos, "g")
        return _get(data, pos, inner)
    if code == "a":
        size = struct.unpack_from("<I", data, pos)[0]
        element = kind[1:]
        pos += 4
        pos += -pos % _ALIGN[element[0]]
        end = pos + size
        if element == "y":
            return data[pos:end], end
        items = []
        while pos < end:
            item, pos = _get(data, pos, element)
            items.append(item)
        return (dict(items) if element[0] == "{" else items), end
    if code in "({":
        items = []
        for sub in _split(kind[1:-1]):
            item, pos = _get(data, pos, sub)
            items.append(item)
        return tuple(items), pos
    raise Unsupported(f"D-Bus type {code}")
