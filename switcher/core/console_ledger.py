"""The console identities Switcher signed into each browser, and until when.

Since the console's multi-session mode, one browser profile holds up to five identities
at once; a sixth sign-in there fails. The console does not tell anyone which identities
it holds (its opt-in and per-session URLs are undocumented, so nothing here reads them):
this ledger is Switcher's own record of what it signed in, keyed by the browser and
profile ``core.browser_open.browser_key`` resolves for a target, so the tray can show the
live ones and offer an isolated profile before a sixth.

Machine-written JSON beside the usage state, with no secrets: browser key, target name,
account id, role, expiry. A damaged or unreadable file reads as empty: it is a
convenience, never a reason to refuse a switch.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from switcher.core.files import locked, write_atomic
from switcher.core.paths import console_ledger_path

LEDGER_VERSION = 1
CONSOLE_LIMIT = 5  # identities the console keeps at once in one multi-session browser


@dataclass(frozen=True)
class Identity:
    browser: str  # browser_open.browser_key: the spec and profile it opens in
    target: str
    account_id: str
    role: str
    expires: float  # epoch seconds: the console session's end

    @property
    def key(self) -> tuple[str, str]:
        # the console holds one session per account and role: a second sign-in replaces it
        return self.account_id, self.role


class Ledger:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or console_ledger_path()

    # --- reading --------------------------------------------------------------------------

    def identities(self, now: float | None = None) -> list[Identity]:
        """Every live identity, soonest to expire first."""
        now = time.time() if now is None else now
        live = [i for i in self._read() if i.expires > now]
        return sorted(live, key=lambda i: (i.expires, i.browser, i.target))

    def live(self, browser: str, now: float | None = None) -> list[Identity]:
        return [i for i in self.identities(now) if i.browser == browser]

    def by_browser(self, now: float | None = None) -> dict[str, list[Identity]]:
        out: dict[str, list[Identity]] = {}
        for identity in self.identities(now):
            out.setdefault(identity.browser, []).append(identity)
        return out

    def would_exceed(self, browser: str, account_id: str, role: str,
                     now: float | None = None) -> bool:
        """True when signing ``account_id``/``role`` into ``browser`` would make a sixth
        live identity there; one already signed in is replaced, so it never counts."""
        live = {i.key for i in self.live(browser, now)}
        return (account_id, role) not in live and len(live) >= CONSOLE_LIMIT

    # --- writing --------------------------------------------------------------------------

    def record(self, identity: Identity, now: float | None = None, *,
               single: bool = False) -> None:
        """Note a sign-in; expired entries and the same account+role's older one go. With
        ``single`` (a browser without multi-session mode) the sign-in replaces every other
        identity of that browser, as the console itself does there."""
        now = time.time() if now is None else now
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with locked(self.path.with_name(self.path.name + ".lock")):
                kept = [i for i in self._read() if i.expires > now
                        and not (i.browser == identity.browser
                                 and (single or i.key == identity.key))]
                self._write([*kept, identity])
        except OSError:
            pass  # a read-only state dir loses the record, never the switch

    def _read(self) -> list[Identity]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            rows = data["identities"]
            if not isinstance(rows, list):
                return []
        except (OSError, ValueError, TypeError, KeyError):
            return []
        out = []
        for row in rows:
            try:
                out.append(Identity(browser=str(row["browser"]), target=str(row["target"]),
                                    account_id=str(row["account_id"]), role=str(row["role"]),
                                    expires=float(row["expires"])))
            except (TypeError, KeyError, ValueError):
                continue  # one damaged row costs that row only
        return out

    def _write(self, identities: list[Identity]) -> None:
        text = json.dumps({"version": LEDGER_VERSION,
                           "identities": [asdict(i) for i in identities]}, indent=1)
        write_atomic(self.path, text)
