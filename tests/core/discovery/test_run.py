"""Discovery through the sandbox Identity Center over HTTP: what is listed, what a second
run asks (nothing), what --refresh asks, failures and throttling."""

from __future__ import annotations

from dataclasses import replace

from switcher.core.discovery import inventory, run
from switcher.core.discovery.progress import DONE, ROLES
from switcher.core.model import Settings
from switcher.sandbox.identity_center import SsoAccount, make_accounts


def _requests(center, api=None) -> int:
    counts = center.stats()["requests"]
    return counts.get(api, 0) if api else sum(counts.values())


def _roles(config) -> set[str]:
    return {r.target for r in inventory.load_roles(config)}


def test_discover_lists_every_role_of_every_account(directory, config):
    directory.set_accounts(make_accounts(45, ("Admin", "ReadOnly")))
    (outcome,) = run.discover(config)
    assert outcome.error is None and outcome.failed == []
    assert (outcome.accounts, outcome.roles, outcome.added) == (45, 90, 45)
    assert _roles(config) == {f"Account-{n:05d}/{r}" for n in range(45) for r in ("Admin", "ReadOnly")}
    # one page of accounts (100 a page), one ListAccountRoles per account
    assert directory.stats()["requests"] == {"ListAccounts": 1, "ListAccountRoles": 45}
    assert outcome.requests == 46
    (account, *_) = inventory.load_all(config)
    assert (account.source, account.kind, account.id, account.name, account.email) == (
        "corp", "sso", "100000000000", "Account 00000", "aws+00000@example.com")
    role = account.roles[0]
    assert (role.start_url, role.region, role.via, role.role_name) == (
        directory.start_url, "eu-west-1", None, "Admin")


def test_a_second_discover_makes_no_request_and_refresh_only_asks_for_new_accounts(directory, config):
    directory.set_accounts(make_accounts(150, ("Admin",)))
    run.discover(config)
    directory.reset_stats()
    (again,) = run.discover(config)
    assert again.from_cache and again.requests == 0 and _requests(directory) == 0
    assert again.roles == 150

    grown = make_accounts(160, ("Admin",))
    directory.set_accounts(grown[5:])  # 5 gone, 10 new
    directory.reset_stats()
    (refreshed,) = run.discover(config, mode=run.REFRESH)
    pages = 2  # 155 accounts, 100 a page
    assert _requests(directory, "ListAccounts") == pages
    assert _requests(directory, "ListAccountRoles") == 10
    assert _requests(directory) <= pages + 10 + 5
    assert (refreshed.added, refreshed.removed, refreshed.accounts) == (10, 5, 155)
    ids = {a.id for a in inventory.load_all(config)}
    assert ids == {a.account_id for a in grown[5:]}

    directory.reset_stats()
    run.discover(config, mode=run.FULL)
    assert _requests(directory, "ListAccountRoles") == 155


def test_the_inventory_goes_stale_after_its_max_age(directory, config):
    run.discover(config)
    directory.reset_stats()
    stale = replace(config, settings=Settings(discovery_max_age_hours=0))
    (outcome,) = run.discover(stale)
    assert not outcome.from_cache and _requests(directory, "ListAccounts") == 1
    # known accounts keep their roles: only new ones are asked
    assert _requests(directory, "ListAccountRoles") == 0


def test_one_failing_account_is_reported_the_rest_kept_and_it_is_retried_next_time(directory, config):
    directory.set_accounts(make_accounts(20, ("Admin",)))
    directory.broken = {"100000000007": (403, "ForbiddenException"),
                        "100000000011": (500, "InternalServerException")}
    (outcome,) = run.discover(config)
    failed = {account_id: error for account_id, _name, error in outcome.failed}
    assert set(failed) == {"100000000007", "100000000011"}
    assert "ForbiddenException" in failed["100000000007"]
    assert "InternalServerException" in failed["100000000011"]
    assert outcome.roles == 18 and len(_roles(config)) == 18
    # a 403 is an answer: asked once; a 500 is retried a few times
    assert directory.stats()["errors"]["ListAccountRoles"] == 1 + 4

    directory.broken = {}
    directory.reset_stats()
    (again,) = run.discover(config)  # fresh, but two accounts are owed their roles
    assert again.failed == [] and again.roles == 20
    assert directory.stats()["requests"] == {"ListAccountRoles": 2}


