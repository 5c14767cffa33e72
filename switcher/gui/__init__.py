"""Qt front end: the tray, the palette, Settings, prompts and hotkey backends. Qt comes in
only through ``switcher.gui.qt``; AWS only through ``switcher.core``."""
