"""The inventory files and ``load_all``: written and read back, damage is a miss, the
overlay and clashes between sources, and no botocore on the way."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from switcher.core.discovery import inventory
from switcher.core.model import Account, Config, DiscoveredOverlay, OrgSource, Role, SsoSource

URL = "https://d-inventory.awsapps.com/start"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _entry(account_id, name, alias, roles):
    return {"id": account_id, "name": name, "alias": alias, "email": "", "roles": roles,
            "first_seen": 1.0, "last_seen": 2.0, "error": None}


def _store(kind, source, accounts, **kw):
    found = inventory.Inventory(kind, source, listed_at=1.0, complete=True,
                                accounts={a["id"]: a for a in accounts}, **kw)
    inventory.write(found)
    return found


CONFIG = Config(sso=(SsoSource("corp", URL, "eu-west-1"),),
                org=(OrgSource("acme", "mgmt/Admin", ("OrgRole",)),),
                accounts=(Account("Prod", "999999999999", roles=(Role("Admin"),)),))


def test_write_and_read_back_no_secrets_mode_0600(cache):
    written = _store("sso", "corp", [_entry("111111111111", "Prod", "Prod", ["Admin"])],
                     start_url=URL, region="eu-west-1")
    assert inventory.read("sso", "corp") == written
    path = inventory.path_for("sso", "corp")
    assert path.parent == cache / "discovery" and oct(path.stat().st_mode & 0o777) == "0o600"
    assert set(json.loads(path.read_text())) == {
        "version", "kind", "source", "start_url", "region", "via", "listed_at", "updated_at",
        "complete", "rate", "accounts"}


@pytest.mark.parametrize("text", [
    "", "{", "[]", '{"version": 2}', "null",
    '{"version": 1, "kind": "sso", "source": "corp", "accounts": [{"id": 1}]}',
    '{"version": 1, "kind": "sso", "source": "other", "accounts": []}',
    '{"version": 1, "kind": "sso", "source": "corp", "accounts": [], "listed_at": "x"}',
    "[" * 100_000,
])
def test_a_damaged_file_is_a_miss(text):
    path = inventory.path_for("sso", "corp")
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert inventory.read("sso", "corp") is None
    assert inventory.load_all(CONFIG) == []


def test_clashes_across_sources_and_with_config_accounts_get_the_id():
    _store("sso", "corp", [_entry("111111111111", "Prod", "Prod", ["Admin"]),
                           _entry("222222222222", "Dev", "Dev", ["Admin"])], start_url=URL)
    _store("org", "acme", [_entry("333333333333", "Dev", "Dev", ["OrgRole"])], via="mgmt/Admin")
    targets = {r.target: r for r in inventory.load_roles(CONFIG)}
    assert set(targets) == {"Prod-111111111111/Admin", "Dev/Admin", "Dev-333333333333/OrgRole"}
    assert targets["Dev-333333333333/OrgRole"].via == "mgmt/Admin"


def test_sources_that_are_gone_or_changed_are_not_listed():
    _store("sso", "corp", [_entry("111111111111", "A", "A", ["Admin"])],
           start_url="https://d-elsewhere.awsapps.com/start")
    _store("org", "acme", [_entry("333333333333", "B", "B", ["OrgRole"])], via="other/Admin")
    _store("org", "gone", [_entry("444444444444", "C", "C", ["OrgRole"])], via="mgmt/Admin")
    assert inventory.load_all(CONFIG) == []


def test_the_overlay_most_specific_first():
    _store("sso", "corp", [_entry("111111111111", "Pay", "Pay", ["Admin", "ReadOnly", "Ops"])],
           start_url=URL)
    config = Config(sso=CONFIG.sso, discovered=(
        DiscoveredOverlay(account="111111111111", color="99BCE3", browser="firefox:container"),
        DiscoveredOverlay(account="111111111111", role="ReadOnly", color="B7CA9D"),
        DiscoveredOverlay(target="Pay/Admin", alias="payments", hotkey="Ctrl+Alt+P"),
        DiscoveredOverlay(target="Pay/Ops", hidden=True),
    ))
    roles = {r.name: r for r in inventory.load_roles(config)}
    assert set(roles) == {"Pay/Admin", "Pay/ReadOnly"}
    admin, read_only = roles["Pay/Admin"], roles["Pay/ReadOnly"]
    assert (admin.target, admin.color, admin.hotkey, admin.browser) == (
        "payments/Admin", "99BCE3", "Ctrl+Alt+P", "firefox:container")
    assert (read_only.target, read_only.color) == ("Pay/ReadOnly", "B7CA9D")
    assert len(inventory.load_roles(config, include_hidden=True)) == 3


@pytest.mark.parametrize("entry,message", [
    ({}, "needs either target or account"),
    ({"target": "x/Admin", "account": "111111111111"}, "needs either target or account"),
    ({"target": "no-slash"}, "must be Account/Role"),
    ({"account": "12"}, "12"),
    ({"target": "a/b", "color": "nope"}, "colour 'nope'"),
    ({"target": "a/b", "hidden": "yes"}, "hidden must be true or false"),
    ({"target": "a/b", "colour": "F2B0A9"}, "unknown key 'colour'"),
])
def test_overlay_entries_are_validated(entry, message):
    from switcher.core.errors import InputError

    with pytest.raises(InputError, match=message):
        Config.from_dict({"discovered": [entry]})


def test_load_all_imports_no_botocore(cache):
    _store("sso", "corp", [_entry(f"{n:012d}", f"A{n}", f"A{n}", ["Admin"]) for n in range(50)],
           start_url=URL)
    code = (
        "import sys\n"
        "from switcher.core.model import Config, SsoSource\n"
        "from switcher.core.discovery.inventory import load_all\n"
        f"config = Config(sso=(SsoSource('corp', {URL!r}, 'eu-west-1'),))\n"
        "assert len(load_all(config)) == 50\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"SWITCHER_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"},
                         check=True).stdout
    assert out == "[]\n"
