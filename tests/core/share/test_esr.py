"""AWS Extend Switch Roles text: the extension's own rules, our export, and the round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role
from switcher.core.share import esr, exporter, importer
from switcher.core.targets import account_targets

from ..strategies import accounts, colors, configs, roles

# The extension README's own examples (simple + complex + target_role_name).
README_EXAMPLE = """
[profile marketingadmin]
role_arn = arn:aws:iam::123456789012:role/marketingadmin
color = ffaaee

[anotheraccount]
aws_account_id = 987654321987
role_name = anotherrole
region=ap-northeast-1

[organization1]
aws_account_id = your-account-alias

[Org1-Account1-Role1]
role_arn = arn:aws:iam::123456789012:role/Role1
source_profile = organization1

[Org1-Account2-Role1]
aws_account_id = 210987654321
role_name = Role1
source_profile = organization1

[AnotherRole]
role_name = SomeOtherRole
aws_account_id = account-3-alias

;
; target_role_name example
;
[Org2-BaseAccount]
aws_account_id = 222200000000
target_role_name = Developer
target_region = eu-central-1

[Org2-Account1-Developer]
aws_account_id = 222200001111
source_profile = Org2-BaseAccount

[Org2-Account2-Manager]
aws_account_id = 222200002222
role_name = Manager ; overrides target role name
source_profile = Org2-BaseAccount
region = us-west-2
"""


def test_readme_example_targets():
    got = {t.name: (t.account, t.role_name, t.region, t.color, t.source_profile)
           for t in esr.parse(README_EXAMPLE)}
    assert got == {
        "marketingadmin": ("123456789012", "marketingadmin", None, "ffaaee", None),
        "anotheraccount": ("987654321987", "anotherrole", "ap-northeast-1", None, None),
        "Org1-Account1-Role1": ("123456789012", "Role1", None, None, "organization1"),
        "Org1-Account2-Role1": ("210987654321", "Role1", None, None, "organization1"),
        "AnotherRole": ("account-3-alias", "SomeOtherRole", None, None, None),
        "Org2-Account1-Developer": ("222200001111", "Developer", "eu-central-1", None,
                                    "Org2-BaseAccount"),
        "Org2-Account2-Manager": ("222200002222", "Manager", "us-west-2", None,
                                  "Org2-BaseAccount"),
    }


def test_readme_example_import_report():
    result = importer.plan_esr(Config(), README_EXAMPLE)
    # every section that is no target is named with its reason, and so is every
    # source_profile that could not be kept
    assert result.summary() == (
        "added 5 accounts, 6 roles; skipped 3 "
        "(organization1: a base account (where you sign in for [Org1-Account1-Role1], "
        "[Org1-Account2-Role1]), not a role to switch to; "
        "Org2-BaseAccount: a base account (where you sign in for [Org2-Account1-Developer], "
        "[Org2-Account2-Manager]), not a role to switch to; "
        "AnotherRole: account is the alias account-3-alias, not a 12-digit id); "
        "source_profile organization1 is no AWS CLI profile or keyring source here, so "
        "Org1-Account1-Role1, Org1-Account2-Role1 use the default credentials; "
        "source_profile Org2-BaseAccount is no AWS CLI profile or keyring source here, so "
        "Org2-Account1-Developer, Org2-Account2-Manager use the default credentials"
    )
    by_id = {a.id: a for a in result.config.accounts}
    # Two sections of one account id become one account with two roles.
    assert [r.name for r in by_id["123456789012"].roles] == ["marketingadmin", "Role1"]
    assert by_id["123456789012"].alias == "marketingadmin"
    assert by_id["123456789012"].color == "FFAAEE"
    assert by_id["222200001111"].alias == "Org2-Account1"  # role suffix dropped, case kept
    assert by_id["222200001111"].region == "eu-central-1"  # the base's target_region
    assert by_id["987654321987"].region == "ap-northeast-1"


def test_aws_account_alias_names_the_account_and_arn_partition_sets_region():
    text = """
[x]
role_arn = arn:aws-cn:iam::123456789012:role/ops/Deploy
aws_account_alias = China_Prod
"""
    (account,) = importer.plan_esr(Config(), text).config.accounts
    assert (account.alias, account.region, account.roles[0].name) == (
        "China_Prod", "cn-north-1", "ops/Deploy")


def test_source_profile_becomes_source_only_when_it_exists_here(tmp_path, monkeypatch):
    aws = tmp_path / "config"
    aws.write_text("[profile corp]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws))
    text = """
