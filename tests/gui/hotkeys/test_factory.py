"""Hotkey backends we cannot run natively here (Windows, macOS) through their pure parts,
the Wayland portal backend against a fake portal on a private session bus, and the
factory's choice on a platform without global hotkeys."""

from __future__ import annotations

import ctypes
import os
import threading
from ctypes import wintypes

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from jeepney import DBusAddress, MessageType, message_bus, new_error, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import HeaderFields

from switcher.core import keyspec
from switcher.gui.hotkeys import create_backend
from switcher.gui.hotkeys.base import HotkeyError, UnsupportedBackend
from switcher.gui.hotkeys.macos import fourcc
from switcher.gui.hotkeys.wayland_portal import (
    PORTAL,
    PORTAL_PATH,
    SHORTCUTS,
    PortalBackend,
    shortcut_id,
)
from switcher.gui.hotkeys.windows import WM_HOTKEY, hotkey_id


def test_windows_wm_hotkey_parsing():
    msg = wintypes.MSG()
    msg.message = WM_HOTKEY
    msg.wParam = 7
    address = ctypes.addressof(msg)
    assert hotkey_id(b"windows_generic_MSG", address) == 7
    assert hotkey_id(b"xcb_generic_event_t", address) is None
    msg.message = 0x0100  # WM_KEYDOWN
    assert hotkey_id(b"windows_generic_MSG", address) is None
    assert hotkey_id(b"windows_generic_MSG", 0) is None


def test_macos_four_char_codes():
    assert fourcc("keyb") == 0x6B657962
    assert fourcc("----") == 0x2D2D2D2D
    with pytest.raises(ValueError):
        fourcc("toolong")


def test_factory_without_global_hotkeys_explains_switcher_show(qapp):
    backend = create_backend()
    assert isinstance(backend, UnsupportedBackend)
    assert not backend.available
    assert "switcher show" in backend.unsupported_reason
    with pytest.raises(HotkeyError, match="switcher show"):
        backend.register("Ctrl+Alt+A", lambda: None)
    # bad input is still reported as bad input first
    with pytest.raises(HotkeyError, match="unknown key"):
        backend.register("Ctrl+Alt+Nope", lambda: None)


def test_portal_missing_is_unsupported_with_instructions(session_bus, qapp):
    backend = PortalBackend(bus_address=session_bus["DBUS_SESSION_BUS_ADDRESS"])
    assert not backend.available
    assert "no GlobalShortcuts" in backend.unsupported_reason
    assert "switcher show" in backend.unsupported_reason
    backend.close()


class FakePortal(threading.Thread):
    """Just enough of xdg-desktop-portal's GlobalShortcuts to see what we send."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        self.conn = open_dbus_connection(bus=address)
        self.conn.send_and_get_reply(message_bus.RequestName(PORTAL))
        self.calls: list[tuple[str, tuple]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            member = msg.header.fields[HeaderFields.member]
            self.calls.append((member, msg.body))
            if member == "Get":
                self.conn.send(new_method_return(msg, "v", (("u", 1),)))
            else:
                self.respond(msg)

    def respond(self, msg) -> None:
        """Like the real portal: the call returns a Request path, and the result comes
        after, as that Request's Response signal."""
        sender = msg.header.fields[HeaderFields.sender][1:].replace(".", "_")
        options = msg.body[-1]
        request = f"{PORTAL_PATH}/request/{sender}/{options['handle_token'][1]}"
        self.conn.send(new_method_return(msg, "o", (request,)))
        results = {}
        if "session_handle_token" in options:
            token = options["session_handle_token"][1]
            results["session_handle"] = ("s", f"{PORTAL_PATH}/session/{sender}/{token}")
        self.conn.send(new_signal(DBusAddress(request, interface="org.freedesktop.portal.Request"),
                                  "Response", "ua{sv}", (0, results)))

    def activate(self, session: str, ident: str) -> None:
        emitter = DBusAddress(PORTAL_PATH, interface=SHORTCUTS)
        self.conn.send(new_signal(emitter, "Activated", "osta{sv}", (session, ident, 0, {})))

    def close(self) -> None:
        self.stop.set()
        self.join(2)
        self.conn.close()


def test_portal_binds_shortcuts_and_delivers_activation(session_bus, qtbot):
    portal = FakePortal(session_bus["DBUS_SESSION_BUS_ADDRESS"])
    portal.start()
    backend = PortalBackend(bus_address=session_bus["DBUS_SESSION_BUS_ADDRESS"])
    try:
        assert backend.available, backend.unsupported_reason
        hits = []
        backend.register("Ctrl+Alt+A", lambda: hits.append("palette"))
        backend.register("Meta+Shift+P", lambda: hits.append("prod"))
        members = [m for m, _ in portal.calls]
        assert members == ["Get", "CreateSession", "BindShortcuts", "BindShortcuts"]
        session, shortcuts, _parent, _opts = portal.calls[-1][1]
        assert session == backend._session
        assert [(sid, opts["preferred_trigger"][1]) for sid, opts in shortcuts] == [
            ("switcher-ctrl-alt-a", "CTRL+ALT+a"), ("switcher-shift-meta-p", "SHIFT+LOGO+p"),
        ]
        portal.activate(session, shortcut_id(keyspec.parse("Meta+Shift+P")))
        portal.activate("/some/other/session", "switcher-ctrl-alt-a")
        portal.activate(session, "switcher-ctrl-alt-a")
        qtbot.waitUntil(lambda: len(hits) == 2, timeout=3000)
        assert hits == ["prod", "palette"]
        backend.unregister("Meta+Shift+P")
        assert [sid for sid, _ in portal.calls[-1][1][1]] == ["switcher-ctrl-alt-a"]
    finally:
        backend.close()
        portal.close()


class RefusingPortal(FakePortal):
    """Refuses BindShortcuts the way xdg-desktop-portal does for a session it has not
    finished creating."""

    def respond(self, msg) -> None:
        if msg.header.fields[HeaderFields.member] == "BindShortcuts":
            self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.AccessDenied", "s",
                                     ("Invalid session",)))
        else:
            super().respond(msg)


def test_a_refused_bind_is_an_error_not_a_silent_success(session_bus, qtbot):
    portal = RefusingPortal(session_bus["DBUS_SESSION_BUS_ADDRESS"])
    portal.start()
    backend = PortalBackend(bus_address=session_bus["DBUS_SESSION_BUS_ADDRESS"])
    try:
        with pytest.raises(HotkeyError, match="refused BindShortcuts: Invalid session"):
            backend.register("Ctrl+Alt+A", lambda: None)
        assert backend.registered() == []
    finally:
        backend.close()
        portal.close()
