"""The installed ``switcher`` command editing accounts: exit codes and no damage on bad input."""

import json
from pathlib import Path

import pytest

from tests.fixtures.aws import SWITCHER, offline_env
from tests.fixtures.aws import run_switcher as sw


@pytest.fixture
def env(tmp_path):
    return offline_env(tmp_path)


def test_add_list_remove(env):
    assert sw(env, "add", "prod", "--account", "123456789012", "--role", "Admin",
              "--role", "team/Deploy", "--color", "blue", "--region", "eu-west-1",
              "--source", "base").returncode == 0
    assert sw(env, "add", "gov", "--account", "210987654321", "--role", "Ops",
              "--region", "us-gov-west-1").returncode == 0
    assert sw(env, "add", "dev", "--account", "210987654322", "--role", "Ops",
              "--via", "prod/Admin", "--duration", "3600").returncode == 0
    listed = json.loads(sw(env, "list", "--json").stdout)
    by_name = {t["target"]: t for t in listed}
    assert set(by_name) == {"prod/Admin", "prod/team/Deploy", "gov/Ops", "dev/Ops"}
    assert by_name["prod/Admin"]["color"] == "99BCE3"
    assert by_name["gov/Ops"]["partition"] == "aws-us-gov"
    assert by_name["dev/Ops"]["via"] == "prod/Admin"
    text = sw(env, "list").stdout
    assert "prod/team/Deploy" in text and "via prod/Admin" in text
    # adding again merges roles instead of replacing them
    assert sw(env, "add", "prod", "--account", "123456789012", "--role", "Viewer").returncode == 0
    assert len(json.loads(sw(env, "list", "--json").stdout)) == 5
    refused = sw(env, "remove", "prod/Admin")
    assert refused.returncode == 2 and "dev/Ops is assumed via prod/Admin" in refused.stderr
    assert sw(env, "remove", "dev").returncode == 0
    assert sw(env, "remove", "gov").returncode == 0
    assert sw(env, "remove", "prod/Admin").returncode == 0
    assert [t["target"] for t in json.loads(sw(env, "list", "--json").stdout)] == [
        "prod/team/Deploy", "prod/Viewer"]


BAD_INPUTS = [
    ("add", "prod!", "--account", "123456789012"),  # an alias with a character outside . _ -
    ("add", "prod", "--account", "12345"),
    ("add", "prod", "--account", "123456789012", "--role", "bad role"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--color", "purple"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--region", "mars"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--duration", "100"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--external-id", "x"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--mfa-serial", "short"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--source", "no-such-profile"),
    ("add", "prod", "--account", "123456789012", "--role", "A", "--via", "nowhere/X"),
    ("add", "prod", "--account", "123456789012", "--external-id", "abcdef"),
    ("add", "other", "--account", "111111111111", "--role", "A"),  # id already listed as "keep"
    ("add", "keep", "--account", "222222222222", "--role", "A"),  # alias already another id
    # short aliases are valid: these fail on the chained duration and the partition crossing
    ("add", "x2", "--account", "123456789019", "--role", "R", "--via", "keep/A", "--duration", "7200"),
    ("add", "cn", "--account", "123456789018", "--role", "R", "--region", "cn-north-1", "--via", "keep/A"),
    ("remove", "nope"),
    ("remove", "keep/Nope"),
    ("frobnicate",),
    ("add",),
]


@pytest.mark.parametrize("argv", BAD_INPUTS, ids=lambda a: " ".join(a))
def test_bad_input_exit_2_one_line_and_config_unchanged(env, argv):
    assert sw(env, "add", "keep", "--account", "111111111111", "--role", "A").returncode == 0
    path = Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml"
    before = path.read_bytes()
    result = sw(env, *argv)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("switcher: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_broken_config_is_reported_not_overwritten(env):
    path = Path(env["SWITCHER_CONFIG_DIR"])
    path.mkdir()
    (path / "config.toml").write_text("version = 1\n[[accounts]\n")
    result = sw(env, "add", "prod", "--account", "123456789012", "--role", "A")
    assert result.returncode == 2 and "line 2" in result.stderr
    assert (path / "config.toml").read_text() == "version = 1\n[[accounts]\n"


def test_mfa_serial_with_role_is_per_role_without_is_account_wide(env):
    mfa = "arn:aws:iam::123456789012:mfa/alice"
    assert sw(env, "add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO").returncode == 0
    assert sw(env, "add", "prod", "--account", "123456789012", "--role", "Admin", "--mfa-serial", mfa).returncode == 0
    flags = {t["target"]: t["mfa"] for t in json.loads(sw(env, "list", "--json").stdout)}
    assert flags == {"prod/Admin": True, "prod/RO": False}
    assert sw(env, "add", "prod", "--account", "123456789012", "--mfa-serial", mfa).returncode == 0
    flags = {t["target"]: t["mfa"] for t in json.loads(sw(env, "list", "--json").stdout)}
    assert flags == {"prod/Admin": True, "prod/RO": True}


def test_switcher_calling_itself_through_aws_profile_stops(env, tmp_path):
    """An exported credential_process profile named by AWS_PROFILE must not recurse forever."""
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile loop]\n"
        f"credential_process = {SWITCHER} creds solo --format json\n"
    )
    assert sw(env, "add", "solo", "--account", "123456789012", "--role", "R").returncode == 0
    env = {**env, "AWS_PROFILE": "loop", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"}
    result = sw(env, "creds", "solo", timeout=120)
    assert result.returncode != 0
    assert "running inside itself" in result.stderr
    assert result.stderr.count("\n") <= 2, result.stderr
