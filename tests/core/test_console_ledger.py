"""The console ledger: live identities per browser, dedup by account+role, the console's
limit of five, and a damaged file read as empty."""

from __future__ import annotations

import json

import pytest

from switcher.core import console_ledger
from switcher.core.console_ledger import CONSOLE_LIMIT, Identity, Ledger

NOW = 1_800_000_000.0
HOUR = 3600.0


@pytest.fixture
def ledger(tmp_path):
    return Ledger(tmp_path / "state" / "console_ledger.json")


def _id(n: int, *, browser="firefox", role="Admin", expires=NOW + HOUR) -> Identity:
    return Identity(browser=browser, target=f"a{n}/{role}", account_id=f"{n:012d}", role=role,
                    expires=expires)


def test_the_default_path_is_beside_the_usage_state(monkeypatch, tmp_path):
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path))
    assert Ledger().path == tmp_path / "console_ledger.json"


def test_recorded_identities_persist_without_secrets(ledger):
    ledger.record(_id(1), now=NOW)
    assert Ledger(ledger.path).live("firefox", now=NOW) == [_id(1)]
    row = json.loads(ledger.path.read_text())["identities"][0]
    assert set(row) == {"browser", "target", "account_id", "role", "expires"}
    assert ledger.path.stat().st_mode & 0o077 == 0


def test_an_expired_identity_is_not_live_and_is_dropped_on_the_next_record(ledger):
    ledger.record(_id(1, expires=NOW + 10), now=NOW)
    assert ledger.live("firefox", now=NOW + 5) == [_id(1, expires=NOW + 10)]
    assert ledger.live("firefox", now=NOW + 10) == []
    ledger.record(_id(2), now=NOW + 20)
    assert [i.target for i in ledger._read()] == ["a2/Admin"]


def test_the_same_account_and_role_is_one_identity_with_the_newest_expiry(ledger):
    ledger.record(_id(1, expires=NOW + 60), now=NOW)
    ledger.record(_id(1, expires=NOW + HOUR), now=NOW)
    assert ledger.live("firefox", now=NOW) == [_id(1)]
    ledger.record(_id(1, role="ReadOnly"), now=NOW)  # another role of it is another identity
    assert len(ledger.live("firefox", now=NOW)) == 2


def test_identities_are_kept_per_browser(ledger):
    ledger.record(_id(1, browser="firefox"), now=NOW)
    ledger.record(_id(1, browser="chrome:profile=Work"), now=NOW)
    assert set(ledger.by_browser(now=NOW)) == {"firefox", "chrome:profile=Work"}
    assert ledger.live("chromium:isolated:a1", now=NOW) == []


def test_a_sixth_live_identity_would_exceed_the_console_limit(ledger):
    assert CONSOLE_LIMIT == 5
    for n in range(1, 5):
        ledger.record(_id(n), now=NOW)
    assert not ledger.would_exceed("firefox", f"{5:012d}", "Admin", now=NOW)  # the fifth
    ledger.record(_id(5), now=NOW)
    assert ledger.would_exceed("firefox", f"{6:012d}", "Admin", now=NOW)
    assert ledger.would_exceed("firefox", f"{1:012d}", "ReadOnly", now=NOW)
    # signed in again, one already there does not count twice
    assert not ledger.would_exceed("firefox", f"{3:012d}", "Admin", now=NOW)
    # another browser has its own five; an expired one frees a place
    assert not ledger.would_exceed("chrome", f"{6:012d}", "Admin", now=NOW)
    assert not ledger.would_exceed("firefox", f"{6:012d}", "Admin", now=NOW + HOUR)


@pytest.mark.parametrize("text", [
    "", "{", "[]", '{"identities": 5}', '{"identities": [{"browser": "firefox"}]}', "\x00\xff",
])
def test_a_damaged_file_reads_as_empty(ledger, text):
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_text(text)
    assert ledger.identities(now=NOW) == []
    assert not ledger.would_exceed("firefox", "1", "Admin", now=NOW)
    ledger.record(_id(1), now=NOW)  # and a record starts it afresh
    assert ledger.live("firefox", now=NOW) == [_id(1)]


def test_one_damaged_row_costs_only_that_row(ledger):
    ledger.record(_id(1), now=NOW)
    data = json.loads(ledger.path.read_text())
    data["identities"].append({"browser": "firefox", "expires": "soon"})
    ledger.path.write_text(json.dumps(data))
    assert ledger.live("firefox", now=NOW) == [_id(1)]


def test_a_read_only_state_dir_loses_the_record_not_the_switch(ledger, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(console_ledger, "write_atomic", refuse)
    ledger.record(_id(1), now=NOW)
    assert ledger.identities(now=NOW) == []


def test_a_browser_without_multi_session_holds_only_the_newest_identity(ledger):
    ledger.record(_id(1), now=NOW)
    ledger.record(_id(1, browser="chrome"), now=NOW)
    ledger.record(_id(2), now=NOW, single=True)
    assert [i.target for i in ledger.live("firefox", now=NOW)] == ["a2/Admin"]
    assert len(ledger.live("chrome", now=NOW)) == 1  # another browser keeps its own
