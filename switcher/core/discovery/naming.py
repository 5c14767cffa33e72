"""Account names made into aliases: what a discovered target is called.

An alias is 1-64 letters, digits, ``.``, ``_`` or ``-`` with case kept
(core.validate.check_alias), so "Acme Payments Prod" becomes ``Acme-Payments-Prod``
and "Zürich (legacy)" ``Zurich-legacy``. Two accounts whose names make the same alias
both get their account id appended (``Sandbox-111122223333``); an account keeps the
alias it was first given for as long as it is listed, so names do not move when another
account appears.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

MAX_ALIAS = 64
_NOT_ALIAS = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES = "-._"


def base_alias(name: str, account_id: str) -> str:
    """The alias an account name makes on its own (the id when nothing of it is left)."""
    # letters with accents keep their letter: "Zürich" is "Zurich", not "Z-rich"
    folded = unicodedata.normalize("NFKD", str(name))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    alias = _NOT_ALIAS.sub("-", folded).strip(_EDGES)
    alias = re.sub(r"-{2,}", "-", alias)[:MAX_ALIAS].rstrip(_EDGES)
    return alias or account_id


def with_id(alias: str, account_id: str) -> str:
    """``alias`` with the account id appended, still within 64 characters."""
    suffix = f"-{account_id}"
    if alias.endswith(suffix) or alias == account_id:
        return alias
    return alias[:MAX_ALIAS - len(suffix)].rstrip(_EDGES) + suffix


def assign(kept: Mapping[str, str], new: Iterable[tuple[str, str]],
           taken: Iterable[str] = ()) -> dict[str, str]:
    """Aliases for the ``new`` accounts ((id, name) pairs), given the aliases ``kept`` by
    accounts already known (id -> alias) and other names ``taken`` (compared ignoring
    case, as target names are resolved). Returns id -> alias for the new ones only."""
    new = list(new)
    used = {a.casefold() for a in kept.values()} | {t.casefold() for t in taken}
    wanted = {account_id: base_alias(name, account_id) for account_id, name in new}
    clashes = Counter(a.casefold() for a in wanted.values())
    out: dict[str, str] = {}
    for account_id, _name in new:
        alias = wanted[account_id]
        if alias.casefold() in used or clashes[alias.casefold()] > 1:
            alias = with_id(alias, account_id)
        out[account_id] = alias
        used.add(alias.casefold())
    return out
