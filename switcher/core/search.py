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
from itertools import chain, compress, count, repeat
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
TERM_CACHE = 4  # the terms of a query being typed, and one more
_TERM_SPLIT = re.compile(r"[\s/]+")
_WORD_SEPARATORS = "-_.:/ "  # a word starts after one of these
_WORD_SEPARATOR = "[-_.:/ ]"
# words of a name, camelCase included: "team/ops/ReadOnly" -> team ops Read Only
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[^\W\d_]+")
_IN_WORD = "[^ \n]"
# printable ASCII without a space: one token to rapidfuzz (see _Field._typos)
_ONE_TOKEN = re.compile(r"[!-~]*\Z")
_PARTIAL_SCALE = 0.9  # WRatio's weight of partial_ratio for a 1.5x-8x longer string


def frecency_boost(score: float) -> float:
    """Map UsageState's decayed use count to a bonus on the 0-100 fuzzy scale: enough to
    order equally good matches by habit, never enough to lift a poor match over a good one."""
    return min(MAX_BOOST, 8.0 * math.log1p(max(score, 0.0)))


def label(target: Target) -> str:
    """The name a person knows an account by: its alias, or the profile name."""
    return target.account_alias or target.name


def _put(out: dict[int, float], i: int, score: float) -> None:
    if out.get(i, 0.0) < score:
        out[i] = score


def _put_each(out: dict[int, float], new: dict[int, float]) -> None:
    """``_put(out, i, s)`` for each of ``new``'s (positive) items in order, in C: the
    values already in ``out`` keep their place and the better score, the others follow."""
    if not new:
        return
    common = list(new.keys() & out.keys())
    if common:
        new.update(zip(common, map(max, map(out.__getitem__, common),
                                   map(new.__getitem__, common)), strict=True))
    out.update(new)


