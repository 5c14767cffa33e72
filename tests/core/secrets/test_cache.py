"""The session cache: per target, keyed by what decides the role, valid until 5 min left."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail

from switcher.core.credentials import CHAINED, Credentials
from switcher.core.model import Account, Config, Role
from switcher.core.secrets import cache, keystore
from switcher.core.targets import resolve
from tests.fixtures.keyring import installed_keyring

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Config(accounts=(
    Account("dev", "123456789012", roles=(Role("Admin"), Role("ReadOnly"))),
))


def creds(minutes: float, kind=CHAINED) -> Credentials:
    exp = datetime.now(UTC) + timedelta(minutes=minutes)
    return Credentials("ASIAXXXXXXXXXXXXXXXX", "secret", "token", exp, kind)


def test_round_trip_keeps_kind_and_expiry(kr):
    target = resolve(CONFIG, "dev/Admin")
    stored = creds(60)
    cache.store(target, stored)
    assert cache.load(target) == stored
    assert cache.load(resolve(CONFIG, "dev/ReadOnly")) is None


def test_session_with_less_than_five_minutes_is_a_miss(kr):
    target = resolve(CONFIG, "dev/Admin")
    cache.store(target, creds(4.5))
    assert cache.load(target) is None
    cache.store(target, creds(5.5))
    assert cache.load(target) is not None


@pytest.mark.parametrize("change", [
    {"account_id": "210987654321"},
    {"role_name": "team/Admin"},
    {"source": "other-profile"},
    {"via": "dev/ReadOnly"},
    {"external_id": "ext-123"},
    {"mfa_serial": "arn:aws:iam::123456789012:mfa/me"},
    {"region": "cn-north-1"},
])
def test_edited_target_does_not_reuse_the_old_session(kr, change):
    target = resolve(CONFIG, "dev/Admin")
    cache.store(target, creds(60))
    edited = replace(target, **change)
    assert cache.cache_key(edited) != cache.cache_key(target)
    assert cache.load(edited) is None


def test_session_from_another_sts_endpoint_is_a_miss(kr, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1111")
    target = resolve(CONFIG, "dev/Admin")
    cache.store(target, creds(60))
    assert cache.load(target) is not None
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2222")  # e.g. a restarted sandbox
    assert cache.load(target) is None


def test_storing_an_edited_target_drops_the_stale_entry(kr):
    target = resolve(CONFIG, "dev/Admin")
    cache.store(target, creds(60))
    cache.store(replace(target, source="other"), creds(60))
    names = [u for s, u in kr.store if s == keystore.SESSIONS_SERVICE and u != cache.INDEX]
    assert names == [cache.cache_key(replace(target, source="other"))]


def test_clear_one_and_all(kr):
    admin, ro = resolve(CONFIG, "dev/Admin"), resolve(CONFIG, "dev/ReadOnly")
    cache.store(admin, creds(60))
    cache.store(ro, creds(60))
    cache.clear(admin)
    assert cache.load(admin) is None and cache.load(ro) is not None
    cache.clear()
    assert cache.load(ro) is None
    assert json.loads(kr.get_password(keystore.SESSIONS_SERVICE, cache.INDEX)) == []


def test_forget_name_drops_every_shape_of_a_removed_target(kr):
    admin, ro = resolve(CONFIG, "dev/Admin"), resolve(CONFIG, "dev/ReadOnly")
    cache.store(admin, creds(60))
    cache.store(ro, creds(60))
    cache.forget_name("dev/Admin")
    assert cache.load(admin) is None and cache.load(ro) is not None
    left = [u for s, u in kr.store if s == keystore.SESSIONS_SERVICE and u != cache.INDEX]
    assert left == [cache.cache_key(ro)]


def test_damaged_entry_is_a_miss(kr):
    target = resolve(CONFIG, "dev/Admin")
    kr.set_password(keystore.SESSIONS_SERVICE, cache.cache_key(target), "{broken")
    assert cache.load(target) is None


def test_no_keyring_means_no_cache_and_one_warning(caplog):
    keystore.reset()
    target = resolve(CONFIG, "dev/Admin")
    with installed_keyring(fail.Keyring()):
        cache.store(target, creds(60))
        assert cache.load(target) is None
        cache.clear()
    keystore.reset()
    warnings = [r for r in caplog.records if "not cached" in r.getMessage()]
    assert len(warnings) == 1


def test_cache_read_imports_neither_boto3_nor_botocore():
    code = textwrap.dedent("""
        import sys
        from datetime import UTC, datetime, timedelta
        from tests.fixtures.keyring import MemoryKeyring, installed_keyring
        from switcher.core import switch
        from switcher.core.credentials import Credentials
        from switcher.core.model import Account, Config, Role
        from switcher.core.targets import resolve
        from switcher.core.secrets import cache
        config = Config(accounts=(Account("dev", "123456789012", roles=(Role("Admin"),)),))
        with installed_keyring(MemoryKeyring()):
            target = resolve(config, "dev")
            exp = datetime.now(UTC) + timedelta(hours=1)
            cache.store(target, Credentials("ASIA", "s", "t", exp))
            got = switch.get_credentials(config, target)
            assert got.access_key_id == "ASIA", got
            assert switch.cached_credentials(target) == got
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore"))
        print(heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


def test_concurrent_stores_keep_every_index_entry():
    import threading
    import time as _time

    from tests.fixtures.keyring import MemoryKeyring

    class SlowKeyring(MemoryKeyring):
        def get_password(self, service, username):
            value = super().get_password(service, username)
            _time.sleep(0.005)  # widen the read-modify-write window of the index
            return value

    keystore.reset()
    accounts = tuple(Account(f"acct{i:02d}", f"1234567890{i:02d}", roles=(Role("R"),))
                     for i in range(12))
    config = Config(accounts=accounts)
    with installed_keyring(SlowKeyring()):
        threads = [threading.Thread(target=cache.store, args=(resolve(config, a.alias), creds(60)))
                   for a in accounts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(cache._index()) == 12
        cache.clear()
        assert all(cache.load(resolve(config, a.alias)) is None for a in accounts)
    keystore.reset()


# -- damaged entries -------------------------------------------------------------------

GOOD = creds(60)
DAMAGED = {
    "a list": "[]",
    "a number": "5",
    "a string": '"text"',
    "null": "null",
    "not JSON": "{broken",
    "no timezone": json.dumps({**GOOD.to_json(), "Expiration": "2999-01-01T00:00:00"}),
    "a number as key id": json.dumps({**GOOD.to_json(), "AccessKeyId": 5}),
    "a list as token": json.dumps({**GOOD.to_json(), "SessionToken": ["x"]}),
    "a number as expiry": json.dumps({**GOOD.to_json(), "Expiration": 5}),
    "no secret": json.dumps({k: v for k, v in GOOD.to_json().items() if k != "SecretAccessKey"}),
    "an unknown kind": json.dumps({**GOOD.to_json(), "Kind": 7}),
    "a key id that is a sentence": json.dumps({**GOOD.to_json(), "AccessKeyId": "export X=1; rm"}),
}


@pytest.fixture
def warnings(caplog, monkeypatch):
    monkeypatch.setattr(cache, "_warned_damaged", False)

    def damaged():
        return [r.getMessage() for r in caplog.records if "is damaged" in r.getMessage()]

    return damaged


@pytest.mark.parametrize("value", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_session_is_a_miss_with_one_warning_and_is_overwritten(kr, warnings, value):
    target = resolve(CONFIG, "dev/Admin")
    kr.set_password(keystore.SESSIONS_SERVICE, cache.cache_key(target), value)
    assert cache.load(target) is None
    assert cache.load(target) is None
    (line,) = warnings()
    assert line.startswith("switcher: warning: the cached session of dev/Admin in the OS keyring")
    assert "secret" not in line and value not in line
    cache.store(target, GOOD)
    assert cache.load(target) == GOOD


@pytest.mark.parametrize("value", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_index_is_rebuilt_and_never_breaks_a_call(kr, warnings, value):
    admin, ro = resolve(CONFIG, "dev/Admin"), resolve(CONFIG, "dev/ReadOnly")
    kr.set_password(keystore.SESSIONS_SERVICE, cache.INDEX, value)
    cache.store(admin, GOOD)
    cache.store(ro, GOOD)
    assert sorted(cache._index()) == sorted([cache.cache_key(admin), cache.cache_key(ro)])
    kr.set_password(keystore.SESSIONS_SERVICE, cache.INDEX, value)
    cache.forget_name("dev/Admin")  # what `switcher remove` calls
    cache.clear(ro)
    cache.clear()
    assert json.loads(kr.get_password(keystore.SESSIONS_SERVICE, cache.INDEX)) == []
    if value not in ("[]", "null"):  # an empty list is a valid index
        assert len(warnings()) == 1


def test_an_index_with_a_stray_value_keeps_its_names(kr, warnings):
    admin = resolve(CONFIG, "dev/Admin")
    cache.store(admin, GOOD)
    kr.set_password(keystore.SESSIONS_SERVICE, cache.INDEX,
                    json.dumps([cache.cache_key(admin), 5, None]))
    cache.forget_name("dev/Admin")
    assert cache.load(admin) is None
    assert (keystore.SESSIONS_SERVICE, cache.cache_key(admin)) not in kr.store


def _put_raw(address: str, service: str, username: str, secret: bytes) -> None:
    """Write an item the way keyring's SecretService backend does, with any bytes."""
    import secretstorage
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(address)
    try:
        collection = secretstorage.get_default_collection(conn)
        collection.create_item(
            f"Password for '{username}' on '{service}'",
            {"service": service, "username": username, "application": "Python keyring library"},
            secret, replace=True)
    finally:
        conn.close()


def test_an_entry_that_is_not_utf8_is_a_miss(secret_service_keyring, secret_service, warnings):
    keystore.reset()
    address = secret_service["DBUS_SESSION_BUS_ADDRESS"]
    target = resolve(CONFIG, "dev/Admin")
    try:
        _put_raw(address, keystore.SESSIONS_SERVICE, cache.cache_key(target), b"\xff\xfe{")
        _put_raw(address, keystore.SESSIONS_SERVICE, cache.INDEX, b"\x80[")
        assert cache.load(target) is None
        cache.store(target, GOOD)
        assert cache.load(target) == GOOD
        assert cache._index() == [cache.cache_key(target)]
        cache.forget_name("dev/Admin")
        assert cache.load(target) is None
        assert len(warnings()) == 1
    finally:
        cache.clear()
        keystore.reset()
