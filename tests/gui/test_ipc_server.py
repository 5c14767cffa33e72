"""Single-instance channel: JSON lines with a protocol version over a 0700 local socket,
one lock per user, stale-lock recovery, exit 3 with no tray."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest

from switcher import ipc
from switcher.core import paths
from switcher.core.errors import NoTrayError
from switcher.gui import ipc_server
from switcher.gui.ipc_server import Server

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    path = tmp_path / "runtime"
    monkeypatch.setenv("SWITCHER_RUNTIME_DIR", str(path))
    return path


def in_thread(fn):
    box = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


@pytest.fixture
def server(qtbot, runtime):
    seen = []

    def handler(message):
        seen.append(message)
        return {"ok": True, "echo": message["cmd"]}

    srv = Server(handler)
    assert srv.acquire()
    srv.listen()
    srv.seen = seen
    yield srv
    srv.close()


def ask(qtbot, fn):
    thread, box = in_thread(fn)
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10_000)
    if "error" in box:
        raise box["error"]
    return box["result"]


def test_request_and_reply(qtbot, server, runtime):
    reply = ask(qtbot, lambda: ipc.request("status"))
    assert reply == {"v": ipc.PROTOCOL, "ok": True, "echo": "status"}
    assert server.seen == [{"v": ipc.PROTOCOL, "cmd": "status"}]
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
    mode = stat.S_IMODE(os.stat(paths.socket_path()).st_mode)
    assert mode & 0o077 == 0, oct(mode)


def raw(line: bytes) -> dict:
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(5)
    sock.connect(str(paths.socket_path()))
    sock.sendall(line)
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    sock.close()
    return json.loads(data)


@pytest.mark.parametrize("line,error", [
    (b"not json\n", "the request is not JSON"),
    (b"\xff\xfe\n", "the request is not JSON"),
    (b'["status"]\n', "the request is not a JSON object"),
    (b'"status"\n', "the request is not a JSON object"),
    (b'{"v": 99, "cmd": "status"}\n',
     "protocol 99 is not supported (this tray speaks 1); restart it"),
    (b'{"cmd": "status"}\n', "protocol None is not supported (this tray speaks 1); restart it"),
    (b'{"v": 1, "cmd": "format-disk"}\n',
     "unknown command 'format-disk' (known: show, status, quit, ping)"),
    (b'{"v": 1, "cmd": "' + b"x" * 5000 + b'"}\n', "unknown command 'xxxxxxxx"),
])
def test_malformed_requests_are_answered_in_the_trays_own_words(qtbot, server, line, error):
    reply = ask(qtbot, lambda: raw(line))
    assert reply["ok"] is False and reply["error"].startswith(error)
    assert len(reply["error"]) < 120
    assert server.seen == []


def test_one_instance_per_user(qtbot, server):
    other = Server(lambda m: {"ok": True})
    assert other.acquire() is False


def test_no_tray_is_exit_3(runtime):
    with pytest.raises(NoTrayError) as exc:
        ipc.request("status")
    assert exc.value.exit_code == 3


def test_stale_socket_file_without_a_server_is_no_tray(runtime):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(paths.socket_path()))  # left behind by a crash: nobody listens
    sock.close()
    with pytest.raises(NoTrayError):
        ipc.request("show")


def test_stale_lock_of_a_dead_process_is_recovered(qtbot, runtime):
    # a lock written by a tray process that died: same format QLockFile writes
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    paths.lock_path().write_text(f"{dead.pid}\npython3\n{socket.gethostname()}\n")
    srv = Server(lambda m: {"ok": True})
    try:
        assert srv.acquire() is True
        srv.listen()
        assert ask(qtbot, lambda: ipc.request("ping"))["ok"] is True
    finally:
        srv.close()


def test_a_failing_handler_still_answers_and_the_server_keeps_serving(qtbot, runtime):
    calls = []

    def handler(message):
        calls.append(message["cmd"])
        if len(calls) == 1:
            raise RuntimeError("boom")
        return {"ok": True}

    srv = Server(handler)
    assert srv.acquire()
    srv.listen()
    try:
        with pytest.raises(ipc.TrayRefused) as info:
            ask(qtbot, lambda: ipc.request("status"))
        assert str(info.value) == "the Switcher tray refused the request: internal error (RuntimeError)"
        assert ask(qtbot, lambda: ipc.request("ping"))["ok"] is True
    finally:
        srv.close()
    assert not paths.socket_path().exists()  # a closed server leaves no socket behind
    with pytest.raises(NoTrayError):
        ipc.request("ping")


def test_accept_failure_backs_off_instead_of_spinning(qtbot, server, monkeypatch):
    import errno

    calls = []
    real_accept = socket.socket.accept

    def out_of_fds(self):
        if self.fileno() == server.server.fileno():
            calls.append(1)
            raise OSError(errno.EMFILE, "Too many open files")
        return real_accept(self)

    monkeypatch.setattr(socket.socket, "accept", out_of_fds)
    client = socket.socket(socket.AF_UNIX)
    client.connect(str(paths.socket_path()))  # stays pending: accept keeps failing
    try:
        qtbot.wait(300)
        assert 1 <= len(calls) <= 2, f"accept called {len(calls)} times in 300 ms"
        # once fds are free again the pending client is served after the back-off
        monkeypatch.setattr(socket.socket, "accept", real_accept)
        client.settimeout(5)
        client.sendall(b'{"v": 1, "cmd": "ping"}\n')
        qtbot.waitUntil(lambda: bool(server.seen), timeout=3000)
        assert server.seen == [{"v": ipc.PROTOCOL, "cmd": "ping"}]
    finally:
        client.close()


# -- under load ------------------------------------------------------------------------


def test_64_simultaneous_status_calls_are_all_answered(qtbot, server):
    start = threading.Barrier(64)
    results: list = []

    def call():
        start.wait()
        try:
            results.append(ipc.request("status"))
        except Exception as exc:  # noqa: BLE001 - counted below
            results.append(exc)

    threads = [threading.Thread(target=call) for _ in range(64)]
    for thread in threads:
        thread.start()
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in threads), timeout=20_000)
    failures = [r for r in results if isinstance(r, Exception)]
    assert not failures, f"{len(failures)} of 64 failed, e.g. {failures[0]!r}"
    assert len(results) == 64 and all(r["ok"] for r in results)


def test_a_silent_client_is_dropped(qtbot, server):
    from switcher.gui import ipc_server

    client = socket.socket(socket.AF_UNIX)
    client.settimeout(ipc_server.IDLE_SECONDS + 5)
    client.connect(str(paths.socket_path()))
    client.sendall(b'{"v": 1, "cmd"')  # never a whole line
    try:
        qtbot.waitUntil(lambda: not server._conns and server._sweeper is not None, timeout=1000)
    except AssertionError:
        pass  # not accepted yet: fine, what matters is below
    thread, box = in_thread(lambda: client.recv(10))
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=int(ipc_server.IDLE_SECONDS * 1000) + 3000)
    assert box.get("result") == b""  # closed by the tray, with no answer
    client.close()
    assert server._conns == {}


SERVER_SCRIPT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from switcher.gui.qt import QCoreApplication
from switcher.gui import ipc_server
from switcher.gui.ipc_server import Server
app = QCoreApplication([])
server = Server(lambda message: {"ok": True, "echo": message["cmd"]})
assert server.acquire()
server.listen()
print("listening", flush=True)
app.exec()
"""


