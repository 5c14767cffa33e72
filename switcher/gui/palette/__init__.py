"""The quick-switch palette: search field + ranked list of targets (model/view, no widget
per row), driven only through the GUI ``Controller``."""

from switcher.gui.palette.window import PaletteWindow

__all__ = ["PaletteWindow"]
