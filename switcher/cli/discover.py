"""``switcher discover``: list the accounts and roles of Identity Center sources and
organizations into the inventory (progress on stderr, a summary on stdout)."""

from __future__ import annotations

import json
import sys

from switcher.core import config as store
from switcher.core.errors import AwsError

SHOWN_FAILURES = 10


def _summary(outcome) -> str:
    if outcome.error and not outcome.accounts:
        return f"{outcome.source}\tfailed: {outcome.error}"
    how = ("from the inventory (no requests)" if outcome.from_cache else
           f"{outcome.requests:,} requests in {outcome.seconds:.1f} s"
           + (f", {outcome.throttled:,} throttled and retried" if outcome.throttled else ""))
    changes = ""
    if outcome.added or outcome.removed:
        changes = f", {outcome.added:,} new, {outcome.removed:,} gone"
    return (f"{outcome.source}\t{outcome.accounts:,} accounts\t{outcome.roles:,} roles\t"
            f"{how}{changes}")


def run(args) -> int:
    from switcher.core.discovery import inventory, progress
    from switcher.core.discovery import run as discovery

    config = store.load()
    mode = discovery.FULL if args.full else discovery.REFRESH if args.refresh else discovery.AUTO
    outcomes = discovery.discover(config, args.names or None, mode=mode,
                                  progress=progress.for_stream(sys.stderr))
    if args.json:
        targets = [r._asdict() for r in inventory.load_roles(config, include_hidden=True)]
        sys.stdout.write(json.dumps({"sources": [o.as_json() for o in outcomes],
                                     "targets": targets}, indent=2) + "\n")
    else:
        for outcome in outcomes:
            sys.stdout.write(_summary(outcome) + "\n")
    problems = []
    for outcome in outcomes:
        if outcome.error:
            problems.append(f"{outcome.source}: {outcome.error}")
        for account_id, name, error in outcome.failed[:SHOWN_FAILURES]:
            sys.stderr.write(f"switcher: {outcome.source}: the roles of {name} ({account_id}) "
                             f"could not be listed: {error}; tried again next time\n")
        if len(outcome.failed) > SHOWN_FAILURES:  # an expired sign-in fails every account
            sys.stderr.write(f"switcher: {outcome.source}: and "
                             f"{len(outcome.failed) - SHOWN_FAILURES} more (see --json)\n")
        if outcome.failed:
            problems.append(f"{outcome.source}: {len(outcome.failed)} account(s) failed")
    if problems:
        raise AwsError("; ".join(problems))
    return 0
