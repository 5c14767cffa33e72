"""The quick-switch palette: search field + ranked list of targets (model/view, no widget
per row), driven only through the GUI ``Controller``."""

from .window import PaletteWindow

__all__ = ["PaletteWindow"]
