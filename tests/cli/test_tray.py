"""``switcher show / status / quit / tray`` in-process: exit 3 with one line when no tray
runs, and what they send to and print from a tray that answers (a plain socket stand-in
speaking the protocol, so no Qt is involved)."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import types

import pytest

from switcher import ipc

NO_TRAY = "switcher: no Switcher tray is running (start one with: switcher tray)\n"


class FakeTray:
    """Answers every request on the tray's socket with ``reply``; keeps what it was sent."""

    def __init__(self, path, reply: dict) -> None:
        self.path = path
        self.reply = reply
        self.seen: list[dict] = []
        self._stopping = False
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self._stopping:
                conn.close()
                return
            with conn:
                line = conn.makefile("rb").readline()
                self.seen.append(json.loads(line))
                conn.sendall(json.dumps(self.reply).encode() + b"\n")

    def close(self) -> None:
        # closing the listening socket does not wake a thread blocked in accept(): a last
        # connection does
        self._stopping = True
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as wake:
            wake.connect(str(self.path))
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def fake_tray(cli):
    trays = []

    def start(reply: dict) -> FakeTray:
        tray = FakeTray(cli.runtime_dir / "tray.sock", reply)
        trays.append(tray)
        return tray

    yield start
    for tray in trays:
        tray.close()


@pytest.mark.parametrize("command", ["show", "status", "quit"])
def test_no_tray_is_exit_3_and_one_line(cli, command):
    assert cli(command) == (3, "", NO_TRAY)


@pytest.mark.parametrize("command", ["show", "status", "quit"])
def test_a_stale_socket_file_is_no_tray(cli, command):
    # what a tray that was killed leaves behind: the file, and nobody listening
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(cli.runtime_dir / "tray.sock"))
    stale.close()
    assert cli(command) == (3, "", NO_TRAY)


def test_status_prints_the_trays_reply_without_the_envelope(cli, fake_tray):
    tray = fake_tray({"v": ipc.PROTOCOL, "ok": True, "sandbox": False, "targets": 3,
                      "hotkeys": {"failed": ["Ctrl+Alt+P"]}})
    code, out, err = cli("status")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"sandbox": False, "targets": 3,
                               "hotkeys": {"failed": ["Ctrl+Alt+P"]}}
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True) + "\n"
    assert tray.seen == [{"v": ipc.PROTOCOL, "cmd": "status"}]


@pytest.mark.parametrize("command", ["show", "quit"])
def test_show_and_quit_send_their_command(cli, fake_tray, command):
    tray = fake_tray({"v": ipc.PROTOCOL, "ok": True})
    assert cli(command) == (0, "", "")
    assert tray.seen == [{"v": ipc.PROTOCOL, "cmd": command}]


def test_a_tray_of_another_protocol_is_exit_2(cli, fake_tray):
    fake_tray({"v": ipc.PROTOCOL + 1, "ok": True})
    code, out, err = cli("status")
    assert (code, out) == (2, "")
    assert err == (f"switcher: the running tray speaks protocol {ipc.PROTOCOL + 1}, "
                   f"not {ipc.PROTOCOL}; restart it\n")


def test_tray_with_one_running_shows_its_palette_instead_of_starting(cli, fake_tray,
                                                                     monkeypatch):
    # should the request fail, the stub refuses to start a real tray in the test process
    stub = types.ModuleType("switcher.gui.app")

    def run(**kwargs):
        raise AssertionError("started a second tray")

    stub.run = run
    monkeypatch.setitem(sys.modules, "switcher.gui.app", stub)
    tray = fake_tray({"v": ipc.PROTOCOL, "ok": True})
    assert cli("tray") == (0, "", "Switcher is already running; showing its palette\n")
    assert tray.seen == [{"v": ipc.PROTOCOL, "cmd": "show"}]


@pytest.mark.parametrize("argv,sandbox", [
    (("tray",), False), (("tray", "--sandbox"), True), (("--sandbox", "tray"), True),
])
def test_tray_without_one_running_starts_the_app(cli, monkeypatch, argv, sandbox):
    started = []
    stub = types.ModuleType("switcher.gui.app")
    stub.run = lambda **kwargs: started.append(kwargs) or 0
    monkeypatch.setitem(sys.modules, "switcher.gui.app", stub)
    assert cli(*argv) == (0, "", "")
    # the tray starts its own sandbox: main() must not have activated one for it
    assert "SWITCHER_SANDBOX" not in os.environ
    assert started == [{"force_sandbox": sandbox}]
