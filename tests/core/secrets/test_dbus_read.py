"""core.secrets.dbus_read: the jeepney-free Secret Service read answers exactly what keyring
and the jeepney path wrote, against a real gnome-keyring on a private bus, and says
Unsupported (so the caller takes the usual path) for anything it does not handle."""

from __future__ import annotations

import subprocess
import sys

import pytest

from switcher.core.secrets import dbus_read, secretservice


@pytest.fixture
def bus(secret_service, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service["DBUS_SESSION_BUS_ADDRESS"])
    return secret_service


def test_reads_what_keyring_and_the_jeepney_path_wrote(bus, secret_service_keyring):
    secret_service_keyring.set_password("switcher:test-read", "via-keyring", "é ASIA\n{}")
    with secretservice.Connection() as conn:
        conn.put("switcher:test-read", "via-jeepney", "x" * 70_000)  # several reads' worth
    assert dbus_read.read("switcher:test-read", "via-keyring") == "é ASIA\n{}"
    assert dbus_read.read("switcher:test-read", "via-jeepney") == "x" * 70_000
    assert dbus_read.read("switcher:test-read", "nobody") is None
    assert dbus_read.read("switcher:other-service", "via-keyring") is None


def test_a_secret_that_is_not_utf8_is_the_callers_damaged_entry(bus, secret_service_keyring):
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=bus["DBUS_SESSION_BUS_ADDRESS"]) as conn:
        service = DBusAddress(secretservice.SERVICE_PATH, bus_name=secretservice.BUS_NAME,
                              interface="org.freedesktop.Secret.Service")
        session = conn.send_and_get_reply(new_method_call(
            service, "OpenSession", "sv", ("plain", ("s", "")))).body[1]
        collection = DBusAddress(secretservice.DEFAULT_COLLECTION, bus_name=secretservice.BUS_NAME,
                                 interface="org.freedesktop.Secret.Collection")
        props = {"org.freedesktop.Secret.Item.Label": ("s", "bad"),
                 "org.freedesktop.Secret.Item.Attributes":
                     ("a{ss}", {"service": "switcher:test-read", "username": "bytes"})}
        reply = conn.send_and_get_reply(new_method_call(
            collection, "CreateItem", "a{sv}(oayays)b",
            (props, (session, b"", b"\xff\xfe", "text/plain"), True)))
        assert reply.header.message_type.name == "method_return", reply.body
    with pytest.raises(UnicodeDecodeError):
        dbus_read.read("switcher:test-read", "bytes")


@pytest.mark.parametrize("address", ["tcp:host=localhost,port=1", "unix:path=/tmp/a%20b",
                                     "unix:tmpdir=/tmp", "", "unix:path=/nonexistent/bus"])
def test_what_it_does_not_speak_is_unsupported(monkeypatch, address):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    with pytest.raises(secretservice.Unsupported):
        dbus_read.read("switcher:test-read", "x")


def test_no_secret_service_on_the_bus_is_unsupported(session_bus, monkeypatch, tmp_path):
    # a bus without gnome-keyring: the service name has no owner -> an error reply
    from tests.fixtures.keyring import private_session_bus

    with private_session_bus(tmp_path) as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        with pytest.raises(secretservice.Unsupported, match="D-Bus error"):
            dbus_read.read("switcher:test-read", "x")


def test_marshalling_round_trips_the_types_it_uses():
    value = ({"a": "b", "é": ""}, ["/o/1", "/o/2"], ("s", "v"), b"\x00\xff", 7)
    buf = bytearray()
    for kind, item in zip(dbus_read._split("a{ss}aovayu"), value, strict=True):
        dbus_read._put(buf, kind, item)
    assert dbus_read._values(bytes(buf), "a{ss}aovayu") == (
        {"a": "b", "é": ""}, ["/o/1", "/o/2"], "v", b"\x00\xff", 7)
    assert dbus_read._split("a{o(oayays)}sa(yv)") == ["a{o(oayays)}", "s", "a(yv)"]


def test_it_imports_neither_jeepney_nor_socket_py():
    code = ("import sys; import switcher.core.secrets.dbus_read; "
            "print(sorted(m for m in ('jeepney', 'socket', 'typing', 're', 'enum') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
