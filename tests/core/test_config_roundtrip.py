"""The config store writes what it reads: dumps → _parse gives back the same Config."""

from pathlib import Path

from hypothesis import given, settings

from switcher.core import config as store

from .strategies import configs


@settings(max_examples=200, deadline=None)
@given(configs())
def test_dumps_then_parse_is_identity(config):
    assert store._parse(Path("config.toml"), store.dumps(config)) == config


@settings(max_examples=25, deadline=None)
@given(configs())
def test_save_then_load_is_identity(tmp_path_factory, config):
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    store.save(config, path)
    assert store.load(path) == config
    assert path.stat().st_mode & 0o777 == 0o600
