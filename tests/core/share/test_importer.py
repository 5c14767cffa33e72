"""Imports from ~/.aws/config and links, the aws-config export, and saving a plan."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from switcher.core import config as store
from switcher.core.errors import ConfigError, InputError
from switcher.core.model import Account, Config, Role
from switcher.core.share import exporter, importer
from switcher.core.targets import account_targets, read_aws_profiles
from switcher.core.validate import ALIAS_RE

from ..strategies import (
    ALL_REGIONS,
    REGIONS,
    account_ids,
    accounts,
    configs,
    durations,
    external_ids,
    mfa_serials,
    role_names,
    roles,
)

AWS_CONFIG = """
[default]
region = eu-west-1

[profile base]
region = eu-west-1

[profile prod-Admin]
role_arn = arn:aws:iam::111111111111:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::999999999999:mfa/me

[profile prod-ReadOnly]
role_arn = arn:aws:iam::111111111111:role/team/ops/ReadOnly
source_profile = base
duration_seconds = 7200

[profile prod-west]
role_arn = arn:aws:iam::111111111111:role/Admin
source_profile = base
region = us-west-2

[profile deep]
role_arn = arn:aws:iam::222222222222:role/Deep
source_profile = prod-Admin
external_id = abc123

[profile china]
role_arn = arn:aws-cn:iam::333333333333:role/CnRole
source_profile = base

[profile from-env]
role_arn = arn:aws:iam::444444444444:role/Ci
credential_source = Environment
"""


def _profiles(tmp_path, text=AWS_CONFIG):
    path = tmp_path / "config"
    path.write_text(text)
    return read_aws_profiles(path)


def test_aws_config_import_maps_every_option(tmp_path):
    result = importer.plan_aws_config(Config(), _profiles(tmp_path))
    assert result.summary() == (
        "added 3 accounts, 4 roles; skipped 2 (profile from-env: its credentials come from "
        "credential_source Environment, which a Switcher account cannot name; it stays listed "
        "as profile from-env; profile prod-west: differs from prod/Admin: "
        "region eu-west-1 vs us-west-2, MFA device arn:aws:iam::999999999999:mfa/me vs none; "
        "edit it or remove it first)")
    accounts = {a.alias: a for a in result.config.accounts}
    prod = accounts["prod"]
    assert (prod.id, prod.source, prod.region) == ("111111111111", "base", "eu-west-1")
    assert prod.roles == (
        Role("Admin", mfa_serial="arn:aws:iam::999999999999:mfa/me"),
        Role("team/ops/ReadOnly", duration=7200),
    )
    # Same account, other region: never a second account with the same id.
    assert "prod-west" not in accounts
    deep = accounts["deep"]
    assert deep.source is None and deep.roles == (
        Role("Deep", external_id="abc123", via="prod/Admin"),)
    # prod-Admin, its source, names no region itself: the nearest one up the chain, base's
    assert deep.region == "eu-west-1"
    # The source's region belongs to another partition: the ARN's partition wins.
    assert accounts["china"].region == "cn-north-1"
    # credential_source is one botocore provider, not the default chain an account would get
    assert "from-env" not in accounts


def test_aws_config_import_twice_skips_everything(tmp_path):
    profiles = _profiles(tmp_path)
    first = importer.plan_aws_config(Config(), profiles).config
    again = importer.plan_aws_config(first, profiles)
    assert not again.changed and again.config == first
    assert len(again.skipped) == 6
    assert again.skipped[1] == ("profile prod-Admin", "already present as prod/Admin")


@pytest.mark.parametrize("extra,message", [
    ("role_arn = arn:aws:iam::12:role/X", "profile bad: .*not a role ARN"),
    ("role_arn = arn:aws:iam::123456789012:role/X\nduration_seconds = 60", "profile bad: duration"),
    ("role_arn = arn:aws:iam::123456789012:role/X\nduration_seconds = soon", "profile bad: duration"),
    ("role_arn = arn:aws:iam::123456789012:role/X\nmfa_serial = short", "profile bad: MFA"),
    ("role_arn = arn:aws:iam::123456789012:role/X\nexternal_id = x", "profile bad: external id"),
    ("role_arn = arn:aws:iam::123456789012:role/X\nregion = moon", "profile bad: region"),
    ("role_arn = arn:aws:iam::123456789012:role/X\nregion = cn-north-1", "profile bad: .*partition"),
    # prod-Admin is a role itself: chaining caps the session at 1 hour.
    ("role_arn = arn:aws:iam::123456789012:role/X\nsource_profile = prod-Admin\n"
     "duration_seconds = 7200", "profile bad: duration 7200 exceeds the 1 hour limit .*role chaining"),
])
def test_aws_config_import_rejects_any_bad_profile(tmp_path, extra, message):
    if "source_profile" not in extra:
        extra += "\nsource_profile = base"  # else botocore refuses it first (below)
    profiles = _profiles(tmp_path, AWS_CONFIG + f"\n[profile bad]\n{extra}\n")
    with pytest.raises(InputError, match=message):
        importer.plan_aws_config(Config(), profiles)


def _ids_are_unique(config: Config) -> bool:
    ids = [a.id for a in config.accounts]
    return len(ids) == len(set(ids))


def test_same_role_with_other_options_is_skipped_with_the_differences(tmp_path):
    text = AWS_CONFIG + ("\n[profile prod-Admin-ext]\nrole_arn = arn:aws:iam::111111111111:role/Admin\n"
                         "source_profile = base\nexternal_id = other-ext\n"
                         "mfa_serial = arn:aws:iam::999999999999:mfa/me\n")
    result = importer.plan_aws_config(Config(), _profiles(tmp_path, text))
    assert ("profile prod-Admin-ext", "differs from prod/Admin: external id; edit it or remove "
            "it first") in result.skipped
    assert "other-ext" not in result.summary()  # the external id's value stays out of reports
    assert _ids_are_unique(result.config)


CHAINED = """
[profile base]
region = eu-west-1

