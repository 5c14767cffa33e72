"""The keyring fixtures: the SecretService one really goes through D-Bus."""

import os
import subprocess
import sys

import keyring
import keyring.errors
import pytest

from tests.fixtures.keyring import MemoryKeyring, installed_keyring
from tests.fixtures.tools import require_tool


def _py(env, code):
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=30)


def _secret_tool(env, *args, input=None):
    require_tool("secret-tool")
    return subprocess.run(["secret-tool", *args], env={**os.environ, **env}, input=input,
                          capture_output=True, text=True, timeout=30)


@pytest.mark.keyring
def test_keyring_write_is_visible_to_libsecret(secret_service):
    assert secret_service["PYTHON_KEYRING_BACKEND"] == "keyring.backends.SecretService.Keyring"
    done = _py(secret_service, "import keyring; keyring.set_password('switcher-t1', 'alice', 's3')")
    assert done.returncode == 0, done.stderr
    # secret-tool is libsecret, a different client: it can only see this through the daemon.
    found = _secret_tool(secret_service, "lookup", "service", "switcher-t1", "username", "alice")
    assert found.stdout == "s3"

    done = _py(secret_service, "import keyring; keyring.delete_password('switcher-t1', 'alice')")
    assert done.returncode == 0, done.stderr
    gone = _secret_tool(secret_service, "lookup", "service", "switcher-t1", "username", "alice")
    assert gone.returncode != 0 and gone.stdout == ""


@pytest.mark.keyring
def test_libsecret_write_is_visible_to_keyring(secret_service):
    stored = _secret_tool(secret_service, "store", "--label=t", "service", "switcher-t2",
                          "username", "bob", input="from-libsecret")
    assert stored.returncode == 0, stored.stderr
    got = _py(secret_service, "import keyring; print(keyring.get_password('switcher-t2', 'bob'))")
    assert got.stdout.strip() == "from-libsecret"


@pytest.mark.keyring
def test_without_the_bus_the_secret_is_unreachable(secret_service):
    # Guards against the round trips above passing through some other keyring than ours.
    _secret_tool(secret_service, "store", "--label=t", "service", "switcher-t4",
                 "username", "dave", input="only-on-our-bus")
    env = {**secret_service, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
    got = _py(env, "import keyring; print(keyring.get_password('switcher-t4', 'dave'))")
    assert "only-on-our-bus" not in got.stdout


@pytest.mark.keyring
def test_in_process_secret_service_keyring(secret_service_keyring, secret_service):
    keyring.set_password("switcher-t3", "carol", "in-proc")
    assert keyring.get_keyring() is secret_service_keyring
    found = _secret_tool(secret_service, "lookup", "service", "switcher-t3", "username", "carol")
    assert found.stdout == "in-proc"
    keyring.delete_password("switcher-t3", "carol")
    assert keyring.get_password("switcher-t3", "carol") is None


def test_memory_keyring_set_get_delete(memory_keyring):
    assert keyring.get_keyring() is memory_keyring
    assert keyring.get_password("switcher", "k") is None
    keyring.set_password("switcher", "k", "v")
    assert keyring.get_password("switcher", "k") == "v"
    assert memory_keyring.store == {("switcher", "k"): "v"}
    keyring.delete_password("switcher", "k")
    assert keyring.get_password("switcher", "k") is None
    with pytest.raises(keyring.errors.PasswordDeleteError):
        keyring.delete_password("switcher", "k")


def test_installed_keyring_restores_the_previous_backend():
    before = keyring.get_keyring()
    with installed_keyring(MemoryKeyring()) as backend:
        assert keyring.get_keyring() is backend
    assert keyring.get_keyring() is before
    with pytest.raises(RuntimeError), installed_keyring(MemoryKeyring()):
        raise RuntimeError("boom")
    assert keyring.get_keyring() is before


@pytest.mark.keyring
def test_session_bus_never_spawns_services(session_bus):
    # Activation would start daemons (a11y bus, a second keyring) that outlive the tests.
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import DBusErrorResponse, unwrap_msg

    with open_dbus_connection(bus=session_bus["DBUS_SESSION_BUS_ADDRESS"]) as conn:
        assert conn.send_and_get_reply(message_bus.ListActivatableNames()).body[0] == [
            "org.freedesktop.DBus"]
        reply = conn.send_and_get_reply(message_bus.StartServiceByName("org.a11y.Bus"))
        with pytest.raises(DBusErrorResponse, match="ServiceUnknown"):
            unwrap_msg(reply)
