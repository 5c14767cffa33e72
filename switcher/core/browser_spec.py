"""Which browser opens an account's console, as a config string turned into an argv.

Accepted forms (per account, or the global setting):

- ``default`` (or empty): the system default; ``$BROWSER`` is honoured (Python's webbrowser)
- ``chrome``, ``chromium``, ``edge``, ``brave`` with an option:
  ``chrome:profile=Work`` (``--profile-directory``), ``chromium:isolated`` (a per-account
  ``--user-data-dir`` so several accounts stay signed in at once)
- ``firefox`` or ``firefox:container``: the "Open external links in a container" add-on's
  ``ext+container:`` scheme, container named after the account, in its colour
- ``granted-containers``: Granted's Firefox add-on (``ext+granted-containers:``)
- ``cmd:mybrowser --new-window {url}``: any command; ``{url}`` is replaced (appended if absent)

Pure: no Qt, no process started here. The URL is a secret sign-in URL: it goes to the
browser's argv (every browser launcher does this; there is no other channel) and nowhere else.
"""

from __future__ import annotations

import colorsys
import shlex
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from switcher.core.errors import InputError

CHROMIUM_FAMILY = ("chrome", "chromium", "edge", "brave")

# Executable names (Linux PATH), macOS app bundles, Windows install paths.
_LINUX = {
    "chrome": ("google-chrome", "google-chrome-stable", "chrome"),
    "chromium": ("chromium", "chromium-browser"),
    "edge": ("microsoft-edge", "microsoft-edge-stable"),
    "brave": ("brave-browser", "brave"),
    "firefox": ("firefox", "firefox-esr"),
}
_MACOS = {
    "chrome": "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "chromium": "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "edge": "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "brave": "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
    "firefox": "/Applications/Firefox.app/Contents/MacOS/firefox",
}
_WINDOWS = {
    "chrome": r"Google\Chrome\Application\chrome.exe",
    "chromium": r"Chromium\Application\chrome.exe",
    "edge": r"Microsoft\Edge\Application\msedge.exe",
    "brave": r"BraveSoftware\Brave-Browser\Application\brave.exe",
    "firefox": r"Mozilla Firefox\firefox.exe",
}

# Container colours the Firefox add-ons accept, by hue. Matching by hue (not RGB distance)
# keeps the console's pastel presets on the colour a person would name them.
CONTAINER_HUES = {
    "red": 0, "orange": 25, "yellow": 45, "green": 100, "turquoise": 170,
    "blue": 210, "purple": 270, "pink": 320,
}


@dataclass(frozen=True)
class BrowserSpec:
    kind: str  # "default", a CHROMIUM_FAMILY name, "firefox", "granted-containers", "cmd"
    profile: str | None = None
    isolated: bool = False
    container: bool = False
    command: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        if self.kind == "cmd":
            return "cmd:" + shlex.join(self.command)
        if self.profile:
            return f"{self.kind}:profile={self.profile}"
        if self.isolated:
            return f"{self.kind}:isolated"
        if self.container and self.kind == "firefox":
            return "firefox:container"
        return self.kind


def parse(text: str | None) -> BrowserSpec:
    text = (text or "").strip()
    if not text or text == "default":
        return BrowserSpec("default")
    kind, _, option = text.partition(":")
    kind = kind.strip().lower()
    option = option.strip()
    if kind == "cmd":
        try:
            command = tuple(shlex.split(option))
        except ValueError as exc:
            raise InputError(f"browser command {option!r}: {exc}") from None
        if not command:
            raise InputError("browser command is empty; write e.g. cmd:firefox --new-window {url}")
        return BrowserSpec("cmd", command=command)
    if kind in CHROMIUM_FAMILY:
        if not option:
            return BrowserSpec(kind)
        if option == "isolated":
            return BrowserSpec(kind, isolated=True)
        key, eq, value = option.partition("=")
        if key.strip() == "profile" and eq and value.strip():
            return BrowserSpec(kind, profile=value.strip())
        raise InputError(f"browser option {option!r}: use {kind}:profile=NAME or {kind}:isolated")
    if kind == "firefox":
        if option in ("", "container"):
            return BrowserSpec("firefox", container=option == "container")
        raise InputError(f"browser option {option!r}: use firefox or firefox:container")
    if kind == "granted-containers":
        if option:
            raise InputError("granted-containers takes no option")
        return BrowserSpec("granted-containers", container=True)
    raise InputError(
        f"unknown browser {kind!r}: use default, chrome, chromium, edge, brave, firefox, "
        "firefox:container, granted-containers or cmd:COMMAND {url}"
    )


def check(text: str | None) -> str | None:
    """Validate a browser string for the settings editor; returns its normal form or None."""
    spec = parse(text)
    return None if spec.kind == "default" else str(spec)


def nearest_container_color(hex_color: str | None) -> str:
    if not hex_color:
        return "blue"
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, _lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.08:
        return "toolbar"  # grey: the add-ons' neutral colour
    degrees = hue * 360

    def distance(name: str) -> float:
        d = abs(degrees - CONTAINER_HUES[name]) % 360
        return min(d, 360 - d)

    return min(CONTAINER_HUES, key=distance)


def container_url(url: str, *, name: str, color: str | None, scheme: str = "ext+container") -> str:
    # Both add-ons take percent-encoded query-style fields after the scheme.
    fields = {"name": name, "color": nearest_container_color(color), "url": url}
    if scheme == "ext+container":
        fields["icon"] = "fingerprint"
    return scheme + ":" + "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items())


def find_executable(
    kind: str,
    *,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    exists: Callable[[str], bool] = lambda p: Path(p).exists(),
    program_dirs: tuple[str, ...] = (),
) -> str | None:
    if platform == "darwin":
        path = _MACOS.get(kind)
        return path if path and exists(path) else None
    if platform == "win32":
        for base in program_dirs:
            path = str(Path(base) / _WINDOWS[kind]) if kind in _WINDOWS else ""
            if path and exists(path):
                return path
        return which(Path(_WINDOWS.get(kind, "")).name) if kind in _WINDOWS else None
    for name in _LINUX.get(kind, ()):
        path = which(name)
        if path:
            return path
    return None


def argv_for(
    spec: BrowserSpec,
    url: str,
    *,
    account: str,
    color: str | None = None,
    data_dir: Path | None = None,
    find: Callable[[str], str | None] | None = None,
) -> list[str] | None:
    """The command that opens ``url``; None means "use the system default browser"."""
    if spec.kind == "default":
        return None
    if spec.kind == "cmd":
        if any("{url}" in part for part in spec.command):
            return [part.replace("{url}", url) for part in spec.command]
        return [*spec.command, url]
    find = find or find_executable
    exe_kind = "firefox" if spec.kind == "granted-containers" else spec.kind
    exe = find(exe_kind)
    if not exe:
        raise InputError(
            f"browser {exe_kind} is not installed (set for {account}); install it or pick "
            "another browser in Settings"
        )
    if spec.kind in CHROMIUM_FAMILY:
        argv = [exe]
        if spec.profile:
            argv.append(f"--profile-directory={spec.profile}")
        elif spec.isolated:
            if data_dir is None:
                raise InputError("an isolated browser profile needs a data directory")
            argv.append(f"--user-data-dir={data_dir / 'browser-profiles' / spec.kind / account}")
            argv.append("--no-first-run")
        return [*argv, "--new-window", url]
    if spec.kind == "granted-containers":
        return [exe, container_url(url, name=account, color=color, scheme="ext+granted-containers")]
    if spec.container:
        return [exe, container_url(url, name=account, color=color)]
    return [exe, "--new-tab", url]
