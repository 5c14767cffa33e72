"""Shared setup for the tray's in-process widget tests: an isolated config dir, AWS files
holding a real moto user's keys, the endpoints of the test stack, an in-memory keyring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from switcher.core import config as config_store
from switcher.core.model import Account, Config, Role
from switcher.sandbox.seed import write_aws_files
from tests.fixtures.tray import write_browser_stand_in

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The offscreen platform cannot raise windows or pass size hints to a window manager.
QT_LOG_IGNORE = pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints|grabbing)")


@pytest.fixture
def core_env(tmp_path, monkeypatch, aws_stack, memory_keyring):
    """Environment for the real core in this process; returns the config file path."""
    from switcher.core.secrets import keystore

    for name in list(os.environ):
        if name.startswith(("AWS_", "SWITCHER_")) or name == "BROWSER":
            monkeypatch.delenv(name)
    # never start a real browser from a test: `true` accepts the URL and does nothing
    monkeypatch.setenv("BROWSER", "true")
    keystore.reset()  # the core remembers the backend; this test's is a fresh memory keyring
    aws_config, aws_creds = write_aws_files(tmp_path, aws_stack.user_keys(), profile="base",
                                            with_role_profile=False)
    for name, value in {
        **aws_stack.base_env,
        "SWITCHER_CONFIG_DIR": str(tmp_path / "switcher"),
        "SWITCHER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "AWS_CONFIG_FILE": str(aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws_creds),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
    }.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "switcher" / "config.toml"
    config_store.save(demo_config(), path)
    aws_stack.clear_log()
    yield path
    keystore.reset()


def demo_config(**settings) -> Config:
    config = Config(accounts=(
        Account("dev", "111111111111", region="eu-west-1", color="B7CA9D", source="base",
                roles=(Role("Admin"), Role("team/ReadOnly"))),
        Account("prod", "222222222222", color="F2B0A9", source="base",
                mfa_serial="arn:aws:iam::222222222222:mfa/tester", roles=(Role("Deploy"),)),
    ))
    if settings:
        from dataclasses import replace

        config = replace(config, settings=replace(config.settings, **settings))
    return config


@pytest.fixture
def browser_stand_in(tmp_path, monkeypatch) -> Path:
    """$BROWSER as a script that appends the URL it is given to a file."""
    script, log = write_browser_stand_in(tmp_path, "browser")
    monkeypatch.setenv("BROWSER", str(script))
    return log
