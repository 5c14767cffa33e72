"""Identity Center sources: config.toml's, and ~/.aws/config's read live through botocore."""

from __future__ import annotations

from pathlib import Path

import pytest

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.model import Config, SsoSource
from switcher.core.sso import sources

URL = "https://d-1234567890.awsapps.com/start"
OTHER = "https://d-other.awsapps.com/start"
LATE = "https://d-late.awsapps.com/start"


@pytest.mark.parametrize("url", [
    URL, "https://d-1234567890.awsapps.com/start/#", "https://sso.example.com/start",
    "http://127.0.0.1:8080/start", "http://localhost/start",
])
def test_good_start_urls(url):
    assert sources.check_start_url(f" {url} ") == url


@pytest.mark.parametrize("url", [
    "http://d-1234567890.awsapps.com/start", "ftp://x/start", "d-1234567890.awsapps.com/start",
    "https://", "https://user@x.awsapps.com/start", "https://x.awsapps.com/st art",
    "https://x:port/start", "",
])
def test_bad_start_urls(url):
    with pytest.raises(InputError, match="must be an https URL like https://d-1234567890"):
        sources.check_start_url(url)


def test_model_validates_and_round_trips():
    config = Config.from_dict({"sso": [{"name": "corp", "start_url": URL,
                                        "region": "eu-west-1"}]})
    assert config.sso == (SsoSource("corp", URL, "eu-west-1"),)
    assert Config.from_dict(config.to_dict()) == config
    assert "sso" not in Config().to_dict()  # configs without it are written as before
    assert store._parse(Path("x"), store.dumps(config)) == config
    hand_written = f'version = 1\n[[sso]]\nname = "corp"\nstart_url = "{URL}"\nregion = "eu-west-1"\n'
    assert store._parse(Path("x"), hand_written) == config
    with pytest.raises(InputError, match="region 'mars-1'"):
        SsoSource("corp", URL, "mars-1")
    with pytest.raises(InputError, match="source name 'a b'"):
        SsoSource("a b", URL, "eu-west-1")
    with pytest.raises(InputError, match="defined twice"):
        Config(sso=(SsoSource("a", URL, "eu-west-1"), SsoSource("a", URL, "eu-west-1")))
    with pytest.raises(InputError, match="Identity Center source has an unknown key 'token'"):
        Config.from_dict({"sso": [{"name": "corp", "start_url": URL, "region": "eu-west-1",
                                   "token": "x"}]})


AWS = {
    "sso_sessions": {
        "work": {"sso_start_url": URL + "/", "sso_region": "eu-west-1"},
        "other": {"sso_start_url": "https://d-other.awsapps.com/start", "sso_region": "us-east-1"},
        "broken": {"sso_start_url": "https://d-broken.awsapps.com/start"},
    },
    "profiles": {
        "dev": {"sso_session": "work", "sso_account_id": "1", "sso_role_name": "R"},
        "legacy-a": {"sso_start_url": "https://d-legacy.awsapps.com/start",
                     "sso_region": "us-west-2", "sso_account_id": "1"},
        "legacy-b": {"sso_start_url": "https://d-legacy.awsapps.com/start",
                     "sso_region": "us-west-2", "sso_account_id": "2"},
        "plain": {"region": "us-east-1"},
    },
}


def test_one_source_per_start_url():
    config = Config(sso=(SsoSource("corp", URL, "eu-west-1"),))
    found = {s.name: s for s in sources.all_sources(config, AWS)}
    assert list(found) == ["corp", "other", "legacy-a"]
    corp = found["corp"]
    assert corp.names == ("corp", "work")
    assert corp.defined_in == ("config.toml", "sso-session work")
    # the AWS CLI caches an sso-session's token under the session name
    assert corp.cli_cache_keys == ((URL + "/", "work"), (URL, None))
    assert found["legacy-a"].names == ("legacy-a", "legacy-b")
    assert found["legacy-a"].cli_cache_keys == (("https://d-legacy.awsapps.com/start", None),)
    assert sources.find(config, "work", AWS) == corp
    assert sources.find(config, "legacy-b", AWS).name == "legacy-a"
    with pytest.raises(InputError, match=r"^no IAM Identity Center source named 'nope' "
                       r"\(known: corp, other, legacy-a\)$"):
        sources.find(config, "nope", AWS)


