"""Render the app icon (resources/switcher.svg) to the PNG sizes desktops and installers use.

    python packaging/render_icons.py OUT_DIR [--ico] [--icns]

writes OUT_DIR/hicolor/<N>x<N>/apps/switcher.png for every size in SIZES (the freedesktop
icon theme layout the .deb installs under /usr/share/icons), plus OUT_DIR/switcher.ico
(Windows, 16-256 px) and OUT_DIR/switcher.icns (macOS) when asked; those two need Pillow
(the `dist` extra).

The PNGs are drawn by QtSvg's QSvgRenderer, the renderer the tray itself uses for the
SVG, so the installed icons look like the running one. They are built, not committed: the
SVG stays the only source, and a changed SVG cannot leave stale PNGs behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "switcher.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry holds


def png_path(out: Path, size: int) -> Path:
    return out / "hicolor" / f"{size}x{size}" / "apps" / "switcher.png"


def render_pngs(out: Path, svg: Path = SVG) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed at build time
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (kept alive)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = png_path(out, size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"render_icons: could not write {target}")
        written.append(target)
    return written


def write_ico(out: Path) -> Path:
    from PIL import Image

    target = out / "switcher.ico"
    with Image.open(png_path(out, 256)) as big:
        big.save(target, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return target


def write_icns(out: Path) -> Path:
    from PIL import Image

    target = out / "switcher.icns"
    with Image.open(png_path(out, 512)) as big:
        big.save(target, format="ICNS")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--ico", action="store_true", help="also write switcher.ico (Pillow)")
    parser.add_argument("--icns", action="store_true", help="also write switcher.icns (Pillow)")
    args = parser.parse_args(argv)
    written = render_pngs(args.out)
    if args.ico:
        written.append(write_ico(args.out))
    if args.icns:
        written.append(write_icns(args.out))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
