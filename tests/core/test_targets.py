import pytest

from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role
from switcher.core.targets import list_targets, resolve


@pytest.fixture
def aws_config(tmp_path, monkeypatch):
    path = tmp_path / "config"
    path.write_text(
        "[profile base]\nregion = eu-central-1\n\n"
        "[profile ops]\nrole_arn = arn:aws:iam::111111111111:role/ops/Operator\n"
        "source_profile = base\nmfa_serial = arn:aws:iam::999999999999:mfa/me\n"
        "duration_seconds = 7200\n\n"
        "[profile deep]\nrole_arn = arn:aws:iam::222222222222:role/Deep\nsource_profile = ops\n\n"
        "[profile cn]\nrole_arn = arn:aws-cn:iam::333333333333:role/CnRole\nsource_profile = base\n\n"
        "[profile broken]\nrole_arn = not-an-arn\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


CONFIG = Config(accounts=(
    Account("prod", "123456789012", region="eu-west-1",
            roles=(Role("Admin"), Role("team/ops/Deploy"))),
    Account("solo", "123456789013", region="cn-north-1", roles=(Role("Only"),)),
))


def test_resolve_forms(aws_config):
    assert resolve(CONFIG, "prod/Admin").role_arn == "arn:aws:iam::123456789012:role/Admin"
    assert resolve(CONFIG, "prod/Deploy").role_name == "team/ops/Deploy"
    assert resolve(CONFIG, "prod/team/ops/Deploy").name == "prod/team/ops/Deploy"
    solo = resolve(CONFIG, "solo")
    assert solo.role_arn == "arn:aws-cn:iam::123456789013:role/Only"


def test_ambiguous_and_unknown(aws_config):
    with pytest.raises(InputError, match="2 roles; say which"):
        resolve(CONFIG, "prod")
    with pytest.raises(InputError, match="no role 'Nope'"):
        resolve(CONFIG, "prod/Nope")
    with pytest.raises(InputError, match="unknown target"):
        resolve(CONFIG, "missing")


def test_profile_targets_read_live(aws_config):
    ops = resolve(CONFIG, "ops")
    assert (ops.kind, ops.account_id, ops.role_name, ops.source) == ("profile", "111111111111", "ops/Operator", "base")
    assert ops.region == "eu-central-1" and ops.duration == 7200 and ops.mfa_serial
    deep = resolve(CONFIG, "deep")
    assert deep.via == "ops" and deep.source is None
    assert resolve(CONFIG, "cn").region == "cn-north-1"
    names = [t.name for t in list_targets(CONFIG)]
    assert names == ["prod/Admin", "prod/team/ops/Deploy", "solo/Only", "ops", "deep", "cn"]
    aws_config.write_text(aws_config.read_text().replace("[profile deep]", "[profile deeper]"))
    assert "deeper" in [t.name for t in list_targets(CONFIG)]


def test_broken_aws_config_still_lists_our_accounts(tmp_path, monkeypatch, caplog):
    bad = tmp_path / "config"
    bad.write_text("[profile x\nrole_arn = y\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(bad))
    assert [t.name for t in list_targets(CONFIG)] == ["prod/Admin", "prod/team/ops/Deploy", "solo/Only"]
    assert f"{bad} is not a valid AWS config file" in caplog.text
    with pytest.raises(InputError, match="not a valid AWS config file"):
        resolve(CONFIG, "x")


def test_profile_already_imported_is_listed_once(aws_config):
    config = Config(accounts=(Account("ops", "111111111111", roles=(Role("ops/Operator"),)),))
    names = [t.name for t in list_targets(config)]
    assert "ops/ops/Operator" in names and names.count("ops") == 0
    assert resolve(config, "deep").via == "ops"


def test_ten_thousand_targets_build_fast_enough_to_matter():
    accounts = tuple(
        Account(f"acct-{i:04d}", f"{100000000000 + i}", roles=tuple(Role(f"R{j}") for j in range(5)))
        for i in range(2000)
    )
    config = Config(accounts=accounts)
    assert len(list_targets(config, include_profiles=False)) == 10000


# -- profiles as botocore reads them ------------------------------------------------------

REFUSED = """\
[profile keys]
aws_access_key_id = AKIAEXAMPLEEXAMPLE00
aws_secret_access_key = not-a-real-secret

[profile bare]
role_arn = arn:aws:iam::111111111111:role/Bare

[profile both]
role_arn = arn:aws:iam::111111111111:role/Both
source_profile = keys
credential_source = Environment

[profile dangling]
role_arn = arn:aws:iam::111111111111:role/Dangling
source_profile = nowhere

[profile odd-source]
role_arn = arn:aws:iam::111111111111:role/Odd
credential_source = Laptop

[profile loop]
role_arn = arn:aws:iam::111111111111:role/Loop
source_profile = loop

[profile fine]
role_arn = arn:aws:iam::111111111111:role/Fine
credential_source = EcsContainer
"""


@pytest.mark.parametrize("name,reason", [
    ("bare", "Partial credentials found in assume-role, missing: source_profile or "
             "credential_source"),
    ("both", 'The profile "both" contains both source_profile and credential_source.'),
    ("dangling", 'The source_profile "nowhere" referenced in the profile "dangling" does not '
                 "exist."),
    ("odd-source", 'The credential source "Laptop" referenced in profile "odd-source" is not '
                   "valid."),
    ("loop", "Infinite loop in credential configuration detected"),
])
def test_role_profiles_botocore_refuses_are_refused_with_its_reason(tmp_path, monkeypatch,
                                                                     caplog, name, reason):
    path = tmp_path / "config"
    path.write_text(REFUSED)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    with pytest.raises(InputError) as err:
        resolve(CONFIG, name)
    assert str(err.value).startswith(f"profile {name}: {reason}")
    assert "not-a-real-secret" not in str(err.value)
    names = [t.name for t in list_targets(CONFIG)]
    assert name not in names and "fine" in names
    assert f"profile {name} is not listed: {reason}" in caplog.text
    assert resolve(CONFIG, "fine").credential_source == "EcsContainer"


def test_region_says_where_it_came_from(aws_config):
    assert resolve(CONFIG, "ops").region_from == "profile base"  # inherited
    assert resolve(CONFIG, "deep").region_from == "profile base"  # two hops up
    cn = resolve(CONFIG, "cn")
    assert (cn.region, cn.region_from) == ("cn-north-1", "default")  # base's is another partition
    aws_config.write_text(aws_config.read_text() + "[profile own]\nregion = eu-west-3\n"
                          "role_arn = arn:aws:iam::111111111111:role/Own\nsource_profile = base\n")
    own = resolve(CONFIG, "own")
    assert (own.region, own.region_from) == ("eu-west-3", None)
    assert own.as_json()["region_from"] is None and cn.as_json()["region_from"] == "default"


def test_role_profiles_of_the_credentials_file_are_listed(aws_config, tmp_path, monkeypatch):
    credentials = tmp_path / "credentials"
    credentials.write_text("[team]\nrole_arn = arn:aws:iam::444444444444:role/Team\n"
                           "source_profile = base\n\n[base]\naws_access_key_id = AKIAEXAMPLE\n"
                           "aws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    assert "team" in [t.name for t in list_targets(CONFIG)]
    team = resolve(CONFIG, "team")
    assert (team.account_id, team.source, team.region) == ("444444444444", "base", "eu-central-1")


def test_per_role_colour_and_region_fall_back_to_the_account():
    account = Account("prod", "123456789012", region="eu-west-1", color="F2B0A9", roles=(
        Role("Admin"), Role("Ops", color="99bce3", region="us-west-2")))
    config = Config(accounts=(account,))
    admin, ops = resolve(config, "prod/Admin"), resolve(config, "prod/Ops")
    assert (admin.color, admin.region) == ("F2B0A9", "eu-west-1")
    assert (ops.color, ops.region) == ("99BCE3", "us-west-2")
    with pytest.raises(InputError, match="not in the partition of the account's region"):
        Account("prod", "123456789012", region="eu-west-1", roles=(Role("X", region="cn-north-1"),))


# -- names that are no target --------------------------------------------------------------

MANY = Config(accounts=(
    Account("prod", "123456789012", roles=(Role("Admin"), Role("ReadOnly"))),
    Account("stage", "123456789013", roles=(Role("Admin"), Role("team/ops/Deploy"))),
    Account("dev", "123456789014", roles=(Role("Admin"),)),
))


def test_unknown_target_suggests_the_nearest(aws_config):
    with pytest.raises(InputError) as err:
        resolve(MANY, "prd/admin")
    assert str(err.value).startswith("unknown target 'prd/admin'; did you mean: prod/Admin")
    assert str(err.value).endswith("?")
    with pytest.raises(InputError, match=r"^unknown target 'zzzz'; see: switcher list$"):
        resolve(MANY, "zzzz")


def test_an_account_id_or_role_name_of_one_target_resolves_to_it(aws_config):
    assert resolve(MANY, "123456789014").name == "dev/Admin"
    assert resolve(MANY, "ReadOnly").name == "prod/ReadOnly"
    assert resolve(MANY, "Deploy").name == "stage/team/ops/Deploy"
    assert resolve(MANY, "deploy").name == "stage/team/ops/Deploy"
    with pytest.raises(InputError, match=r"^'Admin' matches 3 targets: prod/Admin, stage/Admin, "
                                         r"dev/Admin$"):
        resolve(MANY, "Admin")
    with pytest.raises(InputError, match="'123456789012' matches 2 targets: prod/Admin, "
                                         "prod/ReadOnly"):
        resolve(MANY, "123456789012")


def test_alias_and_role_in_another_case_resolve_when_only_one_matches(aws_config):
    assert resolve(MANY, "PROD/readonly").name == "prod/ReadOnly"
    assert resolve(MANY, "Dev").name == "dev/Admin"
    twins = Config(accounts=(Account("Qa", "123456789012", roles=(Role("A"),)),
                             Account("qa", "123456789013", roles=(Role("A"),))))
    assert resolve(twins, "Qa").account_id == "123456789012"
    with pytest.raises(InputError, match="unknown target 'QA'"):
        resolve(twins, "QA")


def test_a_known_target_does_not_load_the_ranker(aws_config):
    import subprocess
    import sys

    code = ("import sys\nfrom switcher.core.model import Account, Config, Role\n"
            "from switcher.core.targets import resolve\n"
            "c = Config(accounts=(Account('prod', '123456789012', roles=(Role('Admin'),)),))\n"
            "resolve(c, 'prod/Admin'); assert 'rapidfuzz' not in sys.modules\n"
            "try:\n    resolve(c, 'prd/Admn')\nexcept Exception as e:\n    print(e)\n"
            "print('rapidfuzz' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines() == ["unknown target 'prd/Admn'; did you mean: prod/Admin?", "True"]
