import os
import stat

import pytest

from switcher.core import config as store
from switcher.core.errors import ConfigError, InputError
from switcher.core.model import Account, Config, Role, Settings


@pytest.fixture
def cfg_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path))
    return tmp_path


def sample() -> Config:
    return Config(
        accounts=(
            Account("prod", "123456789012", region="eu-west-1", color="F2B0A9",
                    roles=(Role("Admin", duration=3600), Role("team/ops/Deploy", external_id="xyz-1"))),
            Account("gov", "210987654321", region="us-gov-west-1", source="base"),
        ),
        settings=Settings(clipboard_clear_seconds=10, logout_first=True),
        keyring_sources=("base",),
    )


def test_missing_file_is_empty_config(cfg_dir):
    assert store.load() == Config()


def test_round_trip_mode_0600_and_version(cfg_dir):
    store.save(sample())
    path = cfg_dir / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("version = 1")
    assert store.load() == sample()


def test_save_leaves_no_temp_files(cfg_dir):
    store.save(sample())
    store.save(sample().without_account("gov"))
    assert sorted(p.name for p in cfg_dir.iterdir()) == ["config.toml"]


def test_broken_file_names_line_and_is_never_overwritten(cfg_dir):
    path = cfg_dir / "config.toml"
    broken = 'version = 1\n[[accounts]]\nalias = "prod"\nid = \n'
    path.write_text(broken)
    with pytest.raises(ConfigError, match=r"config\.toml.*line 4"):
        store.load()
    with pytest.raises(ConfigError):
        store.save(sample())
    assert path.read_text() == broken


def test_invalid_values_are_config_errors_naming_file(cfg_dir):
    (cfg_dir / "config.toml").write_text('version = 1\n[[accounts]]\nalias = "prod"\nid = "12"\n')
    with pytest.raises(ConfigError, match="config.toml: account id"):
        store.load()


def test_unknown_version_refused(cfg_dir):
    (cfg_dir / "config.toml").write_text("version = 9\n")
    with pytest.raises(ConfigError, match="version 9"):
        store.load()


def test_update_validates_before_writing(cfg_dir):
    store.save(sample())
    before = (cfg_dir / "config.toml").read_bytes()

    def bad_change(config):
        raise InputError("nope")

    with pytest.raises(InputError):
        store.update(bad_change)
    assert (cfg_dir / "config.toml").read_bytes() == before


def test_duplicate_alias_and_role_rejected():
    with pytest.raises(InputError, match="used by two"):
        Config(accounts=(Account("abc", "123456789012"), Account("abc", "123456789013")))
    with pytest.raises(InputError, match="twice"):
        Account("abc", "123456789012", roles=(Role("A"), Role("A")))


def test_secrets_have_no_place_in_the_schema(cfg_dir):
    (cfg_dir / "config.toml").write_text(
        'version = 1\n[[accounts]]\nalias = "abc"\nid = "123456789012"\naws_secret_access_key = "x"\n'
    )
    with pytest.raises(ConfigError, match="unknown key"):
        store.load()


def test_config_dir_created_private(tmp_path, monkeypatch):
    target = tmp_path / "new" / "dir"
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(target))
    store.save(sample())
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o700


def test_bad_hotkey_in_file_is_rejected_on_load(cfg_dir):
    (cfg_dir / "config.toml").write_text(
        'version = 1\n[settings]\npalette_hotkey = "ctrl+"\n'
    )
    with pytest.raises(ConfigError, match="config.toml: .*key after the modifiers"):
        store.load()


def test_hotkeys_are_stored_in_canonical_spelling(cfg_dir):
    store.save(Config(
        accounts=(Account("abc", "123456789012", roles=(Role("A", hotkey="alt+ctrl+p"),)),),
        settings=Settings(palette_hotkey="ctrl+alt+space"),
    ))
    loaded = store.load()
    assert loaded.accounts[0].roles[0].hotkey == "Ctrl+Alt+P"
    assert loaded.settings.palette_hotkey.startswith("Ctrl+Alt+")


