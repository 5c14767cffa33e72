"""Running ``switcher`` in-process: ``cli("list", "--json")`` calls
``switcher.cli.main.main`` and returns ``Result(code, out, err)``.

In-process runs are an order of magnitude quicker than the e2e subprocesses and let a test
look inside (the keyring, the STS log), while still going through the real parser,
dispatch and error handling. Every test gets its own config dir, AWS files, HOME, runtime
dir and an in-memory keyring; ``aws_cli`` adds the moto stack over real HTTP.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from switcher.cli.main import main
from switcher.core import paths
from switcher.core.secrets import keystore
from switcher.sandbox.seed import write_aws_files
from tests.fixtures.aws import BASE_PROFILE

# The developer's shell must not reach into an in-process run: these would point it at
# their real AWS setup, keyring, tray or browser.
_LEAKY_PREFIXES = ("AWS_", "SWITCHER_", "PYTHON_KEYRING")
_LEAKY = {"DBUS_SESSION_BUS_ADDRESS", "BROWSER", "XDG_RUNTIME_DIR"}


class Result(NamedTuple):
    code: int
    out: str
    err: str


def _exit_code(exc: SystemExit) -> int:
    # what the interpreter would make of it: argparse exits instead of returning
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    sys.stderr.write(f"{exc.code}\n")
    return 1


class Cli:
    """One isolated Switcher installation, driven through ``main(argv)``."""

    def __init__(self, root: Path, monkeypatch, capfd, keyring) -> None:
        self.root = root
        self.keyring = keyring
        self._monkeypatch = monkeypatch
        self._capfd = capfd
        self.home = root / "home"
        self.config_dir = root / "switcher"
        self.runtime_dir = root / "runtime"
        self.aws_config = root / "aws-config"
        self.aws_credentials = root / "aws-credentials"

    @property
    def config_path(self) -> Path:
        return self.config_dir / paths.CONFIG_NAME

    def config_bytes(self) -> bytes | None:
        return self.config_path.read_bytes() if self.config_path.exists() else None

    def __call__(self, *argv: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
        """Run ``switcher ARGV`` with ``stdin`` as its standard input; ``env`` is set for
        this call only. Output printed before the call is dropped."""
        self._capfd.readouterr()
        with self._monkeypatch.context() as m:
            m.setattr(sys, "stdin", io.StringIO(stdin))
            # main() counts nested calls in os.environ; each run starts at the top level
            # and the context puts back whatever main() left there
            _forget_call_depth(m)
            for name, value in (env or {}).items():
                m.setenv(name, value)
            try:
                code = main(list(argv))
            except SystemExit as exc:
                code = _exit_code(exc)
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = self._capfd.readouterr()
        return Result(code, out, err)

    def ok(self, *argv: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
        """Run a command that must succeed; its stdout."""
        result = self(*argv, stdin=stdin, env=env)
        assert result.code == 0, f"switcher {' '.join(argv)} -> {result.code}: {result.err}"
        return result.out

    def targets(self) -> dict[str, dict]:
        """``switcher list --json`` by target name."""
        return {t["target"]: t for t in json.loads(self.ok("list", "--json"))}


def _forget_call_depth(monkeypatch) -> None:
    # delenv of an absent name records nothing to undo, so main()'s own setting would
    # outlive the test: set it first, so that undoing removes it again
    monkeypatch.setenv("SWITCHER_CALL_DEPTH", "0")
    monkeypatch.delenv("SWITCHER_CALL_DEPTH")


def _isolate(root: Path, monkeypatch) -> None:
    for name in list(os.environ):
        if name in _LEAKY or name.startswith(_LEAKY_PREFIXES):
            monkeypatch.delenv(name)
    _forget_call_depth(monkeypatch)
    dirs = {name: root / name for name in ("home", "xdg-config", "xdg-data", "xdg-cache",
                                           "xdg-state", "runtime")}
    for path in dirs.values():
        path.mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["xdg-config"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["xdg-data"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["xdg-cache"]))
    monkeypatch.setenv("XDG_STATE_HOME", str(dirs["xdg-state"]))
    monkeypatch.setenv("SWITCHER_RUNTIME_DIR", str(dirs["runtime"]))
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(root / "switcher"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(root / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(root / "aws-credentials"))
    # no instance metadata here: botocore would otherwise wait for IMDS timeouts
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def cli(tmp_path, monkeypatch, capfd, memory_keyring) -> Cli:
    """Offline: an AWS config with profile ``base`` (region us-east-1) and no keys."""
    root = tmp_path / "cli"
    root.mkdir()
    _isolate(root, monkeypatch)
    (root / "aws-config").write_text(f"[profile {BASE_PROFILE}]\nregion = us-east-1\n")
    # the keystore remembers the backend it found first
    keystore.reset()
    yield Cli(root, monkeypatch, capfd, memory_keyring)
    keystore.reset()


@pytest.fixture
def aws_cli(cli, aws_stack, monkeypatch) -> Cli:
    """``cli`` against moto over HTTP (through the recording STS proxy) and the local
    federation endpoint; profile ``base`` holds a fresh IAM user's long-term keys."""
    write_aws_files(cli.root, aws_stack.user_keys(), profile=BASE_PROFILE,
                    with_role_profile=False)
    for name, value in aws_stack.base_env.items():
        monkeypatch.setenv(name, value)
    aws_stack.clear_log()
    return cli
