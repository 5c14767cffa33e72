"""Headless Debian Chromium follows a real sign-in URL (printed by the installed
``switcher login --stdout``) to the sandbox console page."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser

import pytest

from tests.fixtures.aws import BASE_PROFILE, run_switcher
from tests.fixtures.tools import require_tool

pytestmark = [pytest.mark.chromium, pytest.mark.keyring]


class _Fields(HTMLParser):
    """The console page's ``<dd id=...>`` values and the title, as the browser rendered them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("dd", "title", "p"):
            self._current = dict(attrs).get("id") or (tag if tag == "title" else None)

    def handle_endtag(self, tag):
        self._current = None

    def handle_data(self, data):
        if self._current:
            self.fields[self._current] = self.fields.get(self._current, "") + data


def chromium_dom(url: str, profile_dir) -> str:
    chromium = require_tool("chromium")["chromium"]
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile_dir}", "--dump-dom", url],
        capture_output=True, text=True, timeout=90,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _fields(dom: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(dom)
    return parser.fields


@pytest.fixture
def env(switcher_env):
    require_tool("chromium")  # before any setup work: skip (or fail in CI) early
    for args in (
        ["add", "dev", "--account", "111111111111", "--role", "team/ops/Deploy", "--source",
         BASE_PROFILE, "--region", "eu-west-1"],
        ["add", "audit", "--account", "333333333333", "--role", "Auditor", "--via",
         "dev/Deploy", "--region", "us-west-2"],
    ):
        result = run_switcher(switcher_env, *args)
        assert result.returncode == 0, result.stderr
    return switcher_env


def _url(env, *args) -> str:
    result = run_switcher(env, "login", *args, "--stdout")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("target, account, role, region", [
    ("dev/team/ops/Deploy", "111111111111", "team/ops/Deploy", "eu-west-1"),
    ("audit/Auditor", "333333333333", "Auditor", "us-west-2"),  # chained
])
def test_chromium_reaches_the_sandbox_console(env, aws_stack, tmp_path, target, account, role,
                                              region):
    aws_stack.clear_log()
    fields = _fields(chromium_dom(_url(env, target), tmp_path / "profile"))
    assert fields.get("account") == account, fields
    assert fields["role"] == role
    assert fields["region"] == region
    assert fields["destination"].startswith(f"https://{region}.console.aws.amazon.com/")
    assert fields["title"] == f"Sandbox console — {role} @ {account}"
    # the browser used the token exactly once, and nothing else asked for a page
    logins = aws_stack.events("federation", "login")
    assert [e["status"] for e in logins] == [200]


def test_chromium_follows_the_logout_first_redirect(env, aws_stack, tmp_path):
    url = _url(env, "dev/Deploy", "--logout-first", "--service", "iam")
    fields = _fields(chromium_dom(url, tmp_path / "profile"))
    assert fields.get("account") == "111111111111", fields
    assert fields["destination"] == "https://console.aws.amazon.com/iam/home"
    assert fields["region"] == "global"


def test_chromium_shows_an_error_page_for_a_used_link(env, aws_stack, tmp_path):
    url = _url(env, "dev/Deploy")
    first = _fields(chromium_dom(url, tmp_path / "one"))
    assert first.get("role") == "team/ops/Deploy"
    second = _fields(chromium_dom(url, tmp_path / "two"))
    assert "role" not in second
    assert second.get("error") == "this sign-in link was already used"
