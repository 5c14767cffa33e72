import pytest

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.secrets import keysources, keystore

KEY_ID, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path))
    return tmp_path / "config.toml"


def test_add_stores_keys_and_records_source(kr, cfg):
    config = keysources.add("work", KEY_ID, SECRET)
    assert config.keyring_sources == ("work",)
    assert store.load().keyring_sources == ("work",)
    assert keystore.get(keystore.KEYS_SERVICE, "work")


@pytest.mark.parametrize(("name", "key_id", "secret", "message"), [
    ("bad name", KEY_ID, SECRET, "source name"),
    ("work", "ASIAIOSFODNN7EXAMPLE", SECRET, "temporary"),
    ("work", "akia-lower", SECRET, "capital letters"),
    ("work", KEY_ID, "short", "malformed"),
])
def test_bad_input_stores_nothing(kr, cfg, name, key_id, secret, message):
    with pytest.raises(InputError, match=message):
        keysources.add(name, key_id, secret)
    assert not cfg.exists()
    assert not [entry for entry in kr.store if entry[0] == keystore.KEYS_SERVICE]


def test_failed_config_update_takes_the_new_keys_back_out(kr, cfg, monkeypatch):
    def failing_update(change, path=None):
        raise OSError("disk full")

    monkeypatch.setattr(store, "update", failing_update)
    with pytest.raises(OSError):
        keysources.add("work", KEY_ID, SECRET)
    assert not [entry for entry in kr.store if entry[0] == keystore.KEYS_SERVICE]


def test_remove_refuses_a_source_in_use(kr, cfg):
    from dataclasses import replace

    from switcher.core.model import Account

    keysources.add("work", KEY_ID, SECRET)
    store.update(lambda c: c.with_account(replace(Account("prod", "123456789012"), source="work")))
    with pytest.raises(InputError, match="used by prod"):
        keysources.remove("work")
    store.update(lambda c: c.without_account("prod"))
    assert keysources.remove("work").keyring_sources == ()
    assert not keystore.get(keystore.KEYS_SERVICE, "work")
