"""``switcher link / links`` in-process: Switch Role links per partition and the team page
in each format."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from switcher.core.share.links import parse_link

PROFILES = """\
[profile base]
region = eu-west-1

[profile legacy-Admin]
role_arn = arn:aws:iam::555555555555:role/Admin
source_profile = base
"""


@pytest.fixture
def cli(cli):
    cli.ok("add", "prod", "--account", "111111111111", "--role", "Admin",
           "--role", "team/ops/Deploy", "--color", "red", "--region", "eu-west-1")
    cli.ok("add", "gov", "--account", "222222222222", "--role", "Audit", "--color", "blue",
           "--region", "us-gov-west-1")
    cli.ok("add", "china", "--account", "333333333333", "--role", "Ops", "--region", "cn-north-1")
    cli.ok("add", "vendor", "--account", "444444444444", "--role", "Support",
           "--external-id", "shared-secret-1")
    return cli


@pytest.mark.parametrize("target,host,role,color", [
    ("prod/team/ops/Deploy", "signin.aws.amazon.com", "team/ops/Deploy", "F2B0A9"),
    ("gov", "signin.amazonaws-us-gov.com", "Audit", "99BCE3"),
    ("china/Ops", "signin.amazonaws.cn", "Ops", None),
])
def test_link_per_partition(cli, target, host, role, color):
    out = cli.ok("link", target)
    assert out.count("\n") == 1
    url = out.strip()
    assert (urlsplit(url).scheme, urlsplit(url).netloc, urlsplit(url).path) == (
        "https", host, "/switchrole")
    link = parse_link(url)
    assert (link.role_name, link.color) == (role, color)
    assert link.display_name in cli.targets()


def test_link_carries_the_account_id(cli):
    query = parse_qs(urlsplit(cli.ok("link", "prod/Admin").strip()).query)
    assert query["account"] == ["111111111111"] and query["roleName"] == ["Admin"]
    assert query["displayName"] == ["prod/Admin"]


def test_link_of_an_aws_config_role_profile(cli):
    cli.aws_config.write_text(PROFILES)
    link = parse_link(cli.ok("link", "legacy-Admin").strip())
    assert link.as_tuple() == ("555555555555", "Admin", "legacy-Admin", None)


def test_link_refuses_a_role_with_an_external_id_without_showing_it(cli):
    code, out, err = cli("link", "vendor/Support")
    assert (code, out) == (2, "")
    assert re.fullmatch(r"switcher: vendor/Support needs an external id.*\n", err)
    assert "shared-secret-1" not in err


SSO_PROFILE = """\
[sso-session corp]
sso_start_url = https://d-links.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 666666666666
sso_role_name = Developer
"""


def test_link_of_an_identity_center_role_says_why_and_prints_the_shortcut(cli):
    cli.aws_config.write_text(SSO_PROFILE)
    code, out, err = cli("link", "dev")
    # the shortcut does what was asked for: open the role in the console
    assert (code, out) == (0, "https://d-links.awsapps.com/start/#/console?"
                              "account_id=666666666666&role_name=Developer\n")
    assert err == ("switcher: no Switch Role link for dev: it is an IAM Identity Center role, "
                   "which the console's Switch Role form cannot reach; the access portal opens "
                   "it; its shortcut:\n")


def test_links_list_identity_center_roles_with_their_shortcut(cli):
    cli.aws_config.write_text(SSO_PROFILE)
    dev = json.loads(cli.ok("links", "--format", "json"))[-1]
    assert (dev["target"], dev["url"]) == ("dev", None)
    assert dev["reason"].endswith(": https://d-links.awsapps.com/start/#/console?"
                                  "account_id=666666666666&role_name=Developer")


def test_link_of_an_unknown_target(cli):
    assert cli("link", "nope/Admin") == (
        2, "", "switcher: unknown target 'nope/Admin'; see: switcher list\n")


def test_links_json_lists_every_target_and_why_some_have_no_link(cli):
    data = json.loads(cli.ok("links", "--format", "json"))
    assert [d["target"] for d in data] == ["prod/Admin", "prod/team/ops/Deploy", "gov/Audit",
                                           "china/Ops", "vendor/Support"]
    vendor = data.pop()
    assert (vendor["url"], vendor["reason"]) == (
        None, "needs an external id; the console cannot switch to it")
    for entry in data:
        assert entry["reason"] is None
        assert parse_link(entry["url"]).as_tuple() == (
            entry["account"], entry["role"], entry["displayName"], entry["color"])
    assert {urlsplit(d["url"]).netloc for d in data} == {
        "signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"}


def test_links_markdown_is_the_default(cli):
    markdown = cli.ok("links")
    assert markdown == cli.ok("links", "--format", "markdown")
    rows = [line for line in markdown.splitlines() if line.startswith("| [")]
    assert len(rows) == 4
    assert any("prod/team/ops/Deploy" in row and "signin.aws.amazon.com" in row for row in rows)
    assert "vendor/Support" in markdown.split("Not listed")[1]
    assert "shared-secret-1" not in markdown


def test_links_html_is_one_self_contained_page(cli):
    page = cli.ok("links", "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and page.count("<tr data-search=") == 4
    # nothing loaded from elsewhere: the only URLs are the sign-in links themselves
    assert not re.search(r"""(src|href)=["'](?!https://signin\.)""", page)
    assert "shared-secret-1" not in page


def test_links_with_no_targets(cli):
    for target in ("prod", "gov", "china", "vendor"):
        cli.ok("remove", target)
    assert json.loads(cli.ok("links", "--format", "json")) == []


def test_links_unknown_format_is_a_usage_error(cli):
    code, out, err = cli("links", "--format", "pdf")
    assert (code, out) == (2, "")
    assert err.startswith("switcher: argument --format: invalid choice: 'pdf'")
    assert err.endswith("(see: switcher links --help)\n") and err.count("\n") == 1


def test_an_unknown_target_gets_suggestions_and_nothing_on_stdout(cli):
    code, out, err = cli("link", "prd/admin")
    assert (code, out) == (2, "")
    assert err == "switcher: unknown target 'prd/admin'; did you mean: prod/Admin?\n"
    assert cli.ok("link", "PROD/admin") == cli.ok("link", "prod/Admin")
    assert cli.ok("link", "333333333333") == cli.ok("link", "china/Ops")
