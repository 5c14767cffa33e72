"""link / links: Switch Role links for one target, or a page of them for a team."""

from __future__ import annotations

import sys

from switcher.core import config as store
from switcher.core.share.links import switch_role_link
from switcher.core.share.links_page import render
from switcher.core.targets import list_targets, resolve


def link(args) -> int:
    target = resolve(store.load(), args.target)
    sys.stdout.write(switch_role_link(target) + "\n")
    return 0


def links(args) -> int:
    sys.stdout.write(render(list_targets(store.load()), args.format))
    return 0
