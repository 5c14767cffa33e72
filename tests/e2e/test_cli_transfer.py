"""The installed ``switcher`` command: link, links, import and export, and bad input.

None of these commands talks to AWS, so the environment is only a temporary config dir
and AWS config file; bad input must exit 2 with one line and leave the config untouched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from switcher.core.share.links import parse_link
from tests.fixtures.aws import offline_env
from tests.fixtures.aws import run_switcher as sw
from tests.fixtures.samples import AWS_CONFIG, ESR
from tests.fixtures.tools import require_tool


@pytest.fixture
def env(tmp_path):
    return offline_env(tmp_path, region="eu-west-1")


def ok(env, *args, input=None) -> str:
    proc = sw(env, *args, input=input)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


def config_file(env) -> Path:
    return Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml"


def targets(env) -> dict[str, dict]:
    return {t["target"]: t for t in json.loads(ok(env, "list", "--json"))}


@pytest.fixture
def accounts(env):
    """Accounts in all three partitions, one role with a path, one with an external id."""
    ok(env, "add", "prod", "--account", "111111111111", "--role", "Admin",
       "--role", "team/ops/Deploy", "--color", "red", "--region", "eu-west-1", "--source", "base")
    ok(env, "add", "gov", "--account", "222222222222", "--role", "Audit", "--color", "blue",
       "--region", "us-gov-west-1", "--source", "base")
    ok(env, "add", "china", "--account", "333333333333", "--role", "Ops",
       "--region", "cn-north-1", "--source", "base")
    ok(env, "add", "vendor", "--account", "444444444444", "--role", "Support",
       "--external-id", "shared-secret-1", "--source", "base")
    return env


@pytest.mark.parametrize("target,host,role,color", [
    ("prod/team/ops/Deploy", "signin.aws.amazon.com", "team/ops/Deploy", "F2B0A9"),
    ("gov", "signin.amazonaws-us-gov.com", "Audit", "99BCE3"),
    ("china/Ops", "signin.amazonaws.cn", "Ops", None),
])
def test_link_per_partition(accounts, target, host, role, color):
    url = ok(accounts, "link", target).strip()
    assert urlsplit(url).netloc == host
    link = parse_link(url)
    assert (link.role_name, link.color) == (role, color)
    assert link.display_name == targets(accounts)[link.display_name]["target"]


def test_link_of_a_profile_target(env):
    Path(env["AWS_CONFIG_FILE"]).write_text(AWS_CONFIG)
    link = parse_link(ok(env, "link", "legacy-Admin").strip())
    assert link.as_tuple() == ("555555555555", "Admin", "legacy-Admin", None)


def test_link_refuses_external_id_and_unknown_targets(accounts):
    before = config_file(accounts).read_bytes()
    proc = sw(accounts, "link", "vendor/Support")
    assert proc.returncode == 2 and proc.stdout == ""
    assert re.fullmatch(r"switcher: vendor/Support needs an external id.*\n", proc.stderr)
    assert "shared-secret-1" not in proc.stderr
    proc = sw(accounts, "link", "nope/Admin")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert config_file(accounts).read_bytes() == before


def test_links_in_every_format(accounts):
    data = json.loads(ok(accounts, "links", "--format", "json"))
    assert [d["target"] for d in data] == ["prod/Admin", "prod/team/ops/Deploy", "gov/Audit",
                                           "china/Ops", "vendor/Support"]
    vendor = data.pop()
    assert (vendor["url"], vendor["reason"]) == (
        None, "needs an external id; the console cannot switch to it")
    hosts = {urlsplit(d["url"]).netloc for d in data}
    assert hosts == {"signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"}
    for entry in data:
        assert entry["reason"] is None
        assert parse_link(entry["url"]).as_tuple() == (
            entry["account"], entry["role"], entry["displayName"], entry["color"])

    markdown = ok(accounts, "links")
    assert markdown == ok(accounts, "links", "--format", "markdown")
    assert sum(line.startswith("| [") for line in markdown.splitlines()) == 4
    assert "vendor/Support" in markdown.split("Not listed")[1]

    page = ok(accounts, "links", "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and page.count("<tr data-search=") == 4
    assert not re.search(r"""(src|href)=["'](?!https://signin\.)""", page)
    assert "shared-secret-1" not in page + markdown + json.dumps(data)


