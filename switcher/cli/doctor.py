"""doctor: everything a bug report needs, with no secrets in it."""

from __future__ import annotations

import os
import shutil

from switcher.core import config as store
from switcher.core import paths
from switcher.core.errors import SwitcherError
from switcher.core.partitions import PARTITIONS
from switcher.core.paths import aws_config_file
from switcher.core.targets import profile_targets


def _line(label: str, value: str) -> None:
    print(f"{label:<22} {value}")


def run(args) -> int:
    problems = 0
    path = paths.config_path()
    try:
        config = store.load()
        state = f"{len(config.accounts)} accounts, {sum(len(a.roles) for a in config.accounts)} roles"
        if not path.exists():
            state = "not created yet"
    except SwitcherError as exc:
        config, state, problems = None, f"BROKEN: {exc}", problems + 1
    _line("config", f"{path} ({state})")
    if path.exists():
        mode = path.stat().st_mode & 0o777
        _line("config mode", f"{mode:o}" + ("" if mode == 0o600 else "  (expected 600)"))
    try:
        profiles = profile_targets()
        _line("aws config", f"{aws_config_file()} ({len(profiles)} role profiles)")
    except SwitcherError as exc:
        _line("aws config", f"BROKEN: {exc}")
        problems += 1

    from switcher.core.secrets import keystore

    # the backend switcher itself would use: plaintext and "fail" backends are refused there
    name = keystore.backend_name()
    if name == "none":
        name += "  (no usable keyring: nothing is cached, keyring sources unavailable)"
        problems += 1
    _line("keyring", name)
    if config is not None and config.keyring_sources:
        _line("keyring sources", ", ".join(config.keyring_sources))

    sts = os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL")
    _line("sts endpoint", sts or "AWS default (regional per partition)")
    federation_override = os.environ.get("SWITCHER_FEDERATION_URL")
    for partition in PARTITIONS.values():
        fed = federation_override or partition.federation_url
        _line(f"partition {partition.name}", f"sign-in {partition.signin_host}, federation {fed}")
    browser = os.environ.get("BROWSER")
    _line("browser", f"$BROWSER={browser}" if browser else "system default (xdg-open)")
    if config is not None and config.settings.browser:
        _line("browser setting", config.settings.browser)
    if not browser and not shutil.which("xdg-open") and os.name == "posix":
        _line("", "note: no xdg-open; set $BROWSER or a browser in settings")
    return 1 if problems else 0
