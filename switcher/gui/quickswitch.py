"""Quick switch: the palette and the global hotkeys, wired to the tray app.

``install(ctx)`` sets up the platform's hotkey backend; the palette is built the first
time it is wanted (``palette``), since a hidden palette would cost the idle tray ~8 MB of
resident memory (fonts, views, the ranked model), most of the budget. ctx
is the tray app (``controller``, ``app``, ``tray``, ``notify(title, message)``).
``apply_settings`` (re)registers the palette hotkey and every target's own hotkey, so a
change in Settings or in the config file applies at once. A combination that cannot be
had is reported once by notification, kept in ``status()`` for `switcher status` and the
settings window, and the other hotkeys keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from switcher.core import hotkeys, keyspec
from switcher.core.errors import InputError
from switcher.core.model import Settings
from switcher.core.targets import Target
from switcher.gui.hotkeys import HotkeyBackend, HotkeyError, create_backend
from switcher.gui.key_capture import KeyCaptureEdit
from switcher.gui.qt import QObject, Signal

if TYPE_CHECKING:
    from switcher.gui.palette import PaletteWindow


class QuickSwitch(QObject):
    palette_built = Signal(object)  # the PaletteWindow, once, before it is first shown

    def __init__(self, ctx, backend: HotkeyBackend | None = None) -> None:
        super().__init__(ctx.app if hasattr(ctx, "app") else None)
        self.ctx = ctx
        self.controller = ctx.controller
        self._palette: PaletteWindow | None = None
        self.backend = backend or create_backend(self)
        lost = getattr(self.backend, "connection_lost", None)  # only the X11 backend has it
        if lost is not None:
            lost.connect(lambda reason: self.ctx.notify("Global hotkeys stopped", reason))
        # canonical combo -> owner (hotkeys.PALETTE or a target name) of what is registered now
        self._registered: dict[str, str] = {}
        self._wanted: dict[str, tuple[str, Callable[[], None]]] = {}
        self._status: dict[str, str] = {}
        self._owners: dict[str, str] = {}
        self._reported: set[tuple[str, str]] = set()
        self._suspended = False
        KeyCaptureEdit.suspend_hook = self.suspend

    # --- palette -------------------------------------------------------------------------

    @property
    def palette(self) -> PaletteWindow:
        if self._palette is None:
            from switcher.gui.palette import PaletteWindow

            self._palette = PaletteWindow(self.controller)
            self.palette_built.emit(self._palette)
        return self._palette

    @property
    def palette_is_built(self) -> bool:
        return self._palette is not None

    def show(self) -> None:
        self.palette.show_palette()

    def _on_palette_hotkey(self) -> None:
        self.palette.toggle()
        activate = getattr(self.backend, "activate_window", None)
        if activate is not None and self.palette.isVisible():
            activate(int(self.palette.winId()))

    # --- hotkeys -------------------------------------------------------------------------

    def apply_settings(self, settings: Settings, targets: Sequence[Target]) -> None:
        specs = hotkeys.owned_hotkeys(settings.palette_hotkey, ((t.name, t.hotkey) for t in targets))
        problems = hotkeys.conflicts(specs)
        wanted: dict[str, tuple[str, Callable[[], None]]] = {}
        status: dict[str, str] = {}
        owners: dict[str, str] = {}
        for owner, spec in specs.items():
            try:
                combo = keyspec.normalise(spec)
            except InputError:
                combo = spec.strip()
            if owner in problems:  # invalid, or a duplicate of an earlier owner's combo
                key = f"{combo} ({owner})" if combo in owners else combo
                owners[key] = owner
                status[key] = problems[owner]
            else:
                owners[combo] = owner
                wanted[combo] = (owner, self._callback_for(owner))
        self._wanted = wanted
        self._owners = owners
        self._status = status
        if not self._suspended:
            self._sync()
        self._report()

    def _callback_for(self, owner: str) -> Callable[[], None]:
        if owner == hotkeys.PALETTE:
            return self._on_palette_hotkey
        return lambda: self.controller.open_console(owner)

    def _sync(self) -> None:
        """Make the backend's grabs match ``_wanted``; record each combo's outcome."""
        for combo, owner in list(self._registered.items()):
            if self._wanted.get(combo, (None,))[0] != owner:
                self.backend.unregister(combo)
                del self._registered[combo]
        for combo, (owner, callback) in self._wanted.items():
            if combo in self._registered:
                self.backend.register(combo, callback)  # same grab, fresh callback
                self._status[combo] = "ok"
                continue
            try:
                self.backend.register(combo, callback)
            except HotkeyError as exc:
                self._status[combo] = str(exc)
            else:
                self._registered[combo] = owner
                self._status[combo] = "ok"

    def _report(self) -> None:
        # notify each distinct failure once, not on every config reload
        if not self.backend.available:
            # one note for the whole platform, not one per combination
            key = ("*", self.backend.unsupported_reason or "")
            if self._wanted and key not in self._reported:
                self._reported.add(key)
                self.ctx.notify("Global hotkeys not available", key[1])
            return
        for combo, state in self._status.items():
            if state == "ok":
                continue
            key = (combo, state)
            if key not in self._reported:
                self._reported.add(key)
                owner = self._owners.get(combo, "")
                # a duplicate's status key is "combo (owner)"; name the owner once
                shown = combo.removesuffix(f" ({owner})")
                self.ctx.notify("Hotkey not available", f"{shown} for {hotkeys.owner_label(owner)}: {state}")

    def suspend(self, on: bool) -> None:
        """Release every grab while a KeyCaptureEdit records a combination."""
        if on == self._suspended:
            return
        self._suspended = on
        if on:
            for combo in list(self._registered):
                self.backend.unregister(combo)
            self._registered.clear()
        else:
            self._sync()
            self._report()

    def status(self) -> dict:
        out = {
            "hotkeys": dict(self._status),
            "hotkey_owners": dict(self._owners),
            "backend": self.backend.name,
            # asking must not build it
            "palette": "visible" if self._palette is not None and self._palette.isVisible() else "hidden",
        }
        if not self.backend.available:
            out["hotkeys_unavailable"] = self.backend.unsupported_reason
        return out

    def close(self) -> None:
        self.backend.close()
        self._registered.clear()
        if KeyCaptureEdit.suspend_hook == self.suspend:
            KeyCaptureEdit.suspend_hook = None


def install(ctx) -> QuickSwitch:
    quick = QuickSwitch(ctx)
    if hasattr(ctx, "app") and ctx.app is not None:
        ctx.app.aboutToQuit.connect(quick.close)
    return quick