[corp]
aws_account_id = 111111111111
[other]
aws_account_id = 999999999999
[alpha-Admin]
aws_account_id = 222222222222
role_name = Admin
source_profile = corp
[beta-Admin]
aws_account_id = 333333333333
role_name = Admin
source_profile = other
"""
    sources = {a.alias: a.source for a in importer.plan_esr(Config(), text).config.accounts}
    assert sources == {"alpha": "corp", "beta": None}


@pytest.mark.parametrize("text,message", [
    ("aws_account_id = 123456789012\n", "line 1: text before the first"),
    ("[a]\naws_account_id = 123456789012\naws_account_id = 123456789012\n", r"\[a\].*twice"),
    ("[a]\nrole_name\n", r"\[a\] \(line 1\): line 2 is not"),
    ("[a]\nrole_name =\n", "not 'key = value'"),
    ("[a]\ncolor = #ffaaee\n", "not 'key = value'"),  # '#' starts a comment, as in ESR
    ("[a]\nrole_name = x\n", r"\[a\].*no aws_account_id"),
    ("[a]\nrole_arn = arn:aws:iam::123456789012:role/A\nrole_name = A\n", "not both"),
    ("[a]\nrole_arn = arn:aws:s3:::bucket\n", r"\[a\].*not a role ARN"),
    ("[a]\naws_account_id = 123456789012\nrole_name = A\nsource_profile = nope\n", "nope is not defined"),
    ("[a]\naws_account_id = 123456789012\nrole_name = A\nsource_profile = a\n", "itself"),
    ("[b]\naws_account_id = 1\n[a]\naws_account_id = 123456789012\nsource_profile = b\n",
     r"\[a\].*no role_name.*target_role_name"),
    ("[a]\naws_account_id = 1\n[a]\naws_account_id = 2\n", r"\[a\] appears twice"),
])
def test_parse_errors_name_the_section(text, message):
    with pytest.raises(InputError, match=message) as err:
        esr.parse(text)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("text,message", [
    ("[a]\naws_account_id = 12345678901\nrole_name = A\n", r"\[a\] \(line 4\): account id"),
    ("[a]\naws_account_id = 123456789012\nrole_name = bad name!\n", r"\[a\].*role name"),
    ("[a]\naws_account_id = 123456789012\nrole_name = A\ncolor = red\n", r"\[a\].*colour"),
    ("[a]\naws_account_id = 123456789012\nrole_name = A\nregion = mars\n", r"\[a\].*region"),
    ("[a]\nrole_arn = arn:aws-cn:iam::123456789012:role/A\nregion = eu-west-1\n", "partition"),
])
def test_import_is_all_or_nothing(text, message):
    good = "[ok]\naws_account_id = 111111111111\nrole_name = Fine\n"
    with pytest.raises(InputError, match=message):
        importer.plan_esr(Config(), good + text)


def test_text_without_targets_is_an_error():
    with pytest.raises(InputError, match="no target roles"):
        importer.plan_esr(Config(), "; a comment\n[base]\naws_account_id = 123456789012\n")


def test_duplicates_are_skipped_and_existing_accounts_extended():
    config = Config(accounts=(Account("prod", "111111111111", roles=(Role("Admin"),)),))
    text = """
[prod-admin]
aws_account_id = 111111111111
role_name = Admin
[something-else]
aws_account_id = 111111111111
role_name = ReadOnly
[prod-admin-again]
aws_account_id = 111111111111
role_name = ReadOnly
"""
    result = importer.plan_esr(config, text)
    assert result.summary() == (
        "added 0 accounts, 1 role; skipped 2 (prod-admin: already present as prod/Admin; "
        "prod-admin-again: already present as prod/ReadOnly)"
    )
    assert [r.name for r in result.config.accounts[0].roles] == ["Admin", "ReadOnly"]


def test_alias_clash_with_another_account_gets_a_free_alias():
    config = Config(accounts=(Account("prod", "111111111111", roles=(Role("Admin"),)),))
    text = "[prod-Admin]\naws_account_id = 222222222222\nrole_name = Admin\n"
    result = importer.plan_esr(config, text)
    (new,) = result.config.accounts[1:]
    assert (new.alias, new.id) == ("prod-Admin", "222222222222")
    assert result.notes == ["renamed prod → prod-Admin (prod is another account's)"]
    # an alias that differs only in case would make "Prod" ambiguous
    text = "[PROD-Admin]\naws_account_id = 222222222222\nrole_name = Admin\n"
    result = importer.plan_esr(config, text)
    assert result.config.accounts[1].alias == "PROD-Admin"
    assert result.notes == ["renamed PROD → PROD-Admin (PROD is another account's)"]
    text = "[prod]\naws_account_id = 222222222222\nrole_name = Admin\naws_account_alias = Prod\n"
    result = importer.plan_esr(config, text)
    assert result.config.accounts[1].alias == "222222222222"
    assert result.notes == ["renamed Prod → 222222222222 (Prod is another account's)"]


def test_every_normalised_alias_is_reported():
    text = ("[a]\naws_account_id = 111111111111\nrole_name = Admin\naws_account_alias = My Prod\n"
            "[Team Shop-Dev]\naws_account_id = 222222222222\nrole_name = Dev\n")
    result = importer.plan_esr(Config(), text)
    assert [a.alias for a in result.config.accounts] == ["My-Prod", "Team-Shop"]
    assert result.summary() == ("added 2 accounts, 2 roles; skipped 0; renamed My Prod → My-Prod; "
                                "renamed Team Shop → Team-Shop")


SAME_ACCOUNT_TWICE = """
[prod-admin]
aws_account_id = 111111111111
role_name = Admin
color = ff0000
region = eu-west-1

