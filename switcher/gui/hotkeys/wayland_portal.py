"""Wayland: the xdg-desktop-portal GlobalShortcuts interface, where the desktop offers it
(KDE Plasma 5.27+, GNOME 48+, Hyprland). Elsewhere the backend is "unsupported" and the
settings window says how to bind `switcher show` in the desktop's own shortcut settings.

D-Bus is spoken with jeepney (already on Linux through keyring -> SecretStorage) rather
than QtDBus: BindShortcuts takes ``a(sa{sv})``, which PySide's QtDBus cannot marshal
without C++ type registration. The socket is read by a QSocketNotifier, as for X11, so
Activated signals arrive on the Qt main thread. Binding is tested against the real
xdg-desktop-portal with KDE's backend under sway (tests/e2e/test_wayland_portal_kde.py);
an activation only against a stand-in portal, since only KWin feeds keys to KDE's backend.
"""

from __future__ import annotations

import itertools
import os
import re

from jeepney.low_level import HeaderFields

from switcher.core.keyspec import KeyCombo
from switcher.gui.hotkeys.base import SHOW_COMMAND_HINT, HotkeyBackend, HotkeyError
from switcher.gui.qt import QObject, QSocketNotifier

PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
REPLY_TIMEOUT = 5.0
_tokens = itertools.count(1)


def unsupported_message(detail: str) -> str:
    return f"global hotkeys are not available ({detail}); {SHOW_COMMAND_HINT}"


def shortcut_id(combo: KeyCombo) -> str:
    return "switcher-" + re.sub(r"[^A-Za-z0-9]+", "-", str(combo)).lower()


