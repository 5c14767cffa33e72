"""Follow the desktop's dark or light preference with the Fusion style.

Qt knows the preference where its platform theme reads it (Windows, macOS, KDE, GNOME):
``QStyleHints.colorScheme()`` and its ``colorSchemeChanged`` signal. On other Linux
desktops (sway, Hyprland, any desktop without Qt's own theme plugin) Qt says "unknown"
although the desktop says it over D-Bus: xdg-desktop-portal's Settings interface,
``org.freedesktop.appearance color-scheme`` (1 prefer dark, 2 prefer light). Then the
portal is asked, and watched for changes, on the main thread's event loop: the calls are
sent without waiting and the replies read by a QSocketNotifier, so a slow or absent portal
never holds up startup.

When the desktop asks for dark, the app gets a dark QPalette, unless the platform theme
already gave it a dark one (the desktop's own colours are better than ours). Every widget
reads its colours from the palette, so the palette, menus and dialogs follow.
"""

from __future__ import annotations

import sys

from switcher.gui.qt import QApplication, QColor, QObject, QPalette, QSocketNotifier, Qt

PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SETTINGS = "org.freedesktop.portal.Settings"
APPEARANCE = "org.freedesktop.appearance"
COLOR_SCHEME = "color-scheme"
DARK, LIGHT = "dark", "light"
_PORTAL_VALUES = {1: DARK, 2: LIGHT}  # 0: no preference

_DARK_COLORS = {
    "Window": "#2b2d30", "WindowText": "#e4e6e8", "Base": "#1f2023",
    "AlternateBase": "#2a2c2f", "ToolTipBase": "#3a3c40", "ToolTipText": "#e4e6e8",
    "PlaceholderText": "#8b9098", "Text": "#e4e6e8", "Button": "#35373b",
    "ButtonText": "#e4e6e8", "BrightText": "#ff7b72", "Light": "#4b4e53",
    "Midlight": "#3f4246", "Mid": "#26282b", "Dark": "#1b1c1f", "Shadow": "#0b0b0c",
    "Highlight": "#3b7fd4", "HighlightedText": "#ffffff", "Link": "#6cb2ff",
    "LinkVisited": "#b58cff", "Accent": "#3b7fd4",
}
_DARK_DISABLED = {
    "WindowText": "#7b8088", "Text": "#7b8088", "ButtonText": "#7b8088",
    "Highlight": "#45484d", "HighlightedText": "#9a9ea5", "PlaceholderText": "#5f636a",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for name, color in _DARK_COLORS.items():
        role = getattr(roles, name, None)  # Accent is Qt 6.6+
        if role is not None:
            palette.setColor(role, QColor(color))
    for name, color in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(roles, name), QColor(color))
    return palette


def is_dark(palette: QPalette) -> bool:
    window, text = (palette.color(QPalette.ColorRole.Window),
                    palette.color(QPalette.ColorRole.WindowText))
    return window.lightness() < text.lightness()


def portal_value(value) -> str | None:
    """A color-scheme value as the portal sends it (``("u", 1)``, nested in ``("v", ...)``
    by Read) -> DARK, LIGHT or None."""
    while isinstance(value, tuple) and len(value) == 2 and value[0] == "v":
        value = value[1]
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "u":
        return _PORTAL_VALUES.get(value[1])
    return None


class ThemeFollower(QObject):
    """Keeps ``app``'s palette in step with the desktop's colour scheme."""

    def __init__(self, app: QApplication, *, bus_address: str | None = None,
                 use_portal: bool | None = None) -> None:
        super().__init__(app)
        self.app = app
        self.portal_scheme: str | None = None
        self._desktop_palette = QPalette(app.palette())  # the platform theme's, after the style
        self._applied_dark = False
        self._conn = None
        self._pending: dict[int, str] = {}  # serial of a call in flight -> its method
        app.styleHints().colorSchemeChanged.connect(self.refresh)
        if use_portal is None:
            use_portal = sys.platform.startswith("linux")
        if use_portal:
            self._watch_portal(bus_address)
        self.refresh()

    # --- what the desktop wants --------------------------------------------------------------

    def qt_scheme(self) -> str | None:
        scheme = self.app.styleHints().colorScheme()
        return {Qt.ColorScheme.Dark: DARK, Qt.ColorScheme.Light: LIGHT}.get(scheme)

    @property
    def scheme(self) -> str:
        return self.qt_scheme() or self.portal_scheme or LIGHT

    def refresh(self, *_args) -> None:
        want_dark = self.scheme == DARK
        if want_dark and not self._applied_dark:
            if not is_dark(self.app.palette()):
                self.app.setPalette(dark_palette())
                self._applied_dark = True
        elif not want_dark and self._applied_dark:
            self.app.setPalette(self._desktop_palette)
            self._applied_dark = False

    # --- the portal ---------------------------------------------------------------------------

    def _watch_portal(self, bus_address: str | None) -> None:
        try:
            from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            return
        try:
            self._conn = open_dbus_connection(bus=bus_address or "SESSION")
        except (OSError, KeyError, ValueError):
            return  # no session bus: nothing to follow
        self._new_call = new_method_call
        self._settings = DBusAddress(PORTAL_PATH, bus_name=PORTAL, interface=SETTINGS)
        rule = MatchRule(type="signal", interface=SETTINGS, member="SettingChanged",
                         path=PORTAL_PATH)
        rule.add_arg_condition(0, APPEARANCE)
        self._conn.send(message_bus.AddMatch(rule))
        self._notifier = QSocketNotifier(self._conn.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._read("ReadOne")  # portal version 2; older ones only have Read

    def _read(self, method: str) -> None:
        msg = self._new_call(self._settings, method, "ss", (APPEARANCE, COLOR_SCHEME))
        serial = next(self._conn.outgoing_serial)  # to know its reply among the signals
        self._pending[serial] = method
        self._conn.send(msg, serial=serial)

    def _drain(self, *_args) -> None:
        from jeepney import MessageType
        from jeepney.low_level import HeaderFields

        while self._conn is not None:
            try:
                msg = self._conn.receive(timeout=0)
            except TimeoutError:
                return
            except OSError:
                self.close()
                return
            header = msg.header
            method = self._pending.pop(header.fields.get(HeaderFields.reply_serial), None)
            if method is not None:
                if header.message_type == MessageType.method_return:
                    self._set_portal_scheme(portal_value(msg.body[0]))
                elif (method == "ReadOne"
                      and header.fields.get(HeaderFields.error_name)
                      == "org.freedesktop.DBus.Error.UnknownMethod"):
                    self._read("Read")
                # anything else (no portal, no such setting): no preference
            elif (header.message_type == MessageType.signal
                  and header.fields.get(HeaderFields.member) == "SettingChanged"
                  and msg.body[:2] == (APPEARANCE, COLOR_SCHEME)):
                self._set_portal_scheme(portal_value(msg.body[2]))

    def _set_portal_scheme(self, scheme: str | None) -> None:
        self.portal_scheme = scheme
        self.refresh()

    def close(self) -> None:
        if getattr(self, "_notifier", None) is not None:
            self._notifier.setEnabled(False)
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def follow_desktop(app: QApplication) -> ThemeFollower:
    """Start following the desktop's scheme; the follower lives as long as ``app``."""
    return ThemeFollower(app)
