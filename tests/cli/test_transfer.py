"""``switcher import aws-config / esr / link`` and ``export esr / aws-config`` in-process:
the reports, what lands in config.toml, the exported text, and all-or-nothing imports."""

from __future__ import annotations

import configparser
import re

import pytest

from switcher.core.self_command import own_argv
from tests.fixtures.samples import AWS_CONFIG, ESR

ESR_REPORT = ("added 2 accounts, 2 roles; skipped 1 (org: a base account (where you sign in "
              "for [shop-Developer]), not a role to switch to); source_profile org is no AWS CLI "
              "profile or keyring source here, so shop-Developer uses the default credentials\n")


@pytest.fixture
def accounts(cli):
    cli.aws_config.write_text("[profile base]\nregion = eu-west-1\n")
    cli.ok("add", "prod", "--account", "111111111111", "--role", "Admin", "--color", "red",
           "--region", "eu-west-1", "--source", "base")
    cli.ok("add", "vendor", "--account", "444444444444", "--role", "Support",
           "--external-id", "xid-12345")
    cli.ok("add", "deep", "--account", "121212121212", "--role", "Chained",
           "--via", "prod/Admin", "--duration", "3600")
    return cli


def test_import_aws_config_reads_the_default_file(cli):
    cli.aws_config.write_text(AWS_CONFIG)
    code, out, err = cli("import", "aws-config")
    assert (code, out, err) == (0, "added 2 accounts, 2 roles; skipped 0\n", "")
    got = cli.targets()
    assert got["legacy/Admin"]["source"] == "base" and got["legacy/Admin"]["mfa"]
    assert got["legacy-Deep/path/Deep"]["via"] == "legacy/Admin"
    assert "role_arn" not in cli.config_path.read_text()


def test_import_aws_config_from_a_file_skips_what_is_there(cli, tmp_path):
    cli.aws_config.write_text(AWS_CONFIG)
    cli.ok("import", "aws-config")
    before = cli.config_bytes()
    other = tmp_path / "other-config"
    other.write_text(AWS_CONFIG.replace("duration_seconds = 3600", "duration_seconds = 2700"))
    assert cli.ok("import", "aws-config", str(other)) == (
        "added 0 accounts, 0 roles; skipped 2 (profile legacy-Admin: already present as "
        "legacy/Admin; profile legacy-Deep: differs from legacy-Deep/path/Deep: duration 3600 "
        "vs 2700; edit it or remove it first)\n")
    assert cli.config_bytes() == before


def test_import_esr_from_a_file_and_from_stdin(cli, tmp_path):
    esr = tmp_path / "esr.ini"
    esr.write_text(ESR)
    assert cli.ok("import", "esr", str(esr)) == ESR_REPORT
    got = cli.targets()
    assert set(got) == {"shop/Developer", "Mining/ops/Miner"}
    assert got["shop/Developer"]["color"] == "FAD791"
    assert got["Mining/ops/Miner"]["region"] == "ap-southeast-2"
    assert cli.ok("import", "esr", "-", stdin=ESR).startswith(
        "added 0 accounts, 0 roles; skipped 3")


def test_import_esr_from_stdin_into_an_empty_config(cli):
    assert cli.ok("import", "esr", "-", stdin=ESR) == ESR_REPORT
    assert cli.targets()["Mining/ops/Miner"]["account"] == "888888888888"


def test_import_link_adds_the_account_and_role(cli):
    url = ("https://signin.amazonaws.cn/switchrole?account=999999999999&roleName=Reader"
           "&displayName=beijing%2FReader&color=B7CA9D")
    assert cli.ok("import", "link", url) == "added 1 account, 1 role; skipped 0\n"
    got = cli.targets()["beijing/Reader"]
    assert (got["account"], got["region"], got["partition"], got["color"]) == (
        "999999999999", "cn-north-1", "aws-cn", "B7CA9D")


def test_import_link_by_alias_lands_in_that_account(accounts):
    url = "https://signin.aws.amazon.com/switchrole?account=prod&roleName=ReadOnly"
    assert accounts.ok("import", "link", url) == "added 0 accounts, 1 role; skipped 0\n"
    assert accounts.targets()["prod/ReadOnly"]["account"] == "111111111111"


def test_export_aws_config(accounts):
    text = accounts.ok("export", "aws-config")
    assert text.endswith("\n")
    profiles = configparser.ConfigParser()
    profiles.read_string(text)
    assert profiles.sections() == [
        "profile prod-Admin", "profile vendor-Support", "profile deep-Chained"]
    assert dict(profiles["profile prod-Admin"]) == {
        "role_arn": "arn:aws:iam::111111111111:role/Admin", "source_profile": "base",
        "region": "eu-west-1"}
    # no AWS CLI profile as its source: the AWS CLI has to ask Switcher
    vendor = profiles["profile vendor-Support"]
    assert vendor["credential_process"] == (
        f"{own_argv(['switcher'])[0]} creds vendor/Support --format json")
    assert "external_id" not in vendor
    assert dict(profiles["profile deep-Chained"]) == {
        "role_arn": "arn:aws:iam::121212121212:role/Chained", "source_profile": "prod-Admin",
        "region": "us-east-1", "duration_seconds": "3600"}


