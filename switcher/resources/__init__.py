"""Icons, the desktop entry and the metainfo: one copy, in the repository's resources/.

A wheel and the frozen bundle carry the files beside this module (setup.py and
packaging/switcher.spec copy them here at build time); a clone, and the editable install
that imports from it, have no copy here and read the repository's resources/ itself.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parents[1]


def _folder() -> Path:
    if (_HERE / "switcher.svg").exists():
        return _HERE
    # Only a checkout (pyproject.toml beside it): site-packages/resources is someone else's.
    if (_CHECKOUT / "pyproject.toml").exists() and (_CHECKOUT / "resources").is_dir():
        return _CHECKOUT / "resources"
    return _HERE


FOLDER = _folder()


def path(name: str) -> str:
    """The file ``name`` of the resources, as a path Qt can open."""
    found = FOLDER / name
    if found.exists():
        return str(found)
    from importlib import resources  # zipped installs have no real directory

    return str(resources.files(__name__).joinpath(name))


def text(name: str) -> str:
    return Path(path(name)).read_text(encoding="utf-8")
