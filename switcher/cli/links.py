"""link / links: Switch Role links for one target, or a page of them for a team."""

from __future__ import annotations

import sys

from switcher.core import config as store
from switcher.core.share.links import SSO_REASON, switch_role_link
from switcher.core.share.links_page import render
from switcher.core.targets import list_targets, resolve


def link(args) -> int:
    target = resolve(store.load(), args.target)
    if target.is_sso:
        # the portal's shortcut does what the link was asked for (open that role in the
        # console, for anyone assigned to it), so this is an answer, not a failure
        sys.stderr.write(f"switcher: no Switch Role link for {target.name}: it is {SSO_REASON}; "
                         "its shortcut:\n")
        sys.stdout.write(target.portal_url + "\n")
        return 0
    sys.stdout.write(switch_role_link(target) + "\n")
    return 0


def links(args) -> int:
    sys.stdout.write(render(list_targets(store.load()), args.format))
    return 0
