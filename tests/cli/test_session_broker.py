"""creds/exec/login and the tray as broker, from the CLI's side: a ``confirm`` role is never
handed out without a tray; a running tray answers ``creds`` before any parser is built, with
no config, keyring, botocore or Qt loaded; the tray's failures come out as the CLI's own
line and exit code. (The tray's side: tests/gui/test_broker.py, tests/e2e/test_broker.py.)"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from switcher.core import paths

REPO = Path(__file__).resolve().parents[2]


def test_a_confirm_role_is_refused_when_no_tray_runs(aws_cli, aws_stack):
    aws_cli.ok("add", "prod", "--account", "222222222222", "--role", "Admin", "--confirm",
               "--source", "base")
    assert "confirm = true" in aws_cli.config_path.read_text()
    for argv in (["creds", "prod/Admin"], ["login", "prod/Admin", "--stdout"],
                 ["exec", "prod/Admin", "--", "true"]):
        result = aws_cli(*argv)
        assert (result.code, result.out) == (1, ""), argv
        assert result.err == ("switcher: prod/Admin needs approval in the Switcher tray, which "
                              "is not running; start it with: switcher tray\n")
    assert aws_stack.events("sts", "AssumeRole") == []
    aws_cli.ok("add", "prod", "--account", "222222222222", "--role", "Deploy")
    assert aws_cli.ok("creds", "prod/Deploy", "--format", "json")  # others work alone


def test_confirm_applies_to_roles(cli):
    before = cli.config_bytes()
    result = cli("add", "prod", "--account", "222222222222", "--confirm")
    assert result.code == 2 and "--confirm" in result.err and "--role" in result.err
    assert cli.config_bytes() == before


class FakeTray:
    """A socket that answers every line with ``reply`` (a dict: a JSON line; bytes: as they
    are) and keeps what it was sent."""

    def __init__(self, reply: dict | bytes) -> None:
        self.lines: list[dict] = []
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(str(paths.socket_path()))
        self.listener.listen(8)
        self.reply = (reply if isinstance(reply, bytes)
                      else json.dumps({"v": 1, **reply}).encode() + b"\n")
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                self.lines.append(json.loads(conn.recv(65536)))
                conn.sendall(self.reply)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


PROBE = """
import sys
from switcher.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
heavy = ("botocore", "boto3", "keyring", "jeepney", "PySide6", "switcher.core.config",
         "switcher.core.secrets", "argparse", "switcher.core.credentials",
         # the brokered creds' budget has no room for these either (about 15 ms together)
         "json", "re", "socket", "enum", "pathlib", "platformdirs", "switcher.ipc")
loaded = [m for m in heavy if m in sys.modules]
import json
sys.stderr.write(json.dumps({"code": code, "loaded": loaded}))
"""


def probe(*argv: str) -> tuple[dict, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    err_lines = done.stderr.splitlines()
    return {**json.loads(err_lines[-1]), "err": "\n".join(err_lines[:-1])}, done.stdout


def test_a_tray_hit_loads_no_config_keyring_botocore_or_parser(runtime, monkeypatch):
    from switcher import ipc

    monkeypatch.setenv("XDG_CONFIG_HOME", "/x/é")
    tray = FakeTray(ipc.raw_frame("export AWS_ACCESS_KEY_ID=ASIA...\n# é\n"))
    try:
        report, out = probe("creds", "dev/Admin", "--format=env", "--duration", "900",
                            "--refresh")
    finally:
        tray.close()
    assert report["code"] == 0 and out == "export AWS_ACCESS_KEY_ID=ASIA...\n# é\n"
    assert report["loaded"] == []
    [line] = tray.lines
    # the config file named by the environment that decides it (the tray compares)
    assert line == {"v": 1, "cmd": "credentials", "target": "dev/Admin", "format": "env",
                    "duration": 900, "refresh": True, "render": True, "frame": "raw",
                    "config_inputs": [str(runtime / "config"), "/x/é", os.environ["HOME"]]}


def test_an_older_trays_json_answer_is_printed_too(runtime):
    tray = FakeTray({"ok": True, "text": "{}\n"})
    try:
        report, out = probe("creds", "dev/Admin")
    finally:
        tray.close()
    assert (report["code"], out) == (0, "{}\n")


@pytest.mark.parametrize("reply", [b"raw 99\nshort", b"raw x\n", b""])
def test_a_torn_or_empty_reply_goes_the_usual_way(runtime, reply):
    tray = FakeTray(reply)
    try:
        report, out = probe("creds", "dev/Admin")
    finally:
        tray.close()
    # the usual path asks the tray again, gets the same garbage, and says so in one line
    assert out == "" and report["code"] != 0 and len(tray.lines) == 2
    assert tray.lines[1].get("config") is not None and "frame" not in tray.lines[1]


def test_a_value_the_hand_made_json_would_escape_goes_the_usual_way(runtime):
    tray = FakeTray({"ok": True, "text": "ok\n"})
    try:
        report, out = probe("creds", 'dev/"Admin')
    finally:
        tray.close()
    [line] = tray.lines  # asked once, by switcher.ipc, which escapes properly
    assert line["target"] == 'dev/"Admin' and "frame" not in line and out == "ok\n"


def test_the_fast_clients_limits_are_the_protocols():
    from switcher import ipc
    from switcher.cli import fast_creds

    assert (fast_creds.CONNECT_TIMEOUT, fast_creds.BROKER_TIMEOUT, fast_creds.MAX_REPLY) == (
        ipc.CONNECT_TIMEOUT, ipc.BROKER_TIMEOUT, ipc.MAX_LINE)
    assert ipc.raw_frame("é").startswith(b"raw 2\n")


def test_the_trays_failure_is_the_clis_line_and_exit_code(runtime):
    tray = FakeTray({"ok": False, "exit_code": 2, "error": "unknown target 'nosuch'"})
    try:
        report, out = probe("creds", "nosuch")
    finally:
        tray.close()
    assert (report["code"], out, report["err"]) == (2, "", "switcher: unknown target 'nosuch'")


def test_arguments_only_the_parser_judges_go_the_usual_way(runtime):
    tray = FakeTray({"ok": True, "text": "never printed\n"})
    try:
        report, out = probe("creds", "dev/Admin", "--format", "yaml")
    finally:
        tray.close()
    assert report["code"] == 2 and out == "" and "yaml" in report["err"]
    assert tray.lines == []
