"""Ranking for the palette: typos, prefixes, account ids, regions, recents and frecency."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from switcher.core.search import SearchIndex, frecency_boost, rank
from switcher.core.targets import Target


def target(alias: str, role: str, account: str, region: str = "us-east-1") -> Target:
    return Target(
        name=f"{alias}/{role}", kind="account", account_id=account, role_name=role,
        region=region, account_alias=alias,
    )


TARGETS = [
    target("production", "Admin", "111122223333"),
    target("production", "ReadOnly", "111122223333"),
    target("staging", "Admin", "444455556666", "eu-west-1"),
    target("dev-sandbox", "Developer", "777788889999", "eu-central-1"),
    target("data-lake", "team/ops/Deploy", "123456789012", "ap-southeast-2"),
    target("billing", "ReadOnly", "210987654321"),
    target("security-audit", "Auditor", "999900001111", "us-west-2"),
]


def names(query: str, **kw) -> list[str]:
    return [t.name for t in rank(query, TARGETS, **kw)]


def test_prefix_of_alias_ranks_first():
    assert names("sta")[0] == "staging/Admin"
    assert names("bil")[0] == "billing/ReadOnly"


def test_typos_still_find_the_account():
    assert names("porduction")[0].startswith("production/")
    assert names("stgaing")[0] == "staging/Admin"
    assert names("secrity")[0] == "security-audit/Auditor"


def test_word_inside_alias_matches():
    assert names("lake")[0] == "data-lake/team/ops/Deploy"
    assert names("audit")[0] == "security-audit/Auditor"


def test_role_and_alias_terms_combine():
    assert names("prod read")[0] == "production/ReadOnly"
    assert names("production/admin")[0] == "production/Admin"
    # both terms must match something
    assert names("staging zzzzzz") == []


def test_role_path_matches():
    assert names("deploy")[0] == "data-lake/team/ops/Deploy"


def test_account_id_digits():
    assert names("1234")[0] == "data-lake/team/ops/Deploy"  # prefix of the id
    assert names("8765") == ["billing/ReadOnly"]  # inside the id
    assert names("5555") == ["staging/Admin"]


def test_region_prefix():
    assert names("eu-cen") == ["dev-sandbox/Developer"]
    assert set(names("eu-")) == {"staging/Admin", "dev-sandbox/Developer"}


def test_single_letter_uses_word_starts_only():
    # "a" is inside nearly every alias; only word starts count for one letter
    assert set(names("a")) == {
        "production/Admin", "staging/Admin", "security-audit/Auditor",
    }


def test_nothing_matches_nonsense():
    assert names("qqxxzz") == []


def test_empty_query_lists_recents_first_then_config_order():
    got = names("", recents=["billing/ReadOnly", "gone/Role", "staging/Admin"])
    assert got[:2] == ["billing/ReadOnly", "staging/Admin"]
    assert sorted(got) == sorted(t.name for t in TARGETS)
    rest = [n for n in got[2:]]
    assert rest == [t.name for t in TARGETS if t.name not in got[:2]]


def test_frecency_orders_equal_matches():
    plain = names("production")
    assert plain[0] == "production/Admin"  # config order on a tie
    boosted = names("production", usage_scores={"production/ReadOnly": 3.0})
    assert boosted[0] == "production/ReadOnly"


def test_frecency_never_lifts_a_poor_match_over_a_good_one():
    heavy = {"staging/Admin": 1000.0}
    assert names("billing", usage_scores=heavy)[0] == "billing/ReadOnly"
    assert frecency_boost(1e9) == 15.0
    assert frecency_boost(0) == 0.0


def test_limit_and_set_usage():
    index = SearchIndex(TARGETS)
    assert len(index.search("", limit=3)) == 3
    index.set_usage({}, ["security-audit/Auditor"])
    assert index.targets[index.search("")[0]].name == "security-audit/Auditor"


def test_profile_targets_match_by_profile_name():
    profile = Target(name="legacy-admin", kind="profile", account_id="555566667777",
                     role_name="OrganizationAccountAccessRole", region="us-east-1")
    assert [t.name for t in rank("legacy", [*TARGETS, profile])][0] == "legacy-admin"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_any_query_gives_distinct_valid_indices(query):
    index = SearchIndex(TARGETS)
    got = index.search(query)
    assert len(got) == len(set(got))
    assert all(0 <= i < len(TARGETS) for i in got)


def test_short_prefix_of_a_long_alias_matches():
    # WRatio alone scores "pa" against a 22-letter alias at 60 (its long-text penalty)
    long = target("payments-security-1004", "Admin", "121212121212")
    assert [t.name for t in rank("pa", [*TARGETS, long])][0] == "payments-security-1004/Admin"
    assert [t.name for t in rank("sec", [*TARGETS, long])][:2] == [
        "security-audit/Auditor", "payments-security-1004/Admin"]


SHORTHAND = [
    target("acme-prod", "Admin", "111111111111"),
    target("acme-prod", "ReadOnly", "111111111111"),
    target("acme-prod", "PowerUser", "111111111111"),
    target("acme-dev", "Admin", "222222222222"),
    target("acme-dev", "team/ops/Deploy", "222222222222"),
    target("platform-audit", "Auditor", "333333333333"),
    target("payments", "ReadOnly", "444444444444"),
]


def short(query: str, **kw) -> list[str]:
    return [t.name for t in rank(query, SHORTHAND, **kw)]


def test_letters_in_order_within_a_word():
    # fzf / VS Code style: the query's letters in order inside one word
    assert short("prd")[:3] == ["acme-prod/Admin", "acme-prod/ReadOnly", "acme-prod/PowerUser"]
    assert set(short("prd")) == {"acme-prod/Admin", "acme-prod/ReadOnly", "acme-prod/PowerUser"}
    assert short("dply")[0] == "acme-dev/team/ops/Deploy"
    assert short("pwr")[0] == "acme-prod/PowerUser"


def test_subsequence_stays_inside_one_word():
    # p-r-d spread over "payments-readonly" or "platform-audit" is not shorthand for anything
    assert short("prd") == [n for n in short("prd") if n.startswith("acme-prod/")]
    assert short("pmt") == ["payments/ReadOnly"]  # p-m-t inside "payments"
    assert short("pdt") == []  # p-d-t only across "platform audit"
    assert short("qzx") == []


def test_initial_letters_match_words():
    assert short("ro")[:2] == ["acme-prod/ReadOnly", "payments/ReadOnly"]
    assert short("tod")[0] == "acme-dev/team/ops/Deploy"
    assert short("pu")[0] == "acme-prod/PowerUser"


def test_camel_case_words_start_matches():
    assert short("only")[:2] == ["acme-prod/ReadOnly", "payments/ReadOnly"]
    assert short("user") == ["acme-prod/PowerUser"]


def test_each_query_word_prefers_a_different_field():
    # "ro" is inside "prod", but the person meant the role: ReadOnly, not Admin
    assert short("prod ro")[0] == "acme-prod/ReadOnly"
    assert short("ro prod")[0] == "acme-prod/ReadOnly"
    assert short("dev tod")[0] == "acme-dev/team/ops/Deploy"
    assert short("prd pwr")[0] == "acme-prod/PowerUser"
    assert short("acme adm")[:2] == ["acme-prod/Admin", "acme-dev/Admin"]


def test_shorthand_keeps_frecency():
    assert short("prd", usage_scores={"acme-prod/PowerUser": 3.0})[0] == "acme-prod/PowerUser"
