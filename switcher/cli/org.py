"""``switcher org add / remove / list``: AWS Organizations whose accounts ``switcher
discover`` lists, with the credentials of a target in the management account (or a
delegated administrator)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.model import OrgSource


def add(args) -> int:
    from switcher.core.sso import sources
    from switcher.core.targets import resolve

    new = OrgSource(args.name, args.via, tuple(args.role_name), args.max_requests_per_second)
    config = store.load()
    resolve(config, new.via)  # a --via that names nothing fails now, not at discovery
    taken = {n for s in sources.all_sources(config) for n in s.names}
    if new.name in taken:
        raise InputError(f"{new.name} already names an Identity Center source")

    def change(config):
        same = [o for o in config.org if o.name == new.name]
        if same and same[0] == new:
            return config
        if same:
            raise InputError(f"organization {new.name} already exists (via {same[0].via}); "
                             "remove it first")
        return replace(config, org=(*config.org, new))

    store.update(change)
    sys.stderr.write(f"added organization {new.name}; list its accounts with: "
                     f"switcher discover {new.name}\n")
    return 0


def remove(args) -> int:
    from switcher.core.discovery import inventory

    config = store.load()
    if not any(o.name == args.name for o in config.org):
        raise InputError(f"no organization named {args.name!r} (see: switcher org list)")
    store.update(lambda c: replace(c, org=tuple(o for o in c.org if o.name != args.name)))
    inventory.remove(inventory.ORG, args.name)
    return 0


def list_(args) -> int:
    from switcher.core.discovery import inventory

    rows = []
    for org in store.load().org:
        found = inventory.read(inventory.ORG, org.name)
        rows.append({**org.to_dict(), "accounts": len(found.accounts) if found else None,
                     "listed_at": found.listed_at if found else None})
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    for row in rows:
        seen = "never discovered" if row["accounts"] is None else f"{row['accounts']} accounts"
        sys.stdout.write(f"{row['name']}\tvia {row['via']}\t{', '.join(row['role_names'])}\t"
                         f"{seen}\n")
    return 0


def org(args) -> int:
    return {"add": add, "remove": remove, "list": list_}[args.action](args)
