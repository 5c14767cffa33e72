"""Discovery at scale: 2,000 accounts x 3 roles on the sandbox Identity Center with a
quota of 20 requests/s for the portal as a whole, in-process (the stand-in over HTTP on
127.0.0.1).

    .venv/bin/python bench/bench_discover.py [--accounts N] [--quota Q] [--compare-botocore]

What is measured, as ratios against baselines of the same run:

- the first discover: every role found, no request failed (every 429 retried), and wall
  time against the quota-bound minimum (requests that got an answer / quota). Budget
  <= 1.25x.
- a second discover: requests made (budget 0).
- ``--refresh`` after 10 new accounts: requests against account pages + 10 + 5.
- ``load_all`` of the inventory against a bare ``json.load`` of the same file (median
  of 30). No budget: the figure is reported.
- ``--compare-botocore``: the same first discover with botocore's own ``adaptive`` retry
  mode (its token bucket with CUBIC, one client shared by the workers) instead of
  Switcher's limiter, for the record.

Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGETS = {"wall_ratio": 1.25, "second_requests": 0, "refresh_slack": 5}
START_URL = "https://d-bench.awsapps.com/start"
REGION = "us-east-1"


def _setup(accounts: int, quota: int):
    import keyring

    from switcher.core.model import Config, SsoSource
    from switcher.core.secrets import keystore
    from switcher.core.sso import sources, tokens
    from switcher.sandbox.identity_center import IdentityCenter, make_accounts
    from switcher.sandbox.memkeyring import MemoryKeyring

    tmp = Path(tempfile.mkdtemp(prefix="bench-discover-"))
    for name in list(os.environ):
        if name.startswith(("AWS_", "SWITCHER_")):
            del os.environ[name]
    os.environ.update(HOME=str(tmp), AWS_CONFIG_FILE=str(tmp / "aws-config"),
                      SWITCHER_CONFIG_DIR=str(tmp / "config"),
                      SWITCHER_CACHE_DIR=str(tmp / "cache"))
    keyring.set_keyring(MemoryKeyring())
    keystore.reset()
    center = IdentityCenter(make_accounts(accounts), start_url=START_URL, region=REGION)
    center.start()
    os.environ.update(center.endpoint_env)
    config = Config(sso=(SsoSource("bench", START_URL, REGION),))
    (source,) = sources.all_sources(config, {})
    tokens.login(source, device_code=True, sleep=lambda s: None,
                 show_device_code=lambda url, code: center.oidc.answer_device(code, True))
    center.reset_stats()
    center.throttle = {"*": quota}
    return center, config, tmp


def _first(center, config, quota):
    from switcher.core.discovery import run

    center.reset_stats()
    started = time.perf_counter()
    (outcome,) = run.discover(config, mode=run.FULL)
    wall = time.perf_counter() - started
    stats = center.stats()
    answered = sum(stats["requests"].values()) - sum(stats["throttled"].values())
    return outcome, wall, answered / quota, stats


def _use_botocore_adaptive():
    """Swap Switcher's limiter for botocore's adaptive retry mode, counting only."""
    from switcher.core.discovery import ratelimit

    def config(workers):
        from botocore.config import Config

        return Config(retries={"mode": "adaptive", "total_max_attempts": ratelimit.THROTTLE_ATTEMPTS},
                      max_pool_connections=max(10, workers + 2), connect_timeout=5,
                      read_timeout=20)

    def attach(client, limiter, counters):
        client.meta.events.register("before-send", lambda **kw: counters.add("requests"))

    ratelimit.client_config, ratelimit.attach = config, attach


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--quota", type=int, default=20)
    parser.add_argument("--compare-botocore", action="store_true")
    args = parser.parse_args()
    from switcher.core.discovery import inventory, run
    from switcher.sandbox.identity_center import make_accounts

    center, config, tmp = _setup(args.accounts, args.quota)
    failed = []
    try:
        outcome, wall, minimum, stats = _first(center, config, args.quota)
        roles = outcome.roles
        ratio = wall / minimum
        print(f"first discover: {outcome.accounts} accounts, {roles} roles, "
              f"{sum(stats['requests'].values())} requests ({sum(stats['throttled'].values())} "
              f"throttled), {len(outcome.failed)} failed accounts, {stats['errors'] or 0} errors; "
              f"{wall:.1f} s vs quota-bound {minimum:.1f} s = {ratio:.3f}x (budget <= "
              f"{BUDGETS['wall_ratio']}x)")
        if roles != 3 * args.accounts or outcome.failed or stats["errors"]:
            failed.append("not every role discovered")
        if ratio > BUDGETS["wall_ratio"]:
            failed.append("wall ratio")

        center.reset_stats()
        (again,) = run.discover(config)
        second = sum(center.stats()["requests"].values())
        print(f"second discover: {second} requests (budget {BUDGETS['second_requests']})")
        if second > BUDGETS["second_requests"]:
            failed.append("second discover")

        center.accounts = make_accounts(args.accounts + 10)
        center._by_id = {a.account_id: a for a in center.accounts}
        center.reset_stats()
        run.discover(config, mode=run.REFRESH)
        counts = center.stats()["requests"]
        pages = -(-(args.accounts + 10) // 100)
        refresh = sum(counts.values())
        print(f"--refresh after 10 new accounts: {refresh} requests "
              f"({counts.get('ListAccounts', 0)} ListAccounts, {counts.get('ListAccountRoles', 0)} "
              f"ListAccountRoles); budget {pages} pages + 10 + {BUDGETS['refresh_slack']} = "
              f"{pages + 10 + BUDGETS['refresh_slack']}")
        if refresh > pages + 10 + BUDGETS["refresh_slack"]:
            failed.append("refresh requests")

        path = inventory.path_for("sso", "bench")
        bare, full = [], []
        for _ in range(30):
            t0 = time.perf_counter()
            with open(path, "rb") as handle:
                json.load(handle)
            t1 = time.perf_counter()
            inventory.load_all(config)
            t2 = time.perf_counter()
            bare.append(t1 - t0)
            full.append(t2 - t1)
        b, f = statistics.median(bare) * 1000, statistics.median(full) * 1000
        print(f"load_all of {len(inventory.load_roles(config))} targets: {f:.1f} ms vs bare "
              f"json.load {b:.1f} ms = {f / b:.2f}x ({path.stat().st_size // 1024} KB)")

        if args.compare_botocore:
            _use_botocore_adaptive()
            inventory.remove("sso", "bench")
            outcome, wall, minimum, stats = _first(center, config, args.quota)
            print(f"botocore adaptive: {outcome.roles} roles, "
                  f"{sum(stats['requests'].values())} requests "
                  f"({sum(stats['throttled'].values())} throttled), {len(outcome.failed)} failed "
                  f"accounts; {wall:.1f} s vs {minimum:.1f} s = {wall / minimum:.3f}x")
    finally:
        center.stop()
    if failed:
        print("missed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
