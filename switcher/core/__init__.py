"""Pure-Python engine. Never imports Qt (import-linter enforces it)."""