def test_aws_config_is_read_through_botocore(tmp_path, monkeypatch):
    path = tmp_path / "config"
    path.write_text(f"[sso-session work]\nsso_start_url = {URL}\nsso_region = eu-west-1\n"
                    "[profile dev]\nsso_session = work\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    (work,) = sources.all_sources(Config())
    assert (work.name, work.region, work.defined_in) == ("work", "eu-west-1", ("sso-session work",))
    path.write_text("this is [not\nan ini file")
    with pytest.raises(InputError, match="is not a valid AWS config file"):
        sources.all_sources(Config())


def test_add_and_remove(tmp_path, monkeypatch):
    aws = tmp_path / "aws-config"
    aws.write_text("[sso-session other]\nsso_start_url = https://d-other.awsapps.com/start\n"
                   "sso_region = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws))
    path = tmp_path / "config.toml"
    sources.add("corp", URL, "eu-west-1", path)
    sources.add("corp", URL, "eu-west-1", path)  # the same again: nothing changes
    assert store.load(path).sso == (SsoSource("corp", URL, "eu-west-1"),)
    before = path.read_bytes()
    for args, message in [
        (("corp", URL, "us-east-1"), "already exists with region eu-west-1; remove it first"),
        (("other", URL, "us-east-1"), "other already names the Identity Center source for "
                                      "https://d-other.awsapps.com/start"),
        (("new", "http://example.com/start", "us-east-1"), "must be an https URL"),
        (("new", URL, "nowhere"), "is not a region name"),
    ]:
        with pytest.raises(InputError, match=message):
            sources.add(*args, config_path=path)
        assert path.read_bytes() == before
    with pytest.raises(InputError, match="other is defined in .*aws-config .sso-session other.; "
                       "edit that file"):
        sources.remove("other", path)
    with pytest.raises(InputError, match="no Identity Center source named 'nope' in config.toml"):
        sources.remove("nope", path)
    assert sources.remove("corp", path) == SsoSource("corp", URL, "eu-west-1")
    assert store.load(path).sso == ()


def test_login_name_for_profile(tmp_path, monkeypatch):
    aws = tmp_path / "aws-config"
    aws.write_text(f"[sso-session work]\nsso_start_url = {URL}\nsso_region = eu-west-1\n"
                   "[profile dev]\nsso_session = work\n"
                   f"[profile old]\nsso_start_url = {URL}\nsso_region = eu-west-1\n"
                   "[profile lone]\nsso_start_url = https://d-lone.awsapps.com/start\n"
                   "sso_region = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws))
    config = Config(sso=(SsoSource("corp", URL, "eu-west-1"),))
    assert sources.login_name_for_profile("dev", config) == "corp"  # same start URL: one sign-in
    assert sources.login_name_for_profile("old", config) == "corp"
    assert sources.login_name_for_profile("lone", config) == "lone"
    assert sources.login_name_for_profile("dev", Config()) == "work"


def test_apply_edits_applies_only_what_the_editor_changed():
    corp, team = SsoSource("corp", URL, "eu-west-1"), SsoSource("team", OTHER, "us-east-1")
    base = (corp, team)
    # the file now: the CLI added "late" and changed team's region meanwhile
    disk = Config(sso=(corp, SsoSource("team", OTHER, "us-west-2"), SsoSource("late", LATE, "us-east-1")))
    renamed = SsoSource("work", URL, "eu-west-1", console="portal")
    new = SsoSource("new", "https://d-new.awsapps.com/start", "ap-south-1")
    result = sources.apply_edits(disk, base, [("corp", renamed), ("team", team), (None, new)], {})
    assert [s.name for s in result.sso] == ["work", "team", "late", "new"]
    assert result.sso[0] == renamed  # renamed in its place
    assert result.sso[1].region == "us-west-2"  # untouched here: the disk's change stays
    removed = sources.apply_edits(disk, base, [("team", team)], {})
    assert [s.name for s in removed.sso] == ["team", "late"]
    assert sources.apply_edits(disk, base, [("corp", corp), ("team", team)], {}) == disk


@pytest.mark.parametrize("edited,message", [
    ([(None, SsoSource("other", OTHER, "us-east-1"))],
     r"^other already names the Identity Center source for https://d-late.awsapps.com/start "
     r"\(sso-session other\)$"),
    ([(None, SsoSource("corp", OTHER, "us-east-1"))], "Identity Center source corp is defined twice"),
    ([("corp", SsoSource("acme", URL, "eu-west-1"))], "organizations share names"),
])
def test_apply_edits_refuses_what_add_refuses(edited, message):
    from switcher.core.model import OrgSource

    corp = SsoSource("corp", URL, "eu-west-1")
    config = Config(sso=(corp,), org=(OrgSource("acme", "dev/Admin", ("R",)),))
    aws = {"sso_sessions": {"other": {"sso_start_url": LATE, "sso_region": "us-east-1"}}}
    with pytest.raises(InputError, match=message):
        sources.apply_edits(config, (corp,), edited if edited[0][0] else [("corp", corp), *edited], aws)