def test_concurrent_updates_from_processes_lose_nothing(cfg_dir):
    """The tray and the CLI both save; each process's change must survive."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from switcher.core import config as store\n"
        "from switcher.core.model import Account, Role\n"
        "n = int(sys.argv[1])\n"
        "for i in range(8):\n"
        "    alias = f'p{n}-a{i}'\n"
        "    store.update(lambda c: c.with_account(Account(alias, f'{n:06d}{i:06d}', roles=(Role('R'),))))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(1, 5)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert len(store.load().accounts) == 32


@pytest.mark.parametrize(("text", "message"), [
    ('version = 1\nkeyring_sources = "abc"\n', "keyring_sources must be a list"),
    ('version = 1\n[settings]\nlogout_first = "false"\n', "logout_first must be true or false"),
    ('version = 1\n[settings]\nbrowser = 7\n', "browser must be a string"),
    ('version = 1\n[settings]\nclipboard_clear_seconds = "abc"\n', "must be a whole number"),
    ('version = 1\n[[accounts]]\nalias = "abc"\nid = "123456789012"\n'
     'roles = [{ name = "A", duration = true }]\n', "account abc: role A: duration"),
])
def test_wrong_types_in_a_hand_edited_file_are_refused(cfg_dir, text, message):
    (cfg_dir / "config.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        store.load()


def test_non_utf8_file_is_a_config_error_and_kept(cfg_dir):
    path = cfg_dir / "config.toml"
    path.write_bytes(b'version = 1\n# caf\xe9\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        store.load()
    with pytest.raises(ConfigError):
        store.save(sample())
    assert path.read_bytes() == b'version = 1\n# caf\xe9\n'


DEEP_ARRAY = "x = " + "[" * 500 + "]" * 500 + "\n"
DEEP_TABLE = "x = " + "{ a = " * 500 + "1" + " }" * 500 + "\n"


@pytest.mark.parametrize(("text", "message"), [
    ("version = 1\n" + DEEP_ARRAY, "nested too deeply"),
    ("version = 1\n" + DEEP_TABLE, "nested too deeply"),
    ("version = 1\nx = " + "9" * 5000 + "\n", "thousands of digits"),
    ("version = 1\n[settings]\nclipboard_clear_seconds = " + "9" * 4400 + "\n",
     "thousands of digits"),
])
def test_files_tomllib_cannot_take_are_config_errors(cfg_dir, text, message):
    path = cfg_dir / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=f"^{path}: .*{message}; fix or move the file"):
        store.load()
    with pytest.raises(ConfigError):
        store.save(sample())
    assert path.read_text() == text


@pytest.mark.parametrize(("value", "message"), [
    ('"Ctrl+Alt+١"', "unknown key"), ('"Ctrl+Alt+²"', "unknown key"),
    ('"Ctrl+F²"', "unknown key"), ('"Ctrl+F١"', "unknown key"), ('"Ctrl+Alt+Ä"', "unknown key"),
])
def test_hotkeys_with_non_ascii_keys_are_refused(cfg_dir, value, message):
    (cfg_dir / "config.toml").write_text(f"version = 1\n[settings]\npalette_hotkey = {value}\n")
    with pytest.raises(ConfigError, match=f"config.toml: {message}"):
        store.load()


@pytest.mark.parametrize(("text", "message"), [
    ('version = 1\n[[accounts]]\nalias = "prod"\nid = "١٢٣٤٥٦٧٨٩٠١٢"\n', "12 digits"),
    ('version = 1\n[[accounts]]\nalias = "prod"\nid = "123456789012"\nregion = "us-east-١"\n',
     "not a region name"),
    ('version = [1]\n', "version \\[1\\] is not supported"),
    ('version = 1\n[[accounts]]\nalias = "prod"\nid = "123456789012"\nregion = '
     + "[" * 300 + "]" * 300 + "\n", "region must be a string, not \\[\\[\\["),
    ('version = 1\n[[accounts]]\nalias = "' + "x" * 5000 + '"\nid = 5\n', "alias"),
])
def test_values_of_the_wrong_shape_are_config_errors(cfg_dir, text, message):
    (cfg_dir / "config.toml").write_text(text)
    with pytest.raises(ConfigError, match=f"config.toml: .*{message}") as info:
        store.load()
    assert len(str(info.value)) < 400


def test_a_value_of_a_shape_no_check_foresaw_is_still_a_config_error(cfg_dir, monkeypatch):
    from switcher.core.model import Config

    def unforeseen(data):
        raise TypeError("a check that assumed a shape")

    monkeypatch.setattr(Config, "from_dict", unforeseen)
    (cfg_dir / "config.toml").write_text("version = 1\n")
    with pytest.raises(ConfigError, match=r"config.toml: a value has a shape Switcher cannot "
                                          r"read \(TypeError\)"):
        store.load()


def test_aliases_that_differ_in_case_round_trip(cfg_dir):
    config = Config(accounts=(Account("prod", "123456789012"), Account("PROD", "123456789013"),
                              Account("My_Account.1", "123456789014")))
    store.save(config)
    assert store.load() == config
