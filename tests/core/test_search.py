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


# -- the fast paths give what the straightforward computation gives ---------------------

_VALUE_CHARS = st.sampled_from("abcdeoprstu019-_./: AÉ\u00a0\t")
_VALUES = st.lists(st.text(_VALUE_CHARS, max_size=30), min_size=1, max_size=25)
_TERMS = st.text(st.sampled_from("abcdeoprstu019-_./:É\u00a0"), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(_VALUES, _TERMS)
def test_typos_are_exactly_rapidfuzz_wratio(values, term):
    from rapidfuzz import fuzz, process

    from switcher.core.search import FUZZY_CUTOFF, _Field

    field = _Field(values)
    expected = [(i, score) for _, score, i in process.extract(
        term, field.values, scorer=fuzz.WRatio, processor=None, score_cutoff=FUZZY_CUTOFF,
        limit=None)]
    assert field._typos(term) == expected  # same pairs, same floats, same order


def test_typo_ties_keep_value_order():
    # 90 by partial_ratio (found after the plain ratios) ties with a plain 90: by index
    from switcher.core.search import _Field

    field = _Field(["xxxxxxxabcdefghijxxxxxxx", "abcdefghiz"])
    assert field._typos("abcdefghij") == [(0, 90.0), (1, 90.0)]


def test_typos_at_the_edge_of_the_length_bound():
    # ratio 200 * 5 / (5 + 9) = 71.4, partial_ratio far lower: only the plain ratio finds it
    from rapidfuzz import fuzz

    from switcher.core.search import _Field

    field = _Field(["axbxcxdxe", "axbxcxdxex", "abcde"])
    got = field._typos("abcde")
    assert got[1] == (0, fuzz.WRatio("abcde", "axbxcxdxe"))
    assert 68 < got[1][1] < 72


def _match_reference(field, term: str, weight: float) -> list[tuple[int, float]]:
    """_Field.match as one loop over every value after WRatio over every value."""
    from rapidfuzz import fuzz, process

    from switcher.core.search import FUZZY_CUTOFF

    out: dict[int, float] = {}
    if len(term) >= 3:
        for _, score, i in process.extract(term, field.values, scorer=fuzz.WRatio,
                                           processor=None, score_cutoff=FUZZY_CUTOFF, limit=None):
            out[i] = score * weight
    for i, value in enumerate(field.values):
        if term not in value:
            continue
        if value.startswith(term):
            score = 110.0
        elif any(value.startswith(term, p + 1) for p, c in enumerate(value) if c in "-_.:/ "):
            score = 100.0
        elif len(term) == 1:
            continue
        else:
            score = 90.0
        if out.get(i, 0.0) < score * weight:
            out[i] = score * weight
    if term.isalnum():
        _scan_words_reference(field, term, out, weight)
    return list(out.items())


def _scan_words_reference(field, term: str, out: dict[int, float], weight: float) -> None:
    """_Field._scan_words as one Python step per regex match."""
    import re
    from bisect import bisect_right

    def put(i: int, score: float) -> None:
        if out.get(i, 0.0) < score:
            out[i] = score

    hay, starts = field.hay, field.starts
    first, rest = re.escape(term[0]), [re.escape(c) for c in term[1:]]
    for m in re.finditer(" " + re.escape(term), hay):
        put(bisect_right(starts, m.start()) - 1, 100.0 * weight)
    if not rest:
        return
    for m in re.finditer(" " + first + "".join(f"[^ \n]* {c}" for c in rest), hay):
        i = bisect_right(starts, m.start()) - 1
        whole = m.start() == starts[i] and len(term) == field.word_counts[i]
        put(i, (96.0 + (4.0 if whole else 0.0)) * weight)
    if len(term) < 3:
        return
    for m in re.finditer(" " + first + "".join(f"[^ \n]*?{c}" for c in rest), hay):
        i = bisect_right(starts, m.start()) - 1
        span = m.end() - m.start() - 1
        put(i, (75.0 + 10.0 * len(term) / span + (5.0 if m.start() == starts[i] else 0.0)) * weight)


@settings(max_examples=300, deadline=None)
@given(_VALUES, _TERMS.filter(lambda t: not any(c.isspace() for c in t)))
def test_field_matches_are_those_of_plain_loops(values, term):
    from switcher.core.search import _Field

    field = _Field(values)
    out: dict[int, float] = {}
    field.match(term, out, 0.97)
    assert list(out.items()) == _match_reference(field, term, 0.97)  # order too: it breaks ties


def test_a_big_index_ranks_exactly_as_a_fresh_one_query_after_query():
    # the per-term cache must not change what a later query sees
    targets = [target(f"{w}-{v}-{i}", r, f"{100000000000 + i:012d}")
               for i, (w, v) in enumerate((w, v) for w in ("prod", "data", "sec", "pay")
                                          for v in ("core", "ml", "edge"))
               for r in ("Admin", "ReadOnly", "PowerUser")]
    typed = SearchIndex(targets)
    for query in ["p", "pr", "pro", "prod", "prod ", "prod a", "prod ad", "prod", "pay ro",
                  "sec ml", "sec", "s", "eu", "1000", "prod ad"]:
        assert typed.search(query) == SearchIndex(targets).search(query), query


# -- search() ranks as the straightforward computation it replaced ----------------------

def _oracle_search(index: SearchIndex, query: str, limit: int | None = None) -> tuple[list[int], int]:
    """SearchIndex.search as it was before the ranking pruned the targets that cannot reach
    the top ``limit``: every match fanned out, scored and fully sorted. (indices, total)"""
    import math
    import re
    from operator import itemgetter

    terms = [t for t in re.split(r"[\s/]+", query.strip().lower()) if t]
    if not terms:
        return index._default_order(limit), len(index.targets)
    sides = []
    combined: dict[int, float] | None = None
    for term in terms:
        acct, role = index._term_scores(term)
        scores: dict[int, float] = {}
        for a, score in acct.items():
            for t in index._acct_members[a]:
                scores[t] = score
        for r, score in role.items():
            for t in index._role_members[r]:
                if scores.get(t, 0.0) < score:
                    scores[t] = score
        sides.append((acct, role))
        if combined is None:
            combined = scores
        else:
            combined = {t: s + scores[t] for t, s in combined.items() if t in scores}
        if not combined:
            return [], 0
    boost = index._boost
    n = len(terms)
    if n == 1:
        final = dict(combined)
        for t, extra in index._boosted.items():
            if t in final:
                final[t] += extra
    else:
        final = {}
        for t, total in combined.items():
            a_key, r_key = index._target_acct[t], index._target_role[t]
            on_acct = on_role = False
            cheapest = math.inf
            for acct, role in sides:
                a = acct.get(a_key, 0.0)
                r = role.get(r_key, 0.0)
                if a >= r:
                    on_acct = True
                    if r:
                        cheapest = min(cheapest, a - r)
                else:
                    on_role = True
                    if a:
                        cheapest = min(cheapest, r - a)
            if on_acct and on_role:
                spread = total + 6.0
            else:
                spread = max(total, total - cheapest + 6.0)
            final[t] = spread / n + boost[t]
    ranked = sorted(final.items(), key=itemgetter(1), reverse=True)
    if limit is not None:
        ranked = ranked[:limit]
    return [t for t, _ in ranked], len(final)


def _same_as_oracle(index: SearchIndex, query: str, limit: int | None) -> None:
    got = index.search(query, limit)
    assert (got, index.last_total) == _oracle_search(index, query, limit), (query, limit)


_ALIASES = st.text(st.sampled_from("abdeoprs-0 xyz"), min_size=1, max_size=10)
_ROLES = st.sampled_from(["Admin", "ReadOnly", "admin", "PowerUser", "team/ops/Deploy", "ro", "pa"])
_TARGET = st.builds(
    target, _ALIASES, _ROLES, st.sampled_from(["111122223333", "444455556666", "123400001234"]),
    st.sampled_from(["us-east-1", "eu-west-1", "ap-south-1"]))
_QUERIES = st.text(st.sampled_from("abdeoprs-0123 /"), max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TARGET, max_size=60), st.lists(_QUERIES, min_size=1, max_size=6),
       st.lists(st.floats(0, 50), max_size=60), st.sampled_from([None, 0, 1, 2, 3, 5, 10, 40]))
