"""The keyring wrapper: secrets go to the OS keyring or nowhere."""

from __future__ import annotations

import logging

import keyring.backend
import pytest
from keyring.backends import fail

from switcher.core.errors import InputError
from switcher.core.secrets import keystore
from tests.fixtures.keyring import MemoryKeyring, installed_keyring


@pytest.fixture
def no_keyring():
    keystore.reset()
    with installed_keyring(fail.Keyring()):
        yield
    keystore.reset()


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's file backend: a keyring we must refuse to use."""


class BrokenKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        raise RuntimeError("Cannot autolaunch D-Bus\nwithout X11 $DISPLAY")

    set_password = delete_password = get_password


def test_keys_round_trip_under_a_switcher_service(kr):
    keystore.store_keys("work", "AKIAEXAMPLEEXAMPLE00", "s3cr3t/with+chars")
    assert keystore.load_keys("work") == ("AKIAEXAMPLEEXAMPLE00", "s3cr3t/with+chars")
    services = {service for service, _ in kr.store}
    assert services and all(s.startswith("switcher") for s in services)
    assert keystore.remove_keys("work") is True
    assert keystore.load_keys("work") is None
    assert keystore.remove_keys("work") is False


def test_damaged_entry_names_the_fix(kr):
    kr.set_password(keystore.KEYS_SERVICE, "work", "not json")
    with pytest.raises(InputError, match="switcher keys add work"):
        keystore.load_keys("work")


def test_no_keyring_refuses_to_store(no_keyring):
    assert keystore.backend() is None
    with pytest.raises(InputError, match="no OS keyring"):
        keystore.store_keys("work", "AKIAEXAMPLEEXAMPLE00", "x" * 40)


def test_plaintext_backend_is_refused(tmp_path):
    keystore.reset()
    with installed_keyring(PlaintextKeyring()):
        assert keystore.backend() is None
        assert keystore.backend_name() == "none"
    keystore.reset()


def test_backend_errors_become_one_line(tmp_path):
    keystore.reset()
    with installed_keyring(BrokenKeyring()):
        with pytest.raises(InputError) as info:
            keystore.load_keys("work")
    keystore.reset()
    assert "\n" not in str(info.value)
    assert "Cannot autolaunch D-Bus without X11" in str(info.value)


def test_warning_is_given_once(no_keyring, caplog):
    with caplog.at_level(logging.WARNING, logger="switcher"):
        keystore.warn_no_cache("no OS keyring")
        keystore.warn_no_cache("no OS keyring")
    assert len(caplog.records) == 1
    assert "not cached" in caplog.records[0].getMessage()


def test_warning_is_given_once_across_threads(no_keyring, caplog):
    import threading

    start = threading.Barrier(8)

    def miss():
        start.wait()
        keystore.warn_no_cache("no OS keyring")

    with caplog.at_level(logging.WARNING, logger="switcher"):
        threads = [threading.Thread(target=miss) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(caplog.records) == 1


# -- the lean Secret Service path must be interchangeable with keyring's backend ---------


@pytest.fixture
def bus(secret_service, monkeypatch, tmp_path):
    """A real gnome-keyring on a private bus, with keyring not yet set up in-process."""
    import keyring.core

    for name, value in secret_service.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    keystore.reset()
    yield
    keystore.reset()


def _keyring_backend():
    from keyring.backends import SecretService

    return SecretService.Keyring()


def test_fast_path_reads_what_keyring_wrote_and_back(bus):
    from switcher.core.secrets import secretservice

    assert secretservice.usable()
    backend = _keyring_backend()
    backend.set_password("switcher:test", "alice", "from keyring ✓")
    with secretservice.Connection() as conn:
        assert conn.get("switcher:test", "alice") == "from keyring ✓"
        assert conn.get("switcher:test", "nobody") is None
        conn.put("switcher:test", "bob", "from jeepney")
        conn.put("switcher:test", "bob", "replaced")  # replace, not a second item
    assert backend.get_password("switcher:test", "bob") == "replaced"
    with secretservice.Connection() as conn:
        assert conn.delete("switcher:test", "bob") is True
        assert conn.delete("switcher:test", "bob") is False
        assert conn.delete("switcher:test", "alice") is True
    assert backend.get_password("switcher:test", "bob") is None


def test_keystore_uses_the_fast_path_without_importing_keyring(bus):
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import sys
        from switcher.core.secrets import keystore
        keystore.put("switcher:test", "carol", "secret")
        assert keystore.get("switcher:test", "carol") == "secret"
        assert keystore.delete("switcher:test", "carol")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("keyring", "secretstorage")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_fast_path_steps_aside(bus, monkeypatch, tmp_path):
    from switcher.core.secrets import secretservice

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.kwallet.DBusKeyring")
    assert not secretservice.usable()
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    rc = tmp_path / "xdg-config" / "python_keyring" / "keyringrc.cfg"
    rc.parent.mkdir(parents=True)
    rc.write_text("[backend]\ndefault-keyring=keyring.backends.null.Keyring\n")
    assert not secretservice.usable()
    rc.unlink()
    assert secretservice.usable()
    with installed_keyring(MemoryKeyring()) as memory:
        assert not secretservice.usable()
        keystore.put("switcher:test", "dave", "in memory")
        assert memory.get_password("switcher:test", "dave") == "in memory"
