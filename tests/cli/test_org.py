"""``switcher org ...`` and ``switcher discover`` of an organization, against moto's
Organizations over HTTP: the --via target is assumed through moto's STS, and the
organization lives in that target's account."""

from __future__ import annotations

import json
import random

import boto3
import pytest

ROLE = "OrganizationAccountAccessRole"


@pytest.fixture
def org(aws_cli, aws_stack):
    """An organization of 60 member accounts (one of them closed) whose management
    account is a fresh moto account, reached as target mgmt/OrgAdmin."""
    management = f"{random.randrange(10**11, 10**12)}"
    aws_cli.ok("add", "mgmt", "--account", management, "--role", "OrgAdmin", "--source", "base")
    keys = aws_stack.sts(aws_stack.user_keys()).assume_role(
        RoleArn=f"arn:aws:iam::{management}:role/OrgAdmin", RoleSessionName="setup")["Credentials"]
    client = boto3.session.Session().client(
        "organizations", endpoint_url=aws_stack.moto_url, region_name="us-east-1",
        aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"])
    client.create_organization(FeatureSet="ALL")
    members = [client.create_account(AccountName=f"Member {n:02d}", Email=f"m{n}@example.com")
               ["CreateAccountStatus"]["AccountId"] for n in range(60)]
    client.close_account(AccountId=members[7])
    aws_cli.org_client, aws_cli.members, aws_cli.management = client, members, management
    aws_stack.clear_log()
    return aws_cli


def test_org_add_list_remove(org):
    assert org.ok("org", "add", "acme", "--via", "mgmt/OrgAdmin", "--role-name", ROLE,
                  "--role-name", "ReadOnly") == ""
    text = org.config_bytes().decode()
    assert '[[org]]\nname = "acme"\nvia = "mgmt/OrgAdmin"' in text
    (row,) = json.loads(org.ok("org", "list", "--json"))
    assert row == {"name": "acme", "via": "mgmt/OrgAdmin", "role_names": [ROLE, "ReadOnly"],
                   "accounts": None, "listed_at": None}
    org.ok("org", "remove", "acme")
    assert json.loads(org.ok("org", "list", "--json")) == []


@pytest.mark.parametrize("args,message", [
    (("add", "acme", "--via", "nope/Admin", "--role-name", ROLE), "nope/Admin"),
    (("add", "a b", "--via", "mgmt/OrgAdmin", "--role-name", ROLE), "source name 'a b' must be"),
    (("add", "acme", "--via", "mgmt/OrgAdmin", "--role-name", "bad role"), "bad role"),
    (("add", "acme", "--via", "mgmt/OrgAdmin"), "required: --role-name"),
    (("add", "acme", "--via", "mgmt/OrgAdmin", "--role-name", ROLE,
      "--max-requests-per-second", "0"), "max_requests_per_second must be 1-1000"),
    (("remove", "nope"), "no organization named 'nope'"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(org, args, message):
    before = org.config_bytes()
    code, out, err = org("org", *args)
    assert code == 2 and out == "" and message in err, err
    assert err.startswith("switcher: ") and err.count("\n") == 1
    assert org.config_bytes() == before


def test_discover_an_organization(org, aws_stack):
    org.ok("org", "add", "acme", "--via", "mgmt/OrgAdmin", "--role-name", ROLE)
    data = json.loads(org.ok("discover", "acme", "--json"))
    (source,) = data["sources"]
    # 61 accounts (the management account too), 20 a page, the closed one left out
    assert source["accounts"] == 60 and source["roles"] == 60 and source["requests"] == 4
    targets = {t["account_id"]: t for t in data["targets"]}
    assert org.members[7] not in targets and org.management in targets
    member = targets[org.members[0]]
    assert member["target"] == f"Member-00/{ROLE}" and member["via"] == "mgmt/OrgAdmin"
    assert (member["kind"], member["source"], member["role_name"]) == ("org", "acme", ROLE)
    assert [e["action"] for e in aws_stack.events("sts")] == ["AssumeRole"]

    # fresh: no credentials asked, no request made
    aws_stack.clear_log()
    again = json.loads(org.ok("discover", "acme", "--json"))["sources"][0]
    assert again["from_cache"] and again["requests"] == 0 and aws_stack.events("sts") == []

    org.org_client.close_account(AccountId=org.members[3])
    gone = json.loads(org.ok("discover", "acme", "--refresh", "--json"))["sources"][0]
    assert gone["removed"] == 1 and gone["accounts"] == 59


def test_an_org_whose_via_target_fails_is_reported(org):
    org.ok("org", "add", "acme", "--via", "mgmt/OrgAdmin", "--role-name", ROLE)
    org.ok("remove", "mgmt")
    code, out, err = org("discover", "acme")
    assert code == 1 and "acme: organization acme: its --via target does not work" in err
