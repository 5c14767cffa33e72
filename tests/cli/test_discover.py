"""``switcher discover`` in-process against the sandbox Identity Center over HTTP."""

from __future__ import annotations

import json

import pytest

from switcher.core import config as store
from switcher.core.sso import sources
from switcher.sandbox.identity_center import make_accounts
from tests.core.discovery.conftest import START_URL, Directory, sign_in

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def center():
    server = Directory(make_accounts(3), start_url=START_URL, region=REGION)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def disco(cli, center, monkeypatch):
    for name, value in center.endpoint_env.items():
        monkeypatch.setenv(name, value)
    center.set_accounts(make_accounts(25, ("Admin", "ReadOnly")))
    center.throttle = None
    cli.ok("sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    sign_in(center, sources.find(store.load(), "corp"))
    center.reset_stats()
    cli.center = center
    return cli


def test_json_lists_sources_and_targets(disco):
    data = json.loads(disco.ok("discover", "--json"))
    (source,) = data["sources"]
    assert (source["source"], source["accounts"], source["roles"], source["requests"]) == (
        "corp", 25, 50, 26)
    assert source["failed"] == [] and source["from_cache"] is False
    first = data["targets"][0]
    assert first == {
        "target": "Account-00000/Admin", "name": "Account-00000/Admin", "source": "corp",
        "kind": "sso", "account_id": "100000000000", "account_name": "Account 00000",
        "account_alias": "Account-00000", "role_name": "Admin", "start_url": START_URL,
        "region": REGION, "via": None, "color": None, "hotkey": None, "browser": None,
        "hidden": False}
    text = disco.ok("discover")
    assert text == "corp\t25 accounts\t50 roles\tfrom the inventory (no requests)\n"


def test_progress_is_plain_lines_without_a_terminal(disco):
    code, out, err = disco("discover")
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == "corp: 25 accounts listed, 25 to list roles for"
    assert lines[-1].startswith("corp: 25/25 accounts (100%), ")
    assert len(lines) <= 11 and "\r" not in err


def test_the_overlay_survives_a_refresh(disco):
    disco.ok("discover")
    with open(disco.config_path, "a") as handle:
        handle.write('\n[[discovered]]\ntarget = "Account-00001/Admin"\ncolor = "F2B0A9"\n'
                     'alias = "payments"\n\n[[discovered]]\naccount = "100000000002"\n'
                     'hidden = true\n')
    before = disco.config_bytes()
    disco.ok("discover", "--full")
    assert disco.config_bytes() == before  # no copy of the inventory in the TOML
    targets = {t["target"]: t for t in json.loads(disco.ok("discover", "--json"))["targets"]}
    assert targets["payments/Admin"]["color"] == "F2B0A9"
    assert targets["payments/Admin"]["name"] == "Account-00001/Admin"
    assert targets["Account-00002/Admin"]["hidden"] is True  # --json lists hidden ones too


def test_a_failing_account_is_one_line_each_and_exit_1(disco):
    disco.center.broken = {"100000000004": (403, "ForbiddenException")}
    try:
        code, out, err = disco("discover")
    finally:
        disco.center.broken = {}
    assert code == 1 and out.startswith("corp\t25 accounts\t48 roles\t")
    failures = [line for line in err.splitlines() if line.startswith("switcher: ")]
    assert failures == [
        "switcher: corp: the roles of Account 00004 (100000000004) could not be listed: "
        "IAM Identity Center refused ListAccountRoles: ForbiddenException (refused by the "
        "test); tried again next time",
        "switcher: corp: 1 account(s) failed"]


@pytest.mark.parametrize("args,message", [
    (("nope",), "no Identity Center source or organization named 'nope' (known: corp)"),
])
def test_bad_names_are_exit_2_before_any_request(disco, args, message):
    code, out, err = disco("discover", *args)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
    assert disco.center.stats()["requests"] == {}


def test_nothing_to_discover(cli):
    code, out, err = cli("discover")
    assert code == 2 and "nothing to discover" in err


def test_a_damaged_inventory_is_a_miss(disco):
    disco.ok("discover")
    from switcher.core.discovery import inventory

    inventory.path_for("sso", "corp").write_text('{"version": 1, "kind": "sso", "acc')
    disco.center.reset_stats()
    data = json.loads(disco.ok("discover", "--json"))
    assert data["sources"][0]["requests"] == 26 and len(data["targets"]) == 50
