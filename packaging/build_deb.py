"""Build a .deb from the Linux bundle (dist/switcher, made by packaging/switcher.spec).

    python packaging/build_deb.py [--bundle dist/switcher] [--icons build/icons] [--out dist]

Layout: the bundle in /opt/switcher, /usr/bin/switcher a symlink to it (the PyInstaller
bootloader finds its files through /proc/self/exe, so a symlink works), the desktop entry,
the hicolor icons (packaging/render_icons.py), the AppStream metainfo, and the shell
completions in packaging/completions/ when there are any. Depends: the packages that hold
the libraries the bundle links to but does not carry (libc, GL...), asked of dpkg.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
APP_ID = "io.github.switcher"
# where each shell looks for completions installed by packages (Debian's own paths)
COMPLETIONS = {
    "switcher.bash": "usr/share/bash-completion/completions/switcher",
    "switcher.fish": "usr/share/fish/vendor_completions.d/switcher.fish",
    "_switcher": "usr/share/zsh/vendor-completions/_switcher",
}


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _needed(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.MULTILINE)


def _is_elf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def depends(bundle: Path) -> list[str]:
    """The Debian packages of the libraries the bundle needs from the system."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p)]
    carried = {p.name for p in bundle.rglob("*")}
    wanted = sorted({n for f in files for n in _needed(f)} - carried)
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    paths = []
    for name in wanted:
        found = re.search(rf"^\s*{re.escape(name)} .*=> (\S+)", cache, re.M)
        if found:  # else a plugin's optional dependency (Vulkan, ...): Qt skips the plugin
            # dpkg knows a file by the path its package installed: /lib/... for some
            # (libdbus-1-3), /usr/lib/... for others, while /lib is a link to usr/lib
            paths += {found.group(1), os.path.realpath(found.group(1))}
    if not paths:
        return []
    owners = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout
    return sorted({line.split(":")[0] for line in owners.splitlines() if ": " in line})


def stage(bundle: Path, icons: Path, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / "opt" / "switcher", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "switcher").symlink_to("/opt/switcher/switcher")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(RESOURCES / "switcher.desktop", apps / "switcher.desktop")
    metainfo = root / "usr" / "share" / "metainfo"
    metainfo.mkdir(parents=True)
    shutil.copy(RESOURCES / f"{APP_ID}.metainfo.xml", metainfo)
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    pngs = sorted((icons / "hicolor").glob("*/apps/switcher.png"))
    if not pngs:
        raise SystemExit(f"build_deb: no icons in {icons}/hicolor: run packaging/render_icons.py")
    for png in pngs:
        target = hicolor / png.relative_to(icons / "hicolor")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, target)
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copy(RESOURCES / "switcher.svg", hicolor / "scalable" / "apps" / "switcher.svg")
    for name, dest in COMPLETIONS.items():
        source = ROOT / "packaging" / "completions" / name
        if source.is_file():  # `switcher completion`'s output, kept current by tests/cli/test_completion.py
            (root / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / dest)


def control(root: Path, bundle: Path) -> str:
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    size_kb = sum(p.lstat().st_size for p in root.rglob("*")) // 1024
    return (
        "Package: switcher\n"
        f"Version: {version()}\n"
        f"Architecture: {arch}\n"
        "Maintainer: Switcher developers <switcher@users.noreply.github.com>\n"
        f"Installed-Size: {size_kb}\n"
        f"Depends: {', '.join(depends(bundle))}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Homepage: https://github.com/switcher/switcher\n"
        "Description: switch AWS accounts and roles from the tray\n"
        " A tray app, a hotkey palette and a command line for people who work across\n"
        " many AWS accounts: assume a role, open its console, copy its credentials.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "switcher")
    parser.add_argument("--icons", type=Path, default=ROOT / "build" / "icons")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    if not (args.bundle / "switcher").is_file():
        sys.stderr.write(f"build_deb: no bundle at {args.bundle}: run pyinstaller first\n")
        return 2
    root = args.work / "root"
    stage(args.bundle, args.icons, root)
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control(root, args.bundle))
    args.out.mkdir(parents=True, exist_ok=True)
    arch = (root / "DEBIAN" / "control").read_text().split("Architecture: ")[1].split()[0]
    deb = args.out / f"switcher_{version()}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