_match_start = re.Match.start


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
        # the values joined the same way, for the literal test: str.find jumps from one
        # value that holds the term to the next instead of a Python loop over all of them
        self.joined = "\n".join(self.values)
        self._nl_joined = "\n" + self.joined  # "\nprod": the values starting with "prod"
        self.value_starts: list[int] = []
        pos = 0
        for value in self.values:
            self.value_starts.append(pos)
            pos += len(value) + 1
        # for the typo search: values rapidfuzz sees as one token, by length
        self._plain_by_len: dict[int, list[int]] = {}  # "" is one token, and matches nothing
        self._other: list[int] = []
        for i, value in enumerate(self.values):
            if not _ONE_TOKEN.match(value):
                self._other.append(i)
            elif value:
                self._plain_by_len.setdefault(len(value), []).append(i)
        # term length -> the values worth a ratio, a partial_ratio (see _lengths_for)
        self._by_term_length: dict[int, tuple[list[int], list[str], list[int], list[str]]] = {}

    def __len__(self) -> int:
        return len(self.values)

    def match(self, term: str, out: dict[int, float], weight: float) -> None:
        """Literal matches (prefix, word start, substring), initials, letters in order within
        a word, and from 3 letters, typos.

        WRatio alone is not enough: it scales partial matches down by 0.6 when the text is
        8x longer than the query, so "pa" would miss "payments-security-1004"; and it
        scores shorthand such as "prd" for "prod-data" at 60, among the noise."""
        n = len(term)
        if n >= 3:
            for i, score in self._typos(term):
                out[i] = score * weight
        # Literal: the term at the start of a value, at the start of a word inside it
        # ("dat" in "prod-data"), anywhere. Scans of the joined values find each kind in
        # C; a term has no whitespace, so no match runs from one value into the next.
        # "\nprod" in _nl_joined starts where the value does in joined, one newline on
        prefixed = self._values_at(re.escape("\n" + term), self._nl_joined)
        if n == 1:  # a regex beats six scans for one letter, which is everywhere
            worded = self._values_at(_WORD_SEPARATOR + re.escape(term), self.joined)
        else:
            worded = set()
            for sep in _WORD_SEPARATORS:
                worded |= self._values_at(re.escape(sep + term), self.joined)
        if n == 1:  # one letter is inside everything; only word starts count
            found: Iterable[int] = sorted(prefixed | worded)
        else:
            found = self._holding(term)
        # found in order, each with its best kind (both sets are inside found)
        scores = dict.fromkeys(found, 90.0 * weight)
        scores.update(dict.fromkeys(worded, (95.0 + WORD_BONUS) * weight))
        scores.update(dict.fromkeys(prefixed, (100.0 + PREFIX_BONUS) * weight))
        _put_each(out, scores)
        if not term.isalnum():
            return  # words hold letters and digits only; "eu-w" is for the literal test
        self._scan_words(term, out, weight)

    def _starts_of(self, pattern: str, text: str) -> Iterable[int]:
        """The value of each match of ``pattern`` in ``text`` (``joined`` or _nl_joined by
        value_starts, ``hay`` by its own starts), in order, a value once per match. Loops
        in C: one letter matches thousands of times."""
        starts = self.starts if text is self.hay else self.value_starts
        found = map(_match_start, re.finditer(pattern, text))
        return map((-1).__add__, map(bisect_right, repeat(starts), found))

    def _values_at(self, pattern: str, text: str) -> set[int]:
        return set(self._starts_of(pattern, text))

    def _holding(self, term: str) -> list[int]:
        """The values that hold ``term``, in order."""
        return list(dict.fromkeys(self._starts_of(re.escape(term), self.joined)))

    def _typos(self, term: str) -> list[tuple[int, float]]:
        """(value index, score) of ``process.extract(term, values, scorer=WRatio,
        score_cutoff=FUZZY_CUTOFF)``, best first, ties in value order: the same pairs, the
        same floats, in the same order, at a third of the cost.

        For two strings without whitespace WRatio's token ratios add nothing (one token
        each: token_ratio is ratio, partial_token_ratio is partial_ratio, both scaled down
        further), so WRatio is ratio, or max(ratio, 0.9 * partial_ratio) when one string is
        1.5 to 8 times as long as the other (longer still, nothing reaches the cutoff).
        Computing just those two, partial_ratio only on values of a length where it
        counts, skips the tokenising WRatio does for every value. The cutoffs are WRatio's
        own (rapidfuzz's fuzz_py.WRatio); anything else goes through WRatio itself."""
        # imported on the first typo search, not with the palette the tray builds at
        # startup: ~2 MB of resident memory the idle tray does without
        from rapidfuzz import fuzz, process

        values, cutoff = self.values, FUZZY_CUTOFF
        if not _ONE_TOKEN.match(term):
            return [(i, score) for _, score, i in process.extract(
                term, values, scorer=fuzz.WRatio, processor=None, score_cutoff=cutoff,
                limit=None)]
        n = len(term)
        found = self._by_term_length.get(n)
        if found is None:
            found = self._by_term_length[n] = self._lengths_for(n)
        plain, plain_values, partial, partial_values = found
        best: dict[int, float] = {}
        for _, score, j in process.extract(term, plain_values, scorer=fuzz.ratio,
                                           processor=None, score_cutoff=cutoff, limit=None):
            best[plain[j]] = score
        if partial:
            # a hair below WRatio's cutoff for partial_ratio; the exact test follows
            for _, score, j in process.extract(
                term, partial_values, scorer=fuzz.partial_ratio,
                processor=None, score_cutoff=cutoff / _PARTIAL_SCALE - 1e-6, limit=None,
            ):
                i = partial[j]
                plain_ratio = best.get(i, 0.0)
                if score >= max(cutoff, plain_ratio) / _PARTIAL_SCALE:
                    scaled = score * _PARTIAL_SCALE
                    if scaled > plain_ratio and scaled >= cutoff:
                        best[i] = scaled
        other = self._other
        if other:
            for _, score, j in process.extract(
                term, [values[i] for i in other], scorer=fuzz.WRatio, processor=None,
                score_cutoff=cutoff, limit=None,
            ):
                best[other[j]] = score
        # best first, ties in value order (the stable sort keeps the order by index)
        return sorted(sorted(best.items()), key=itemgetter(1), reverse=True)

    def _lengths_for(self, n: int) -> tuple[list[int], list[str], list[int], list[str]]:
        """The one-token values (indices, values) a term of ``n`` letters can reach the
        cutoff with by ratio, and those where partial_ratio counts. ratio is
        200 * LCS / (n + m) <= 200 * min(n, m) / (n + m): a 3-letter term reaches 68 on no
        20-letter alias, so most of a short term's ratios need not run."""
        ratio_ok: list[int] = []
        partial: list[int] = []
        for length, members in self._plain_by_len.items():
            if 200.0 * min(n, length) / (n + length) >= FUZZY_CUTOFF - 0.01:
                ratio_ok.extend(members)
            if 1.5 <= (length / n if length > n else n / length) <= 8.0:
                partial.extend(members)
        ratio_ok.sort()
        partial.sort()
        values = self.values
        return ratio_ok, [values[i] for i in ratio_ok], partial, [values[i] for i in partial]

    def _scan_words(self, term: str, out: dict[int, float], weight: float) -> None:
        hay, starts = self.hay, self.starts
        first, rest = re.escape(term[0]), [re.escape(c) for c in term[1:]]
        # a camelCase word start ("only" in ReadOnly); separators were handled literally
        score = (95.0 + WORD_BONUS) * weight
        for i in self._starts_of(" " + re.escape(term), hay):
            if out.get(i, 0.0) < score:
                out[i] = score
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
        # for ranking one term without fanning it out to every target (see _top_one_term)
        self._acct_sizes = [len(m) for m in self._acct_members]
        self._min_acct_size = min(self._acct_sizes, default=1)
        self._role_accts: list[dict[int, list[int]]] = [{} for _ in self._role_members]
        for t, (a, r) in enumerate(zip(self._target_acct, self._target_role, strict=True)):
            self._role_accts[r].setdefault(a, []).append(t)
        # roles whose accounts hold one target each: a count of accounts is one of targets
        self._role_single = [all(len(ts) == 1 for ts in by.values()) for by in self._role_accts]
        self._boost = [0.0] * len(self.targets)
        self._recents: list[int] = []
        self.last_total = 0  # matches of the last search before ``limit`` cut them
        # term -> (account side, role side, fanned out): a term's scores depend on the
        # targets only, and typing "sec adm" asks for "sec" again at every later key.
        # Read only once stored (search() builds new dicts from them); the fan-out is made
        # when a query first needs it (one term ranks without it).
        self._term_cache: dict[str, list] = {}
        self.set_usage(usage_scores or {}, recents)

    def __len__(self) -> int:
        return len(self.targets)

    def set_usage(self, usage_scores: Mapping[str, float], recents: Iterable[str] = ()) -> None:
        by_name = {t.name: i for i, t in enumerate(self.targets)}
        self._boost = [frecency_boost(usage_scores.get(t.name, 0.0)) for t in self.targets]
        self._boosted = {t: b for t, b in enumerate(self._boost) if b}
        self._recents = [by_name[n] for n in dict.fromkeys(recents) if n in by_name]

    def search(self, query: str, limit: int | None = None) -> list[int]:
        terms = [t for t in _TERM_SPLIT.split(query.strip().lower()) if t]
        if not terms:
            self.last_total = len(self.targets)
            return self._default_order(limit)
        if len(terms) == 1 and limit is not None and limit > 0:
            acct, role = self._scored(terms[0])[:2]
            top = self._top_one_term(acct, role, limit)
            if top is not None:
                return top
        sides = []  # per term: (account-side scores, role scores)
        combined: dict[int, float] | None = None
        for term in terms:
            acct, role, scores = self._fanned(term)
            sides.append((acct, role))
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
            # most targets have no boost (s + 0.0 is s): add just the others
            final = dict(combined)
            for t, extra in self._boosted.items():
                if t in final:
                    final[t] += extra
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

    def _scored(self, term: str) -> list:
        """[account side, role side, fanned out or None] of ``term``, cached."""
        cache = self._term_cache
        found = cache.get(term)
        if found is None:
            found = [*self._term_scores(term), None]
            if len(cache) >= TERM_CACHE:
                del cache[next(iter(cache))]  # the oldest
            cache[term] = found
        return found

    def _fanned(self, term: str) -> tuple[dict[int, float], dict[int, float], dict[int, float]]:
        found = self._scored(term)
        if found[2] is None:
            found[2] = self._fan_out(found[0], found[1])
        return found[0], found[1], found[2]

    def _top_one_term(self, acct: dict[int, float], role: dict[int, float],
                      limit: int) -> list[int] | None:
        """search() for one term: the first ``limit`` of what the fan-out and the full sort
        would give, same order, and last_total, from the few thousand targets that can
        reach them instead of all matches. None when no cut is found (few matches).

        A target's score is max(account side, role side), plus its boost. The matches in
        fan-out order are the accounts' targets (account order, then target order), then the
        role-only targets (role order, target order); the stable sort breaks ties by it.
        T below is a score at least ``limit`` targets reach before any boost, so a target
        left out has a worse score, or T itself behind ``limit`` earlier ones at T or more:
        - an unboosted target below T on both sides;
        - an unboosted target of an account at T, its role not above T, behind accounts at T
          that with those above T hold ``limit`` targets;
        - an unboosted role-only target at T behind ``limit`` role-only targets at T."""
        acct_members, sizes = self._acct_members, self._acct_sizes
        role_members, role_accts = self._role_members, self._role_accts
        total = sum(map(sizes.__getitem__, acct))
        on_acct = {}  # role -> its targets whose account matched: counted once, not twice
        for r in role:
            by_acct = role_accts[r]
            shared = by_acct.keys() & acct.keys() if len(acct) else ()
            on_acct[r] = shared
            if self._role_single[r]:
                total += len(role_members[r]) - len(shared)
            else:
                total += len(role_members[r]) - sum(map(len, map(by_acct.__getitem__, shared)))
        self.last_total = total
        if not total:
            return []
        # T: the best score of the ceil(limit / min size)-th account, or of the role
        # whose targets and those of better roles reach ``limit``
        cut = -math.inf
        need = -(-limit // self._min_acct_size)
        if len(acct) >= need:
            cut = sorted(acct.values(), reverse=True)[need - 1]
        held = 0
        for r, s in sorted(role.items(), key=itemgetter(1), reverse=True):
            held += len(role_members[r])
            if held >= limit:
                cut = max(cut, s)
                break
        if cut == -math.inf:
            return None
        acct_of, role_of = self._target_acct, self._target_role
        picked: list[int] = []  # targets (their accounts, in account order)
        # account -> its place in account order: all above T, the first ones at T
        better = list(map(cut.__lt__, acct.values()))
        kept_ranks = dict(zip(compress(acct, better), compress(count(), better), strict=True))
        tie_room = limit - sum(map(sizes.__getitem__, kept_ranks))
        if tie_room > 0:
            for k, a in compress(enumerate(acct), map(cut.__eq__, acct.values())):
                kept_ranks[a] = k
                tie_room -= sizes[a]
                if tie_room <= 0:
                    break
        picked.extend(chain.from_iterable(map(acct_members.__getitem__, kept_ranks)))
        top_roles = [r for r, s in role.items() if s >= cut]
        rank_of: dict[int, int] | None = None
        role_only: list[int] = []
        tie_only = limit
        for r in top_roles:
            # targets of matched accounts with this role: whatever their account's score
            shared = on_acct[r]
            if shared:
                if rank_of is None:
                    rank_of = dict(zip(acct, count()))
                by_acct = role_accts[r]
                for a in shared:
                    if a not in kept_ranks:
                        picked.extend(by_acct[a])
            if role[r] > cut:
                role_only.extend(t for t in role_members[r] if acct_of[t] not in acct)
            elif tie_only > 0:
                for t in role_members[r]:
                    if acct_of[t] not in acct:
                        role_only.append(t)
                        tie_only -= 1
                        if not tie_only:
                            break
        boosted = self._boosted
        for t in boosted:
            if acct_of[t] in acct:
                picked.append(t)
            elif role_of[t] in role:
                role_only.append(t)
        # fan-out order: account order, then target order; role-only after all of them
        n_targets = len(self.targets)
        if rank_of is None:
            rank_of = kept_ranks
            for t in picked:
                if acct_of[t] not in rank_of:
                    rank_of = dict(zip(acct, count()))
                    break
        role_rank = dict(zip(role, count(len(acct))))
        order: dict[int, int] = {}
        for t in picked:
            order[t] = rank_of[acct_of[t]] * n_targets + t
        for t in role_only:
            order[t] = role_rank[role_of[t]] * n_targets + t
        ranked = sorted(order, key=order.__getitem__)
        scored = []
        for t in ranked:
            a = acct.get(acct_of[t], 0.0)
            r = role.get(role_of[t], 0.0)
            score = a if a >= r else r
            if t in boosted:
                score += boosted[t]
            scored.append((t, score))
        scored.sort(key=itemgetter(1), reverse=True)  # stable: ties keep fan-out order
        return [t for t, _ in scored[:limit]]

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
        """Each matched target's score, max(account side, role side), in the order the
        accounts' targets and then the roles' are stored (ties keep it)."""
        members = self._acct_members
        # accounts share no target: one dict built in C, account by account
        scores = dict(zip(chain.from_iterable(map(members.__getitem__, acct)),
                          chain.from_iterable(map(repeat, acct.values(),
                                                  map(self._acct_sizes.__getitem__, acct))),
                          strict=True))
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
