"""Configurations written by other projects (tests/fixtures/corpus: the AWS CLI's and
botocore's documented ~/.aws/config shapes, aws-vault's, AWS Extend Switch Roles', shared
Switch Role links): each is listed and imported without an internal error, with the
targets botocore and the extension would give."""

from __future__ import annotations

from pathlib import Path

import pytest

from switcher.core.model import Config
from switcher.core.share import importer
from switcher.core.share.links import switch_role_link
from switcher.core.targets import account_targets, list_targets, read_aws_profiles

CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"


@pytest.fixture(autouse=True)
def no_own_aws_files(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))


def _listed(name: str) -> dict[str, tuple]:
    profiles = read_aws_profiles(CORPUS / name)
    return {t.name: (t.account_id, t.role_name, t.region, t.region_from, t.source,
                     t.credential_source, t.via)
            for t in list_targets(Config(), profiles=profiles)}


def test_aws_cli_documented_profiles_list_as_botocore_resolves_them():
    assert _listed("aws-cli-config.ini") == {
        "marketingadmin": ("123456789012", "marketingadminrole", "us-east-1", "profile user1",
                           "user1", None, None),
        "crossaccount": ("234567890123", "SomeRole", "us-west-2", "profile default", "default",
                         None, None),
        "ec2": ("345678901234", "ec2-role", "eu-west-1", None, None, "Ec2InstanceMetadata", None),
        "ecs": ("345678901234", "ecs-role", "us-east-1", "default", None, "EcsContainer", None),
        "env": ("345678901234", "env-role", "us-east-1", "default", None, "Environment", None),
        # a web-identity profile is a source; the role over it is one AssumeRole from it
        "after-web-identity": ("456789012345", "deployer", "us-east-1", "default",
                               "web-identity", None, None),
        # an Identity Center profile is a target of its own (GetRoleCredentials), named
        # by its sso-session
        "dev-sso": ("567890123456", "ReadOnly", "us-west-2", None, "my-sso", None, None),
        "chained-from-sso": ("678901234567", "AuditRole", "us-west-2", "profile dev-sso",
                             "dev-sso", None, None),
        "from-process": ("789012345678", "ProcessRole", "ap-southeast-2", None, "process",
                         None, None),
        # keys-and-role has keys: they are the source, its own role_arn is not chained
        "over-keys-and-role": ("901234567890", "Over", "us-east-1", "default", "keys-and-role",
                               None, None),
        "gov": ("112233445566", "GovAdmin", "us-gov-west-1", "default", "user1", None, None),
    }


def test_aws_cli_documented_profiles_import_and_say_what_they_skip():
    result = importer.plan_aws_config_file(Config(), CORPUS / "aws-cli-config.ini")
    skipped = dict(result.skipped)
    assert set(skipped) == {"profile ec2", "profile ecs", "profile env", "profile web-identity",
                            "profile keys-and-role", "profile no-source"}
    assert skipped["profile no-source"] == (
        "botocore refuses it: Partial credentials found in assume-role, missing: "
        "source_profile or credential_source")
    assert "wJalrXUtnFEMI" not in result.summary()
    targets = {t.name: t for a in result.config.accounts for t in account_targets(a)}
    assert sorted((t.account_id, t.role_name) for t in targets.values()) == [
        ("112233445566", "GovAdmin"), ("123456789012", "marketingadminrole"),
        ("234567890123", "SomeRole"), ("456789012345", "deployer"),
        ("678901234567", "AuditRole"), ("789012345678", "ProcessRole"),
        ("901234567890", "Over")]
    cross = next(t for t in targets.values() if t.role_name == "SomeRole")
    assert (cross.external_id, cross.mfa_serial, cross.source) == (
        "123456", "arn:aws:iam::123456789012:mfa/saanvi", "default")


def test_aws_vault_profiles():
    assert _listed("aws-vault-config.ini") == {
        "foo-readonly": ("222222222222", "ReadOnly", "us-east-1", "default", "jonsmith", None,
                         None),
        "foo-admin": ("222222222222", "Administrator", "us-east-1", "default", "jonsmith", None,
                      None),
        "bar-role1": ("333333333333", "Role1", "eu-west-2", None, "jonsmith", None, None),
        "bar-role2": ("333333333333", "Role2", "eu-west-2", "profile bar-role1", None, None,
                      "bar-role1"),
    }
    result = importer.plan_aws_config_file(Config(), CORPUS / "aws-vault-config.ini")
    assert result.skipped == []
    by_id = {a.id: a for a in result.config.accounts}
    assert [r.name for r in by_id["222222222222"].roles] == ["ReadOnly", "Administrator"]
    assert by_id["222222222222"].roles[1].mfa_serial == "arn:aws:iam::111111111111:mfa/jonsmith"
    assert [r.via for r in by_id["333333333333"].roles] == [None, "bar/Role1"]


def test_aesr_configuration():
    result = importer.plan_esr(Config(), (CORPUS / "aesr.ini").read_text())
    assert [name for name, _ in result.skipped] == ["organization1", "Org2-BaseAccount"]
    assert "renamed Ops Team → Ops-Team" in result.notes
    got = {t.name: (t.account_id, t.color, t.region)
           for a in result.config.accounts for t in account_targets(a)}
    assert got == {
        "marketingadmin/marketingadmin": ("123456789012", "FFAAEE", "us-east-1"),
        # same account, its own colour and region: kept on the role
        "marketingadmin/Role1": ("123456789012", "00AA00", "eu-west-1"),
        "anotheraccount/anotherrole": ("987654321987", None, "ap-northeast-1"),
        "Org1-Account2/Role1": ("210987654321", None, "us-east-1"),
        "Org2-Account1/Developer": ("222200001111", None, "eu-central-1"),
        "Org2-Account2/Manager": ("222200002222", None, "us-west-2"),
        "Ops-Team/teams/ops/Deploy": ("333300000000", "99BCE3", "us-east-1"),
    }


def test_shared_switch_role_links():
    lines = [line for line in (CORPUS / "links.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    config = Config()
    for url in lines:
        config = importer.plan_link(config, url).config
    targets = {t.name: t for a in config.accounts for t in account_targets(a)}
    assert {n: (t.account_id, t.region, t.color) for n, t in targets.items()} == {
        "111122223333/Admin": ("111122223333", "us-east-1", None),
        # a second link for the account: its colour stays with its role
        "111122223333/ReadOnly": ("111122223333", "us-east-1", "F2B0A9"),
        "shared/team/ops/Deploy": ("444455556666", "eu-west-1", "B7CA9D"),
        "gov/GovAudit": ("777788889999", "us-gov-west-1", None),
        "121212121212/Ops": ("121212121212", "cn-north-1", "99BCE3"),
    }
    # and each gives a link to the same role back
    assert "roleName=team%2Fops%2FDeploy" in switch_role_link(targets["shared/team/ops/Deploy"])
