"""Icons and the desktop entry, shipped inside the package."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def path(name: str) -> str:
    """The file ``name`` of this folder, as a path Qt can open."""
    found = _HERE / name
    if found.exists():
        return str(found)
    from importlib import resources  # zipped installs have no real directory

    return str(resources.files(__name__).joinpath(name))
