"""sso add / remove / list / login / logout: IAM Identity Center sources and their sign-in.

Tokens go to the OS keyring only; nothing here prints one. The sign-in URL is printed
(with --no-browser): it is not a secret, the code it returns to the loopback listener is.
"""

from __future__ import annotations

import json
import sys

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.sso import sources, tokens


def add(args) -> int:
    before = next((s for s in store.load().sso if s.name == args.name), None)
    source = sources.add(args.name, args.start_url, args.region, console=args.console,
                         max_requests_per_second=args.max_requests_per_second)
    if before is None:
        sys.stderr.write(f"added Identity Center source {source.name}; sign in with: "
                         f"switcher sso login {source.name}\n")
    else:
        what = "updated" if before != source else "unchanged"
        sys.stderr.write(f"Identity Center source {source.name} {what}: console "
                         f"{source.console}, {_rate(source.max_requests_per_second)}\n")
    return 0


def _rate(ceiling: int | None) -> str:
    # the limiter always adapts to the service's quota; a ceiling only caps it
    return f"at most {ceiling} requests/s" if ceiling else "no rate ceiling"


def remove(args) -> int:
    tokens.remove_source(args.name)
    return 0


def list_(args) -> int:
    rows = []
    config = store.load()
    for source in sources.all_sources(config):
        state = tokens.state(source)
        entry = sources.config_entry(config, source)
        rows.append({
            "name": source.name, "start_url": source.start_url, "region": source.region,
            "defined_in": list(source.defined_in), "aliases": list(source.names[1:]),
            "console": entry.console if entry else "federation",
            "max_requests_per_second": entry.max_requests_per_second if entry else None,
            "state": state.status, "expires_at": state.until, "token_from": state.origin,
            "renewable": state.renewable, "text": state.describe(),
        })
    if args.json:
        for row in rows:
            row.pop("text")
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    for row in rows:
        sys.stdout.write(f"{row['name']}\t{row['start_url']}\t{row['region']}\t"
                         f"{', '.join(row['defined_in'])}\tconsole {row['console']}\t"
                         f"{_rate(row['max_requests_per_second'])}\t{row['text']}\n")
    return 0


def login(args) -> int:
    if not 1 <= args.timeout <= 3600:
        raise InputError("--timeout must be 1-3600 seconds")
    config = store.load()
    source = sources.find(config, args.name)

    def show_url(url: str) -> None:
        sys.stderr.write("open this URL in a browser on this machine to sign in:\n")
        sys.stdout.write(url + "\n")
        sys.stdout.flush()

    def show_device_code(url: str, code: str) -> None:
        sys.stderr.write(f"open {url} on any device and check that it shows the code\n")
        sys.stdout.write(f"{url}\n{code}\n")
        sys.stdout.flush()
        if not args.no_browser:  # as the AWS CLI does; the printed URL works anywhere
            from switcher.core.browser_open import open_url

            try:
                open_url(url, account=source.name, color=None, spec_text=config.settings.browser)
            except InputError:
                pass  # no browser here: the printed URL and code are the way in

    if args.device_code:
        tokens.login(source, device_code=True, show_device_code=show_device_code)
    else:
        if not args.no_browser:
            sys.stderr.write(f"signing in to {source.start_url} in the browser...\n")
        tokens.login(source, open_url=show_url if args.no_browser else None,
                     browser=config.settings.browser, timeout=args.timeout)
    sys.stderr.write(f"signed in to {source.name}: {tokens.state(source).describe()}\n")
    return 0


def logout(args) -> int:
    source = sources.find(store.load(), args.name)
    if tokens.logout(source):
        sys.stderr.write(f"signed out of {source.name}\n")
    else:
        sys.stderr.write(f"not signed in to {source.name}\n")
    return 0


def sso(args) -> int:
    return {"add": add, "remove": remove, "list": list_, "login": login,
            "logout": logout}[args.action](args)