[profile team-Admin]
role_arn = arn:aws:iam::111111111111:role/Admin
source_profile = base

[profile chained-Chain]
role_arn = arn:aws:iam::222222222222:role/Chain
source_profile = team-Admin
duration_seconds = 3600
"""


def test_reimporting_an_edited_profile_skips_it_and_keeps_ids_unique(tmp_path):
    first = importer.plan_aws_config(Config(), _profiles(tmp_path, CHAINED)).config
    edited = CHAINED.replace("duration_seconds = 3600", "duration_seconds = 2700")
    again = importer.plan_aws_config(first, _profiles(tmp_path, edited))
    assert not again.changed and again.config == first
    assert again.skipped == [
        ("profile team-Admin", "already present as team/Admin"),
        ("profile chained-Chain",
         "differs from chained/Chain: duration 3600 vs 2700; edit it or remove it first"),
    ]


def test_a_known_account_id_under_another_alias_gets_the_new_roles(tmp_path):
    # The profiles inherit eu-west-1 from base: the account's own region still wins.
    config = Config(accounts=(Account("prod", "111111111111", "us-east-1", source="base",
                                      roles=(Role("Admin"),)),))
    text = ("[profile base]\nregion = eu-west-1\n"
            "[profile legacy-Admin]\nrole_arn = arn:aws:iam::111111111111:role/Admin\n"
            "source_profile = base\n"
            "[profile legacy-ReadOnly]\nrole_arn = arn:aws:iam::111111111111:role/ReadOnly\n"
            "source_profile = base\n"
            "[profile legacy-Deep]\nrole_arn = arn:aws:iam::222222222222:role/Deep\n"
            "source_profile = legacy-ReadOnly\n")
    result = importer.plan_aws_config(config, _profiles(tmp_path, text))
    assert result.summary() == (
        "added 1 account, 2 roles; skipped 1 (profile legacy-Admin: differs from prod/Admin: "
        "region us-east-1 vs eu-west-1; edit it or remove it first)")
    assert [r.name for r in result.config.account("prod").roles] == ["Admin", "ReadOnly"]
    assert result.config.account("legacy").roles == (Role("Deep", via="prod/ReadOnly"),)
    assert _ids_are_unique(result.config)


def test_a_known_account_with_another_source_is_not_given_the_role(tmp_path):
    # The role would be assumed with the account's credentials, not the profile's.
    config = Config(accounts=(Account("prod", "111111111111", source="base", roles=(Role("Admin"),)),))
    text = ("[profile other]\nregion = us-east-1\n"
            "[profile prod-Ops]\nrole_arn = arn:aws:iam::111111111111:role/Ops\nsource_profile = other\n"
            "[profile hop]\nrole_arn = arn:aws:iam::222222222222:role/Hop\nsource_profile = prod-Ops\n"
            "[profile later]\nrole_arn = arn:aws:iam::222222222222:role/Direct\nsource_profile = other\n")
    result = importer.plan_aws_config(config, _profiles(tmp_path, text))
    assert result.skipped == [
        ("profile prod-Ops", "account prod uses source base, this profile source other; add "
                             "the role by hand if that is right"),
        ("profile hop", "its source_profile prod-Ops was not imported"),
    ]
    # An account this import made for chained roles only takes the first direct source.
    text = text.replace("source_profile = prod-Ops", "source_profile = first")
    text = ("[profile first]\nrole_arn = arn:aws:iam::333333333333:role/First\n"
            "source_profile = other\n") + text
    accounts = {a.id: a for a in importer.plan_aws_config(config, _profiles(tmp_path, text)).config.accounts}
    assert accounts["222222222222"].source == "other"
    assert [r.name for r in accounts["222222222222"].roles] == ["Hop", "Direct"]


def test_an_account_id_known_in_another_partition_is_not_merged(tmp_path):
    config = Config(accounts=(Account("prod", "111111111111", "eu-west-1", roles=(Role("Admin"),)),))
    text = ("[profile cn-base]\nregion = cn-north-1\n"
            "[profile cn-Ops]\nrole_arn = arn:aws-cn:iam::111111111111:role/Ops\n"
            "source_profile = cn-base\n"
            "[profile cn-Deep]\nrole_arn = arn:aws:iam::222222222222:role/Deep\n"
            "source_profile = cn-Ops\n")
    result = importer.plan_aws_config(config, _profiles(tmp_path, text))
    assert result.skipped == [
        ("profile cn-Ops", "account 111111111111 is listed as prod in partition aws, "
                           "this role is in aws-cn"),
        ("profile cn-Deep", "its source_profile cn-Ops was not imported"),
    ]
    assert not result.changed
    url = "https://signin.amazonaws.cn/switchrole?account=111111111111&roleName=Ops"
    assert importer.plan_link(config, url).skipped == [
        ("link 111111111111/Ops", "account 111111111111 is listed as prod in partition aws, "
                                  "this role is in aws-cn")]


def test_chained_profile_over_one_hour_fails_the_whole_import(tmp_path):
    text = CHAINED.replace("duration_seconds = 3600", "duration_seconds = 7200")
    with pytest.raises(InputError) as err:
        importer.plan_aws_config(Config(), _profiles(tmp_path, text))
    assert str(err.value) == ("profile chained-Chain: duration 7200 exceeds the 1 hour limit "
                              "for roles assumed by role chaining")
    # 1 hour exactly is the limit, not over it; a role with long-term source keys may go to 12.
    importer.plan_aws_config(Config(), _profiles(tmp_path, CHAINED))
    direct = CHAINED.replace("source_profile = team-Admin", "source_profile = base")
    importer.plan_aws_config(Config(), _profiles(tmp_path, direct.replace("= 3600", "= 43200")))


def test_chained_profiles_may_come_before_their_source_but_not_loop(tmp_path):
    text = ("[profile base]\n"
            "[profile beta]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = alpha\n"
            "[profile alpha]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\n")
    config = importer.plan_aws_config(Config(), _profiles(tmp_path, text)).config
    assert config.account("beta").roles[0].via == "alpha/A"
    loop = text.replace("source_profile = base", "source_profile = beta")
    with pytest.raises(InputError, match="loops"):
        importer.plan_aws_config(Config(), _profiles(tmp_path, loop))


def test_aws_config_without_role_profiles_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no role profiles"):
        importer.plan_aws_config(Config(), _profiles(tmp_path, "[default]\nregion = eu-west-1\n"))
    with pytest.raises(InputError, match="no such file"):
        importer.plan_aws_config_file(Config(), tmp_path / "missing")


# botocore drops "[profile a b]" (a name with a space) itself, so names have none.
profile_names = st.text(string.ascii_letters + string.digits + "-_.@+", min_size=1, max_size=30)


@st.composite
def role_profiles(draw):
    """A ~/.aws/config text of role profiles with random names and options."""
    names = draw(st.lists(profile_names, min_size=1, max_size=6, unique=True))
    assume("default" not in names)
    blocks, expected = [], {}
    for i, name in enumerate(names):
        partition = draw(st.sampled_from(sorted(REGIONS)))
        account, role = draw(account_ids), draw(role_names())
        lines = [f"[profile {name}]", f"role_arn = arn:{partition}:iam::{account}:role/{role}"]
        via = None
        if i and draw(st.booleans()):
            via = draw(st.sampled_from(names[:i]))
            lines.append(f"source_profile = {via}")
        else:
            lines.append("source_profile = Base_Keys")
        region = draw(st.none() | st.sampled_from(REGIONS[partition]))
        options = {
            # A chained role's session is at most 1 hour (AWS's role-chaining limit).
            "duration_seconds": draw(st.none() | (st.integers(900, 3600) if via else durations)),
            "external_id": draw(st.none() | external_ids),
            "mfa_serial": draw(st.none() | mfa_serials),
            "region": region,
        }
        lines += [f"{k} = {val}" for k, val in options.items() if val is not None]
        blocks.append("\n".join(lines))
        expected[name] = (account, role, via, options, partition)
    return "[profile Base_Keys]\nregion = us-east-1\n\n" + "\n\n".join(blocks) + "\n", expected


@settings(max_examples=150, deadline=None)
@given(role_profiles())
def test_generated_profiles_import(tmp_path_factory, case):
    text, expected = case
    path = tmp_path_factory.mktemp("aws") / "config"
    path.write_text(text)
    result = importer.plan_aws_config(Config(), read_aws_profiles(path))
    targets = {t.name: t for a in result.config.accounts for t in account_targets(a)}
    assert _ids_are_unique(result.config)
    # Every profile is added, or skipped for a reason that names what is already there.
    assert len(result.added_roles) + len(result.skipped) == len(expected)
    assert set(result.added_roles) == set(targets)
    skipped = dict(result.skipped)
    for name, (account, role, via, options, partition) in expected.items():
        reason = skipped.get(f"profile {name}")
        if reason is None:
            (t,) = [t for t in targets.values() if t.account_id == account and t.role_name == role]
            assert t.partition == partition and ALIAS_RE.match(t.account_alias)
            assert (t.duration, t.external_id, t.mfa_serial) == (
                options["duration_seconds"], options["external_id"], options["mfa_serial"])
            if via:  # chaining wins over whatever source the account has
                assert targets[t.via].account_id == expected[via][0]
            else:
                assert t.source == "Base_Keys" and t.via is None
        elif reason.startswith(("already present as ", "differs from ")):
            other = reason.removeprefix("already present as ").removeprefix("differs from ")
            t = targets[other.split(": ", 1)[0]]
            assert (t.account_id, t.role_name) == (account, role)
        else:
            assert re.fullmatch(r"account \d{12} is listed as \S+ in partition \S+, this role "
                                r"is in \S+|its source_profile \S+ was not imported|account \S+ "
                                r"uses .*, this profile .*; add the role by hand if that is right",
                                reason)


# --- aws-config export → import -------------------------------------------------------

def _effective(config: Config) -> set[tuple]:
    return {(t.name, t.account_id, t.role_name, t.region, t.source, t.via, t.duration,
             t.external_id, t.mfa_serial)
            for a in config.accounts for t in account_targets(a)}


sources = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12).map(
    lambda s: "Src_" + s)


@st.composite
def chained_configs(draw):
    """Configs that round-trip through role_arn profiles: a source is a profile (not one of
    ours), and an account whose roles chain has no source of its own (chaining replaces it).
    Keyring and default-chain sources export as credential_process, tested apart."""
    config = draw(configs(account_strategy=accounts(
        role_strategy=roles(hotkey=st.none()), source=sources,
        color=st.none(), mfa_process=st.none(), browser=st.none(), logout_first=st.none(),
        mfa_serial=st.none()), with_settings=False))
    config = Config(accounts=config.accounts)
    out, earlier = [], []  # chaining only to earlier accounts: real chains have no loops
    for account in config.accounts:
        if account.roles and earlier and draw(st.booleans()):
            # Role chaining caps a session at 1 hour: the import refuses longer ones.
            chained = [Role(role.name, role.duration and min(role.duration, 3600),
                            role.external_id, role.mfa_serial, via=draw(st.sampled_from(earlier)))
                       for role in account.roles]
            account = Account(account.alias, account.id, account.region, roles=tuple(chained))
        out.append(account)
        earlier += [t.name for t in account_targets(account)]
    return Config(accounts=tuple(out))


@settings(max_examples=150, deadline=None)
@given(chained_configs())
def test_aws_config_export_then_import_round_trip(tmp_path_factory, config):
    assume(any(a.roles for a in config.accounts))
    text = exporter.to_aws_config(config)
    # the sources are the user's own profiles, which botocore needs to exist
    text += "".join(f"\n[profile {s}]\n" for s in {a.source for a in config.accounts if a.source})
    path = tmp_path_factory.mktemp("aws") / "config"
    path.write_text(text)
    result = importer.plan_aws_config(Config(), read_aws_profiles(path))
    assert _effective(result.config) == _effective(config)
    assert result.skipped == []


# --- links ----------------------------------------------------------------------------

def test_link_import_new_account_from_display_name():
    url = ("https://eu-west-2.signin.aws.amazon.com/switchrole?account=444455556666"
           "&roleName=ops%2FDeploy&displayName=shared%2FDeploy&color=B7CA9D")
    result = importer.plan_link(Config(), url)
    assert result.summary() == "added 1 account, 1 role; skipped 0"
    (account,) = result.config.accounts
    assert (account.alias, account.id, account.region, account.color, account.roles) == (
        "shared", "444455556666", "eu-west-2", "B7CA9D", (Role("ops/Deploy"),))


@pytest.mark.parametrize("host,region", [
    ("signin.aws.amazon.com", "us-east-1"),
    ("signin.amazonaws-us-gov.com", "us-gov-west-1"),
    ("signin.amazonaws.cn", "cn-north-1"),
])
def test_link_import_region_follows_partition(host, region):
    url = f"https://{host}/switchrole?account=444455556666&roleName=Admin"
    (account,) = importer.plan_link(Config(), url).config.accounts
    assert (account.alias, account.region) == ("444455556666", region)


def test_link_import_by_alias_needs_a_known_account():
    url = "https://signin.aws.amazon.com/switchrole?account=prod&roleName=ReadOnly"
    with pytest.raises(InputError, match="add the account first"):
        importer.plan_link(Config(), url)
    config = Config(accounts=(Account("prod", "111111111111", roles=(Role("Admin"),)),))
    result = importer.plan_link(config, url)
    assert [r.name for r in result.config.accounts[0].roles] == ["Admin", "ReadOnly"]
    again = importer.plan_link(result.config, url)
    assert not again.changed and again.skipped == [("link prod/ReadOnly",
                                                      "already present as prod/ReadOnly")]


@settings(max_examples=100, deadline=None)
@given(configs(with_settings=False))
def test_link_of_every_target_imports_into_an_empty_config(config):
    from switcher.core.share.links import switch_role_link

    for target in (t for a in config.accounts for t in account_targets(a)):
        if target.external_id:
            continue
        (account,) = importer.plan_link(Config(), switch_role_link(target)).config.accounts
        assert (account.id, account.roles[0].name, account.color) == (
            target.account_id, target.role_name, target.color)
        assert account.region in ALL_REGIONS or account.region == "us-east-1"
        assert account.alias == target.account_alias or len(target.account_alias) > 60


# --- saving ---------------------------------------------------------------------------

def test_apply_saves_and_a_failed_plan_changes_nothing(tmp_path):
    path = tmp_path / "config.toml"
    store.save(Config(accounts=(Account("prod", "111111111111", roles=(Role("Admin"),)),)), path)
    before = path.read_bytes()
    with pytest.raises(InputError):
        importer.apply(lambda c: importer.plan_esr(c, "[a]\naws_account_id = 1\nrole_name = A\n"),
                       path)
    assert path.read_bytes() == before

    url = "https://signin.aws.amazon.com/switchrole?account=prod&roleName=Admin"
    mtime = path.stat().st_mtime_ns
    result = importer.apply(lambda c: importer.plan_link(c, url), path)
    assert not result.changed and path.stat().st_mtime_ns == mtime

    url = "https://signin.aws.amazon.com/switchrole?account=prod&roleName=Dev"
    result = importer.apply(lambda c: importer.plan_link(c, url), path)
    assert result.changed and [r.name for r in store.load(path).accounts[0].roles] == ["Admin", "Dev"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_apply_refuses_a_broken_config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("version = 1\n[[accounts]\n")
    url = "https://signin.aws.amazon.com/switchrole?account=111111111111&roleName=Dev"
    with pytest.raises(ConfigError):
        importer.apply(lambda c: importer.plan_link(c, url), path)
    assert path.read_text() == "version = 1\n[[accounts]\n"


def test_exports_keep_colliding_names_apart(tmp_path):
    # "xya-b" + "c" and "xya" + "b-c" both make "xya-b-c": the second must not hide the first.
    config = Config(accounts=(
        Account("xya-b", "111111111111", source="base", roles=(Role("c"),)),
        Account("xya", "222222222222", source="base",
                roles=(Role("b-c"), Role("Deploy", via="xya/b-c"))),
    ))
    path = tmp_path / "config"
    path.write_text(exporter.to_aws_config(config))
    profiles = read_aws_profiles(path)
    assert set(profiles) == {"xya-b-c", "xya-b-c-2", "xya-Deploy"}
    assert profiles["xya-b-c-2"]["role_arn"].endswith(":222222222222:role/b-c")
    assert profiles["xya-Deploy"]["source_profile"] == "xya-b-c-2"
    result = importer.plan_esr(Config(), exporter.to_esr(config))
    assert len(result.added_roles) == 3 and result.skipped == []


def test_large_import_report_stays_one_short_line():
    profiles = {f"acct{i}-{r}": {"role_arn": f"arn:aws:iam::{i:012d}:role/{r}",
                                 "source_profile": "base"}
                for i in range(2000) for r in ("Admin", "ReadOnly", "Dev", "Ops", "Audit")}
    profiles["base"] = {}
    result = importer.plan_aws_config(Config(), profiles)
    again = importer.plan_esr(result.config, exporter.to_esr(result.config))
    assert result.summary() == "added 2000 accounts, 10000 roles; skipped 0"
    assert again.summary().endswith("; and 9990 more)") and again.summary().count(";") == 11
