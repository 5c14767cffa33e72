"""The sandbox: moto (server mode) + a recording STS proxy + a local federation endpoint
(+ optionally a local IAM Identity Center), with a throwaway config of demo accounts. Used by ``switcher sandbox``, by the tray in
sandbox mode, by ``switcher --sandbox`` and by the tests.

Nothing here talks to AWS. Everything listens on 127.0.0.1 only, on ports the kernel picks.
``moto`` is imported when a sandbox starts, never when this package is imported.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from switcher.sandbox.ledger import Ledger

if TYPE_CHECKING:
    from switcher.sandbox.identity_center import IdentityCenter

__all__ = ["Stack", "Sandbox", "activate_for_cli"]


class Stack:
    """moto + STS proxy + federation endpoint, without any config (what tests build on).

    ``identity_center``: an unstarted ``IdentityCenter``, or a function making one (called
    by ``start``, so that a Stack that is never started binds no port). The Stack
    connects it to its moto and ledger, starts and stops it, and adds its endpoints to
    ``endpoint_env``.
    """

    def __init__(self, identity_center: IdentityCenter | Callable[[], IdentityCenter]
                 | None = None) -> None:
        self.ledger = Ledger()
        self._moto = None
        self._proxy = None
        self._federation = None
        self._identity_center_spec = identity_center
        self.identity_center: IdentityCenter | None = None
        self.moto_url = self.sts_url = self.federation_url = ""
        self.startup_seconds: float | None = None

    def start(self) -> Stack:
        started = time.perf_counter()
        from switcher.sandbox.federation import FederationServer
        from switcher.sandbox.moto_server import MotoServer
        from switcher.sandbox.sts_proxy import StsProxy

        self._moto = MotoServer()
        self.moto_url = self._moto.start()
        self._proxy = StsProxy(self.moto_url, self.ledger)
        self._federation = FederationServer(self.moto_url, self.ledger)
        self._proxy.start()
        self._federation.start()
        self.sts_url = self._proxy.url
        self.federation_url = self._federation.federation_url
        spec = self._identity_center_spec
        if spec is not None:
            center = spec if hasattr(spec, "connect") else spec()
            self.identity_center = center.connect(self.moto_url, self.ledger)
            center.start()
        self.startup_seconds = time.perf_counter() - started
        return self

    def stop(self) -> None:
        for part in (self.identity_center, self._federation, self._proxy, self._moto):
            if part is not None:
                part.stop()
        self._moto = self._proxy = self._federation = self.identity_center = None

    @property
    def endpoint_env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL_STS": self.sts_url,
            # other services (s3, ec2, ...) straight to moto, so `switcher exec` demos work
            "AWS_ENDPOINT_URL": self.moto_url,
            "SWITCHER_FEDERATION_URL": self.federation_url,
            # no instance metadata here: without this botocore may wait for IMDS timeouts
            "AWS_EC2_METADATA_DISABLED": "true",
            # botocore's own service-specific names: sso (portal) and sso-oidc
            **(self.identity_center.endpoint_env if self.identity_center else {}),
        }

    def log(self) -> list[dict]:
        """The request log (no secrets): STS calls through the proxy and sign-in events."""
        return self.ledger.log()

    def fetch_log(self) -> list[dict]:
        """The same log over HTTP, as another process would read it."""
        base = self.federation_url.rsplit("/federation", 1)[0]
        with urllib.request.urlopen(f"{base}/_sandbox/log", timeout=10) as response:
            return json.loads(response.read())

    def clear_log(self) -> None:
        self.ledger.clear_log()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Sandbox:
    """A Stack plus a seeded throwaway config dir and AWS CLI files, and an Identity Center
    with demo accounts (``seed.demo_sso_accounts``; start URL ``seed.SSO_START_URL`` in
    ``seed.SSO_REGION``).

    ``env`` holds every variable a Switcher process needs to use it; ``activate()`` starts
    the sandbox and puts them into ``os.environ`` of this process.
    """

    def __init__(self) -> None:
        self.stack = Stack(identity_center=_demo_identity_center)
        self.root: Path | None = None
        self.env: dict[str, str] = {}
        self._saved_env: dict[str, str | None] = {}
        self._saved_keyring = None

    def start(self) -> Sandbox:
        self.stack.start()
        self.root = Path(tempfile.mkdtemp(prefix="switcher-sandbox-"))
        try:
            from switcher.sandbox.seed import seed

            files = seed(self.root, self.stack.moto_url)
        except BaseException:
            self.stop()
            raise
        self.env = {**self.stack.endpoint_env, **files, "SWITCHER_SANDBOX": "1"}
        return self

    def activate(self, *, isolate_keyring: bool = True) -> Sandbox:
        """Start and export ``env`` into this process.

        With ``isolate_keyring`` the process uses an in-memory keyring from now on, so
        throwaway sandbox sessions never reach the user's real keyring. That cache then
        lives only as long as this process.
        """
        self.start()
        for name, value in self.env.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        if isolate_keyring:
            import keyring

            from switcher.sandbox.memkeyring import MemoryKeyring

            self._saved_keyring = keyring.get_keyring()
            keyring.set_keyring(MemoryKeyring())
        return self

    def stop(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        if self._saved_keyring is not None:
            import keyring

            keyring.set_keyring(self._saved_keyring)
            self._saved_keyring = None
        self.stack.stop()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    @property
    def identity_center(self) -> IdentityCenter | None:
        return self.stack.identity_center

    @property
    def config_dir(self) -> Path:
        return Path(self.env["SWITCHER_CONFIG_DIR"])

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _demo_identity_center() -> IdentityCenter:
    from switcher.sandbox import seed
    from switcher.sandbox.identity_center import IdentityCenter

    return IdentityCenter(seed.demo_sso_accounts(), start_url=seed.SSO_START_URL,
                          region=seed.SSO_REGION)


def activate_for_cli() -> Sandbox:
    """For ``switcher --sandbox COMMAND``: a sandbox that lives as long as this one command.

    Caveat: every such command gets a fresh moto, fresh demo config and an in-memory
    keyring, so nothing carries over between two commands (no cache, no added accounts).
    For a sandbox that persists across commands, run ``switcher sandbox`` in one terminal
    and eval its ``export`` lines in another.
    """
    import atexit

    sandbox = Sandbox().activate()
    atexit.register(sandbox.stop)
    return sandbox
