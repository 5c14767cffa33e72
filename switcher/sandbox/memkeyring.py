"""An in-memory keyring for a sandbox running inside one process.

Sandbox sessions are throwaway and only valid against this process's moto, so they must
not land in the user's real keyring (where a later run would find them stale).
"""

from __future__ import annotations

import threading

import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 0  # never chosen automatically: only set explicitly by the sandbox

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._store.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError(f"{service}/{username} is not set")
