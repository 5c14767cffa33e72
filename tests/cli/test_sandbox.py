"""``switcher sandbox``'s banner, and the sandbox's demo config driven in-process end to
end: its Identity Center source signs in to the stand-in (a $BROWSER stand-in that
follows the authorize URL; SWITCHER_SANDBOX_AUTO_APPROVE=1 approves), `discover` lists
the stand-in's accounts and moto's organization, and their targets give credentials
that moto's STS knows."""

from __future__ import annotations

import json
import sys
import webbrowser
from pathlib import Path

import boto3
import pytest

from switcher.cli.sandbox import howto
from switcher.sandbox import Sandbox, seed
from switcher.sandbox.identity_center import AUTO_APPROVE_ENV
from tests.fixtures.identity_center import BROWSER


@pytest.fixture
def sandbox_cli(cli, monkeypatch, tmp_path):
    """``cli`` inside a fresh sandbox, as the shell that pasted its export lines is."""
    monkeypatch.setenv(AUTO_APPROVE_ENV, "1")  # read when the stand-in is made
    box = Sandbox().start()
    try:
        for name, value in box.env.items():
            monkeypatch.setenv(name, value)
        script = tmp_path / "browser"
        log = tmp_path / "browser.log"
        script.write_text(f"#!{sys.executable}\nimport sys\n"
                          f"open({str(log)!r}, 'a').write(sys.argv[1] + '\\n')\n{BROWSER}")
        script.chmod(0o755)
        monkeypatch.setenv("BROWSER", str(script))
        # webbrowser reads $BROWSER once per process; another in-process test may have been first
        monkeypatch.setattr(webbrowser, "_tryorder", None)
        cli.box, cli.browser_log = box, log
        yield cli
    finally:
        box.stop()


def _caller(box: Sandbox, creds: dict) -> str:
    sts = boto3.session.Session().client(
        "sts", endpoint_url=box.stack.sts_url, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"])
    return sts.get_caller_identity()["Arn"]


def test_sign_in_discover_and_switch_in_the_demo_sandbox(sandbox_cli):
    cli, box = sandbox_cli, sandbox_cli.box
    (row,) = json.loads(cli.ok("sso", "list", "--json"))
    assert (row["name"], row["start_url"], row["defined_in"], row["state"]) == (
        seed.SSO_NAME, box.identity_center.start_url, ["config.toml"], "never")

    code, out, err = cli("sso", "login", seed.SSO_NAME)
    assert code == 0, err
    (url,) = cli.browser_log.read_text().splitlines()
    assert url.startswith(f"{box.identity_center.url}/authorize?")

    code, out, err = cli("discover", "--json")
    assert code == 0, err
    found = {s["source"]: s for s in json.loads(out)["sources"]}
    assert found[seed.SSO_NAME]["accounts"] == len(seed.demo_sso_accounts())
    # the management account too; the closed member left out
    assert found[seed.ORG_NAME]["accounts"] == len(seed.ORG_MEMBERS)
    assert [found[n]["error"] for n in found] == [None, None]
    assert found[seed.SSO_NAME]["failed"] == found[seed.ORG_NAME]["failed"] == []

    targets = cli.targets()
    sso = {n: t for n, t in targets.items() if t.get("discovered") and t["source"] == seed.SSO_NAME}
    assert len(sso) == sum(len(a.roles) for a in seed.demo_sso_accounts())
    org = {n: t for n, t in targets.items() if t.get("discovered") and t["kind"] == "org"}
    assert f"Acme-Network/{seed.ORG_MEMBER_ROLE}" in org
    assert not any(n.startswith("Acme-Retired/") for n in org)
    assert {t["via"] for t in org.values()} == {f"acme-root/{seed.ORG_ADMIN_ROLE}"}

    creds = json.loads(cli.ok("creds", "Acme-Payments-Prod/ReadOnlyAccess", "--format", "json"))
    arn = _caller(box, creds)
    assert arn.startswith("arn:aws:sts::700000000000:assumed-role/AWSReservedSSO_ReadOnlyAccess_")
    network = org[f"Acme-Network/{seed.ORG_MEMBER_ROLE}"]
    creds = json.loads(cli.ok("creds", network["target"], "--format", "json"))
    assert _caller(box, creds).startswith(
        f"arn:aws:sts::{network['account']}:assumed-role/{seed.ORG_MEMBER_ROLE}/")
    url = cli.ok("login", "Acme-Search-Dev/PowerUserAccess", "--stdout").strip()
    assert url.startswith(box.env["SWITCHER_FEDERATION_URL"] + "?Action=login&")

    # the inventory stays in the sandbox, never in the user's cache directory
    assert any(Path(box.env["SWITCHER_CACHE_DIR"]).rglob("*.json"))
    assert not any((cli.root / "xdg-cache").rglob("*"))


def test_discover_without_a_sign_in_still_lists_the_organization(sandbox_cli):
    code, out, err = sandbox_cli("discover", "--json")
    assert code == 1
    assert f"sign in with: switcher sso login {seed.SSO_NAME}" in err
    found = {s["source"]: s for s in json.loads(out)["sources"]}
    assert found[seed.ORG_NAME]["accounts"] == len(seed.ORG_MEMBERS)


def test_the_banner_says_how_to_try_identity_center(sandbox_cli):
    text = howto(sandbox_cli.box, "http://127.0.0.1:1/_sandbox/log")
    assert f"switcher sso login {seed.SSO_NAME} " in text
    assert "switcher discover " in text and f"{len(seed.demo_sso_accounts())} accounts" in text
    assert AUTO_APPROVE_ENV in text
    # every target it names exists once discovered (this one) or in the demo config
    assert "Acme-Payments-Prod/ReadOnlyAccess" in text
    assert all(len(line) <= 92 for line in text.splitlines())
