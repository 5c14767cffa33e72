"""Switch Role links: build, parse, round trip; and the team page renderers."""

from __future__ import annotations

import html.parser
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role
from switcher.core.share.links import (
    default_display_name,
    parse_link,
    parse_switch_role_link,
    switch_role_link,
)
from switcher.core.share.links_page import render
from switcher.core.targets import Target, account_targets, list_targets

from ..strategies import REGIONS, account_ids, aliases, colors, role_names

HOSTS = {
    "aws": "signin.aws.amazon.com",
    "aws-us-gov": "signin.amazonaws-us-gov.com",
    "aws-cn": "signin.amazonaws.cn",
}


def _target(alias="prod", account="123456789012", role="team/ops/Deploy", region="eu-west-1",
            color="F2B0A9", **kw) -> Target:
    return Target(name=f"{alias}/{role}", kind="account", account_id=account, role_name=role,
                  region=region, account_alias=alias, color=color, **kw)


def test_link_has_partition_host_and_every_field():
    url = switch_role_link(_target())
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "signin.aws.amazon.com", "/switchrole")
    assert parse_qs(parts.query) == {
        "account": ["123456789012"],
        "roleName": ["team/ops/Deploy"],
        "displayName": ["prod/team/ops/Deploy"],
        "color": ["F2B0A9"],
    }
    assert "%2F" in url  # the path separator is encoded, not left to the console to guess


@pytest.mark.parametrize("region,host", [
    ("us-east-1", "signin.aws.amazon.com"),
    ("us-gov-west-1", "signin.amazonaws-us-gov.com"),
    ("cn-northwest-1", "signin.amazonaws.cn"),
])
def test_link_host_follows_partition(region, host):
    assert urlsplit(switch_role_link(_target(region=region))).netloc == host


def test_profile_target_without_alias_or_colour():
    target = Target(name="legacy-admin", kind="profile", account_id="210987654321",
                    role_name="Admin", region="us-east-1")
    query = parse_qs(urlsplit(switch_role_link(target)).query)
    assert query == {"account": ["210987654321"], "roleName": ["Admin"],
                     "displayName": ["legacy-admin"]}


def test_external_id_role_is_refused():
    with pytest.raises(InputError, match="external id"):
        switch_role_link(_target(external_id="secret-ext-id"))


def test_long_display_name_keeps_alias_and_leaf():
    alias = "a" * 40
    target = _target(alias=alias, role="very/long/path/segments/here/Deploy")
    name = default_display_name(target)
    assert name == f"{alias}/Deploy"
    assert parse_link(switch_role_link(target)).display_name == name


def test_very_long_display_name_is_cut_to_64():
    target = _target(alias="a" * 63, role="B" * 30)
    name = default_display_name(target)
    assert len(name) == 64 and name.endswith("...") and name.startswith("a" * 61)


def test_explicit_display_name_over_64_is_refused():
    with pytest.raises(InputError, match="64"):
        switch_role_link(_target(), display_name="x" * 65)


def test_parse_returns_the_four_fields():
    url = ("https://signin.aws.amazon.com/switchrole?roleName=Admin&account=my-org-prod"
           "&displayName=Prod%20admin&color=%23b7ca9d")
    assert parse_switch_role_link(url) == ("my-org-prod", "Admin", "Prod admin", "B7CA9D")


def test_parse_treats_blank_optional_fields_as_absent():
    url = "https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=A&displayName=&color="
    assert parse_switch_role_link(url) == ("123456789012", "A", None, None)


def test_parse_regional_host_gives_region():
    link = parse_link("https://eu-west-2.signin.aws.amazon.com/switchrole?account=123456789012"
                      "&roleName=Admin")
    assert (link.region, link.partition.name, link.display_name, link.color) == (
        "eu-west-2", "aws", None, None)


LONG_PATH = "platform/" + "p" * 60 + "/Deploy"  # a valid IAM role: 76 characters


def test_link_refuses_a_role_path_the_console_form_cannot_take():
    target = _target(role=LONG_PATH)
    with pytest.raises(InputError) as err:
        switch_role_link(target)
    assert str(err.value) == (
        "the console's Switch Role form takes at most 64 characters of path and name; "
        f"{LONG_PATH} has {len(LONG_PATH)}")
    switch_role_link(_target(role="p" * 57 + "/Deploy"))  # exactly 64 is fine


