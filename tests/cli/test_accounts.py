"""``switcher add / remove / list`` in-process: what lands in config.toml, what list
prints, and bad input that must leave the file alone."""

from __future__ import annotations

import json
import tomllib

import pytest

from switcher.core.secrets.keystore import SESSIONS_SERVICE

MFA = "arn:aws:iam::123456789012:mfa/alice"


def _accounts(cli) -> dict[str, dict]:
    data = tomllib.loads(cli.config_path.read_text())
    return {a["alias"]: a for a in data.get("accounts", [])}


def test_add_writes_the_account_with_every_option(cli):
    out = cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin",
                 "--role", "team/Deploy", "--color", "blue", "--region", "eu-west-1",
                 "--source", "base")
    assert out == "saved prod (123456789012, eu-west-1): Admin, team/Deploy\n"
    prod = _accounts(cli)["prod"]
    assert (prod["id"], prod["region"], prod["color"], prod["source"]) == (
        "123456789012", "eu-west-1", "99BCE3", "base")
    assert [r["name"] for r in prod["roles"]] == ["Admin", "team/Deploy"]
    assert cli.config_path.stat().st_mode & 0o777 == 0o600


def test_role_options_land_on_the_named_roles_only(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin")
    cli.ok("add", "vendor", "--account", "210987654321", "--role", "Support",
           "--external-id", "shared-1", "--duration", "7200", "--mfa-serial", MFA)
    cli.ok("add", "dev", "--account", "111122223333", "--role", "Ops", "--via", "prod/Admin",
           "--duration", "3600")
    accounts = _accounts(cli)
    (support,) = accounts["vendor"]["roles"]
    assert support == {"name": "Support", "external_id": "shared-1", "duration": 7200,
                       "mfa_serial": MFA}
    assert "mfa_serial" not in accounts["vendor"]
    (ops,) = accounts["dev"]["roles"]
    assert (ops["via"], ops["duration"]) == ("prod/Admin", 3600)


def test_adding_again_merges_roles_and_keeps_fields(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--color", "red")
    assert cli.ok("add", "prod", "--account", "123456789012", "--role", "Viewer") == (
        "saved prod (123456789012, us-east-1): Admin, Viewer\n")
    prod = _accounts(cli)["prod"]
    assert [r["name"] for r in prod["roles"]] == ["Admin", "Viewer"]
    assert prod["color"] == "F2B0A9"


def test_account_wide_mfa_without_role(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO")
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--mfa-serial", MFA)
    assert {n: t["mfa"] for n, t in cli.targets().items()} == {"prod/Admin": True,
                                                              "prod/RO": False}
    cli.ok("add", "prod", "--account", "123456789012", "--mfa-serial", MFA)
    assert _accounts(cli)["prod"]["mfa_serial"] == MFA
    assert all(t["mfa"] for t in cli.targets().values())


def test_a_keyring_source_is_accepted_without_an_aws_profile(cli):
    cli.ok("keys", "add", "ci", stdin="AKIAEXAMPLEEXAMPLE00\nsecretsecretsecret\n")
    cli.ok("add", "keyed", "--account", "333333333333", "--role", "Deploy", "--source", "ci")
    assert _accounts(cli)["keyed"]["source"] == "ci"


def test_list_json_describes_every_target(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--color", "blue",
           "--region", "eu-west-1", "--source", "base")
    cli.ok("add", "gov", "--account", "210987654321", "--role", "Ops", "--region", "us-gov-west-1")
    cli.ok("add", "dev", "--account", "210987654322", "--role", "Ops", "--via", "prod/Admin")
    listed = json.loads(cli.ok("list", "--json"))
    assert [t["target"] for t in listed] == ["prod/Admin", "gov/Ops", "dev/Ops"]
    assert listed[0] == {
        "target": "prod/Admin", "account": "123456789012", "alias": "prod", "role": "Admin",
        "region": "eu-west-1", "partition": "aws", "color": "99BCE3", "source": "base",
        "kind": "account", "via": None, "mfa": False, "credential_source": None,
        "region_from": None, "discovered": False,
    }
    assert listed[1]["partition"] == "aws-us-gov"
    assert listed[2]["via"] == "prod/Admin"


def test_list_table_has_sources_and_flags(cli):
    cli.aws_config.write_text(
        "[profile base]\nregion = us-east-1\n\n[profile legacy]\n"
        "role_arn = arn:aws:iam::555555555555:role/Admin\nsource_profile = base\n")
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--source", "base",
           "--mfa-serial", MFA)
    cli.ok("add", "dev", "--account", "210987654322", "--role", "Ops", "--via", "prod/Admin",
           "--external-id", "xid-123")
    lines = cli.ok("list").splitlines()
    assert lines[0].split() == ["TARGET", "ACCOUNT", "REGION", "SOURCE"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"prod/Admin", "dev/Ops", "legacy"}
    assert rows["prod/Admin"].split()[1:] == ["123456789012", "us-east-1", "base", "mfa"]
    assert "via prod/Admin" in rows["dev/Ops"] and rows["dev/Ops"].endswith("external-id")
    # the profile names no region: the table says where its console region came from
    assert rows["legacy"].endswith("profile, region: profile base")


def test_list_with_nothing_configured(cli):
    assert cli.ok("list") == (
        "no targets yet; add one with: switcher add ALIAS --account ID --role NAME\n")
    assert json.loads(cli.ok("list", "--json")) == []
    assert not cli.config_path.exists()  # listing never creates the file


def test_remove_a_role_then_the_account(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO")
    assert cli.ok("remove", "prod/Admin") == "removed prod/Admin\n"
    assert [r["name"] for r in _accounts(cli)["prod"]["roles"]] == ["RO"]
    assert cli.ok("remove", "prod") == "removed prod\n"
    assert _accounts(cli) == {}


def test_remove_refuses_a_role_others_chain_through(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin")
    cli.ok("add", "dev", "--account", "210987654322", "--role", "Ops", "--via", "prod/Admin")
    before = cli.config_bytes()
    code, out, err = cli("remove", "prod")
    assert (code, out) == (2, "")
    assert err == "switcher: dev/Ops is assumed via prod/Admin; remove it or change its --via first\n"
    assert cli.config_bytes() == before


def test_remove_forgets_cached_sessions_of_the_target(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO")
    store = cli.keyring.store
    store[(SESSIONS_SERVICE, "prod/Admin#0")] = "{}"
    store[(SESSIONS_SERVICE, "prod/RO#0")] = "{}"
    store[(SESSIONS_SERVICE, "_index")] = json.dumps(["prod/Admin#0", "prod/RO#0"])
    cli.ok("remove", "prod/Admin")
    assert (SESSIONS_SERVICE, "prod/Admin#0") not in store
    assert (SESSIONS_SERVICE, "prod/RO#0") in store
    assert json.loads(store[(SESSIONS_SERVICE, "_index")]) == ["prod/RO#0"]


BAD = [
    (("add", "prod!", "--account", "123456789012"),
     "alias 'prod!' must be 1-64 letters, digits or . _ - characters"),
    (("add", "x" * 65, "--account", "123456789012"), "must be 1-64 letters"),
    (("add", "prod", "--account", "١٢٣٤٥٦٧٨٩٠١٢"), "12 digits"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--region", "us-east-١"),
     "not a region name"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--duration", "36１0"),
     "argument --duration: '36１0' is not a whole number of seconds"),
    (("add", "KEEP", "--account", "111111111111", "--role", "B"),
     "account 111111111111 is already listed as keep"),
    (("add", "prod", "--account", "12345"), "12 digits"),
    (("add", "prod", "--account", "123456789012", "--role", "bad role"), "role name 'bad role'"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--color", "purple"), "6 hex digits"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--region", "mars"), "region 'mars'"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--duration", "100"), "between 900 and 43200"),
    (("add", "prod", "--account", "123456789012", "--external-id", "abcdef"), "add --role NAME"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--source", "nope"),
     "neither an AWS CLI profile (known: base)"),
    (("add", "prod", "--account", "123456789012", "--role", "A", "--via", "nowhere/X"), "unknown target 'nowhere/X'"),
    (("add", "other", "--account", "111111111111", "--role", "A"),
     "account 111111111111 is already listed as keep"),
    (("add", "keep", "--account", "222222222222", "--role", "A"),
     "alias keep already names account 111111111111"),
    (("add", "xtwo", "--account", "123456789019", "--role", "R", "--via", "keep/A",
      "--duration", "7200"), "exceeds the 1 hour limit"),
    (("add", "china", "--account", "123456789018", "--role", "R", "--region", "cn-north-1",
      "--via", "keep/A"), "cannot cross partitions"),
    (("add", "loop", "--account", "123456789017", "--role", "R", "--via", "loop/R"), "makes a loop"),
    (("remove", "nope"), "no account 'nope'"),
    (("remove", "keep/Nope"), "account keep has no role 'Nope'"),
    (("add", "prod"), "required: --account"),
]


@pytest.mark.parametrize("argv,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_exit_2_one_line_and_changes_nothing(cli, argv, message):
    cli.ok("add", "keep", "--account", "111111111111", "--role", "A")
    before = cli.config_bytes()
    code, out, err = cli(*argv)
    assert code == 2, err
    assert out == ""
    assert err.startswith("switcher: ") and err.count("\n") == 1, err
    assert message in err
    assert cli.config_bytes() == before


def test_a_broken_config_names_the_line_and_is_kept(cli):
    cli.config_dir.mkdir()
    cli.config_path.write_text("version = 1\n[[accounts]\n")
    for argv in (("add", "prod", "--account", "123456789012", "--role", "A"),
                 ("remove", "prod"), ("list",)):
        code, _, err = cli(*argv)
        assert code == 2 and str(cli.config_path) in err and "line 2" in err, err
    assert cli.config_path.read_text() == "version = 1\n[[accounts]\n"


@pytest.mark.parametrize("alias", ["qa", "cn", "x", "My_Account", "team.prod-1", "a" * 64])
def test_aliases_are_nicknames_and_keep_their_case(cli, alias):
    assert cli.ok("add", alias, "--account", "123456789012", "--role", "Admin").startswith(
        f"saved {alias} (123456789012")
    assert list(_accounts(cli)) == [alias]
    assert list(cli.targets()) == [f"{alias}/Admin"]


def test_another_spelling_finds_the_one_account(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO")
    assert cli.ok("link", "PROD/Admin").startswith("https://signin.aws.amazon.com/switchrole?")
    assert cli.ok("remove", "Prod/Admin") == "removed prod/Admin\n"
    assert cli.ok("remove", "PROD") == "removed prod\n"
    assert _accounts(cli) == {}


def test_aliases_differing_only_in_case_need_the_exact_spelling(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin")
    # add takes the alias as spelled: a second account, not more roles for "prod"
    cli.ok("add", "PROD", "--account", "210987654321", "--role", "Admin")
    assert set(_accounts(cli)) == {"prod", "PROD"}
    code, _, err = cli("link", "Prod/Admin")
    assert code == 2 and err.startswith("switcher: unknown target 'Prod/Admin'"), err
    assert "account=210987654321" in cli.ok("link", "PROD/Admin")
    assert cli.ok("remove", "PROD") == "removed PROD\n"
    assert set(_accounts(cli)) == {"prod"}