def test_300_silent_clients_do_not_keep_a_256_descriptor_tray_from_answering(runtime):
    """The tray in its own process, with 256 descriptors like a default macOS shell."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SWITCHER_RUNTIME_DIR": str(runtime)}
    tray = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    silent: list[socket.socket] = []
    try:
        assert tray.stdout.readline().strip() == "listening", tray.stderr.read()
        until = time.monotonic() + 3
        while len(silent) < 300 and time.monotonic() < until:
            sock = socket.socket(socket.AF_UNIX)
            sock.setblocking(False)
            if sock.connect_ex(str(paths.socket_path())) == 0:
                silent.append(sock)
            else:  # the backlog is full: the tray is busy with the others
                sock.close()
                time.sleep(0.002)
        assert len(silent) >= 240  # more than the tray has descriptors left
        reply = ipc.request("status", timeout=10)
        assert reply == {"v": ipc.PROTOCOL, "ok": True, "echo": "status"}
    finally:
        for sock in silent:
            sock.close()
        tray.terminate()
        tray.wait(10)
        tray.stdout.close()
        tray.stderr.close()


# --- the broker's commands: peer credentials, answers when the work is done ---------------

def test_peer_of_a_socketpair_is_this_process_and_user():
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        peer = ipc_server.peer_of(left)
    assert peer == ipc_server.Peer(pid=os.getpid(), uid=os.getuid(), gid=os.getgid())
    assert ipc_server.refusal(peer) is None


def test_only_the_trays_own_user_is_served():
    other = ipc_server.Peer(pid=1, uid=os.getuid() + 1, gid=0)
    why = ipc_server.refusal(other)
    assert why is not None and f"uid {os.getuid() + 1}" in why
    assert ipc_server.refusal(None) is not None  # no SO_PEERCRED: no credentials either
    assert ipc_server.refusal(ipc_server.Peer(1, 0, 0), uid=0) is None


def test_the_caller_is_read_from_proc_not_from_the_request():
    caller = ipc_server.caller_of(os.getpid())
    assert caller.pid == os.getpid() and caller.exe == os.path.realpath(sys.executable)
    assert "pytest" in caller.cmdline and caller.parent_pid == os.getppid()
    assert f"(pid {os.getpid()})" in caller.describe()
    assert f"(pid {os.getppid()})" in caller.describe()


@pytest.fixture
def broker_server(qtbot, runtime):
    from switcher.gui.qt import QTimer

    asked = []

    def broker(message, caller, respond):
        asked.append((message, caller))
        # answered in a later turn of the event loop, as a job's result would be
        QTimer.singleShot(300, lambda: respond({"ok": True, "echo": message["target"]}))

    srv = Server(lambda m: {"ok": True, "echo": m["cmd"]}, broker=broker)
    assert srv.acquire()
    srv.listen()
    srv.asked = asked
    yield srv
    srv.close()


def test_a_broker_request_is_answered_later_and_status_meanwhile(qtbot, broker_server):
    thread, box = in_thread(lambda: ipc.broker("credentials", target="dev/Admin"))
    qtbot.waitUntil(lambda: bool(broker_server.asked), timeout=5000)
    # the event loop is free while the broker works: status is answered at once
    assert ask(qtbot, lambda: ipc.request("status"))["echo"] == "status"
    assert thread.is_alive()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=5000)
    assert box["result"]["echo"] == "dev/Admin"
    [(message, caller)] = broker_server.asked
    assert caller.pid == os.getpid()


def test_a_waiting_broker_request_is_not_dropped_as_idle(qtbot, runtime, monkeypatch):
    from switcher.gui.qt import QTimer

    monkeypatch.setattr(ipc_server, "IDLE_SECONDS", 0.1)
    srv = Server(lambda m: {"ok": True}, broker=lambda m, c, respond: QTimer.singleShot(
        800, lambda: respond({"ok": True, "late": True})))
    assert srv.acquire()
    srv.listen()
    try:
        assert ask(qtbot, lambda: ipc.broker("credentials", target="x"))["late"] is True
    finally:
        srv.close()


def test_another_users_peer_is_refused_before_the_broker_sees_it(qtbot, broker_server,
                                                                 monkeypatch):
    monkeypatch.setattr(ipc_server, "peer_of",
                        lambda sock: ipc_server.Peer(pid=1, uid=os.getuid() + 1, gid=0))
    with pytest.raises(ipc.TrayFailed) as info:
        ask(qtbot, lambda: ipc.broker("credentials", target="dev/Admin"))
    assert info.value.exit_code == 1 and "uid" in str(info.value)
    assert broker_server.asked == []


def test_a_tray_without_a_broker_makes_the_client_work_alone(qtbot, server):
    assert ask(qtbot, lambda: ipc.broker("credentials", target="dev/Admin")) is None
    assert server.seen == []


def test_a_process_the_tray_started_is_not_brokered(qtbot, broker_server):
    """The tray's own credential_process children (`switcher creds` run by botocore inside
    a tray job) would ask the tray back and wait on it: they work alone instead."""
    import subprocess

    child = subprocess.Popen(
        [sys.executable, "-c",
         "from switcher import ipc; print(ipc.socket_path().exists(), "
         "ipc.broker('credentials', target='dev/Admin'))"],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=20000)
    assert child.stdout.read().strip() == "True None"  # it saw the tray, which declined
    child.stdout.close()
    assert broker_server.asked == []
    # a process the tray did not start (here: the tray's own pid stands in) is served
    assert ask(qtbot, lambda: ipc.broker("credentials", target="dev/Admin"))["echo"] == "dev/Admin"


def test_started_by_this_tray_walks_the_parent_chain(tmp_path):
    for pid, ppid in ((30, 20), (20, 10), (10, 1), (40, 1)):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "status").write_text(f"Name:\tx\nPPid:\t{ppid}\n")
    assert ipc_server.started_by_this_tray(30, str(tmp_path), own=10)
    assert ipc_server.started_by_this_tray(20, str(tmp_path), own=10)
    assert not ipc_server.started_by_this_tray(10, str(tmp_path), own=10)  # the tray itself
    assert not ipc_server.started_by_this_tray(40, str(tmp_path), own=10)
    assert not ipc_server.started_by_this_tray(99, str(tmp_path), own=10)  # gone