def test_search_ranks_as_the_full_sort(targets, queries, usage, limit):
    # equal scores are the rule here (few letters, repeated aliases and roles): the order
    # among them, the boost and the "N of M" total must all be those of the full sort
    index = SearchIndex(targets, {t.name: u for t, u in zip(targets, usage, strict=False)})
    for query in queries:
        _same_as_oracle(index, query, limit)


def test_search_ranks_as_the_full_sort_over_the_benchmark_keystrokes():
    from bench.bench_palette import keystrokes, synthetic_targets

    targets = synthetic_targets()
    index = SearchIndex(targets, {t.name: 2.0 for t in targets[::97]}, [targets[5].name])
    heavy = SearchIndex(targets, {t.name: float(i % 7) ** 3 for i, t in enumerate(targets)})
    for query in [*keystrokes(), "a", "read", "adm", "ro", "eu", "2", "1000", "ops"]:
        for limit in (500, 7, None):
            _same_as_oracle(index, query, limit)
        _same_as_oracle(heavy, query, 500)


def test_search_cuts_role_only_ties_as_the_full_sort():
    # the role matches, no alias does: every match is a tie on the role side, ranked by
    # config order, and the cut must keep the first ``limit`` of them
    targets = [target(f"xyz-{i}", role, f"{100000000000 + i:012d}")
               for i in range(40) for role in ("Admin", "ReadOnly", "PowerUser")]
    targets += [target("admiral", "Deploy", "999999999999"), target("ro-xyz", "Admin", "1")]
    index = SearchIndex(targets, {targets[7].name: 1.0, targets[-1].name: 4.0})
    for query in ["adm", "read", "ro", "power", "a", "xyz", "xyz-1", "1", "r", "ad"]:
        for limit in (1, 2, 3, 7, 30, 100, None):
            _same_as_oracle(index, query, limit)


def test_search_cuts_distinct_scores_as_the_full_sort():
    # "prd" in order inside words of growing length: one score per account, no ties
    targets = [target(f"p{'x' * j}r{'y' * (j % 3)}d-{j}", "Admin", f"{200000000000 + j:012d}")
               for j in range(1, 25)]
    targets += [target("prd", "PowerUser", "300000000000"), target("zz", "ProdDeploy", "3")]
    for index in (SearchIndex(targets), SearchIndex(targets, {targets[20].name: 2.0})):
        for query in ["prd", "pxr", "pd", "p", "prod", "xy"]:
            for limit in range(1, 12):
                _same_as_oracle(index, query, limit)
