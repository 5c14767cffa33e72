"""Usage state (recents, frecency): machine-written JSON beside the config, kept out of the
TOML the user edits so that using the app never rewrites their file."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from switcher.core.files import write_atomic
from switcher.core.paths import state_path

STATE_VERSION = 1
HALF_LIFE_S = 7 * 24 * 3600  # a use a week ago counts half as much as one now
MAX_TRACKED = 500


class UsageState:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_path()
        self.uses: dict[str, dict[str, float]] = {}
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            uses = data.get("uses", {})
            if isinstance(uses, dict):
                self.uses = {
                    str(k): {"count": float(v["count"]), "last": float(v["last"])}
                    for k, v in uses.items()
                    if isinstance(v, dict) and "count" in v and "last" in v
                }
        except (OSError, ValueError, TypeError, KeyError):
            self.uses = {}  # state is a convenience: a damaged file just starts fresh

    def record(self, name: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        entry = self.uses.setdefault(name, {"count": 0.0, "last": now})
        # decay the old count to "now" before adding, so the score is a running frecency
        entry["count"] = entry["count"] * self._decay(now - entry["last"]) + 1.0
        entry["last"] = now
        if len(self.uses) > MAX_TRACKED:
            for stale in sorted(self.uses, key=lambda k: self.uses[k]["last"])[: len(self.uses) - MAX_TRACKED]:
                del self.uses[stale]
        self._save()

    def forget(self, name: str) -> None:
        if self.uses.pop(name, None) is not None:
            self._save()

    @staticmethod
    def _decay(age: float) -> float:
        return math.pow(0.5, max(age, 0.0) / HALF_LIFE_S)

    def score(self, name: str, now: float | None = None) -> float:
        entry = self.uses.get(name)
        if not entry:
            return 0.0
        now = time.time() if now is None else now
        return entry["count"] * self._decay(now - entry["last"])

    def scores(self, now: float | None = None) -> dict[str, float]:
        now = time.time() if now is None else now
        return {name: self.score(name, now) for name in self.uses}

    def recent(self, limit: int = 5) -> list[str]:
        return sorted(self.uses, key=lambda k: self.uses[k]["last"], reverse=True)[:limit]

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"version": STATE_VERSION, "uses": self.uses})
        try:
            write_atomic(self.path, text)
        except OSError:
            pass  # losing a recents update is harmless
