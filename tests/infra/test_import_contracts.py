"""The import-linter contracts in pyproject.toml are only as good as their coverage: a
layers contract says nothing about a module it does not name. These tests make sure
every module of a layered container is named, and that a cycle really fails lint-imports.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> list[dict]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["importlinter"]["contracts"]


def _children(package: str) -> set[str]:
    """Direct sub-modules and sub-packages of ``package`` (dotted), from the source tree."""
    folder = ROOT.joinpath(*package.split("."))
    names = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in folder.iterdir() if (p / "__init__.py").exists()}
    return names


def _layer_names(layers: list[str]) -> set[str]:
    return {name.strip().strip("()") for layer in layers for name in layer.replace(":", "|").split("|")}


@pytest.mark.parametrize("contract", [c for c in _contracts() if c["type"] == "layers"],
                         ids=lambda c: c["name"])
def test_every_module_of_a_layered_container_is_in_a_layer(contract):
    named = _layer_names(contract["layers"])
    for container in contract["containers"]:
        missing = _children(container) - named
        assert not missing, f"{container}: add {sorted(missing)} to a layer of {contract['name']!r}"


def test_a_cycle_in_the_gui_fails_lint_imports(tmp_path):
    # A copy of the package with one upward import added (icons -> tray_app closes the
    # loop tray_app -> tray -> icons): the real tree must stay untouched.
    shutil.copytree(ROOT / "switcher", tmp_path / "switcher",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    icons = tmp_path / "switcher" / "gui" / "icons.py"
    icons.write_text(icons.read_text(encoding="utf-8") + "\nfrom switcher.gui import tray_app  # noqa\n",
                     encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    run = lambda: subprocess.run(  # noqa: E731
        [str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    broken = run()
    assert broken.returncode != 0, broken.stdout
    assert "gui layers (no cycles) BROKEN" in broken.stdout
    assert "switcher.gui.icons -> switcher.gui.tray_app" in broken.stdout

    icons.write_text(icons.read_text(encoding="utf-8").replace(
        "\nfrom switcher.gui import tray_app  # noqa\n", "\n"), encoding="utf-8")
    clean = run()
    assert clean.returncode == 0, clean.stdout  # the copy itself was fine: the cycle broke it
