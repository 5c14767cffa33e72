"""Identity Center targets in the target list: ~/.aws/config's SSO profiles (botocore's
SSOProvider shapes) and the discovered ones of the inventory, with their overlay; listed
and resolved without botocore for the discovered ones, fast at 6,000 of them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from switcher.core.discovery import inventory
from switcher.core.errors import InputError
from switcher.core.model import Account, Config, DiscoveredOverlay, Role, SsoSource
from switcher.core.targets import SSO, SSO_PROFILE, list_targets, profile_targets, resolve

URL = "https://d-targets.awsapps.com/start"
CONFIG = Config(sso=(SsoSource("corp", URL, "eu-west-1"),),
                accounts=(Account("prod", "999999999999", roles=(Role("Admin"),)),))


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    return tmp_path


def _aws_config(isolated, text: str) -> None:
    (isolated / "aws-config").write_text(text)


def _store(accounts: int, roles=("Admin", "ReadOnly")) -> None:
    entries = {f"{100_000_000_000 + n}": {
        "id": f"{100_000_000_000 + n}", "name": f"Team {n}", "alias": f"Team-{n}", "email": "",
        "roles": list(roles), "first_seen": 1.0, "last_seen": 2.0, "error": None}
        for n in range(accounts)}
    inventory.write(inventory.Inventory("sso", "corp", start_url=URL, region="eu-west-1",
                                        listed_at=1.0, complete=True, accounts=entries))


SSO_PROFILES = (
    "[sso-session corp-cli]\nsso_start_url = https://d-cli.awsapps.com/start\n"
    "sso_region = us-east-2\n\n"
    "[profile dev]\nsso_session = corp-cli\nsso_account_id = 111111111111\n"
    "sso_role_name = Developer\nregion = eu-central-1\n\n"
    "[profile legacy]\nsso_start_url = https://d-old.awsapps.com/start\nsso_region = us-west-2\n"
    "sso_account_id = 222222222222\nsso_role_name = ReadOnly\n\n"
    "[profile lost]\nsso_session = nowhere\nsso_account_id = 333333333333\n"
    "sso_role_name = ReadOnly\n\n"
    "[profile keys-only]\nregion = us-east-1\n"
)


def test_sso_profiles_are_targets_as_botocore_resolves_them(isolated):
    _aws_config(isolated, SSO_PROFILES)
    refused = []
    found = {t.name: t for t in profile_targets(refused=refused)}
    dev, legacy = found.pop("dev"), found.pop("legacy")
    assert found == {}
    assert (dev.kind, dev.account_id, dev.role_name, dev.region, dev.source, dev.sso_region,
            dev.sso_start_url) == (SSO_PROFILE, "111111111111", "Developer", "eu-central-1",
                                   "corp-cli", "us-east-2", "https://d-cli.awsapps.com/start")
    # no region of its own: the console opens in the Identity Center's
    assert (legacy.source, legacy.region, legacy.region_from) == (
        "legacy", "us-west-2", "Identity Center")
    assert refused == [("lost", 'The specified sso-session does not exist: "nowhere"')]


def test_a_profile_resolves_and_is_sso(isolated):
    _aws_config(isolated, SSO_PROFILES)
    dev = resolve(Config(), "dev")
    assert dev.is_sso and dev.portal_url == (
        "https://d-cli.awsapps.com/start/#/console?account_id=111111111111&role_name=Developer")
    with pytest.raises(InputError, match="sso-session does not exist"):
        resolve(Config(), "lost")


def test_discovered_targets_are_listed_with_their_overlay(isolated):
    _store(2)
    config = Config(sso=CONFIG.sso, accounts=CONFIG.accounts, discovered=(
        DiscoveredOverlay(target="Team-0/Admin", color="ff0000", hotkey="Ctrl+Alt+1"),
        DiscoveredOverlay(account="100000000001", alias="Payments"),
        DiscoveredOverlay(target="Team-0/ReadOnly", hidden=True)))
    targets = list_targets(config)
    assert [t.name for t in targets] == [
        "prod/Admin", "Team-0/Admin", "Payments/Admin", "Payments/ReadOnly"]
    team = targets[1]
    assert (team.kind, team.source, team.discovered, team.color, team.hotkey, team.region) == (
        SSO, "corp", True, "FF0000", "Ctrl+Alt+1", "eu-west-1")
    assert team.as_json()["discovered"] is True
    assert list_targets(config, include_discovered=False)[1:] == []


def test_a_discovered_target_resolves_by_name_in_any_case(isolated):
    _store(1)
    assert resolve(CONFIG, "Team-0/Admin").discovered
    assert resolve(CONFIG, "team-0/admin").name == "Team-0/Admin"
    with pytest.raises(InputError, match="did you mean: Team-0/Admin"):
        resolve(CONFIG, "Team-0/Admn")


def test_six_thousand_discovered_targets_list_without_botocore(isolated):
    _store(3000)
    code = (
        "import json, sys, time\n"
        "from switcher.core.model import Config, SsoSource\n"
        "from switcher.core.targets import list_targets, resolve\n"
        f"config = Config(sso=(SsoSource('corp', '{URL}', 'eu-west-1'),))\n"
        "started = time.perf_counter()\n"
        "targets = list_targets(config, include_profiles=False)\n"
        "found = resolve(config, 'Team-2999/ReadOnly').name\n"
        "print(json.dumps([len(targets), found, 'botocore' in sys.modules,"
        " 'boto3' in sys.modules]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={"SWITCHER_CACHE_DIR": str(isolated / "cache"),
                                           "AWS_CONFIG_FILE": str(isolated / "none"),
                                           "HOME": str(isolated), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [6000, "Team-2999/ReadOnly", False, False]
