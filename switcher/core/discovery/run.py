"""One ``switcher discover``: which sources, whether the inventory is fresh enough, and
the run itself (accounts listed on this thread, roles listed by a small pool of workers,
the inventory written as it goes)."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from switcher.core.discovery import inventory as inv
from switcher.core.discovery import naming
from switcher.core.discovery.progress import DONE, LISTING, ROLES, Callback, Update
from switcher.core.discovery.ratelimit import AdaptiveLimiter, Counters
from switcher.core.errors import AwsError, InputError, SwitcherError

WORKERS = 8
WRITE_EVERY = 1.0  # seconds between inventory writes while a run goes on
AUTO, REFRESH, FULL = "auto", "refresh", "full"


@dataclass(frozen=True)
class Plan:
    kind: str  # inventory.SSO or inventory.ORG
    name: str
    start_url: str | None = None
    region: str | None = None
    via: str | None = None
    role_names: tuple[str, ...] = ()
    ceiling: int | None = None
    sso_source: object = None  # core.sso.sources.Source for SSO


@dataclass
class Outcome:
    """What one source's run did. ``failed``: (account id, name, error) of accounts whose
    roles could not be listed; ``error``: why the source as a whole failed."""

    source: str
    kind: str
    accounts: int = 0
    roles: int = 0
    requests: int = 0
    throttled: int = 0
    added: int = 0
    removed: int = 0
    from_cache: bool = False
    seconds: float = 0.0
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict:
        return {"source": self.source, "kind": self.kind, "accounts": self.accounts,
                "roles": self.roles, "requests": self.requests, "throttled": self.throttled,
                "added": self.added, "removed": self.removed, "from_cache": self.from_cache,
                "seconds": round(self.seconds, 3), "error": self.error,
                "failed": [{"account": a, "name": n, "error": e} for a, n, e in self.failed]}


def plans(config, names: list[str] | None = None) -> list[Plan]:
    """The sources to discover: ``names`` (Identity Center sources, organizations), or all."""
    from switcher.core.sso import sources

    found = sources.all_sources(config)
    ceilings = {s.name: s.max_requests_per_second for s in config.sso}
    every = [Plan(inv.SSO, s.name, s.start_url, s.region, ceiling=ceilings.get(s.name),
                  sso_source=s) for s in found]
    every += [Plan(inv.ORG, o.name, via=o.via, role_names=o.role_names,
                   ceiling=o.max_requests_per_second) for o in config.org]
    if not names:
        if not every:
            raise InputError("nothing to discover: add an Identity Center source (switcher sso "
                             "add) or an organization (switcher org add)")
        return every
    by_name: dict[str, Plan] = {}
    for plan, source in zip(every, [*found, *config.org], strict=True):
        for name in getattr(source, "names", (plan.name,)):
            by_name.setdefault(name, plan)
    out: list[Plan] = []
    for name in names:
        if name not in by_name:
            known = ", ".join(p.name for p in every) or "none"
            raise InputError(f"no Identity Center source or organization named {name!r} "
                             f"(known: {known})")
        if by_name[name] not in out:
            out.append(by_name[name])
    return out


def prune(config, kept: list[Plan]) -> None:
    """Forget the inventories of sources that no longer exist."""
    wanted = {(p.kind, p.name) for p in kept}
    for kind, name in inv.stored():
        if (kind, name) not in wanted:
            inv.remove(kind, name)


def discover(config, names: list[str] | None = None, *, mode: str = AUTO,
             progress: Callback | None = None, workers: int = WORKERS,
             limiter_factory=None) -> list[Outcome]:
    """Discover every planned source in turn. Bad names raise InputError before any
    request; a source that fails is an Outcome with ``error``, the others still run."""
    chosen = plans(config, names)
    if not names:
        prune(config, chosen)
    max_age = config.settings.discovery_max_age_hours * 3600
    out = []
    for plan in chosen:
        run = _Run(config, plan, mode, max_age, progress, workers, limiter_factory)
        out.append(run.go())
    return out


class _Run:
    def __init__(self, config, plan: Plan, mode: str, max_age: float, progress, workers,
                 limiter_factory) -> None:
        self.config, self.plan, self.mode, self.max_age = config, plan, mode, max_age
        self.progress, self.workers = progress, workers
        self._make_limiter = limiter_factory or (
            lambda ceiling, learned: AdaptiveLimiter(ceiling, learned=learned))
        self.counters = Counters()
        self.outcome = Outcome(plan.name, plan.kind)
        self.started = time.monotonic()
        self.done = self.total = self.listed = 0
        self._written = 0.0
        self._dirty = False

    # -- the inventory ------------------------------------------------------------------

    def _load(self) -> inv.Inventory:
        plan = self.plan
        found = inv.read(plan.kind, plan.name)
        from switcher.core.sso.sources import url_key

        if found is not None and plan.kind == inv.SSO and url_key(found.start_url or "") != url_key(plan.start_url or ""):
            found = None  # the name now signs in somewhere else
        if found is not None and plan.kind == inv.ORG and found.via != plan.via:
            found = None
        if found is None:
            found = inv.Inventory(plan.kind, plan.name)
        found.start_url, found.region, found.via = plan.start_url, plan.region, plan.via
        return found

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or (self._dirty and now - self._written >= WRITE_EVERY):
            self.inventory.updated_at = time.time()
            inv.write(self.inventory)
            self._written, self._dirty = now, False

    def _tell(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(Update(self.plan.name, phase, self.done, self.total, self.listed,
                                 self.counters.requests, time.monotonic() - self.started))

    # -- the run ------------------------------------------------------------------------

    def go(self) -> Outcome:
        self.inventory = self._load()
        self.limiter = self._make_limiter(self.plan.ceiling, self.inventory.rate)
        try:
            fresh = self.mode == AUTO and self.inventory.fresh(self.max_age)
            retry = [a for a in self.inventory.accounts.values()
                     if a.get("error") or a.get("roles") is None]
            if fresh and not (retry and self.plan.kind == inv.SSO):
                self.outcome.from_cache = True
            else:
                self._run(retry if fresh else None)
        except SwitcherError as exc:  # this source only: the others still run
            self.outcome.error = str(exc)
        finally:
            self.outcome.requests = self.counters.requests
            self.outcome.throttled = self.counters.throttled
            self.outcome.seconds = time.monotonic() - self.started
        accounts = self.inventory.accounts.values()
        self.outcome.accounts = len(accounts)
        self.outcome.roles = sum(len(a.get("roles") or ()) for a in accounts)
        self.outcome.failed = [(a["id"], a["name"], a["error"]) for a in accounts if a.get("error")]
        return self.outcome

    def _lister(self):
        plan = self.plan
        if plan.kind == inv.SSO:
            from switcher.core.discovery.identity_center import Portal
            from switcher.core.sso.tokens import access_token

            return Portal(plan.sso_source, access_token(plan.sso_source), self.limiter,
                          self.counters, self.workers)
        from switcher.core.discovery.organizations import Organization
        from switcher.core.switch import get_credentials
        from switcher.core.targets import resolve

        try:
            target = resolve(self.config, plan.via)
        except InputError as exc:
            raise AwsError(f"organization {plan.name}: its --via target does not work: {exc}") from None
        credentials = get_credentials(self.config, target)
        return Organization(credentials, target.partition, self.limiter, self.counters)

    def _run(self, only: list[dict] | None) -> None:
        lister = self._lister()
        accounts = self.inventory.accounts
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="discover")
        pending: dict[Future, str] = {}
        wants_roles = self.plan.kind == inv.SSO

        def submit(account_id: str) -> None:
            pending[pool.submit(lister.roles, account_id)] = account_id
            self.total += 1

        try:
            if only is not None:  # fresh: only what failed last time
                self.listed = len(accounts)
                for entry in only:
                    submit(entry["id"])
            else:
                self.inventory.complete = False
                seen: set[str] = set()
                now = time.time()
                for page in lister.account_pages():
                    self._take_page(page, seen, now, submit if wants_roles else None)
                    self._collect(pending, block=False)
                    self._tell(LISTING)
                    self._save()
                gone = [a for a in accounts if a not in seen]
                for account_id in gone:
                    del accounts[account_id]
                self.outcome.removed = len(gone)
                self.inventory.listed_at = time.time()
                self._dirty = True
            while pending:
                self._collect(pending, block=True)
                self._tell(ROLES)
                self._save()
            self.inventory.complete = True
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if not self.limiter.slow_start:  # it met the quota: worth remembering
                self.inventory.rate = self.limiter.rate
            self._save(force=True)
            self._tell(DONE)

    def _take_page(self, page: list[dict], seen: set[str], now: float, submit) -> None:
        accounts = self.inventory.accounts
        fresh = [a for a in page if a["id"] not in accounts and a["id"] not in seen]
        aliases = naming.assign({k: a["alias"] for k, a in accounts.items()},
                                [(a["id"], a["name"]) for a in fresh])
        for item in page:
            account_id = item["id"]
            if account_id in seen:
                continue
            seen.add(account_id)
            self.listed += 1
            entry = accounts.get(account_id)
            if entry is None:
                entry = accounts[account_id] = {
                    "id": account_id, "name": item["name"], "alias": aliases[account_id],
                    "email": item["email"], "roles": None, "first_seen": now,
                    "last_seen": now, "error": None}
                self.outcome.added += 1
            else:
                entry.update(name=item["name"], email=item["email"], last_seen=now)
            if submit is None:
                entry["roles"], entry["error"] = list(self.plan.role_names), None
                self.done += 1
                self.total += 1
            elif self.mode == FULL or entry.get("roles") is None or entry.get("error"):
                submit(account_id)
        self._dirty = True

    def _collect(self, pending: dict[Future, str], *, block: bool) -> None:
        if not pending:
            return
        finished, _ = wait(list(pending), timeout=None if block else 0,
                           return_when=FIRST_COMPLETED)
        for future in finished:
            account_id = pending.pop(future)
            entry = self.inventory.accounts.get(account_id)
            self.done += 1
            if entry is None:
                continue
            try:
                entry["roles"], entry["error"] = future.result(), None
            except AwsError as exc:
                # roles known from before stay usable; the account is asked again next run
                entry["error"] = str(exc)
            self._dirty = True