def test_links_page_lists_long_paths_as_unlinkable():
    reason = f"its role path and name are {len(LONG_PATH)} characters; the console's Switch Role form takes at most 64"
    targets = [_target(role="Admin"), _target(role=LONG_PATH)]
    data = json.loads(render(targets, "json"))
    assert [(d["role"], d["url"] is None, d["reason"]) for d in data] == [
        ("Admin", False, None), (LONG_PATH, True, reason)]
    markdown = render(targets, "markdown")
    assert sum(line.startswith("| [") for line in markdown.splitlines()) == 1
    assert f"prod/{LONG_PATH} ({reason})" in markdown.split("Not listed")[1]
    page = render(targets, "html")
    assert page.count("<tr data-search=") == 1
    assert f"prod/{LONG_PATH} ({reason})" in html.unescape(page)


@pytest.mark.parametrize("url,message", [
    ("http://signin.aws.amazon.com/switchrole?account=123456789012&roleName=A", "https"),
    ("https://signin.aws.amazon.com.evil.example/switchrole?account=123456789012&roleName=A",
     "not an AWS sign-in host"),
    ("https://evil.example/switchrole?account=123456789012&roleName=A", "not an AWS sign-in host"),
    ("https://cn-north-1.signin.aws.amazon.com/switchrole?account=123456789012&roleName=A",
     "not an AWS sign-in host"),
    ("https://signin.aws.amazon.com:8443/switchrole?account=123456789012&roleName=A", "port"),
    ("https://user@signin.aws.amazon.com/switchrole?account=123456789012&roleName=A", "user"),
    ("https://signin.aws.amazon.com/federation?account=123456789012&roleName=A", "path"),
    ("https://signin.aws.amazon.com/switchrole?roleName=A", "no account"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012", "no roleName"),
    ("https://signin.aws.amazon.com/switchrole?account=12345&roleName=A", "12 digits"),
    ("https://signin.aws.amazon.com/switchrole?account=Bad_Alias&roleName=A", "neither"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=a%20b", "role name"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=" + "a" * 65, "64"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=" + "p" * 60 + "%2FDeploy",
     "at most 64 characters of path and name"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=A&color=red", "colour"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=A&displayName="
     + "d" * 65, "64"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=A&displayName=a%0Ab",
     "control"),
    ("https://signin.aws.amazon.com/switchrole?account=1&account=123456789012&roleName=A", "twice"),
    ("https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=%FF", "malformed"),
    ("https://[::1/switchrole", "malformed"),
    ("", "https"),
])
def test_parse_rejects_with_one_line(url, message):
    with pytest.raises(InputError, match=message) as err:
        parse_link(url)
    assert "\n" not in str(err.value)


@st.composite
def targets(draw):
    partition = draw(st.sampled_from(sorted(REGIONS)))
    alias = draw(st.none() | aliases())
    role = draw(role_names())
    name = f"{alias}/{role}" if alias else draw(st.text("abcdefghij-_.0123456789", min_size=1,
                                                        max_size=80))
    return Target(name=name, kind="account" if alias else "profile",
                  account_id=draw(account_ids), role_name=role,
                  region=draw(st.sampled_from(REGIONS[partition])), account_alias=alias,
                  color=draw(st.none() | colors))


@settings(max_examples=300, deadline=None)
@given(targets())
def test_build_then_parse_round_trip(target):
    url = switch_role_link(target)
    link = parse_link(url)
    assert link.account == target.account_id
    assert link.role_name == target.role_name
    assert link.color == target.color
    assert link.display_name == default_display_name(target)
    assert len(link.display_name) <= 64
    assert link.partition.name == target.partition
    assert urlsplit(url).netloc == HOSTS[target.partition]


# --- the team page ---------------------------------------------------------------------

def _config() -> Config:
    return Config(accounts=(
        Account("prod", "111111111111", "eu-west-1", color="F2B0A9",
                roles=(Role("Admin"), Role("team/ops/Deploy"), Role("Vendor", external_id="ext-1234"))),
        Account("gov", "222222222222", "us-gov-west-1", color="99BCE3", roles=(Role("Audit"),)),
        Account("china", "333333333333", "cn-north-1", roles=(Role("Ops"),)),
        Account("dev", "444444444444", "us-east-1", roles=(Role("a+b=c,d.e@f"),)),
    ))


def _targets(config=None):
    config = config or _config()
    return [t for a in config.accounts for t in account_targets(a)]


def test_json_page_lists_every_target_with_a_url_or_a_reason():
    data = json.loads(render(_targets(), "json"))
    assert [d["target"] for d in data] == [
        "prod/Admin", "prod/team/ops/Deploy", "prod/Vendor", "gov/Audit", "china/Ops", "dev/a+b=c,d.e@f"]
    keys = {"target", "account", "role", "displayName", "color", "url", "reason"}
    assert all(set(d) == keys for d in data)
    gov = data[3]
    assert gov["url"].startswith("https://signin.amazonaws-us-gov.com/switchrole?")
    assert data[4]["url"].startswith("https://signin.amazonaws.cn/switchrole?")
    assert data[4]["color"] is None
    # Markdown and HTML name it as unlinkable: JSON must not silently leave it out.
    vendor = data[2]
    assert (vendor["account"], vendor["role"], vendor["url"], vendor["reason"]) == (
        "111111111111", "Vendor", None, "needs an external id; the console cannot switch to it")
    assert "ext-1234" not in json.dumps(data)
    for entry in data:
        if entry["url"] is None:
            continue
        assert entry["reason"] is None
        assert parse_link(entry["url"]).role_name == entry["role"]


def test_markdown_page_has_a_row_per_target_and_names_the_skipped():
    text = render(_targets(), "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert len(rows) == 5
    assert "[prod/team/ops/Deploy](<https://signin.aws.amazon.com/switchrole?" in text
    assert "prod/Vendor" in text.split("Not listed")[1]


def test_markdown_escapes_pipes_in_names():
    target = Target(name="a|b", kind="profile", account_id="123456789012", role_name="R",
                    region="us-east-1")
    row = [line for line in render([target], "markdown").splitlines() if line.startswith("| [")][0]
    assert row.count(" | ") == 4 and "a\\|b" in row


class _Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.hrefs, self.srcs, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "src" in attrs:
            self.srcs.append(attrs["src"])

    def handle_data(self, data):
        self.text.append(data)


def test_html_page_is_self_contained_and_escaped():
    hostile = Target(name='<img src=x onerror="alert(1)">&', kind="profile",
                     account_id="123456789012", role_name="R", region="us-east-1")
    page = render(_targets() + [hostile], "html")
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("script") == 1 and parser.tags.count("style") == 1
    assert "img" not in parser.tags and "link" not in parser.tags
    assert parser.srcs == []
    assert all(h.startswith("https://signin.") for h in parser.hrefs)
    assert len(parser.hrefs) == 6
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in page
    # Every colour has its swatch class, and a CSP pins the inline code by hash.
    assert ".cF2B0A9 { background: #F2B0A9; }" in page
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", page)
    assert "default-src 'none'" in page
    assert "Not listed" in page and "prod/Vendor" in page


def test_html_csp_hashes_match_the_inline_blocks():
    import base64
    import hashlib

    page = render(_targets(), "html")
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S)[1]
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in page, tag


def test_empty_config_renders_every_format():
    assert json.loads(render([], "json")) == []
    assert "No targets yet" in render([], "html")
    assert "(no targets)" in render([], "markdown")


def test_list_targets_feeds_the_page(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    assert len(json.loads(render(list_targets(_config()), "json"))) == 6


@pytest.mark.parametrize("name", ["a\x85b", "a\u2028b", "safe\u202egnp.exe", "x\u2066y\u2069",
                                  "tab\there", "del\x7f"])
def test_display_names_with_controls_or_direction_overrides_are_refused(name):
    from switcher.core.share.links import check_display_name

    with pytest.raises(InputError, match="control or text-direction"):
        check_display_name(name)


def test_display_names_with_emoji_sequences_and_accents_are_kept():
    from switcher.core.share.links import check_display_name

    for name in ("Prod 👩\u200d💻", "Équipe données", "生产/Admin"):
        assert check_display_name(name) == name
