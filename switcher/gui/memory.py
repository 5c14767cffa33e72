"""Keep the tray's resident memory near what it really uses (the budgets in README.md's
Performance table: a bare PySide6 tray + 12 MB idle, + 45 MB after the first switch).

Two things hold memory a long-lived tray no longer needs:

- PySide6 installs an import hook that reads the source of every module imported after it
  (``inspect.getsource``, looking for "PySide6" to decide ``__feature__`` handling), and
  ``linecache`` keeps every line of every such file for good: ~4 MB at idle, ~12 MB more
  once botocore is in. Clearing the cache afterwards does not give that back (the freed
  line strings sit scattered among live objects, so pymalloc keeps their pages), so
  ``lean_pyside_import_hook`` answers the same question without filling the cache.
- glibc keeps freed heap in its arenas instead of giving it back to the OS, and gives each
  thread (Qt's X reader, the worker pool, the warm-up) an arena of its own. ``M_ARENA_MAX``
  caps the arenas; ``malloc_trim(0)`` returns free pages once a burst of work is over.
  Elsewhere than glibc these are no-ops.
"""

from __future__ import annotations

import linecache
import sys

M_ARENA_MAX = -8  # glibc malloc.h
ARENAS = 2  # the main thread's and one shared by every other thread

_libc: list = []  # [CDLL or None], looked up once


def _glibc():
    if not _libc:
        lib = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                lib = ctypes.CDLL("libc.so.6")
                if not (hasattr(lib, "malloc_trim") and hasattr(lib, "mallopt")):
                    lib = None  # not glibc (musl): nothing to tune
            except OSError:
                lib = None
        _libc.append(lib)
    return _libc[0]


def lean_pyside_import_hook() -> None:
    """Call right after PySide6 is imported: its per-import check, minus ``linecache``.

    Same answer as PySide's own ``_mod_uses_pyside`` (does the module's source mention
    PySide6?), from the module's loader instead of ``inspect.getsource``. A PySide6
    without that function is left alone.
    """
    feature = sys.modules.get("PySide6.support.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "_switcher_lean", False):
        return

    def uses_pyside(module) -> bool:
        spec = getattr(module, "__spec__", None)
        loader = getattr(spec, "loader", None) or getattr(module, "__loader__", None)
        get_source = getattr(loader, "get_source", None)
        if get_source is None:
            return original(module)
        try:
            source = get_source(spec.name if spec is not None else module.__name__)
        except Exception:  # noqa: BLE001 - same outcome as PySide's own check on errors
            return False
        return bool(source) and "PySide6" in source

    uses_pyside._switcher_lean = True
    feature._mod_uses_pyside = uses_pyside


def limit_arenas() -> None:
    """Call before any thread starts: threads created later share ``ARENAS`` arenas."""
    lib = _glibc()
    if lib is not None:
        lib.mallopt(M_ARENA_MAX, ARENAS)


def release() -> None:
    """Drop cached source lines and hand free heap back to the OS.

    Cheap (~1 ms) and safe from any thread; call after bursts of work: startup, the
    background warm-up, a switch. No ``gc.collect()`` here: it could finalise Qt wrappers
    on a worker thread, and the collector runs on its own anyway.
    """
    linecache.clearcache()
    lib = _glibc()
    if lib is not None:
        lib.malloc_trim(0)
