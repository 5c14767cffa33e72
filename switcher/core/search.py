"""Ranking targets for the quick-switch palette: fuzzy over alias, role, account id and
region, with a frecency boost. Pure Python (rapidfuzz), no Qt.

10,000 targets are typically 2,000 accounts x 5 roles, so the fuzzy work is done once per
distinct alias / role / region and then fanned out to the targets: a keystroke costs a
few thousand short comparisons instead of 10,000 long ones (the 5 ms budget needs this).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter

from rapidfuzz import fuzz, process

from .targets import Target

FUZZY_CUTOFF = 68  # WRatio below this is noise for short queries ("prd" vs "platform")
PREFIX_BONUS = 10.0
WORD_BONUS = 5.0
ROLE_WEIGHT = 0.97  # an alias hit beats an equally good role hit: aliases are what people type
REGION_WEIGHT = 0.9
MAX_BOOST = 15.0
_TERM_SPLIT = re.compile(r"[\s/]+")
_WORD_START = re.compile(r"[-_.:/ ]")


def frecency_boost(score: float) -> float:
    """Map UsageState's decayed use count to a bonus on the 0-100 fuzzy scale: enough to
    order equally good matches by habit, never enough to lift a poor match over a good one."""
    return min(MAX_BOOST, 8.0 * math.log1p(max(score, 0.0)))


def label(target: Target) -> str:
    """The name a person knows an account by: its alias, or the profile name."""
    return target.account_alias or target.name


def _prefix_bonus(term: str, text: str) -> float:
    if text.startswith(term):
        return PREFIX_BONUS
    # "dat" in "prod-data": the start of a word inside the name
    for match in _WORD_START.finditer(text):
        if text.startswith(term, match.end()):
            return WORD_BONUS
    return 0.0


class SearchIndex:
    """Targets prepared for searching. Build once per target list; call ``set_usage`` when
    recents/frecency change; ``search`` per keystroke returns target indices, best first."""

    def __init__(
        self,
        targets: Sequence[Target],
        usage_scores: Mapping[str, float] | None = None,
        recents: Iterable[str] = (),
    ) -> None:
        self.targets = list(targets)
        accounts: dict[tuple[str, str, str], int] = {}
        roles: dict[str, int] = {}
        self._acct_members: list[list[int]] = []
        self._role_members: list[list[int]] = []
        for i, target in enumerate(self.targets):
            key = (label(target).lower(), target.account_id, target.region.lower())
            a = accounts.setdefault(key, len(accounts))
            if a == len(self._acct_members):
                self._acct_members.append([])
            self._acct_members[a].append(i)
            r = roles.setdefault(target.role_name.lower(), len(roles))
            if r == len(self._role_members):
                self._role_members.append([])
            self._role_members[r].append(i)
        self._aliases = [k[0] for k in accounts]
        self._ids = [k[1] for k in accounts]
        region_index: dict[str, list[int]] = {}
        for a, key in enumerate(accounts):
            region_index.setdefault(key[2], []).append(a)
        self._regions = list(region_index)
        self._region_accounts = list(region_index.values())
        self._roles = list(roles)
        self._boost = [0.0] * len(self.targets)
        self._recents: list[int] = []
        self.last_total = 0  # matches of the last search before ``limit`` cut them
        self.set_usage(usage_scores or {}, recents)

    def __len__(self) -> int:
        return len(self.targets)

    def set_usage(self, usage_scores: Mapping[str, float], recents: Iterable[str] = ()) -> None:
        by_name = {t.name: i for i, t in enumerate(self.targets)}
        self._boost = [frecency_boost(usage_scores.get(t.name, 0.0)) for t in self.targets]
        self._recents = [by_name[n] for n in dict.fromkeys(recents) if n in by_name]

    def search(self, query: str, limit: int | None = None) -> list[int]:
        terms = [t for t in _TERM_SPLIT.split(query.strip().lower()) if t]
        if not terms:
            self.last_total = len(self.targets)
            return self._default_order(limit)
        combined: dict[int, float] | None = None
        for term in terms:
            scores = self._term_scores(term)
            if combined is None:
                combined = scores
            else:  # every term must match something (AND), the score is the mean
                combined = {t: s + scores[t] for t, s in combined.items() if t in scores}
            if not combined:
                self.last_total = 0
                return []
        assert combined is not None
        boost = self._boost
        n = len(terms)
        final = {t: s / n + boost[t] for t, s in combined.items()}
        self.last_total = len(final)
        # stable sort keeps config order among equal scores
        ranked = sorted(final.items(), key=itemgetter(1), reverse=True)
        if limit is not None:
            ranked = ranked[:limit]
        return [t for t, _ in ranked]

    def _default_order(self, limit: int | None) -> list[int]:
        recents = self._recents
        seen = set(recents)
        rest = (i for i in range(len(self.targets)) if i not in seen)
        out = recents + list(rest) if seen else list(range(len(self.targets)))
        return out if limit is None else out[:limit]

    @staticmethod
    def _match_field(term: str, values: list[str], out: dict[int, float], weight: float) -> None:
        """Literal matches (prefix, word start, substring) and, from 3 letters, typos.

        WRatio alone is not enough: it scales partial matches down by 0.6 when the text is
        8x longer than the query, so "pa" would miss "payments-security-1004"."""
        if len(term) >= 3:
            for _, score, i in process.extract(
                term, values, scorer=fuzz.WRatio, processor=None,
                score_cutoff=FUZZY_CUTOFF, limit=None,
            ):
                out[i] = score * weight
        single = len(term) == 1  # one letter is inside everything; only word starts count
        for i, value in enumerate(values):
            if term not in value:
                continue
            bonus = _prefix_bonus(term, value)
            if bonus == PREFIX_BONUS:
                score = 100.0 + bonus
            elif bonus:
                score = 95.0 + bonus
            elif single:
                continue
            else:
                score = 90.0
            score *= weight
            if out.get(i, 0.0) < score:
                out[i] = score

    def _term_scores(self, term: str) -> dict[int, float]:
        acct: dict[int, float] = {}
        role: dict[int, float] = {}
        if term.isdigit() and len(term) >= 3:
            # account ids: digits are copied, not misspelt, so a substring is the right test
            for a, account_id in enumerate(self._ids):
                if term in account_id:
                    acct[a] = 100.0 if account_id.startswith(term) else 95.0
            for a, alias in enumerate(self._aliases):
                if term in alias and a not in acct:
                    acct[a] = 90.0
        else:
            self._match_field(term, self._aliases, acct, 1.0)
            self._match_field(term, self._roles, role, ROLE_WEIGHT)
            for g, region in enumerate(self._regions):
                # regions are typed from the front ("eu-w"); fuzzing them matches every "-1",
                # and one letter would pull in every "ap-"/"eu-" account
                if len(term) > 1 and region.startswith(term):
                    score = (90.0 + PREFIX_BONUS) * REGION_WEIGHT
                    for a in self._region_accounts[g]:
                        if acct.get(a, 0.0) < score:
                            acct[a] = score
        scores: dict[int, float] = {}
        members = self._acct_members
        for a, score in acct.items():
            for t in members[a]:
                scores[t] = score
        members = self._role_members
        for r, score in role.items():
            for t in members[r]:
                if scores.get(t, 0.0) < score:
                    scores[t] = score
        return scores


def rank(
    query: str,
    targets: Sequence[Target],
    usage_scores: Mapping[str, float] | None = None,
    recents: Iterable[str] = (),
    limit: int | None = None,
) -> list[Target]:
    """One-shot convenience (CLI, tests): the targets matching ``query``, best first."""
    index = SearchIndex(targets, usage_scores, recents)
    return [index.targets[i] for i in index.search(query, limit)]
