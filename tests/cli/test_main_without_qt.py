"""The command line never loads Qt: each command runs in a fresh interpreter (so nothing
the test process imported counts) and reports whether any PySide6 module got loaded.

Loading PySide6 costs a few hundred milliseconds and, without a display, can abort the
process; ``switcher creds`` as a credential_process and ``switcher status`` in a script must
not pay for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Runs ``main(argv)`` in a fresh interpreter and writes what it loaded to a file, so the
# command's own stdout and stderr stay as they are. ``seed`` puts a session for that target
# in the (in-memory) keyring first: the warm-cache path of ``creds``.
PROBE = r"""
import json, sys
argv, seed, report = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
if seed:
    from datetime import UTC, datetime, timedelta

    from switcher.core import config as store
    from switcher.core.credentials import Credentials
    from switcher.core.secrets import cache
    from switcher.core.targets import resolve

    cache.store(resolve(store.load(), seed), Credentials(
        "ASIAWARMCACHEWARMCAC", "warm-secret-warm-secret", "warm-token",
        datetime.now(UTC) + timedelta(hours=1)))
from switcher.cli.main import main

try:
    code = main(argv)
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
with open(report, "w") as handle:
    json.dump({
        "code": code,
        "qt": sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")),
        "botocore": "botocore" in sys.modules,
    }, handle)
"""

ESR = "[shop]\naws_account_id = 777777777777\nrole_name = Developer\n"

# argv, exit code, seed target
COMMANDS = [
    (["status"], 3, ""),
    (["show"], 3, ""),
    (["quit"], 3, ""),
    (["list"], 0, ""),
    (["list", "--json"], 0, ""),
    (["link", "prod/Admin"], 0, ""),
    (["links"], 0, ""),
    (["links", "--format", "html"], 0, ""),
    (["links", "--format", "json"], 0, ""),
    (["export", "esr"], 0, ""),
    (["export", "aws-config"], 0, ""),
    (["import", "esr", "-"], 0, ""),
    (["doctor"], 0, ""),
    (["keys", "list"], 0, ""),
    (["add", "dev", "--account", "210987654321", "--role", "Ops", "--source", "base"], 0, ""),
    (["remove", "prod/RO"], 0, ""),
    (["creds", "prod/Admin", "--format", "json"], 0, "prod/Admin"),
    (["creds", "prod/Admin"], 0, ""),
    (["login", "prod/Admin", "--stdout"], 0, ""),
    (["exec", "prod/Admin", "--", sys.executable, "-c", "pass"], 0, ""),
    (["frobnicate"], 2, ""),
]


@pytest.fixture
def env(aws_cli):
    """The isolated environment of ``aws_cli`` (moto is reachable from a subprocess too),
    with an in-memory keyring each subprocess gets afresh."""
    aws_cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO",
               "--source", "base", "--region", "eu-west-1")
    return {**{k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY") and not k.startswith("QT_")},
            "PYTHON_KEYRING_BACKEND": "switcher.sandbox.memkeyring.MemoryKeyring"}


def probe(env, tmp_path, argv, seed=""):
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), seed, str(report)],
        env=env, input=ESR if argv[:2] == ["import", "esr"] else "",
        capture_output=True, text=True, timeout=120,
    )
    assert report.exists(), done.stderr
    return done, json.loads(report.read_text())


@pytest.mark.parametrize("argv,code,seed", COMMANDS, ids=[" ".join(c[0][:3]) for c in COMMANDS])
def test_the_command_does_not_load_qt(env, tmp_path, argv, code, seed):
    done, report = probe(env, tmp_path, argv, seed)
    assert report["code"] == code, done.stderr
    assert report["qt"] == []
    if seed:
        # it really was the cached session, and that path stays off botocore as well
        assert json.loads(done.stdout)["AccessKeyId"] == "ASIAWARMCACHEWARMCAC"
        assert report["botocore"] is False


def test_the_probe_sees_qt_when_it_is_loaded(env, tmp_path):
    """The check above could pass by never seeing Qt at all: loading the GUI's Qt module
    must show up in the report."""
    probe_gui = PROBE.replace("from switcher.cli.main import main",
                              "import switcher.gui.qt\nfrom switcher.cli.main import main")
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-c", probe_gui, json.dumps(["list"]), "",
                           str(report)], env=env, capture_output=True, text=True, timeout=120)
    assert report.exists(), done.stderr
    assert "PySide6" in json.loads(report.read_text())["qt"]


def test_status_import_time_report_has_no_pyside6(env):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "switcher", "status"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    imports = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert any(line.rstrip().endswith("switcher.ipc") for line in imports)
    assert [line for line in imports if "PySide6" in line or "shiboken6" in line] == []
    others = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert others == ["switcher: no Switcher tray is running (start one with: switcher tray)"]
