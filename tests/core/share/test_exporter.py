"""Exports: AWS CLI profiles the CLI accepts as they are, and where the export lives."""

from __future__ import annotations

import shlex
import string
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from switcher.core.model import Account, Config, Role
from switcher.core.share import esr, exporter
from switcher.core.targets import read_aws_profiles

from ..strategies import accounts, configs

sources = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12).map(
    lambda s: "Src_" + s)


def test_credential_process_runs_the_switcher_beside_our_interpreter():
    command = exporter.switcher_command()
    assert command == str(Path(sys.executable).with_name("switcher"))
    config = Config(accounts=(Account("prod", "111111111111", roles=(Role("team/Admin"),)),))
    line = next(x for x in exporter.to_aws_config(config).splitlines()
                if x.startswith("credential_process = "))
    assert shlex.split(line.removeprefix("credential_process = ")) == [
        command, "creds", "prod/team/Admin", "--format", "json"]


@settings(max_examples=100, deadline=None)
@given(configs(account_strategy=accounts(source=st.none() | sources), with_settings=False),
       st.data())
def test_every_exported_profile_has_its_base_credentials(tmp_path_factory, config, data):
    # botocore refuses a role_arn profile without source_profile or credential_source
    # ("Partial credentials found in assume-role"): each one must say where it starts.
    keyring = tuple(a.source for a in config.accounts if a.source and data.draw(st.booleans()))
    config = Config(accounts=config.accounts, keyring_sources=tuple(dict.fromkeys(keyring)))
    path = tmp_path_factory.mktemp("aws") / "config"
    path.write_text(exporter.to_aws_config(config, "/opt/switcher/bin/switcher"))
    profiles = read_aws_profiles(path)
    assert len(profiles) == sum(len(a.roles) for a in config.accounts)
    for name, profile in profiles.items():
        if "role_arn" in profile:
            assert profile.get("source_profile") or profile.get("credential_source"), name
        else:
            command = profile["credential_process"].split()
            assert command[:2] == ["/opt/switcher/bin/switcher", "creds"], name
            assert command[3:] == ["--format", "json"]


def test_aws_config_export_text():
    config = Config(
        accounts=(
            Account("prod", "111111111111", "eu-west-1", source="corp",
                    mfa_serial="arn:aws:iam::999999999999:mfa/me",
                    roles=(Role("team/Admin", duration=3600), Role("Vendor", external_id="ext-9"))),
            Account("keys", "222222222222", "cn-north-1", source="mine",
                    roles=(Role("Ops", via="prod/team/Admin"),)),
            Account("plain", "333333333333", source="mine", roles=(Role("Ops"),)),
            Account("bare", "444444444444", "eu-west-1",
                    roles=(Role("team/Ops", duration=7200, mfa_serial="arn:aws:iam::999999999999:mfa/me"),)),
        ),
        keyring_sources=("mine",),
    )
    text = exporter.to_aws_config(config, "/opt/my tools/switcher")
    assert (
        "[profile prod-team-Admin]\nrole_arn = arn:aws:iam::111111111111:role/team/Admin\n"
        "source_profile = corp\nregion = eu-west-1\nmfa_serial = arn:aws:iam::999999999999:mfa/me\n"
        "duration_seconds = 3600\n"
    ) in text
    assert "external_id = ext-9" in text
    assert ("[profile keys-Ops]\nrole_arn = arn:aws-cn:iam::222222222222:role/Ops\n"
            "source_profile = prod-team-Admin\n") in text
    assert ("[profile plain-Ops]\n"
            "# arn:aws:iam::333333333333:role/Ops, assumed by Switcher with Switcher keyring source mine\n"
            "credential_process = '/opt/my tools/switcher' creds plain/Ops --format json\n"
            "region = us-east-1\n") in text
    assert ("[profile bare-team-Ops]\n"
            "# arn:aws:iam::444444444444:role/team/Ops, assumed by Switcher with Switcher's default credentials\n"
            "credential_process = '/opt/my tools/switcher' creds bare/team/Ops --format json\n"
            "region = eu-west-1\n") in text


def test_section_names_survive_botocore(tmp_path):
    config = Config(accounts=(Account("prod", "111111111111",
                                      roles=(Role("a+b=c,d.e@f_g-h"), Role("p/q/R"))),))
    path = tmp_path / "config"
    path.write_text(exporter.to_aws_config(config))
    assert set(read_aws_profiles(path)) == {esr.section_name("prod", r.name)
                                             for r in config.accounts[0].roles}


def test_discovered_identity_center_targets_export_as_sso_session_profiles(tmp_path, monkeypatch):
    """What botocore's own loader reads back: one sso-session per source, one profile per
    target naming it (the round trip through botocore's SSO provider is e2e)."""
    from botocore.configloader import load_config

    from switcher.core.discovery import inventory
    from switcher.core.model import SsoSource

    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    url = "https://d-export.awsapps.com/start"
    inventory.write(inventory.Inventory("sso", "corp", start_url=url, region="eu-west-1",
                                        listed_at=1.0, complete=True, accounts={
        "111122223333": {"id": "111122223333", "name": "Payments", "alias": "Payments",
                         "email": "", "roles": ["Admin", "ReadOnly"], "first_seen": 1.0,
                         "last_seen": 1.0, "error": None}}))
    config = Config(sso=(SsoSource("corp", url, "eu-west-1"),),
                    accounts=(Account("prod", "111111111111", roles=(Role("Admin"),),
                                      source="base"),))
    path = tmp_path / "exported"
    path.write_text(exporter.to_aws_config(config))
    parsed = load_config(str(path))
    assert parsed["sso_sessions"] == {"corp": {
        "sso_start_url": url, "sso_region": "eu-west-1",
        "sso_registration_scopes": "sso:account:access"}}
    assert parsed["profiles"]["Payments/ReadOnly"] == {
        "sso_session": "corp", "sso_account_id": "111122223333", "sso_role_name": "ReadOnly",
        "region": "eu-west-1"}
    assert parsed["profiles"]["prod-Admin"]["source_profile"] == "base"
