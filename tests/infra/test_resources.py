"""resources/: the one copy of the icons, the desktop entry and the metainfo, valid by the
freedesktop tools themselves, found from the checkout, and rendered to PNG by the script
the packages are built with."""

from __future__ import annotations

import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from switcher import resources
from switcher.core import autostart
from tests.fixtures.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
METAINFO = RESOURCES / "io.github.switcher.metainfo.xml"


def _validate_desktop(path: Path) -> str:
    tool = require_tool("desktop-file-validate")["desktop-file-validate"]
    done = subprocess.run([tool, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_the_desktop_entry_is_valid_without_even_a_hint():
    assert _validate_desktop(RESOURCES / "switcher.desktop") == ""


def test_the_autostart_entry_is_the_desktop_entry_started_as_this_switcher(tmp_path):
    plan = autostart.plan("linux", argv=["/opt/switcher/switcher", "tray"],
                          env={"XDG_CONFIG_HOME": str(tmp_path)}, home=tmp_path)
    entry = tmp_path / "switcher.desktop"
    entry.write_text(plan.content)
    assert _validate_desktop(entry) == ""
    shipped = (RESOURCES / "switcher.desktop").read_text().splitlines()
    lines = plan.content.splitlines()
    assert "Exec=/opt/switcher/switcher tray" in lines
    assert [x for x in lines if not x.startswith(("Exec=", "X-GNOME-"))] == [
        x for x in shipped if not x.startswith("Exec=")]


def test_the_metainfo_is_valid_and_names_this_release():
    tool = require_tool("appstreamcli")["appstreamcli"]
    done = subprocess.run([tool, "validate", "--no-net", "--pedantic", str(METAINFO)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    root = ET.parse(METAINFO).getroot()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert root.find("releases/release").get("version") == version  # the newest comes first
    assert root.find("launchable").text == "switcher.desktop"
    assert root.find("id").text == autostart.APP_ID


def test_a_checkout_reads_the_top_level_folder():
    assert resources.FOLDER == RESOURCES
    for name in ("switcher.svg", "switcher-busy.svg", "switcher-sandbox.svg",
                 "switcher.desktop", METAINFO.name):
        assert Path(resources.path(name)) == RESOURCES / name
    # the data lives once: nothing but the lookup code in the package folder
    package = ROOT / "switcher" / "resources"
    assert sorted(p.name for p in package.iterdir() if p.name != "__pycache__") == ["__init__.py"]


def test_a_built_package_reads_the_copy_beside_it(tmp_path):
    """What setup.py puts in the wheel: the files beside the module, no checkout around."""
    lib = tmp_path / "lib"
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)],
                   cwd=ROOT, check=True, capture_output=True)
    copied = sorted(p.name for p in (lib / "switcher" / "resources").iterdir())
    assert copied == sorted(["__init__.py", *(p.name for p in RESOURCES.iterdir())])
    probe = ("import switcher.resources as r; print(r.FOLDER); print(r.path('switcher.svg'))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(lib)}).stdout.split()
    assert out == [str(lib / "switcher" / "resources"),
                   str(lib / "switcher" / "resources" / "switcher.svg")]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_render_icons_draws_every_size_from_the_svg(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "render_icons.py"),
                           str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sizes = (16, 22, 24, 32, 48, 64, 128, 256, 512)
    for size in sizes:
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "switcher.png"
        assert _png_size(png) == (size, size)
    # drawn, not blank: the badge's orange fills the middle of the largest one
    big = (tmp_path / "hicolor" / "512x512" / "apps" / "switcher.png").stat().st_size
    assert big > 5000
    assert len(done.stdout.split()) == len(sizes)
