"""Switcher: switch AWS roles from the tray, a hotkey palette or the command line."""