class PortalBackend(HotkeyBackend):
    name = "wayland-portal"

    def __init__(self, parent: QObject | None = None, *, bus_address: str | None = None) -> None:
        super().__init__(parent)
        self._conn = None
        self._session: str | None = None
        self._ids: dict[str, KeyCombo] = {}
        try:
            from jeepney import DBusAddress, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            self.unsupported_reason = unsupported_message("jeepney is not installed")
            return
        self._new_call = new_method_call
        self._portal = DBusAddress(PORTAL_PATH, bus_name=PORTAL, interface=SHORTCUTS)
        try:
            self._conn = open_dbus_connection(bus=bus_address or "SESSION")
        except (OSError, KeyError, ValueError) as exc:
            self.unsupported_reason = unsupported_message(f"no session bus: {exc}")
            return
        version = self._portal_version()
        if version is None:
            self.unsupported_reason = unsupported_message(
                "this desktop's portal has no GlobalShortcuts interface")
            self._close_conn()
            return
        self.portal_version = version
        self._notifier = QSocketNotifier(self._conn.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _call(self, address, method, signature=None, body=()):
        msg = self._new_call(address, method, signature, tuple(body))
        return self._conn.send_and_get_reply(msg, timeout=REPLY_TIMEOUT)

    def _portal_version(self) -> int | None:
        from jeepney import DBusAddress, MessageType

        props = DBusAddress(PORTAL_PATH, bus_name=PORTAL, interface="org.freedesktop.DBus.Properties")
        try:
            reply = self._call(props, "Get", "ss", (SHORTCUTS, "version"))
        except (OSError, TimeoutError):
            return None
        if reply.header.message_type == MessageType.error:
            return None
        return int(reply.body[0][1])

    def _ensure_session(self) -> str:
        if self._session:
            return self._session
        from jeepney import MatchRule, message_bus

        token = f"switcher{os.getpid()}_{next(_tokens)}"
        activated = MatchRule(type="signal", interface=SHORTCUTS, member="Activated")
        self._call(message_bus, "AddMatch", "s", (activated.serialise(),))
        # Activated signals that arrive while a call below waits for its answer would be
        # dropped by jeepney; this filter keeps them for _drain
        self._activated = self._conn.filter(activated, bufsize=64)
        results = self._request("CreateSession", "a{sv}", ({
            "session_handle_token": ("s", token),
        },))
        self._session = results.get("session_handle", ("o", None))[1] or (
            f"{PORTAL_PATH}/session/{self._sender()}/{token}")
        return self._session

    def _sender(self) -> str:
        return self._conn.unique_name[1:].replace(".", "_")

    def _request(self, method: str, signature: str, body: tuple, *,
                 wait: bool = True) -> dict:
        """Call a portal method that answers through a Request object; with ``wait``,
        return the results of its Response.

        The portal creates a session only when the desktop's backend has answered, after
        the method call itself returned: a BindShortcuts sent before CreateSession's
        Response is refused as "Invalid session" (xdg-desktop-portal 1.16 with KDE's
        backend). The Response is subscribed to before the call, as the portal
        documentation asks, so it cannot be missed. BindShortcuts is not waited for:
        newer desktops answer it only after the user confirmed in a dialog.
        """
        from jeepney import MatchRule, MessageType, message_bus

        handle = f"{method[0].lower()}{next(_tokens)}"
        path = f"{PORTAL_PATH}/request/{self._sender()}/{handle}"
        rule = MatchRule(type="signal", interface=REQUEST, member="Response", path=path)
        self._call(message_bus, "AddMatch", "s", (rule.serialise(),))
        try:
            with self._conn.filter(rule) as responses:
                *args, options = body
                reply = self._call(self._portal, method, signature,
                                   (*args, {**options, "handle_token": ("s", handle)}))
                if reply.header.message_type == MessageType.error:
                    raise HotkeyError(f"the desktop portal refused {method}: "
                                      f"{reply.body[0] if reply.body else 'no reason given'}")
                if not wait:
                    return {}
                response = self._conn.recv_until_filtered(responses, timeout=REPLY_TIMEOUT)
        finally:
            self._call(message_bus, "RemoveMatch", "s", (rule.serialise(),))
        code, results = response.body
        if code != 0:
            raise HotkeyError(f"the desktop portal {'was cancelled' if code == 1 else 'failed'} "
                              f"({method})")
        return results

    def _bind_all(self) -> None:
        session = self._ensure_session()
        shortcuts = [
            (shortcut_id(c), {"description": ("s", "Switcher: " + ("show the palette" if i == 0 else str(c))),
                              "preferred_trigger": ("s", c.portal_trigger())})
            for i, c in enumerate(self._callbacks)
        ]
        self._ids = {shortcut_id(c): c for c in self._callbacks}
        self._request("BindShortcuts", "oa(sa{sv})sa{sv}", (session, shortcuts, "", {}),
                      wait=False)

    def _grab(self, combo: KeyCombo) -> None:
        self._callbacks[combo] = lambda: None  # placeholder so the bind includes it
        try:
            self._bind_all()
        except (OSError, TimeoutError) as exc:
            self._callbacks.pop(combo, None)
            raise HotkeyError(f"{combo}: the desktop portal did not answer ({exc})") from None
        except HotkeyError as exc:
            self._callbacks.pop(combo, None)
            raise HotkeyError(f"{combo}: {exc}") from None

    def _ungrab(self, combo: KeyCombo) -> None:
        if self._conn is not None and self._session:
            try:
                self._bind_all()
            except (OSError, TimeoutError, HotkeyError):
                pass

    def _drain(self, *_args) -> None:
        held = getattr(self, "_activated", None)
        while held is not None and held.queue:
            self._on_message(held.queue.popleft())
        while True:
            try:
                msg = self._conn.receive(timeout=0)
            except TimeoutError:
                return
            except OSError:
                self._notifier.setEnabled(False)
                return
            self._on_message(msg)

    def _on_message(self, msg) -> None:
        header = msg.header
        if header.fields.get(HeaderFields.member) == "Activated" and msg.body and msg.body[0] == self._session:
            combo = self._ids.get(msg.body[1])
            if combo is not None:
                self._fire(combo)

    def _close_conn(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        super().close()
        if self._conn is not None and getattr(self, "_notifier", None) is not None:
            self._notifier.setEnabled(False)
        self._close_conn()
