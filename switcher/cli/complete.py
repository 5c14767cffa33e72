"""``switcher __complete targets``: the target names a shell completes, one a line.

It runs on every TAB, so it stays lean: no botocore, no argparse parser, no Config model
unless there are discovered targets. config.toml is read as plain TOML for the aliases and
role names (``core.targets.list_targets`` when it has sources to discover), ~/.aws/config
with configparser (what botocore's own loader uses).
The list is kept in the cache directory with the size, mtime and inode of every file it
was read from; while none of them has changed, a TAB reads that list and parses nothing.
Anything unreadable is left out without a word: a completion has no place to show an error.
"""

from __future__ import annotations

import sys


def _config_targets(raw: dict) -> list[str]:
    names = []
    for account in raw.get("accounts", ()):
        if not isinstance(account, dict) or not isinstance(account.get("alias"), str):
            continue
        for role in account.get("roles", ()):
            name = role.get("name") if isinstance(role, dict) else None
            if isinstance(name, str):
                names.append(f"{account['alias']}/{name}")
    return names


def _with_discovered(path: str) -> list[str]:
    """Our accounts' and the discovered targets, by the real list: its overlay aliases
    and clash naming are the names ``switcher login`` resolves. (Its profiles are left
    to ``_profile_targets``: botocore reads them there.)"""
    from pathlib import Path

    from switcher.core import config
    from switcher.core.targets import list_targets

    return [t.name for t in list_targets(config.load(Path(path)), include_profiles=False)]


def _profile_targets() -> list[str]:
    """Role profiles as botocore's config loader names them: ``[profile NAME]`` and
    ``[default]`` in the config file, every section of the credentials file."""
    import configparser

    from switcher.core.paths import aws_config_file, aws_credentials_file

    profiles: dict[str, dict[str, str]] = {}
    for path, prefixed in ((aws_config_file(), True), (aws_credentials_file(), False)):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeError):
            continue
        for section in parser.sections():
            name = section
            if prefixed and section != "default":
                kind, _, name = section.partition(" ")
                if kind != "profile" or not name.strip():
                    continue  # sso-session, services...: not profiles
                name = name.strip()
            profiles.setdefault(name, {}).update(parser.items(section))
    # a web-identity profile is a source of credentials, not a role to switch to
    # (core.targets.is_role_profile; importing it would bring the whole model in)
    return [name for name, values in profiles.items()
            if "role_arn" in values and "web_identity_token_file" not in values]


def _inputs() -> list[str]:
    """The files every target list depends on, in a fixed order: a changed
    AWS_CONFIG_FILE (or any other override) is a different list."""
    from switcher.core.paths import aws_config_file, aws_credentials_file, config_path

    return [str(config_path()), str(aws_config_file()), str(aws_credentials_file())]


def _stamp(path: str) -> str:
    import os

    try:
        st = os.stat(path)
    except OSError:
        return "-"
    # the inode too: every writer here renames a new file into place
    return f"{st.st_mtime_ns} {st.st_size} {st.st_ino}"


def targets(inputs: list[str] | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """The target names, and the files they were read from with their stamps (the
    inputs, then the discovery inventory's directory when there are sources to
    discover), each stamped before it is read: a write in between leaves a stamp that no
    longer matches."""
    import tomllib

    inputs = _inputs() if inputs is None else inputs
    read = [(file, _stamp(file)) for file in inputs]
    try:
        with open(inputs[0], "rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeError):
        raw = {}
    names = _config_targets(raw)
    if raw.get("sso") or raw.get("org"):
        try:
            from switcher.core.discovery.inventory import directory

            # inventory writes are renames into this directory: its mtime follows them
            read.append((str(directory()), _stamp(str(directory()))))
            names = _with_discovered(inputs[0])
        except Exception:  # noqa: BLE001 - a completion must never print a traceback
            pass
    names += _profile_targets()
    return list(dict.fromkeys(names)), read


CACHE_NAME = "completion-targets"
_MAGIC = "switcher completion targets 1"


def _cache_path() -> str:
    from switcher.core.paths import cache_dir

    return str(cache_dir() / CACHE_NAME)


def _cached(path: str, inputs: list[str]) -> str | None:
    """The cached list, when it was made from ``inputs`` and none of its files changed."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeError):
        return None
    head, sep, names = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or lines[0] != _MAGIC:
        return None
    deps = [line.split("\t") for line in lines[1:]]
    if any(len(dep) != 2 for dep in deps) or [d[0] for d in deps[:len(inputs)]] != inputs:
        return None
    return names if all(_stamp(file) == stamp for file, stamp in deps) else None


def _store(path: str, read: list[tuple[str, str]], names: list[str]) -> None:
    if any(("\t" in f or "\n" in f) for f, _ in read) or any("\n" in n for n in names):
        return  # not representable in the cache's lines: simply never cached
    from pathlib import Path

    from switcher.core.files import write_atomic

    head = [_MAGIC, *(f"{file}\t{stamp}" for file, stamp in read)]
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(Path(path), "\n".join(head) + "\n\n" + "".join(f"{n}\n" for n in names))
    except OSError:
        pass  # a read-only cache directory: every TAB reads the files instead


def listing() -> str:
    inputs, path = _inputs(), _cache_path()
    cached = _cached(path, inputs)
    if cached is not None:
        return cached
    names, read = targets(inputs)
    _store(path, read, names)
    return "".join(f"{name}\n" for name in names)


def run(argv: list[str]) -> int:
    if argv != ["targets"]:
        sys.stderr.write("switcher: __complete takes one argument: targets\n")
        return 2
    try:
        text = listing()
    except Exception:  # noqa: BLE001 - a half-written config must not break the shell's TAB
        return 0
    sys.stdout.write(text)
    return 0
