"""``switcher tray``: start the tray app, icon first.

The icon is put on screen before the rest of the app is even imported: showing it sends
the dock request to the tray host, which embeds it while we build the menu, controller and
palette. See bench/bench_tray.py for what that buys.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

READY_MARKER = "switcher: tray ready"
_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resource_file(name: str) -> str:
    path = _RESOURCES / name
    if path.exists():
        return str(path)
    from importlib import resources  # zipped installs

    return str(resources.files("switcher.resources").joinpath(name))


def run(*, force_sandbox: bool = False) -> int:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    from . import ipc, memory

    memory.lean_pyside_import_hook()  # before the imports below pay for it
    memory.limit_arenas()  # before Qt starts its threads
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Switcher")
    app.setApplicationDisplayName("Switcher")
    app.setDesktopFileName("switcher")
    app.setQuitOnLastWindowClosed(False)
    # Fusion looks the same on every desktop, so the screenshots match what users get.
    app.setStyle(os.environ.get("SWITCHER_STYLE") or "Fusion")
    app.setWindowIcon(QIcon(resource_file("switcher.svg")))

    holder: dict = {}
    server = ipc.Server(lambda message: holder["tray"].handle(message))
    if not server.acquire():
        return _forward_show()

    # Sandbox or not is decided after the icon is up (it needs the config); a first run
    # just sees the icon turn sandbox-teal a moment later.
    icon = QSystemTrayIcon(QIcon(resource_file("switcher-sandbox.svg" if force_sandbox else "switcher.svg")))
    icon.show()
    app.processEvents()  # flush the dock request: the tray host embeds the icon meanwhile

    from ..core import config as config_store
    from ..core.targets import aws_config_file
    from .wiring import TrayApp, needs_sandbox

    sandbox_obj = None
    sandbox = force_sandbox or (not config_store.config_path().exists() and needs_sandbox())
    real_paths = (config_store.config_path(), aws_config_file())
    try:
        if sandbox:
            from ..core.sandbox import Sandbox

            sandbox_obj = Sandbox().activate()
        tray_app = TrayApp(app, sandbox=sandbox, sandbox_obj=sandbox_obj, real_paths=real_paths,
                           icon=icon)
    except BaseException:
        server.close()
        if sandbox_obj is not None:
            sandbox_obj.stop()
        raise
    holder["tray"] = tray_app
    server.listen()
    app.aboutToQuit.connect(tray_app.shutdown)
    app.aboutToQuit.connect(server.close)
    _quit_on_signals(app)
    tray_app.start()
    return app.exec()


def _quit_on_signals(app) -> None:
    """SIGTERM/SIGINT quit cleanly (clipboard cleared, sandbox stopped, lock released).

    Python runs a signal handler only when it gets control; the wakeup fd makes the
    event loop hand it control at once, without a polling timer.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: reader.recv(64))
    app._signal_sockets = (reader, writer, notifier)  # keep them alive with the app
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())


def _forward_show() -> int:
    """Another tray holds the lock (maybe still starting): ask it to show its palette."""
    import time

    from ..core.errors import NoTrayError
    from . import ipc

    deadline = time.monotonic() + 10
    while True:
        try:
            ipc.request("show")
            return 0
        except NoTrayError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)

