"""The one answer to "which browser opens this target", used by `switcher login` and the tray."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from switcher.core import browser_open
from switcher.core.browser_open import BrowserChoice, choice_for, open_for_target
from switcher.core.errors import InputError
from switcher.core.model import Settings
from switcher.core.targets import Target


def _target(**kw) -> Target:
    fields = dict(name="dev/Admin", kind="account", account_id="111111111111", role_name="Admin",
                  region="eu-west-1", account_alias="dev", color="B7CA9D")
    return Target(**{**fields, **kw})


def test_the_accounts_browser_wins_over_the_global_setting():
    choice = choice_for(_target(browser="firefox"), Settings(browser="chrome"))
    assert choice == BrowserChoice(account="dev", color="B7CA9D", spec_text="firefox")


def test_without_an_account_browser_the_global_setting_is_used():
    assert choice_for(_target(), Settings(browser="chrome")).spec_text == "chrome"
    assert choice_for(_target(), Settings()).spec_text is None


def test_a_profile_target_is_named_after_itself():
    target = _target(name="ops-profile", kind="profile", account_alias=None, color=None)
    assert choice_for(target, Settings()) == BrowserChoice("ops-profile", None, None)


def test_the_choice_is_frozen():
    with pytest.raises(FrozenInstanceError):
        choice_for(_target(), Settings()).spec_text = "x"  # type: ignore[misc]


def test_open_for_target_opens_the_chosen_browser(monkeypatch):
    calls = []

    def fake_open_url(url, **kw):
        calls.append((url, kw))
        return "firefox"

    monkeypatch.setattr(browser_open, "open_url", fake_open_url)
    used = open_for_target("https://example.test/login", _target(browser="firefox"), Settings())
    assert used == "firefox"
    assert calls == [("https://example.test/login",
                      {"account": "dev", "color": "B7CA9D", "spec_text": "firefox"})]


@pytest.mark.parametrize("spec,key", [
    (None, "default"),
    ("chrome:profile=Work", "chrome:profile=Work"),
    ("firefox", "firefox"),
    ("chromium:isolated", "chromium:isolated:dev"),  # a profile of its own per account
    ("firefox:container", "firefox:container:dev"),
])
def test_the_ledger_key_is_the_browser_and_profile_the_target_opens_in(spec, key):
    assert browser_open.browser_key(choice_for(_target(browser=spec), Settings())) == key


@pytest.mark.parametrize("spec,isolated", [
    ("chrome", "chrome:isolated"),
    ("brave:profile=Work", "brave:isolated"),
    ("firefox", "firefox:container"),
    ("granted-containers", "granted-containers"),
    (None, None),
    ("cmd:mybrowser {url}", None),
])
def test_the_isolated_equivalent_of_a_browser(spec, isolated):
    assert browser_open.isolated_spec(spec) == isolated


def test_a_browser_without_an_isolated_profile_is_refused_in_one_line():
    with pytest.raises(InputError, match="has no isolated profile") as info:
        browser_open.isolated_choice(choice_for(_target(), Settings()))
    assert "\n" not in str(info.value)