[prod-readonly]
aws_account_id = 111111111111
role_name = ReadOnly
color = 00ff00
region = us-west-2

[prod-plain]
aws_account_id = 111111111111
role_name = Plain
"""


def test_two_sections_of_one_account_keep_their_own_colour_and_region():
    result = importer.plan_esr(Config(), SAME_ACCOUNT_TWICE)
    (account,) = result.config.accounts
    assert (account.color, account.region) == ("FF0000", "eu-west-1")
    assert account.roles == (Role("Admin"), Role("ReadOnly", color="00FF00", region="us-west-2"),
                             Role("Plain"))
    targets = {t.name: t for t in account_targets(account)}
    assert (targets["prod/ReadOnly"].color, targets["prod/ReadOnly"].region) == (
        "00FF00", "us-west-2")
    assert (targets["prod/Plain"].color, targets["prod/Plain"].region) == ("FF0000", "eu-west-1")
    # and the export writes each back, so the round trip loses neither
    again = importer.plan_esr(Config(), exporter.to_esr(result.config))
    assert again.config.accounts[0].roles == account.roles


def test_a_section_for_a_role_already_there_says_what_it_does_not_keep():
    first = importer.plan_esr(Config(), SAME_ACCOUNT_TWICE).config
    text = "[again]\naws_account_id = 111111111111\nrole_name = Admin\ncolor = 0000ff\n"
    result = importer.plan_esr(first, text)
    assert result.skipped == [("again", "already present as prod/Admin; its colour 0000FF not kept")]


def test_export_skips_external_id_roles_with_a_note():
    config = Config(accounts=(Account("prod", "111111111111", color="F2B0A9",
                                      roles=(Role("Admin"), Role("Vendor", external_id="xx-1"))),))
    text = exporter.to_esr(config)
    assert "[prod-Admin]\naws_account_id = 111111111111\nrole_name = Admin\ncolor = f2b0a9\n" in text
    assert "xx-1" not in text
    assert "prod/Vendor" in text.splitlines()[-1]


def test_export_skips_roles_whose_path_the_console_form_cannot_take():
    long_path = "platform/" + "p" * 60 + "/Deploy"  # valid in IAM, too long for Switch Role
    config = Config(accounts=(Account("prod", "111111111111",
                                      roles=(Role("Admin"), Role(long_path))),))
    text = exporter.to_esr(config)
    assert "role_name = Admin" in text and f"role_name = {long_path}" not in text
    assert f"prod/{long_path}" in text.splitlines()[-1]


def test_section_alias_helpers():
    assert esr.section_name("prod", "team/ops/Deploy") == "prod-team-ops-Deploy"
    assert esr.alias_from_section("prod-team-ops-Deploy", "team/ops/Deploy") == "prod"
    assert esr.alias_from_section("Admin", "Admin") == "Admin"
    assert esr.alias_from_section("My_Prod.Admin", "Admin") == "My_Prod"
    long_alias = "a" * 64
    assert esr.alias_from_section(esr.section_name(long_alias, "R" * 64), "R" * 64) == long_alias


@pytest.mark.parametrize("text,alias", [
    ("My_Account.prod", "My_Account.prod"),  # all allowed: untouched, case kept
    ("My Prod  Account!", "My-Prod-Account"),  # each run of refused characters: one hyphen
    ("Prod--Main", "Prod--Main"),  # allowed hyphens are not collapsed
    ("  équipe/ops ", "quipe-ops"),
    ("x" * 80, "x" * 64),
    ("!!!", None),
])
def test_normalise_alias_touches_only_what_the_alias_rule_refuses(text, alias):
    assert esr.normalise_alias(text) == alias


def _exportable(config: Config) -> set[tuple]:
    return {(a.alias, a.id, r.name, r.region or a.region, r.color or a.color)
            for a in config.accounts for r in a.roles if not r.external_id}


# ESR carries alias (via the section name), id, role, colour and region; nothing else.
esr_accounts = accounts(role_strategy=roles(), source=st.none(), mfa_serial=st.none(),
                        mfa_process=st.none(), browser=st.none(), logout_first=st.none(),
                        color=st.none() | colors)


@settings(max_examples=150, deadline=None)
@given(configs(account_strategy=esr_accounts, with_settings=False))
def test_export_then_import_round_trip(config):
    text = exporter.to_esr(config)
    expected = _exportable(config)
    if not expected:
        with pytest.raises(InputError, match="no target roles"):
            importer.plan_esr(Config(), text)
        return
    result = importer.plan_esr(Config(), text)
    assert _exportable(result.config) == expected
    assert result.skipped == []
    assert len(result.added_roles) == len(expected)


def test_bom_and_windows_line_endings():
    text = "\ufeff[a-Admin]\r\naws_account_id = 123456789012\r\nrole_name = Admin\r\n"
    (target,) = esr.parse(text)
    assert (target.name, target.account, target.role_name) == ("a-Admin", "123456789012", "Admin")
