"""The session cache shared by real processes: the installed ``switcher`` against moto and
a real SecretService (gnome-keyring on a private bus, tests/fixtures/keyring.py), the
same keyring path (the lean D-Bus one) a user's shell takes."""

from __future__ import annotations

import json
import subprocess

from switcher.core.secrets import cache, keystore
from tests.fixtures.aws import SWITCHER, run_switcher, switcher_ok

TARGETS = 8


def _items(address: str) -> dict[str, bytes]:
    """username -> secret of every cached-session item on the test keyring."""
    import secretstorage
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(address)
    try:
        collection = secretstorage.get_default_collection(conn)
        return {item.get_attributes()["username"]: item.get_secret()
                for item in collection.search_items({"service": keystore.SESSIONS_SERVICE})}
    finally:
        conn.close()


def _put_raw(address: str, username: str, secret: bytes) -> None:
    import secretstorage
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(address)
    try:
        secretstorage.get_default_collection(conn).create_item(
            f"Password for '{username}' on '{keystore.SESSIONS_SERVICE}'",
            {"service": keystore.SESSIONS_SERVICE, "username": username,
             "application": "Python keyring library"}, secret, replace=True)
    finally:
        conn.close()


def _add_accounts(env) -> list[str]:
    names = []
    for i in range(TARGETS):
        switcher_ok(env, "add", f"acct{i}", "--account", f"1111111111{i:02d}",
                    "--role", "Developer", "--source", "base")
        names.append(f"acct{i}")
    return names


def test_parallel_processes_keep_every_index_entry_and_remove_leaves_no_orphan(switcher_env):
    env, address = switcher_env, switcher_env["DBUS_SESSION_BUS_ADDRESS"]
    names = _add_accounts(env)
    procs = [subprocess.Popen([str(SWITCHER), "creds", name, "--format", "json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in names]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert json.loads(out)["Version"] == 1
    items = _items(address)
    index = json.loads(items.pop(cache.INDEX))
    assert sorted(index) == sorted(items) and len(items) == TARGETS
    assert sorted(n.rsplit("#", 1)[0] for n in index) == sorted(f"{n}/Developer" for n in names)
    for name in names:
        switcher_ok(env, "remove", name)
    items = _items(address)
    assert json.loads(items.pop(cache.INDEX)) == []
    assert items == {}, f"orphaned sessions: {sorted(items)}"


def test_remove_with_a_damaged_index_finishes_and_creds_with_damaged_entries_recover(switcher_env):
    env, address = switcher_env, switcher_env["DBUS_SESSION_BUS_ADDRESS"]
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Developer",
                "--source", "base")
    switcher_ok(env, "add", "ops", "--account", "222222222222", "--role", "Developer",
                "--source", "base")
    first = json.loads(switcher_ok(env, "creds", "dev", "--format", "json"))
    for value in (b"5", b"\xff\xfe not UTF-8"):
        for username in _items(address):  # the index and the session alike
            _put_raw(address, username, value)
        again = run_switcher(env, "creds", "dev", "--format", "json")
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["AccessKeyId"] != first["AccessKeyId"]  # a fresh one
        assert again.stderr.count("\n") == 1 and "is damaged" in again.stderr
        assert json.loads(_items(address)[cache.INDEX])  # rewritten whole
    _put_raw(address, cache.INDEX, b'"text"')
    result = run_switcher(env, "remove", "ops")
    assert result.returncode == 0, result.stderr
    assert "ops" not in switcher_ok(env, "list")
    assert json.loads(_items(address)[cache.INDEX]) == []
