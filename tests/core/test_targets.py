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
