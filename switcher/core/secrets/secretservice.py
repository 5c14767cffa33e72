"""A lean reader/writer for the freedesktop Secret Service, used on the hot path.

``keyring`` spends ~40 ms importing itself and scanning entry points, and its SecretService
backend imports ``cryptography`` for the session encryption; a cached ``switcher creds``
must take a few interpreter start-ups at most. When keyring would pick the Secret Service
anyway, we speak the same protocol with jeepney directly and store items exactly as
keyring's SecretService backend does (default collection, attributes ``service`` and
``username``), so either path reads what the other wrote. Anything unusual — another
backend configured, a locked collection, a prompt, an error — raises ``Unsupported`` and
the caller goes through ``keyring`` as usual.

The secret travels with the "plain" algorithm over the user's own session bus: any process
that can read that socket runs as the user and could ask the service for the secret anyway.
"""

from __future__ import annotations

import os
import sys

BUS_NAME = "org.freedesktop.secrets"
SERVICE_PATH = "/org/freedesktop/secrets"
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
APPLICATION = "Python keyring library"  # what keyring's backend writes; keeps items alike
BACKEND = "keyring.backends.SecretService.Keyring"
TIMEOUT = 5


class Unsupported(Exception):
    """The fast path does not apply here; use keyring."""


def usable() -> bool:
    """True when keyring would itself use the Secret Service on the session bus."""
    if not sys.platform.startswith("linux") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    if os.environ.get("PYTHON_KEYRING_BACKEND", BACKEND) != BACKEND:
        return False
    core = sys.modules.get("keyring.core")
    if core is not None and getattr(core, "_keyring_backend", None) is not None:
        return False  # keyring is already set up in this process (e.g. a test backend)
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    # a keyringrc.cfg may choose another backend or collection: let keyring read it
    return not os.path.exists(os.path.join(config_home, "python_keyring", "keyringrc.cfg"))


class Connection:
    def __init__(self) -> None:
        try:
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            raise Unsupported("jeepney is not installed") from None
        try:
            self._conn = open_dbus_connection("SESSION")
            self._session = self._call(SERVICE_PATH, "Service", "OpenSession", "sv",
                                       ("plain", ("s", "")))[1]
        except Unsupported:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise Unsupported(str(exc)) from None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._conn = None

    def _call(self, path: str, interface: str, method: str, signature: str | None = None,
              body: tuple = ()):
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        address = DBusAddress(path, bus_name=BUS_NAME,
                              interface=f"org.freedesktop.Secret.{interface}")
        try:
            reply = self._conn.send_and_get_reply(
                new_method_call(address, method, signature, body), timeout=TIMEOUT)
            return unwrap_msg(reply)
        except DBusErrorResponse as exc:
            raise Unsupported(f"{method}: {exc.name}") from None
        except Exception as exc:
            raise Unsupported(f"{method}: {exc}") from None

    def _search(self, service: str, username: str) -> list[str]:
        return list(self._call(DEFAULT_COLLECTION, "Collection", "SearchItems", "a{ss}",
                               ({"service": service, "username": username},))[0])

    def get(self, service: str, username: str) -> str | None:
        items = self._search(service, username)
        if not items:
            return None
        secrets = self._call(SERVICE_PATH, "Service", "GetSecrets", "aoo",
                             (items[:1], self._session))[0]
        if items[0] not in secrets:
            raise Unsupported("the item is locked")  # keyring knows how to prompt
        return bytes(secrets[items[0]][2]).decode("utf-8")

    def put(self, service: str, username: str, value: str) -> None:
        properties = {
            "org.freedesktop.Secret.Item.Label":
                ("s", f"Password for '{username}' on '{service}'"),
            "org.freedesktop.Secret.Item.Attributes":
                ("a{ss}", {"service": service, "username": username, "application": APPLICATION}),
        }
        secret = (self._session, b"", value.encode("utf-8"), "text/plain")
        prompt = self._call(DEFAULT_COLLECTION, "Collection", "CreateItem", "a{sv}(oayays)b",
                            (properties, secret, True))[1]
        if prompt != "/":
            raise Unsupported("the collection wants a prompt")

    def delete(self, service: str, username: str) -> bool:
        items = self._search(service, username)
        for item in items:
            if self._call(item, "Item", "Delete")[0] != "/":
                raise Unsupported("deleting wants a prompt")
        return bool(items)