def test_import_aws_config_default_and_file(env, tmp_path):
    Path(env["AWS_CONFIG_FILE"]).write_text(AWS_CONFIG)
    assert ok(env, "import", "aws-config") == "added 2 accounts, 2 roles; skipped 0\n"
    got = targets(env)
    assert got["legacy/Admin"]["source"] == "base" and got["legacy/Admin"]["mfa"]
    assert got["legacy-Deep/path/Deep"]["via"] == "legacy/Admin"
    # Again, from an explicit file: everything is already there.
    other = tmp_path / "other-config"
    other.write_text(AWS_CONFIG)
    before = config_file(env).read_bytes()
    assert ok(env, "import", "aws-config", str(other)) == (
        "added 0 accounts, 0 roles; skipped 2 (profile legacy-Admin: already present as "
        "legacy/Admin; profile legacy-Deep: already present as legacy-Deep/path/Deep)\n")
    assert config_file(env).read_bytes() == before


def test_reimporting_an_edited_aws_config_never_duplicates_an_account(env):
    aws_config = Path(env["AWS_CONFIG_FILE"])
    aws_config.write_text(AWS_CONFIG)
    ok(env, "import", "aws-config")
    before = config_file(env).read_bytes()
    aws_config.write_text(AWS_CONFIG.replace("duration_seconds = 3600", "duration_seconds = 2700"))
    assert ok(env, "import", "aws-config") == (
        "added 0 accounts, 0 roles; skipped 2 (profile legacy-Admin: already present as "
        "legacy/Admin; profile legacy-Deep: differs from legacy-Deep/path/Deep: duration 3600 "
        "vs 2700; edit it or remove it first)\n")
    assert config_file(env).read_bytes() == before
    ids = [t["account"] for t in targets(env).values()]
    assert sorted(ids) == ["555555555555", "666666666666"]


def test_import_esr_from_file_and_stdin(env, tmp_path):
    esr_file = tmp_path / "esr.ini"
    esr_file.write_text(ESR)
    assert ok(env, "import", "esr", str(esr_file)).startswith(
        "added 2 accounts, 2 roles; skipped 1 (org: a base account")
    got = targets(env)
    assert got["shop/Developer"]["color"] == "FAD791"
    assert got["Mining/ops/Miner"]["region"] == "ap-southeast-2"
    assert ok(env, "import", "esr", "-", input=ESR).startswith("added 0 accounts, 0 roles; skipped 3")


def test_import_link(accounts):
    url = ("https://signin.amazonaws.cn/switchrole?account=999999999999&roleName=Reader"
           "&displayName=beijing%2FReader&color=B7CA9D")
    assert ok(accounts, "import", "link", url) == "added 1 account, 1 role; skipped 0\n"
    got = targets(accounts)["beijing/Reader"]
    assert (got["account"], got["region"], got["partition"], got["color"]) == (
        "999999999999", "cn-north-1", "aws-cn", "B7CA9D")
    # A link naming the account by alias lands in the account with that alias.
    url = "https://signin.aws.amazon.com/switchrole?account=prod&roleName=ReadOnly"
    assert ok(accounts, "import", "link", url) == "added 0 accounts, 1 role; skipped 0\n"
    assert targets(accounts)["prod/ReadOnly"]["account"] == "111111111111"


def test_export_then_import_elsewhere_gives_the_same_targets(accounts, tmp_path):
    ok(accounts, "add", "deep", "--account", "121212121212", "--role", "Chained",
       "--via", "prod/Admin", "--duration", "3600")
    original = targets(accounts)

    aws_text = ok(accounts, "export", "aws-config")
    (tmp_path / "exported").write_text(aws_text)
    fresh = {**accounts, "SWITCHER_CONFIG_DIR": str(tmp_path / "fresh")}
    ok(fresh, "import", "aws-config", str(tmp_path / "exported"))
    keys = ("account", "role", "region", "partition", "source", "via")
    assert {n: {k: t[k] for k in keys} for n, t in targets(fresh).items()} == {
        n: {k: t[k] for k in keys} for n, t in original.items()}

    esr_text = ok(accounts, "export", "esr")
    fresh2 = {**accounts, "SWITCHER_CONFIG_DIR": str(tmp_path / "fresh2")}
    report = ok(fresh2, "import", "esr", "-", input=esr_text)
    assert report == "added 4 accounts, 5 roles; skipped 0\n"
    keys = ("account", "role", "region", "partition", "color")
    switchable = {n: t for n, t in original.items() if n != "vendor/Support"}
    assert {n: {k: t[k] for k in keys} for n, t in targets(fresh2).items()} == {
        n: {k: t[k] for k in keys} for n, t in switchable.items()}


