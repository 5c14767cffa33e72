"""Writing a file so that a reader sees the old content or the new, never half of it; and
a cross-process lock for read-modify-write."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; writes stay atomic, cleanup goes by age
    fcntl = None

# A temp file of a killed writer is removed by the next write once it is this old and no
# writer holds its lock. The age covers the instant between creating a temp file and
# locking it; the lock covers a writer that is slow (a paused process, a slow fsync).
STALE_TEMP_SECONDS = 5.0


def write_atomic(path: Path, text: str, *, mode: int = 0o600, durable: bool = False) -> None:
    """Temp file in the same directory, then rename over ``path``. ``durable`` also fsyncs
    the file and the directory, for data a crash must not lose (the user's config).

    Temp files that an interrupted write of ``path`` left behind are removed first."""
    import tempfile  # lazy: only writes pay for it, the cached `creds` path never does

    prefix, suffix = f".{path.name}-", ".tmp"
    _remove_stale_temps(path.parent, prefix, suffix)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # "a writer is using this": see _remove_stale_temps
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            if fcntl is not None:
                os.replace(tmp, path)  # still open: the lock lasts until the name is gone
        if fcntl is None:
            os.replace(tmp, path)  # Windows renames only closed files
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _remove_stale_temps(directory: Path, prefix: str, suffix: str) -> None:
    try:
        entries = [e for e in os.scandir(directory)
                   if e.name.startswith(prefix) and e.name.endswith(suffix)]
    except OSError:
        return
    now = time.time()
    for entry in entries:
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_TEMP_SECONDS:
                continue
            _remove_if_unlocked(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove: the write itself goes on


def _remove_if_unlocked(name: str) -> None:
    if fcntl is None:
        os.unlink(name)
        return
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a live writer holds it
        os.unlink(name)
    finally:
        os.close(fd)


@contextmanager
def locked(lock_file: Path):
    """Hold an exclusive advisory lock on ``lock_file`` (created empty, 0600) for the
    block: serialises read-modify-write between processes and threads alike (each entry
    opens its own descriptor). Windows: no lock, the block just runs."""
    if fcntl is None:
        yield
        return
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
