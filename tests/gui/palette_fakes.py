"""A stand-in for switcher.gui.controller.Controller with the same signals (checked by
test_palette_fakes.py) and the methods the palette and quick-switch use, recording calls
instead of touching AWS. Widget tests use it so they run in milliseconds; the e2e tests
drive the real controller in the real app."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from switcher.core.model import Config
from switcher.core.targets import Target
from switcher.core.usage import UsageState


def make_target(alias: str, role: str, account: str, region: str = "us-east-1",
                color: str | None = None, hotkey: str | None = None) -> Target:
    return Target(name=f"{alias}/{role}", kind="account", account_id=account, role_name=role,
                  region=region, account_alias=alias, color=color, hotkey=hotkey)


def many_targets(accounts: int = 2000, roles=("Admin", "ReadOnly", "Deploy", "team/ops/Operator", "PowerUser")):
    words = ["prod", "staging", "dev", "sandbox", "data", "analytics", "billing", "security",
             "network", "shared", "logs", "audit", "payments", "search", "ml", "platform"]
    regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]
    colors = ["F2B0A9", "FBBF93", "FAD791", "B7CA9D", "99BCE3", None]
    out = []
    for i in range(accounts):
        alias = f"{words[i % len(words)]}-{words[(i * 7 + 3) % len(words)]}-{i}"
        account = f"{(i * 7919 + 100000000000) % 10**12:012d}"
        for role in roles:
            out.append(make_target(alias, role, account, regions[i % len(regions)], colors[i % 6]))
    return out


class FakeController(QObject):
    targets_changed = Signal()
    busy_changed = Signal(bool)
    switch_started = Signal(str, str)
    switch_succeeded = Signal(str, str, str)
    switch_failed = Signal(str, str, str)
    switch_cancelled = Signal(str, str)
    sessions_changed = Signal()
    session_expiring = Signal(str, float)
    config_error = Signal(str)

    def __init__(self, targets, usage_path, config: Config | None = None) -> None:
        super().__init__()
        self._targets = list(targets)
        self._usage = UsageState(usage_path)
        self.config = config or Config()
        self.calls: list[tuple[str, ...]] = []
        self.seconds_left: dict[str, float] = {}
        self.auto_finish = False  # when True, actions succeed at once

    def targets(self):
        return self._targets

    def target(self, name):
        return next(t for t in self._targets if t.name == name)

    def set_targets(self, targets) -> None:
        self._targets = list(targets)
        self.targets_changed.emit()

    def usage(self):
        return self._usage

    def session_seconds_left(self, name):
        return self.seconds_left.get(name)

    def _act(self, action, name, *extra):
        self.calls.append((action, name, *extra))
        self._usage.record(name)
        self.switch_started.emit(name, action)
        if self.auto_finish:
            self.switch_succeeded.emit(name, action, "done")

    def open_console(self, name, region=None):
        self._act("console", name, *([region] if region else []))

    def copy_credentials(self, name, fmt=None):
        self._act("creds", name)

    def copy_console_url(self, name):
        self._act("url", name)

    def copy_link(self, name):
        self._act("link", name)
