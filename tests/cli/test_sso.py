"""``switcher sso ...`` in-process, against the sandbox Identity Center over HTTP, with a
$BROWSER stand-in that follows the authorize URL (the stand-in approves on its own)."""

from __future__ import annotations

import json
import sys
import webbrowser

import pytest

from switcher.core.secrets import keystore
from switcher.sandbox.identity_center import IdentityCenter, make_accounts

START_URL = "https://d-sandbox.awsapps.com/start"
REGION = "us-east-1"

BROWSER_SCRIPT = """\
import sys, urllib.request
with open({log!r}, "a") as log:
    log.write(sys.argv[1] + "\\n")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({{}}))
opener.open(sys.argv[1], timeout=10).read()
"""


@pytest.fixture(scope="module")
def identity_center():
    center = IdentityCenter(make_accounts(2), start_url=START_URL, region=REGION,
                            auto_approve=True)
    center.start()
    yield center
    center.stop()


@pytest.fixture
def sso(cli, identity_center, monkeypatch, tmp_path):
    """``cli`` pointed at the stand-in, with $BROWSER a script that follows the URL."""
    for name, value in identity_center.endpoint_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(identity_center, "auto_approve", True)
    log = tmp_path / "browser.log"
    script = tmp_path / "browser"
    script.write_text(f"#!{sys.executable}\n" + BROWSER_SCRIPT.format(log=str(log)))
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    # webbrowser reads $BROWSER once per process; another in-process test may have been first
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    cli.browser_log = log
    cli.center = identity_center
    return cli


def _entries(cli) -> dict[str, dict]:
    return {name: json.loads(value) for (service, name), value in cli.keyring.store.items()
            if service == keystore.SSO_SERVICE}


def _listed(cli) -> dict[str, dict]:
    return {row["name"]: row for row in json.loads(cli.ok("sso", "list", "--json"))}


def test_add_list_remove(cli):
    assert cli.ok("sso", "list") == ""
    code, out, err = cli("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    assert code == 0 and err == ("added Identity Center source corp; sign in with: "
                                 "switcher sso login corp\n")
    text = cli.config_bytes().decode()
    assert START_URL in text and "token" not in text.lower()
    cli.aws_config.write_text(
        f"[sso-session work]\nsso_start_url = {START_URL}/\nsso_region = {REGION}\n"
        "[sso-session other]\nsso_start_url = https://d-other.awsapps.com/start\n"
        "sso_region = eu-west-1\n")
    rows = _listed(cli)
    assert rows["corp"] == {
        "name": "corp", "start_url": START_URL, "region": REGION,
        "defined_in": ["config.toml", "sso-session work"], "aliases": ["work"],
        "console": "federation", "max_requests_per_second": None,
        "state": "never", "expires_at": None, "token_from": None, "renewable": False}
    assert rows["other"]["defined_in"] == ["sso-session other"]
    assert (rows["other"]["console"], rows["other"]["max_requests_per_second"]) == (
        "federation", None)
    assert cli.ok("sso", "list").splitlines()[0] == (
        f"corp\t{START_URL}\t{REGION}\tconfig.toml, sso-session work\tconsole federation\t"
        "no rate ceiling\tnever")
    assert cli.ok("sso", "remove", "corp") == ""
    assert list(_listed(cli)) == ["work", "other"]


