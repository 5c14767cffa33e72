"""The palette hotkey through the real xdg-desktop-portal (1.16) with KDE's backend
(xdg-desktop-portal-kde 5.27, which implements GlobalShortcuts) and kglobalaccel, under
sway with XDG_CURRENT_DESKTOP=KDE.

What this can show here: the tray's CreateSession and BindShortcuts go through the real
frontend to KDE's backend and are answered "done". What it cannot: a key press reaching
the app, because on Wayland only KWin feeds keys to kglobalaccel, and kglobalaccel on
sway has no platform plugin to grab them (it registers no component, so its D-Bus
invokeShortcut has nothing to invoke either).
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.fixtures.aws import BASE_PROFILE, _drop_switcher_secrets, switcher_ok
from tests.fixtures.keyring import wait_for_bus_name
from tests.fixtures.tools import require_tool, stop_process
from tests.fixtures.tray import TrayProcess, write_browser_stand_in

pytestmark = [pytest.mark.wayland, pytest.mark.keyring]

LIBEXEC = {
    "xdg-desktop-portal": "/usr/libexec/xdg-desktop-portal",
    "xdg-desktop-portal-kde": "/usr/lib/x86_64-linux-gnu/libexec/xdg-desktop-portal-kde",
}


def portal_binaries() -> dict[str, str]:
    found = {name: path for name, path in LIBEXEC.items() if os.access(path, os.X_OK)}
    # not on PATH: ask require_tool only about the missing ones, for its skip/fail message
    require_tool("kglobalaccel5", *(name for name in LIBEXEC if name not in found))
    return found


class BusMonitor(threading.Thread):
    """Every message on the bus, as dbus-monitor sees them (the test bus allows it)."""

    def __init__(self, address: str) -> None:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        super().__init__(daemon=True)
        self.conn = open_dbus_connection(bus=address)
        monitoring = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                 interface="org.freedesktop.DBus.Monitoring")
        self.conn.send_and_get_reply(new_method_call(monitoring, "BecomeMonitor", "asu",
                                                     ([], 0)))
        self.messages: list = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                self.messages.append(self.conn.receive(timeout=0.05))
            except TimeoutError:
                continue
            except OSError:
                return

    def stop(self) -> None:
        self.done.set()
        self.join(2)
        self.conn.close()

    def calls(self, interface: str, member: str) -> list:
        from jeepney.low_level import HeaderFields

        return [m for m in self.messages
                if m.header.fields.get(HeaderFields.interface) == interface
                and m.header.fields.get(HeaderFields.member) == member]


@pytest.fixture
def kde_portal(wayland_desktop, tmp_path):
    """kglobalaccel, KDE's portal backend and the portal frontend on the desktop's bus,
    stopped after the test (other tests expect no portal there)."""
    binaries = portal_binaries()
    home = tmp_path / "kde-home"
    (home / "runtime").mkdir(parents=True, mode=0o700)
    env = {**wayland_desktop.env, "XDG_CURRENT_DESKTOP": "KDE", "QT_QPA_PLATFORM": "wayland",
           "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_RUNTIME_DIR": str(home / "runtime")}
    started = []
    try:
        for argv, name in (
            (["kglobalaccel5"], "org.kde.kglobalaccel"),
            ([binaries["xdg-desktop-portal-kde"]], "org.freedesktop.impl.portal.desktop.kde"),
            ([binaries["xdg-desktop-portal"]], "org.freedesktop.portal.Desktop"),
        ):
            log = open(tmp_path / f"{Path(argv[0]).name}.log", "wb")
            started.append(subprocess.Popen(argv, env=env, stdout=log, stderr=log))
            log.close()
            wait_for_bus_name(wayland_desktop.bus, name, proc=started[-1])
        yield
    finally:
        for proc in reversed(started):
            stop_process(proc)


@pytest.fixture
def monitor(wayland_desktop):
    bus = BusMonitor(wayland_desktop.bus)
    bus.start()
    yield bus
    bus.stop()


def test_the_palette_hotkey_is_bound_through_kdes_portal(
        kde_portal, monitor, switcher_env, wayland_desktop, tmp_path):
    script, log = write_browser_stand_in(tmp_path)
    env = wayland_desktop.client_env({**switcher_env, "BROWSER": str(script),
                                      "_BROWSER_LOG": str(log), "SWITCHER_NO_FIRST_RUN": "1"})
    _drop_switcher_secrets(wayland_desktop.bus)
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE)
    tray = TrayProcess(env)
    try:
        status = tray.status(lambda s: s["hotkeys"])
        assert status["backend"] == "wayland-portal"
        assert "hotkeys_unavailable" not in status
        assert status["hotkeys"] == {"Ctrl+Alt+A": "ok"}
        # the frontend passed the bind on to KDE's backend (it refuses a bind made before
        # the session exists, and the backend then never hears of it)
        binds = monitor.calls("org.freedesktop.impl.portal.GlobalShortcuts", "BindShortcuts")
        assert binds, "KDE's backend got no BindShortcuts"
        _handle, _session, shortcuts, _parent, _options = binds[0].body
        assert [(sid, opts["preferred_trigger"][1]) for sid, opts in shortcuts] == [
            ("switcher-ctrl-alt-a", "CTRL+ALT+a")]
        # and every request the tray made was answered 0 (done), none refused
        responses = [m.body[0] for m in monitor.calls("org.freedesktop.portal.Request", "Response")]
        assert responses and set(responses) == {0}, responses
    finally:
        tray.stop()