def test_throttled_requests_are_all_retried_and_none_fails(directory, config):
    directory.set_accounts(make_accounts(60, ("Admin",)))
    directory.throttle = {"*": 15}
    (outcome,) = run.discover(config)
    assert outcome.failed == [] and outcome.error is None and outcome.roles == 60
    stats = directory.stats()
    assert stats["errors"] == {}
    # every request that got an answer other than 429 is one of the 61 needed
    assert stats["requests"]["ListAccountRoles"] - stats["throttled"].get("ListAccountRoles", 0) == 60


def test_a_ceiling_caps_the_rate(directory, config):
    directory.set_accounts(make_accounts(12, ("Admin",)))
    capped = replace(config, sso=(replace(config.sso[0], max_requests_per_second=5),))
    (outcome,) = run.discover(capped)
    # 13 requests at 5/s, the first at once: at least 12 intervals of 0.2 s
    assert outcome.requests == 13 and outcome.seconds >= 12 * 0.2 * 0.95


def test_progress_updates_end_with_every_account_done(directory, config):
    directory.set_accounts(make_accounts(30, ("Admin",)))
    seen = []
    run.discover(config, progress=seen.append)
    assert seen[-1].phase == DONE and (seen[-1].done, seen[-1].total) == (30, 30)
    assert any(u.phase == ROLES for u in seen)
    assert seen[-1].text() == "Discovering corp… 30/30"


def test_partial_results_are_on_disk_while_the_run_goes_on(directory, config, monkeypatch):
    directory.set_accounts(make_accounts(40, ("Admin",)))
    monkeypatch.setattr(run, "WRITE_EVERY", 0)
    counts = []
    real_write = inventory.write

    def write(found):
        real_write(found)
        counts.append(sum(1 for a in inventory.load_all(config) if a.roles))

    monkeypatch.setattr(inventory, "write", write)
    run.discover(config)
    assert counts[-1] == 40 and len(counts) > 2 and 0 < min(counts[1:-1] or [1]) < 40


def test_a_source_that_is_not_signed_in_fails_alone(directory, config):
    from switcher.core.model import SsoSource

    other = replace(config, sso=(*config.sso, SsoSource("other", "https://d-other.awsapps.com/start",
                                                        "eu-west-1")))
    first, second = run.discover(other)
    assert first.error is None and first.roles == 9
    assert second.error == ("not signed in to IAM Identity Center other; sign in with: "
                            "switcher sso login other")


def test_names_become_stable_aliases(directory, config):
    directory.set_accounts([SsoAccount("111111111111", "Acme Payments Prod", ("Admin",)),
                            SsoAccount("222222222222", "Sandbox", ("Admin",)),
                            SsoAccount("333333333333", "Sandbox", ("Admin",))])
    run.discover(config)
    names = {a.id: a.alias for a in inventory.load_all(config)}
    # both of a clash get their id: neither may later become the other's name
    assert names == {"111111111111": "Acme-Payments-Prod", "222222222222": "Sandbox-222222222222",
                     "333333333333": "Sandbox-333333333333"}
    directory.set_accounts([SsoAccount("333333333333", "Sandbox", ("Admin",)),
                            SsoAccount("444444444444", "Sandbox", ("Admin",))])
    run.discover(config, mode=run.REFRESH)
    names = {a.id: a.alias for a in inventory.load_all(config)}
    # a known account keeps its name; the newcomer takes the free one
    assert names == {"333333333333": "Sandbox-333333333333", "444444444444": "Sandbox"}
