"""core.creds_shortcut: a keyring-cached ``switcher creds NAME`` answered without resolving
NAME again, by real processes against moto and a real gnome-keyring — and the full path
whenever anything NAME was resolved from has changed."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from switcher.core import creds_shortcut
from tests.fixtures.aws import switcher_ok

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from switcher.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
full = [m for m in ("botocore", "jeepney", "switcher.core.config", "switcher.core.targets",
                    "argparse", "dataclasses", "pathlib") if m in sys.modules]
sys.stderr.write("\\nPROBE " + ",".join(full) + f" {code}")
"""


def creds(env, *argv):
    """(the printed credentials as JSON, whether the full path ran)."""
    done = subprocess.run([sys.executable, "-c", PROBE, "creds", *argv], env={
        **env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    *_, report = done.stderr.rsplit("\nPROBE ", 1)
    loaded, code = report.rsplit(" ", 1)
    assert code == "0", done.stderr
    return (json.loads(done.stdout) if done.stdout.startswith("{") else done.stdout), bool(loaded)


@pytest.fixture
def env(switcher_env):
    switcher_ok(switcher_env, "add", "dev", "--account", "111111111111", "--role", "Developer",
                "--source", "base")
    return switcher_env


def test_the_second_creds_reads_the_keyring_entry_without_resolving(env, aws_stack):
    aws_stack.clear_log()
    first, full = creds(env, "dev", "--format", "json")
    assert full  # nothing noted yet
    second, full = creds(env, "dev", "--format", "json")
    assert not full and second == first  # the same session, from the same keyring entry
    env_text, full = creds(env, "dev", "--format", "env")
    assert not full and f"AWS_ACCESS_KEY_ID={first['AccessKeyId']}" in env_text
    assert len(aws_stack.events("sts", "AssumeRole")) == 1
    # the note says where, never what: no secret in it; private file in a private dir
    notes = Path(env["XDG_RUNTIME_DIR"], "switcher", creds_shortcut.NAME)
    text = notes.read_text()
    for secret in (first["AccessKeyId"], first["SecretAccessKey"], first["SessionToken"]):
        assert secret not in text
    assert stat.S_IMODE(notes.stat().st_mode) == 0o600
    assert stat.S_IMODE(notes.parent.stat().st_mode) == 0o700


def test_a_changed_config_file_or_environment_takes_the_full_path(env, tmp_path):
    creds(env, "dev")
    assert not creds(env, "dev")[1]
    switcher_ok(env, "add", "prod", "--account", "222222222222", "--role", "Admin",
                "--source", "base")  # config.toml rewritten
    assert creds(env, "dev")[1]
    assert not creds(env, "dev")[1]  # noted again
    with open(env["AWS_CONFIG_FILE"], "a") as fh:
        fh.write("\n[profile other]\nregion = eu-west-1\n")
    assert creds(env, "dev")[1]
    assert not creds(env, "dev")[1]
    assert creds({**env, "AWS_REGION": "eu-west-1"}, "dev")[1]  # another environment
    inventory = Path(env["XDG_CACHE_HOME"], "switcher")
    inventory.mkdir(exist_ok=True)
    assert creds(env, "dev")[1]  # the discovery inventory appeared


def test_a_forgotten_or_expiring_session_is_not_handed_out(env, aws_stack, monkeypatch):
    from switcher.core.secrets import SESSIONS_SERVICE
    from switcher.core.secrets.secretservice import Connection

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", env["DBUS_SESSION_BUS_ADDRESS"])
    notes = str(Path(env["XDG_RUNTIME_DIR"], "switcher", creds_shortcut.NAME))
    aws_stack.clear_log()
    first, _ = creds(env, "dev", "--format", "json")
    assert creds(env, "dev", "--format", "json") == (first, False)
    key = creds_shortcut._read(notes)["dev"]["key"]
    with Connection() as conn:
        data = json.loads(conn.get(SESSIONS_SERVICE, key))
        data["Expiration"] = "2020-01-01T00:00:00+00:00"  # past: within 5 minutes of its end
        conn.put(SESSIONS_SERVICE, key, json.dumps(data))
    second, full = creds(env, "dev", "--format", "json")
    assert full and second["AccessKeyId"] != first["AccessKeyId"]
    with Connection() as conn:
        assert conn.delete(SESSIONS_SERVICE, key)  # as `switcher logout` does
    third, full = creds(env, "dev", "--format", "json")
    assert full and third["AccessKeyId"] not in (first["AccessKeyId"], second["AccessKeyId"])
    assert len(aws_stack.events("sts", "AssumeRole")) == 3


def test_flags_and_approval_roles_always_take_the_full_path(env, aws_stack):
    creds(env, "dev")
    assert creds(env, "dev", "--refresh")[1]
    assert creds(env, "dev", "--duration", "900")[1]
    switcher_ok(env, "add", "prod", "--account", "222222222222", "--role", "Admin",
                "--confirm", "--source", "base")
    done = subprocess.run([sys.executable, "-m", "switcher", "creds", "prod/Admin"], env={
        **env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "needs approval" in done.stderr
    assert "prod/Admin" not in creds_shortcut._read(
        str(Path(env["XDG_RUNTIME_DIR"], "switcher", creds_shortcut.NAME)))


def test_a_note_in_a_directory_others_can_read_is_not_trusted(env):
    creds(env, "dev")
    runtime = Path(env["XDG_RUNTIME_DIR"], "switcher")
    runtime.chmod(0o755)
    try:
        assert creds(env, "dev")[1]
    finally:
        runtime.chmod(0o700)