def test_export_esr(accounts):
    text = accounts.ok("export", "esr")
    sections = configparser.ConfigParser(comment_prefixes=(";",))
    sections.read_string(text)
    assert sections.sections() == ["prod-Admin", "deep-Chained"]
    assert dict(sections["prod-Admin"]) == {
        "aws_account_id": "111111111111", "role_name": "Admin", "color": "f2b0a9",
        "region": "eu-west-1"}
    assert re.search(r"^; Not exported .*: vendor/Support$", text, re.MULTILINE)
    assert "xid-12345" not in text


def test_export_then_import_elsewhere_gives_the_same_targets(accounts, tmp_path, monkeypatch):
    original = accounts.targets()
    exported = tmp_path / "exported"
    exported.write_text(accounts.ok("export", "aws-config"))
    esr = accounts.ok("export", "esr")
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "fresh"))
    report = accounts.ok("import", "aws-config", str(exported))
    # a credential_process profile names no role to import: Switcher already holds it
    assert report == "added 2 accounts, 2 roles; skipped 0\n"
    keys = ("account", "role", "region", "partition", "via")
    assert {n: {k: t[k] for k in keys} for n, t in accounts.targets().items()} == {
        n: {k: t[k] for k in keys} for n, t in original.items() if n != "vendor/Support"}
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "fresh-esr"))
    assert accounts.ok("import", "esr", "-", stdin=esr) == "added 2 accounts, 2 roles; skipped 0\n"
    keys = ("account", "role", "region", "color")
    assert {n: {k: t[k] for k in keys} for n, t in accounts.targets().items()} == {
        n: {k: t[k] for k in keys} for n, t in original.items() if n != "vendor/Support"}


BAD_ESR = "[fine]\naws_account_id = 123456789012\nrole_name = Ok\n[broken]\nrole_name = X\n"


@pytest.mark.parametrize("files,argv,message", [
    ({"bad.ini": BAD_ESR}, ("import", "esr", "{tmp}/bad.ini"), r"\[broken\] \(line 4\)"),
    ({}, ("import", "esr", "{tmp}/missing.ini"), "missing.ini: no such file"),
    ({"bin.ini": b"\xff\xfe[x]"}, ("import", "esr", "{tmp}/bin.ini"), "bin.ini: not UTF-8 text"),
    ({"empty-aws": "[default]\nregion = us-east-1\n"}, ("import", "aws-config", "{tmp}/empty-aws"),
     "no role profiles"),
    ({}, ("import", "link", "https://signin.aws.amazon.com.evil.example/switchrole?account="
          "123456789012&roleName=A"), "not an AWS sign-in host"),
    ({}, ("import", "link", "https://signin.aws.amazon.com/switchrole?account=unknown-alias"
          "&roleName=A"), "add the account first"),
    ({}, ("import", "pdf", "x"), "invalid choice: 'pdf'"),
    ({}, ("export", "csv"), "invalid choice: 'csv'"),
    ({}, ("import",), "required"),
])
def test_bad_input_is_exit_2_and_imports_nothing(accounts, tmp_path, files, argv, message):
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    before = accounts.config_bytes()
    code, out, err = accounts(*(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert (code, out) == (2, ""), err
    assert err.startswith("switcher: ") and err.count("\n") == 1
    assert re.search(message, err), err
    assert accounts.config_bytes() == before


def test_an_esr_file_with_one_bad_section_adds_none_of_the_good_ones(cli, tmp_path):
    bad = tmp_path / "bad.ini"
    bad.write_text(BAD_ESR)
    assert cli("import", "esr", str(bad)).code == 2
    assert cli.targets() == {}
    assert not cli.config_path.exists()


def test_role_profiles_of_the_credentials_file_are_listed_and_imported(cli):
    cli.aws_config.write_text("[profile base]\nregion = eu-west-1\n")
    cli.aws_credentials.write_text(
        "[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = s3cr3t\n\n"
        "[team]\nrole_arn = arn:aws-cn:iam::444444444444:role/Team\nsource_profile = base\n")
    listed = cli.ok("list")
    # base's region is another partition's: the console region is the partition's default
    assert re.search(r"^team +444444444444 +cn-north-1 +base +profile, region: default$",
                     listed, re.MULTILINE)
    assert cli.targets()["team"]["region_from"] == "default"
    assert cli.ok("import", "aws-config") == "added 1 account, 1 role; skipped 0\n"
    assert "team/Team" in cli.targets() and "s3cr3t" not in cli.config_path.read_text()
