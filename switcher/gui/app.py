"""``switcher tray``: start the tray app, icon first.

The icon is put on screen before the rest of the app is even imported: showing it sends
the dock request to the tray host, which embeds it while we build the menu, controller and
palette. See bench/bench_tray.py for what that buys.
"""

from __future__ import annotations

import os
import sys

from switcher import resources


def run(*, force_sandbox: bool = False) -> int:
    from switcher.gui import ipc_server, memory
    from switcher.gui.qt import QApplication, QIcon, QSystemTrayIcon

    memory.limit_arenas()  # before Qt starts its threads
    app = QApplication.instance()
    if app is None:
        app = new_app()
    else:
        configure(app)

    holder: dict = {}
    server = ipc_server.Server(lambda message: holder["tray"].handle(message),
                               broker=lambda *request: holder["tray"].broker_request(*request))
    if not server.acquire():
        return _forward_show()

    # Sandbox or not is decided after the icon is up (it needs the config); a first run
    # just sees the icon turn sandbox-teal a moment later.
    icon = QSystemTrayIcon(QIcon(resources.path("switcher-sandbox.svg" if force_sandbox else "switcher.svg")))
    icon.show()
    app.processEvents()  # flush the dock request: the tray host embeds the icon meanwhile

    from switcher.gui import theme

    # before any menu or window exists; the portal's answer arrives through the event loop
    app._theme_follower = theme.follow_desktop(app)

    from switcher.core import paths
    from switcher.core.paths import aws_config_file
    from switcher.gui.tray_app import TrayApp, needs_sandbox

    sandbox_obj = None
    sandbox = force_sandbox or (not paths.config_path().exists() and needs_sandbox())
    real_paths = (paths.config_path(), aws_config_file())
    try:
        if sandbox:
            from switcher.sandbox import Sandbox

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


def new_app():
    """The tray's QApplication, configured.

    The style goes in as an argument rather than by ``setStyle()``: that returns a QStyle,
    and wrapping it builds QStyle's Python type and enums (~0.3 MB) the idle tray never uses.
    """
    from switcher.gui.qt import QApplication

    app = QApplication([sys.argv[0], "-style", style_name()])
    configure(app, style=False)
    return app


def style_name() -> str:
    # Fusion looks the same on every desktop, so the screenshots match what users get.
    return os.environ.get("SWITCHER_STYLE") or "Fusion"


def configure(app, *, style: bool = True) -> None:
    """What every window shares: the names the desktop shows, the style, the icon.
    ``style=False``: the app was created with ``-style style_name()`` already."""
    from switcher.gui.qt import QIcon

    app.setApplicationName("Switcher")
    app.setApplicationDisplayName("Switcher")
    # Wayland's app_id and the SNI's icon lookup: matches switcher.desktop
    app.setDesktopFileName("switcher")
    app.setQuitOnLastWindowClosed(False)
    if style:
        app.setStyle(style_name())
    # the fallback of every window that sets none (the palette, message boxes)
    app.setWindowIcon(QIcon(resources.path("switcher.svg")))


def _quit_on_signals(app) -> None:
    """SIGTERM/SIGINT quit cleanly (clipboard cleared, sandbox stopped, lock released).

    Python runs a signal handler only when it gets control; the wakeup fd makes the
    event loop hand it control at once, without a polling timer.
    """
    import signal
    import socket

    from switcher.gui.qt import QSocketNotifier

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

    from switcher import ipc
    from switcher.core.errors import NoTrayError

    deadline = time.monotonic() + 10
    while True:
        try:
            ipc.request("show")
            return 0
        except NoTrayError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)