def test_the_aws_cli_reads_the_exported_profiles(accounts, tmp_path):
    aws = require_tool("aws")["aws"]
    exported = tmp_path / "exported"
    exported.write_text(ok(accounts, "export", "aws-config"))
    cli_env = {**accounts, "AWS_CONFIG_FILE": str(exported)}
    run = lambda *a: subprocess.run([aws, *a], env=cli_env, capture_output=True, text=True,  # noqa: E731
                                    timeout=120)
    for profile, arn in [
        ("prod-Admin", "arn:aws:iam::111111111111:role/Admin"),
        ("prod-team-ops-Deploy", "arn:aws:iam::111111111111:role/team/ops/Deploy"),
        ("gov-Audit", "arn:aws-us-gov:iam::222222222222:role/Audit"),
        ("china-Ops", "arn:aws-cn:iam::333333333333:role/Ops"),
    ]:
        got = run("configure", "get", "role_arn", "--profile", profile)
        assert (got.returncode, got.stdout.strip()) == (0, arn), got.stderr
    got = run("configure", "get", "source_profile", "--profile", "china-Ops")
    assert got.stdout.strip() == "base"
    got = run("configure", "get", "external_id", "--profile", "vendor-Support")
    assert got.stdout.strip() == "shared-secret-1"


def test_the_aws_cli_signs_in_with_every_exported_profile(switcher_env, aws_stack, tmp_path):
    """Exported profiles work in the real AWS CLI against the sandbox: a profile source
    (role_arn + source_profile), a keyring source and Switcher's default chain (both as
    credential_process), and a role chained from the keyring one."""
    aws = require_tool("aws")["aws"]
    env = dict(switcher_env)
    key_id, secret = aws_stack.user_keys()
    assert sw(env, "keys", "add", "ci", input=f"{key_id}\n{secret}\n").returncode == 0
    ok(env, "add", "prod", "--account", "111111111111", "--role", "Admin", "--source", "base")
    ok(env, "add", "keyed", "--account", "222222222222", "--role", "Deploy", "--source", "ci")
    ok(env, "add", "bare", "--account", "333333333333", "--role", "team/Ops")
    ok(env, "add", "deep", "--account", "444444444444", "--role", "Deep", "--via", "keyed/Deploy")
    # Switcher's default chain finds these; `aws --profile` ignores them (an explicit
    # profile wins over the environment), so each profile must bring its own credentials.
    env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = aws_stack.user_keys()
    exported = ok(env, "export", "aws-config")
    assert "credential_process" in exported and secret not in exported
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_text(config.read_text() + "\n" + exported)
    # The CLI runs `switcher` by the absolute path in the file, not by PATH.
    env["PATH"] = "/usr/bin:/bin"
    for profile, arn in [
        ("prod-Admin", "arn:aws:sts::111111111111:assumed-role/Admin/"),
        ("keyed-Deploy", "arn:aws:sts::222222222222:assumed-role/Deploy/"),
        ("bare-team-Ops", "arn:aws:sts::333333333333:assumed-role/Ops/"),
        ("deep-Deep", "arn:aws:sts::444444444444:assumed-role/Deep/"),
    ]:
        done = subprocess.run([aws, "sts", "get-caller-identity", "--profile", profile,
                               "--output", "json"], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{profile}: {done.stderr}"
        assert json.loads(done.stdout)["Arn"].startswith(arn), profile


BAD_ESR = "[fine]\naws_account_id = 123456789012\nrole_name = Ok\n[broken]\nrole_name = X\n"
BAD_AWS = AWS_CONFIG + ("\n[profile bad]\nrole_arn = arn:aws:iam::123456789012:role/X\n"
                        "source_profile = base\nduration_seconds = 5\n")


@pytest.mark.parametrize("files,args,message", [
    ({"bad.ini": BAD_ESR}, ("import", "esr", "{tmp}/bad.ini"), r"\[broken\] \(line 4\)"),
    ({}, ("import", "esr", "{tmp}/missing.ini"), "no such file"),
    ({"bin.ini": b"\xff\xfe[x]"}, ("import", "esr", "{tmp}/bin.ini"), "not UTF-8"),
    ({"bad-aws": BAD_AWS}, ("import", "aws-config", "{tmp}/bad-aws"), "profile bad: duration"),
    ({"chained-aws": AWS_CONFIG.replace("duration_seconds = 3600", "duration_seconds = 7200")},
     ("import", "aws-config", "{tmp}/chained-aws"), "profile legacy-Deep: duration 7200 exceeds "
     "the 1 hour limit for roles assumed by role chaining"),
    ({}, ("import", "aws-config", "{tmp}/missing"), "no such file"),
    ({"empty-aws": "[default]\nregion = us-east-1\n"}, ("import", "aws-config", "{tmp}/empty-aws"),
     "no role profiles"),
    ({"broken-aws": "[profile x\nrole_arn = y\n"}, ("import", "aws-config", "{tmp}/broken-aws"),
     "broken-aws"),
    ({}, ("import", "link", "https://signin.aws.amazon.com.evil.example/switchrole?account="
          "123456789012&roleName=A"), "not an AWS sign-in host"),
    ({}, ("import", "link", "https://signin.aws.amazon.com/switchrole?account=123456789012"
          "&roleName=no%20spaces"), "role name"),
    ({}, ("import", "link", "https://signin.aws.amazon.com/switchrole?account=unknown-alias"
          "&roleName=A"), "add the account first"),
    ({}, ("import", "link", "not a url"), "https"),
    ({}, ("import", "pdf", "x"), "invalid choice"),
    ({}, ("links", "--format", "pdf"), "invalid choice"),
    ({}, ("export", "csv"), "invalid choice"),
    ({}, ("import",), "required"),
])
def test_bad_input_exits_2_and_changes_nothing(accounts, tmp_path, files, args, message):
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    before = config_file(accounts).read_bytes()
    proc = sw(accounts, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("switcher: ") and proc.stderr.count("\n") == 1
    assert re.search(message, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert config_file(accounts).read_bytes() == before


@pytest.mark.parametrize("args", [
    ("import", "link", "https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=A"),
    ("export", "esr"),
    ("links",),
    ("link", "prod/Admin"),
])
def test_a_broken_config_is_reported_and_left_alone(env, args):
    path = config_file(env)
    path.parent.mkdir(parents=True)
    path.write_text("version = 1\n[[accounts]]\nalias = 'prod'\nid = \n")
    before = path.read_bytes()
    proc = sw(env, *args)
    assert proc.returncode == 2 and str(path) in proc.stderr and proc.stderr.count("\n") == 1
    assert path.read_bytes() == before


# --- the HTML page in a real browser --------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage")


def _chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    chromium = require_tool("chromium")["chromium"]
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )


@pytest.mark.chromium
def test_html_page_filters_rows_in_chromium(accounts, tmp_path):
    page = tmp_path / "links.html"
    page.write_text(ok(accounts, "links", "--format", "html"))
    # "#gov" in the URL pre-fills the search box; the inline script must run under the
    # page's own Content-Security-Policy for the rows to be filtered.
    proc = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#gov")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    rows = re.findall(r"<tr data-search=\"([^\"]*)\"( hidden=\"\")?", dom)
    assert len(rows) == 4
    shown = [search for search, hidden in rows if not hidden]
    assert len(shown) == 1 and shown[0].startswith("gov/audit")
    assert re.search(r'<span id="count">Showing 1 of 4.</span>', dom)

    shot = tmp_path / "page.png"
    proc = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,420", page.as_uri())
    assert proc.returncode == 0 and shot.stat().st_size > 5000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
