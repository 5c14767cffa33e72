"""Qt front end. Talks to AWS only through switcher.core."""

from . import refcount_guard

# Before any signal is emitted: see refcount_guard for the PySide6 bug this avoids.
refcount_guard.apply()
