"""Switcher: switch AWS roles from the tray, a hotkey palette or the command line."""

# Kept equal to pyproject.toml's version (tests/cli/test_main.py checks): the fallback of
# `switcher --version` when the package runs from a source tree without its metadata.
__version__ = "0.1.0"
