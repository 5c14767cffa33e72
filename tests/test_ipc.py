"""The plain-socket client of the tray (no Qt): exit 3 with a clear line whenever the tray
cannot be reached, and the tray's refusals as one line."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from switcher import ipc
from switcher.core import paths
from switcher.core.errors import NoTrayError


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return tmp_path / "runtime"


def test_a_tray_whose_backlog_stays_full_is_exit_3_not_an_internal_error(runtime):
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(paths.socket_path()))
    listener.listen(0)  # a hung tray: it never accepts
    queued = []
    try:
        for _ in range(4):  # fill the backlog
            sock = socket.socket(socket.AF_UNIX)
            sock.setblocking(False)
            if sock.connect_ex(str(paths.socket_path())) == 0:
                queued.append(sock)
        start = time.monotonic()
        with pytest.raises(NoTrayError) as info:
            ipc.request("status", timeout=0.5)
        assert time.monotonic() - start < 2
        assert info.value.exit_code == 3
        assert str(info.value) in ("the Switcher tray is too busy to answer; try again",
                                   "the Switcher tray did not answer in time")
    finally:
        for sock in queued:
            sock.close()
        listener.close()


def test_a_stale_socket_is_no_tray_at_once(runtime):
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(paths.socket_path()))
    stale.close()
    start = time.monotonic()
    with pytest.raises(NoTrayError, match="no Switcher tray is running"):
        ipc.request("status")
    assert time.monotonic() - start < ipc.REFUSED_GRACE + 0.5


def test_a_path_that_is_no_socket_is_exit_3(runtime):
    paths.socket_path().write_text("not a socket")
    with pytest.raises(NoTrayError) as info:
        ipc.request("status")
    assert info.value.exit_code == 3 and "\n" not in str(info.value)


def _one_reply_server(reply: dict):
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(paths.socket_path()))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(json.dumps(reply).encode() + b"\n")
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_refusal_is_one_line(runtime):
    thread = _one_reply_server({"v": ipc.PROTOCOL, "ok": False,
                                "error": "unknown command 'fly'\n(known: show)"})
    with pytest.raises(ipc.TrayRefused) as info:
        ipc.request("status")
    thread.join(5)
    assert str(info.value) == "the Switcher tray refused the request: unknown command 'fly' (known: show)"
    assert info.value.exit_code == 1


def test_broker_with_no_tray_is_none_so_the_cli_works_alone(runtime):
    assert ipc.broker("credentials", target="dev/Admin") is None


def test_broker_falls_back_on_a_tray_that_does_not_know_the_command(runtime):
    # a tray from before the broker answers "unknown command" without an exit code
    thread = _one_reply_server({"v": ipc.PROTOCOL, "ok": False,
                                "error": "unknown command 'credentials' (known: show)"})
    assert ipc.broker("credentials", target="dev/Admin") is None
    thread.join(5)


def test_brokers_failure_keeps_the_trays_line_and_exit_code(runtime):
    thread = _one_reply_server({"v": ipc.PROTOCOL, "ok": False, "exit_code": 2,
                                "error": "unknown target\n'nosuch'"})
    with pytest.raises(ipc.TrayFailed) as info:
        ipc.broker("credentials", target="nosuch")
    thread.join(5)
    assert str(info.value) == "unknown target 'nosuch'" and info.value.exit_code == 2


@pytest.mark.parametrize("code", [0, 200, True, "2"])
def test_an_exit_code_out_of_range_is_1(runtime, code):
    thread = _one_reply_server({"v": ipc.PROTOCOL, "ok": False, "exit_code": code,
                                "error": "no"})
    if code is True or code == "2":
        assert ipc.broker("credentials", target="x") is None  # not an exit code at all
    else:
        with pytest.raises(ipc.TrayFailed) as info:
            ipc.broker("credentials", target="x")
        assert info.value.exit_code == 1
    thread.join(5)


def test_broker_sends_the_request_fields_and_leaves_out_the_unset(runtime):
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(paths.socket_path()))
    listener.listen(1)
    seen = {}

    def serve():
        conn, _ = listener.accept()
        with conn:
            seen["line"] = conn.recv(4096)
            conn.sendall(b'{"v":1,"ok":true,"credentials":{}}\n')
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ipc.broker("credentials", target="dev/Admin", duration=900, mfa_code=None)["ok"]
    thread.join(5)
    assert json.loads(seen["line"]) == {"v": ipc.PROTOCOL, "cmd": "credentials",
                                        "target": "dev/Admin", "duration": 900}
