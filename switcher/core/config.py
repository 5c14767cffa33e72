"""The config file: TOML, versioned, written atomically with mode 0600.

A file that fails to parse is never overwritten: every save re-reads the file first and
refuses if what is on disk is broken, so a hand edit with a typo is not lost.
"""

from __future__ import annotations

import os
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from switcher.core.errors import ConfigError, InputError
from switcher.core.files import write_atomic
from switcher.core.model import Config
from switcher.core.paths import config_path
from switcher.core.validate import short_repr

CONFIG_VERSION = 1


KEEP = "fix or move the file, it was not changed"


def _parse(path: Path, text: str) -> Config:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line N, column M)" in the message; keep it with the file name
        raise ConfigError(f"{path}: {exc}; {KEEP}") from None
    except RecursionError:
        # tomllib recurses once per level of nested arrays and inline tables
        raise ConfigError(f"{path}: arrays or tables nested too deeply; {KEEP}") from None
    except ValueError:
        # int() refuses more than sys.get_int_max_str_digits() digits (4,300 by default)
        raise ConfigError(f"{path}: a number with thousands of digits; {KEEP}") from None
    version = data.get("version", CONFIG_VERSION)
    if version != CONFIG_VERSION:
        raise ConfigError(f"{path}: version {short_repr(version)} is not supported "
                          f"(expected {CONFIG_VERSION})")
    try:
        return Config.from_dict(data)
    except InputError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (TypeError, ValueError, RecursionError) as exc:
        # a value of a shape no check foresaw: still the file's fault, and still one line
        raise ConfigError(f"{path}: a value has a shape Switcher cannot read "
                          f"({type(exc).__name__}); {KEEP}") from None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); fix or move the file, it was not changed") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None


def load(path: Path | None = None) -> Config:
    path = path or config_path()
    text = _read(path)
    return Config() if text is None else _parse(path, text)


def exists(path: Path | None = None) -> bool:
    return (path or config_path()).exists()


def dumps(config: Config) -> str:
    import tomli_w  # lazy: reading the config is the hot path, not writing

    data = {"version": CONFIG_VERSION, **config.to_dict()}
    return tomli_w.dumps(data)


def save(config: Config, path: Path | None = None) -> None:
    path = path or config_path()
    existing = _read(path)
    if existing is not None:
        _parse(path, existing)  # raises rather than clobber a broken file
    _write(dumps(config), path)


def _write(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, text, mode=0o600, durable=True)


@contextmanager
def _locked(path: Path):
    """Serialise read-modify-write between the tray and CLI processes; without it one
    process's change can be lost when both save at once."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; saves stay atomic, just unserialised
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def update(change, path: Path | None = None) -> Config:
    """Load, apply ``change(config) -> config``, save; the change validates before any write."""
    path = path or config_path()
    with _locked(path):
        config = load(path)  # parses the file: a broken one raises here, before any write
        new = change(config)
        _write(dumps(new), path)
    return new
