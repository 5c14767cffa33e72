"""A keyring-cached ``switcher creds NAME`` without resolving NAME again.

Resolving a target reads config.toml (tomllib, the model's dataclasses), ~/.aws/config
(botocore's loader) and the discovery inventory: 40 ms of a cached ``creds`` that may take
about four interpreter start-ups in all. So each full ``creds`` notes, in the runtime dir
(per user, 0700, gone at logout), which keyring entry holds NAME's session and what it was
resolved from: the environment that chooses the files, and each file's identity (inode,
size, mtime). The next ``creds NAME`` with the same inputs reads that one entry (through
``secrets.dbus_read``) and prints it; any difference, a missing or damaged entry, or a
session within 5 minutes of its end is a miss, and the full path runs as before.

The note holds no secret: target names, keyring entry names, a region, a format. Roles
that need approval are never noted, so the full path can refuse them.
"""

from __future__ import annotations

import json
import os

from switcher.core import places

NAME = "creds-shortcuts.json"
MAX_NOTES = 256
# Everything that may change which files are read or which session is the right one
# (cache_key reads the STS endpoint variables; botocore reads AWS_CONFIG_FILE)
ENVIRONMENT = (*places.CONFIG_INPUTS, "SWITCHER_CACHE_DIR", "XDG_CACHE_HOME", "AWS_CONFIG_FILE",
               "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION",
               "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "DBUS_SESSION_BUS_ADDRESS",
               "PYTHON_KEYRING_BACKEND")


def note(typed: str, target, fmt: str) -> None:
    """After a full ``creds``: remember where ``typed``'s session is. Best effort: a note
    that cannot be written only means the next call takes the full path."""
    from switcher.core.secrets import secretservice

    if (target.confirm or not secretservice.usable()
            or not _absolute(os.environ.get("AWS_CONFIG_FILE"))):
        return
    from switcher.core import paths
    from switcher.core.discovery import inventory
    from switcher.core.secrets.cache import cache_key

    try:
        files = [str(paths.config_path()), str(paths.aws_config_file())]
        folder = inventory.directory()
        files.append(str(folder))
        if folder.is_dir():
            files += sorted(str(p) for p in folder.iterdir())
        entry = {"name": target.name, "key": cache_key(target), "region": target.region,
                 "format": fmt, "env": _environment(), "files": [[f, _stamp(f)] for f in files]}
        notes_file = paths.runtime_dir() / NAME
        notes = _read(str(notes_file))
        if notes.get(typed) == entry:
            return  # the usual case after a refresh or a new session: nothing to write
        notes.pop(typed, None)
        notes[typed] = entry  # the newest last: the oldest go first past MAX_NOTES
        while len(notes) > MAX_NOTES:
            notes.pop(next(iter(notes)))
        from switcher.core.files import write_atomic

        write_atomic(notes_file, json.dumps(notes, separators=(",", ":")))
    except (OSError, ValueError):
        pass


def lookup(typed: str) -> dict | None:
    """The note for ``typed`` when its inputs are unchanged, else None."""
    folder = places.runtime_dir_name()
    if folder is None or not places.private_dir(folder):
        return None
    entry = _read(os.path.join(folder, NAME)).get(typed)
    if not isinstance(entry, dict) or entry.get("env") != _environment():
        return None
    files = entry.get("files")
    if not isinstance(files, list) or not files:
        return None
    for item in files:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and item[1] == _stamp(item[0])):
            return None
    if not all(isinstance(entry.get(k), str) for k in ("name", "key", "format")):
        return None
    return entry


def cached_text(typed: str, fmt: str | None) -> str | None:
    """The text ``switcher creds typed [--format fmt]`` would print from the keyring cache,
    or None when the full path must run."""
    entry = lookup(typed)
    if entry is None:
        return None
    from switcher.core.secrets import SESSIONS_SERVICE, dbus_read, secretservice

    if not secretservice.usable():
        return None
    try:
        raw = dbus_read.read(SESSIONS_SERVICE, entry["key"])
    except (secretservice.Unsupported, UnicodeDecodeError):
        return None  # the full path reads it the thorough way, and warns when it is damaged
    if not raw:
        return None
    from switcher.core.credentials import MIN_SECONDS_LEFT, cached_session

    creds = cached_session(raw)
    if creds is None or (creds.seconds_left() or 0) < MIN_SECONDS_LEFT:
        return None
    from switcher.core.creds_text import render

    region = entry.get("region")
    return render(creds, fmt or entry["format"], region=region if isinstance(region, str) else None,
                  profile=entry["name"])


def _environment() -> list[str]:
    return [os.environ.get(name, "") for name in ENVIRONMENT]


def _absolute(path: str | None) -> bool:
    return path is None or os.path.isabs(path)  # a relative one depends on the cwd


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _read(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
