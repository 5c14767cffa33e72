"""Where Switcher's files live, and the one place their overrides are read.

Every directory comes from ``platformdirs`` unless an environment variable says otherwise;
nothing else in the package reads those variables or joins these paths itself:

- ``SWITCHER_CONFIG_DIR``: the config file, and beside it the usage state (tests and the
  sandbox point it at a throwaway directory, so both must move together)
- ``SWITCHER_RUNTIME_DIR``: the tray's lock and socket (else ``$XDG_RUNTIME_DIR/switcher``)
- ``SWITCHER_CACHE_DIR``: what can be rebuilt at any time (the discovery inventory)
- ``AWS_CONFIG_FILE``: the AWS CLI's config, as botocore reads it

The runtime directory's rule and the inputs of the config path live in ``places.py``, as
strings for the brokered ``creds`` that cannot afford pathlib; this module uses them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from switcher.core import places

APP = places.APP
CONFIG_NAME = "config.toml"
STATE_NAME = "state.json"


def _platformdirs():
    import platformdirs  # lazy: a few ms, and a cached `creds` never needs a path from it

    return platformdirs


def config_dir() -> Path:
    override = os.environ.get("SWITCHER_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(_platformdirs().user_config_dir(APP))


def config_path() -> Path:
    return config_dir() / CONFIG_NAME


def state_path() -> Path:
    """Recents and frecency: machine-written, kept out of the TOML the user edits."""
    if os.environ.get("SWITCHER_CONFIG_DIR"):
        return config_dir() / STATE_NAME
    return Path(_platformdirs().user_state_dir(APP)) / STATE_NAME


def console_ledger_path() -> Path:
    """The console identities Switcher signed into each browser: beside the usage state."""
    return state_path().with_name("console_ledger.json")


def cache_dir() -> Path:
    """What Switcher can rebuild at any time and may lose (the discovered accounts)."""
    override = os.environ.get("SWITCHER_CACHE_DIR")
    if override:
        return Path(override)
    return Path(_platformdirs().user_cache_dir(APP))


def data_dir() -> Path:
    """Long-lived data that is not configuration (isolated browser profiles)."""
    return Path(_platformdirs().user_data_dir(APP))


def aws_config_file() -> Path:
    return Path(os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")).expanduser()


def aws_credentials_file() -> Path:
    return Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")).expanduser()


def aws_sso_cache_dir() -> Path:
    """The AWS CLI's IAM Identity Center token cache (botocore has no variable for it).
    Switcher only reads it."""
    return Path("~/.aws/sso/cache").expanduser()


def runtime_dir() -> Path:
    """Per-user and private (0700): where the tray's lock file and socket live. Created on
    first use; a directory another user owns is refused rather than trusted."""
    from switcher.core.errors import InputError

    by_env = places.runtime_dir_name()
    if by_env is not None:
        path = Path(by_env)
    elif sys.platform in ("win32", "darwin"):
        path = Path(_platformdirs().user_runtime_dir(APP))
    else:
        import tempfile

        path = Path(tempfile.gettempdir()) / f"{APP}-{os.getuid()}"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        st = path.stat()
        if st.st_uid != os.getuid():
            raise InputError(f"{path} belongs to another user; refusing to use it")
        if st.st_mode & 0o077:
            os.chmod(path, 0o700)
    return path


def socket_path() -> Path:
    return runtime_dir() / places.SOCKET_NAME


def lock_path() -> Path:
    return runtime_dir() / "tray.lock"


def sessions_lock_path() -> Path:
    """Serialises updates of the session cache's index between processes (empty file)."""
    return runtime_dir() / "sessions.lock"
