"""Ranking targets for the quick-switch palette: fuzzy over alias, role, account id and
region, with a frecency boost. Pure Python (rapidfuzz), no Qt.

Besides typos (rapidfuzz) it takes the shorthand people type into fzf or VS Code's quick
open: letters in order inside a word ("prd" -> prod, "dply" -> deploy), initials ("ro" ->
ReadOnly, "tod" -> team/ops/Deploy), and one query word per field ("prod ro" -> the prod
account's ReadOnly role, not its Admin role with "ro" inside "prod").

10,000 targets are typically 2,000 accounts x 5 roles, so the fuzzy work is done once per
distinct alias / role / region and then fanned out to the targets: a keystroke costs a
few thousand short comparisons instead of 10,000 long ones (the 5 ms budget needs this).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter

from switcher.core.targets import Target

FUZZY_CUTOFF = 68  # WRatio below this is noise for short queries ("prd" vs "platform")
PREFIX_BONUS = 10.0
WORD_BONUS = 5.0
INITIALS_SCORE = 96.0  # "ro" -> ReadOnly: above a letter pair found inside another word
SUBSEQ_BASE = 75.0  # "prd" -> prod: below any literal match, above the fuzzy cutoff
FIELD_BONUS = 6.0  # "prod ro": one word for the account, one for the role, as people type
ROLE_WEIGHT = 0.97  # an alias hit beats an equally good role hit: aliases are what people type
REGION_WEIGHT = 0.9
MAX_BOOST = 15.0
_TERM_SPLIT = re.compile(r"[\s/]+")
_WORD_START = re.compile(r"[-_.:/ ]")
# words of a name, camelCase included: "team/ops/ReadOnly" -> team ops Read Only
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[^\W\d_]+")
_IN_WORD = "[^ \n]"


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


def _put(out: dict[int, float], i: int, score: float) -> None:
    if out.get(i, 0.0) < score:
        out[i] = score


class _Field:
    """The distinct values of one column (aliases, or roles), lowercase for literal and
    typo matching, and as words for word starts, initials and letters-in-order.

    The words of all values are joined into one string, each word behind a space and each
    value on its own line, so one regex scan per keystroke covers every value: its literal
    start (" p") lets the regex engine skip ahead instead of trying every position."""

    def __init__(self, originals: Sequence[str]) -> None:
        self.values = [v.lower() for v in originals]
        self.starts: list[int] = []
        self.word_counts: list[int] = []
        lines = []
        pos = 0
        for value in originals:
            words = [w.lower() for w in _WORDS.findall(value)]
            line = "".join(" " + w for w in words)
            self.starts.append(pos)
            self.word_counts.append(len(words))
            lines.append(line)
            pos += len(line) + 1
        self.hay = "\n".join(lines)

    def __len__(self) -> int:
        return len(self.values)

    def match(self, term: str, out: dict[int, float], weight: float) -> None:
        """Literal matches (prefix, word start, substring), initials, letters in order within
        a word, and from 3 letters, typos.

        WRatio alone is not enough: it scales partial matches down by 0.6 when the text is
        8x longer than the query, so "pa" would miss "payments-security-1004"; and it
        scores shorthand such as "prd" for "prod-data" at 60, among the noise."""
        values = self.values
        n = len(term)
        if n >= 3:
            # imported on the first typo search, not with the palette the tray builds at
            # startup: ~2 MB of resident memory the idle tray does without
            from rapidfuzz import fuzz, process

            for _, score, i in process.extract(
                term, values, scorer=fuzz.WRatio, processor=None,
                score_cutoff=FUZZY_CUTOFF, limit=None,
            ):
                out[i] = score * weight
        single = n == 1  # one letter is inside everything; only word starts count
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
            _put(out, i, score * weight)
        if not term.isalnum():
            return  # words hold letters and digits only; "eu-w" is for the literal test
        self._scan_words(term, out, weight)

    def _scan_words(self, term: str, out: dict[int, float], weight: float) -> None:
        hay, starts = self.hay, self.starts
        first, rest = re.escape(term[0]), [re.escape(c) for c in term[1:]]
        # a camelCase word start ("only" in ReadOnly); separators were handled literally
        for m in re.finditer(" " + re.escape(term), hay):
            _put(out, bisect_right(starts, m.start()) - 1, (95.0 + WORD_BONUS) * weight)
        if not rest:
            return
        # initials of consecutive words: "ro" -> Read Only, "tod" -> team ops Deploy
        pattern = " " + first + "".join(f"{_IN_WORD}* {c}" for c in rest)
        for m in re.finditer(pattern, hay):
            i = bisect_right(starts, m.start()) - 1
            whole = m.start() == starts[i] and len(term) == self.word_counts[i]
            _put(out, i, (INITIALS_SCORE + (4.0 if whole else 0.0)) * weight)
        if len(term) < 3:
            return  # two letters in order are inside half of all words
        # letters in order inside one word, from its start: "prd" -> prod, "dply" -> deploy;
        # tighter is better, and so is the value's first word
        pattern = " " + first + "".join(f"{_IN_WORD}*?{c}" for c in rest)
        for m in re.finditer(pattern, hay):
            i = bisect_right(starts, m.start()) - 1
            span = m.end() - m.start() - 1
            score = SUBSEQ_BASE + 10.0 * len(term) / span + (5.0 if m.start() == starts[i] else 0.0)
            _put(out, i, score * weight)


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
        alias_names: list[str] = []
        role_names: list[str] = []
        self._acct_members: list[list[int]] = []
        self._role_members: list[list[int]] = []
        self._target_acct: list[int] = []
        self._target_role: list[int] = []
        for i, target in enumerate(self.targets):
            name = label(target)
            key = (name.lower(), target.account_id, target.region.lower())
            a = accounts.setdefault(key, len(accounts))
            if a == len(self._acct_members):
                self._acct_members.append([])
                alias_names.append(name)
            self._acct_members[a].append(i)
            r = roles.setdefault(target.role_name.lower(), len(roles))
            if r == len(self._role_members):
                self._role_members.append([])
                role_names.append(target.role_name)
            self._role_members[r].append(i)
            self._target_acct.append(a)
            self._target_role.append(r)
        self._aliases = _Field(alias_names)
        self._ids = [k[1] for k in accounts]
        region_index: dict[str, list[int]] = {}
        for a, key in enumerate(accounts):
            region_index.setdefault(key[2], []).append(a)
        self._regions = list(region_index)
        self._region_accounts = list(region_index.values())
        self._roles = _Field(role_names)
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
        sides = []  # per term: (account-side scores, role scores)
        combined: dict[int, float] | None = None
        for term in terms:
            acct, role = self._term_scores(term)
            sides.append((acct, role))
            scores = self._fan_out(acct, role)
            if combined is None:
                combined = scores
            else:  # every term must match something (AND)
                combined = {t: s + scores[t] for t, s in combined.items() if t in scores}
            if not combined:
                self.last_total = 0
                return []
        assert combined is not None
        boost = self._boost
        n = len(terms)
        if n == 1:
            final = {t: s + boost[t] for t, s in combined.items()}
        else:
            final = {t: self._spread(t, s, sides) / n + boost[t] for t, s in combined.items()}
        self.last_total = len(final)
        # stable sort keeps config order among equal scores
        ranked = sorted(final.items(), key=itemgetter(1), reverse=True)
        if limit is not None:
            ranked = ranked[:limit]
        return [t for t, _ in ranked]

    def _spread(self, t: int, total: float, sides) -> float:
        """``total`` (each term's best field, summed) plus FIELD_BONUS when the terms can
        cover both the account and the role: "prod ro" is acme-prod / ReadOnly, even though
        "ro" is also inside "prod". Moving a term to its weaker side costs the difference."""
        a_key, r_key = self._target_acct[t], self._target_role[t]
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
            return total + FIELD_BONUS
        return max(total, total - cheapest + FIELD_BONUS)

    def _default_order(self, limit: int | None) -> list[int]:
        recents = self._recents
        seen = set(recents)
        rest = (i for i in range(len(self.targets)) if i not in seen)
        out = recents + list(rest) if seen else list(range(len(self.targets)))
        return out if limit is None else out[:limit]

    def _term_scores(self, term: str) -> tuple[dict[int, float], dict[int, float]]:
        """One term's scores on the account side (alias, id, region: by account) and on the
        role side (by role)."""
        acct: dict[int, float] = {}
        role: dict[int, float] = {}
        if term.isdigit() and len(term) >= 3:
            # account ids: digits are copied, not misspelt, so a substring is the right test
            for a, account_id in enumerate(self._ids):
                if term in account_id:
                    acct[a] = 100.0 if account_id.startswith(term) else 95.0
            for a, alias in enumerate(self._aliases.values):
                if term in alias and a not in acct:
                    acct[a] = 90.0
        else:
            self._aliases.match(term, acct, 1.0)
            self._roles.match(term, role, ROLE_WEIGHT)
            for g, region in enumerate(self._regions):
                # regions are typed from the front ("eu-w"); fuzzing them matches every "-1",
                # and one letter would pull in every "ap-"/"eu-" account
                if len(term) > 1 and region.startswith(term):
                    score = (90.0 + PREFIX_BONUS) * REGION_WEIGHT
                    for a in self._region_accounts[g]:
                        _put(acct, a, score)
        return acct, role

    def _fan_out(self, acct: dict[int, float], role: dict[int, float]) -> dict[int, float]:
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
