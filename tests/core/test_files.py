"""Atomic writes: a reader sees the old file or the new one, a killed writer loses no
acknowledged edit, and its temp files are removed by the next write (never one a live
writer still holds)."""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import time

from switcher.core import files


def _temps(directory, name="data.json"):
    return sorted(p.name for p in directory.glob(f".{name}-*.tmp"))


def _writer(path, start: int, ack_fd: int) -> None:
    """The child's loop: write edit n, then acknowledge it; never returns."""
    try:
        for n in range(start, start + 10**9):
            files.write_atomic(path, json.dumps({"n": n, "pad": "x" * 200_000}))
            os.write(ack_fd, b"%d\n" % n)
    finally:
        os._exit(0)


def test_writers_killed_200_times_lose_no_edit_and_corrupt_nothing(tmp_path):
    path = tmp_path / "data.json"
    files.write_atomic(path, json.dumps({"n": 0}))
    rng = random.Random(8)
    corrupt = lost = 0
    for _ in range(200):
        last = json.loads(path.read_text())["n"]
        read_fd, ack_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _writer(path, last + 1, ack_fd)
        os.close(ack_fd)
        time.sleep(rng.uniform(0, 0.01))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as acks:
            acked = [int(line) for line in acks.read().split(b"\n")[:-1]]
        try:
            now = json.loads(path.read_text())["n"]
        except ValueError:
            corrupt += 1
            continue
        if acked and now < acked[-1]:
            lost += 1
    assert (corrupt, lost) == (0, 0)
    # the dead writers' temp files go with the next write once they are old enough
    old = time.time() - files.STALE_TEMP_SECONDS - 1
    for name in _temps(tmp_path):
        os.utime(tmp_path / name, (old, old))
    files.write_atomic(path, json.dumps({"n": -1}))
    assert _temps(tmp_path) == []
    assert json.loads(path.read_text()) == {"n": -1}


def test_stale_temps_go_but_fresh_or_locked_ones_stay(tmp_path):
    path = tmp_path / "data.json"
    old = time.time() - files.STALE_TEMP_SECONDS - 1
    dead, fresh, live, other = (tmp_path / f".data.json-{n}.tmp" for n in ("dead", "fresh", "live", "x"))
    other = tmp_path / ".data.json.bak-old.tmp"  # another file's temp: not ours to judge
    for p in (dead, fresh, live, other):
        p.write_text("partial")
    for p in (dead, live, other):
        os.utime(p, (old, old))
    holder = os.open(live, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a writer that is slow, not dead
    try:
        files.write_atomic(path, "new")
    finally:
        os.close(holder)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["data.json", fresh.name, live.name, other.name])
    assert path.read_text() == "new" and (path.stat().st_mode & 0o777) == 0o600


def test_locked_serialises_processes(tmp_path):
    lock = tmp_path / "x.lock"
    counter = tmp_path / "counter"
    counter.write_text("0")
    pids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                for _ in range(50):
                    with files.locked(lock):
                        value = int(counter.read_text())
                        counter.write_text(str(value + 1))
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    assert counter.read_text() == "200"
    assert lock.read_bytes() == b"" and (lock.stat().st_mode & 0o777) == 0o600