def test_add_with_console_and_rate_ceiling_and_change_them_by_adding_again(cli):
    add = ("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    cli.ok(*add, "--console", "portal", "--max-requests-per-second", "5")
    text = cli.config_bytes().decode()
    assert 'console = "portal"' in text and "max_requests_per_second = 5" in text
    row = _listed(cli)["corp"]
    assert (row["console"], row["max_requests_per_second"]) == ("portal", 5)
    assert "\tconsole portal\tat most 5 requests/s\tnever" in cli.ok("sso", "list")

    # a flag left out keeps what was set, as `switcher add` does for an account
    code, out, err = cli(*add, "--max-requests-per-second", "12")
    assert (code, err) == (0, "Identity Center source corp updated: console portal, "
                              "at most 12 requests/s\n")
    code, out, err = cli(*add, "--console", "federation")
    assert err == ("Identity Center source corp updated: console federation, "
                   "at most 12 requests/s\n")
    text = cli.config_bytes().decode()
    assert "console" not in text and "max_requests_per_second = 12" in text  # the default
    assert cli(*add).err == ("Identity Center source corp unchanged: console federation, "
                             "at most 12 requests/s\n")

    # what discovery and login read
    from switcher.core import config as store
    from switcher.core.discovery.run import plans

    (plan,) = plans(store.load(cli.config_path), [])
    assert plan.ceiling == 12


def test_settings_go_on_the_entry_that_applies(cli):
    cli.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    before = cli.config_bytes()
    code, out, err = cli("sso", "add", "twin", "--start-url", START_URL + "/", "--region", REGION,
                         "--console", "portal")
    assert code == 2 and err == (
        f"switcher: corp comes first in config.toml for {START_URL}, so its settings apply: "
        "change them with: switcher sso add corp ...\n")
    assert cli.config_bytes() == before
    cli.ok("sso", "add", "twin", "--start-url", START_URL + "/", "--region", REGION)  # no flags


def test_the_default_source_writes_neither_key(cli):
    cli.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    text = cli.config_bytes().decode()
    assert "console" not in text and "max_requests_per_second" not in text


@pytest.mark.parametrize("args,message", [
    (("add", "a b", "--start-url", START_URL, "--region", REGION), "source name 'a b' must be"),
    (("add", "corp", "--start-url", START_URL, "--region", REGION, "--console", "browser"),
     "argument --console: invalid choice: 'browser' (choose from 'federation', 'portal')"),
    (("add", "corp", "--start-url", START_URL, "--region", REGION,
      "--max-requests-per-second", "0"), "max_requests_per_second must be 1-1000"),
    (("add", "corp", "--start-url", START_URL, "--region", REGION,
      "--max-requests-per-second", "1001"), "max_requests_per_second must be 1-1000"),
    (("add", "corp", "--start-url", START_URL, "--region", REGION,
      "--max-requests-per-second", "2.5"), "--max-requests-per-second: invalid int value: '2.5'"),
    (("add", "corp", "--start-url", START_URL, "--region", "eu-west-1"),
     "already exists with region us-east-1; remove it first"),
    (("add", "corp", "--start-url", START_URL, "--region", REGION, "--console", "federation",
      "--max-requests-per-second", "-3"), "max_requests_per_second must be 1-1000"),
    (("add", "corp", "--start-url", "http://d-x.awsapps.com/start", "--region", REGION),
     "start URL 'http://d-x.awsapps.com/start' must be an https URL"),
    (("add", "corp", "--start-url", START_URL, "--region", "mars"), "region 'mars' is not a region"),
    (("add", "corp", "--region", REGION), "the following arguments are required: --start-url"),
    (("remove", "nope"), "no Identity Center source named 'nope' in config.toml"),
    (("login", "nope"), "no IAM Identity Center source named 'nope'"),
    (("logout", "nope"), "no IAM Identity Center source named 'nope'"),
    (("login", "corp", "--timeout", "0"), "--timeout must be 1-3600 seconds"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(cli, args, message):
    # an existing source, so that a bad change of it is refused too
    cli.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION,
           "--console", "portal", "--max-requests-per-second", "7")
    before = cli.config_bytes()
    code, out, err = cli("sso", *args)
    assert code == 2 and out == "" and message in err
    assert err.startswith("switcher: ") and err.count("\n") == 1
    assert cli.config_bytes() == before


def test_login_through_the_browser_keeps_tokens_in_the_keyring_only(sso):
    sso.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    code, out, err = sso("sso", "login", "corp")
    assert code == 0, err
    assert out == "" and "signed in to corp: signed in until " in err
    (url,) = sso.browser_log.read_text().splitlines()
    assert url.startswith(f"{sso.center.url}/authorize?response_type=code&client_id=")
    assert "&redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    assert "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=" in url
    entries = _entries(sso)
    token = entries["token " + START_URL]
    assert sso.center.oidc.check_access(token["accessToken"]) is not None
    secrets_ = [token["accessToken"], token["refreshToken"]]
    secrets_ += [e["clientSecret"] for e in entries.values() if "clientSecret" in e]
    for path in sso.root.rglob("*"):  # HOME, config dir, AWS files, runtime dir
        if path.is_file() and path != sso.browser_log:
            assert not any(s.encode() in path.read_bytes() for s in secrets_), path
    assert not any(s in out + err + url for s in secrets_)
    row = _listed(sso)["corp"]
    assert (row["state"], row["token_from"]) == ("signed-in", "keyring")

    code, out, err = sso("sso", "logout", "corp")
    assert (code, err) == (0, "signed out of corp\n")
    assert sso.center.oidc.check_access(token["accessToken"]) is None
    assert "token " + START_URL not in _entries(sso)
    assert _listed(sso)["corp"]["state"] == "never"
    assert sso("sso", "logout", "corp").err == "not signed in to corp\n"


def test_remove_forgets_the_sign_in_nobody_else_uses(sso):
    sso.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    sso.ok("sso", "add", "twin", "--start-url", START_URL + "/", "--region", REGION)
    sso.ok("sso", "login", "corp")
    sso.ok("sso", "remove", "corp")
    assert "token " + START_URL in _entries(sso)  # twin still signs in there
    assert _listed(sso)["twin"]["state"] == "signed-in"
    sso.ok("sso", "remove", "twin")
    assert _entries(sso) == {}


def test_login_with_a_device_code(sso):
    sso.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    code, out, err = sso("sso", "login", "corp", "--device-code")
    assert code == 0, err
    url, user_code = out.splitlines()
    assert url == f"{sso.center.url}/device?user_code={user_code}"
    assert sso.browser_log.read_text().splitlines() == [url]  # opened as the AWS CLI does
    assert _entries(sso)["token " + START_URL]["flow"] == "device"


def test_no_browser_prints_the_url_and_waits(sso):
    sso.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    code, out, err = sso("sso", "login", "corp", "--no-browser", "--timeout", "1")
    assert code == 1
    assert out.startswith(f"{sso.center.url}/authorize?response_type=code&client_id=")
    assert err.endswith("switcher: no answer from the browser within 1 s; sign in again "
                        "(or use --device-code)\n")
    assert not sso.browser_log.exists()
    assert _entries(sso).keys() == {f"client code {REGION} {START_URL}"}


def test_an_sso_session_of_the_aws_config_signs_in_by_its_name(sso):
    sso.aws_config.write_text(
        f"[sso-session work]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n")
    sso.ok("sso", "login", "work")
    assert _listed(sso)["work"]["state"] == "signed-in"
    assert sso.config_bytes() is None  # read live, never copied into config.toml
