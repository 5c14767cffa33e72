"""Browser per account: parsing the config string and the argv each kind gets (pure)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switcher.core import browser_spec as bs
from switcher.core.errors import InputError

URL = "https://127.0.0.1:9/federation?Action=login&SigninToken=t0k&Destination=x%3Fy"


def find(kind):
    return {"chrome": "/usr/bin/google-chrome", "chromium": "/usr/bin/chromium",
            "brave": "/usr/bin/brave-browser", "edge": "/usr/bin/microsoft-edge",
            "firefox": "/usr/bin/firefox"}.get(kind)


def argv(text, **kw):
    kw.setdefault("account", "acme-prod")
    kw.setdefault("color", "F2B0A9")
    kw.setdefault("data_dir", Path("/data"))
    return bs.argv_for(bs.parse(text), URL, find=find, **kw)


def test_default_uses_the_system_browser():
    assert argv(None) is None and argv("") is None and argv("default") is None


def test_chromium_family_with_profile_or_isolated():
    assert argv("chrome:profile=Work") == [
        "/usr/bin/google-chrome", "--profile-directory=Work", "--new-window", URL]
    assert argv("chromium:isolated") == [
        "/usr/bin/chromium", "--user-data-dir=/data/browser-profiles/chromium/acme-prod",
        "--no-first-run", "--new-window", URL]
    assert argv("brave") == ["/usr/bin/brave-browser", "--new-window", URL]
    assert argv("edge:profile=Profile 2")[1] == "--profile-directory=Profile 2"


def _container_fields(arg: str, scheme: str) -> dict:
    assert arg.startswith(scheme + ":")
    return dict(parse_qsl(arg[len(scheme) + 1:]))


def test_firefox_containers_named_after_the_account_in_its_colour():
    exe, arg = argv("firefox:container")
    assert exe == "/usr/bin/firefox"
    fields = _container_fields(arg, "ext+container")
    assert fields["name"] == "acme-prod" and fields["color"] == "red" and fields["url"] == URL
    exe, arg = argv("granted-containers", color="99BCE3")
    fields = _container_fields(arg, "ext+granted-containers")
    assert fields == {"name": "acme-prod", "color": "blue", "url": URL}
    assert argv("firefox") == ["/usr/bin/firefox", "--new-tab", URL]


@pytest.mark.parametrize(("hex_", "name"), [
    ("F2B0A9", "red"), ("FBBF93", "orange"), ("FAD791", "yellow"), ("B7CA9D", "green"),
    ("99BCE3", "blue"), ("808080", "toolbar"), (None, "blue"),
])
def test_console_presets_map_to_the_container_colour_of_the_same_name(hex_, name):
    assert bs.nearest_container_color(hex_) == name


def test_custom_command_template():
    assert argv("cmd:mybrowser --new-window {url}") == ["mybrowser", "--new-window", URL]
    assert argv("cmd:'/opt/My Browser/run'") == ["/opt/My Browser/run", URL]


def test_missing_browser_is_a_clear_error_without_the_url():
    with pytest.raises(InputError) as exc:
        bs.argv_for(bs.parse("brave"), URL, account="acme-prod", find=lambda k: None)
    assert "brave is not installed" in str(exc.value) and "SigninToken" not in str(exc.value)


@pytest.mark.parametrize("bad", ["netscape", "chrome:profile=", "chrome:incognito",
                                 "firefox:tabs", "cmd:", "cmd:'unclosed", "granted-containers:x"])
def test_bad_specs_are_rejected(bad):
    with pytest.raises(InputError):
        bs.parse(bad)


@given(st.sampled_from(["chrome", "chromium", "edge", "brave"]),
       st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(
           lambda s: s.strip() == s and s))
def test_profile_round_trip(kind, profile):
    spec = bs.parse(f"{kind}:profile={profile}")
    assert spec.profile == profile and bs.parse(str(spec)) == spec


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1),
                min_size=1, max_size=4))
def test_cmd_round_trip(words):
    spec = bs.parse("cmd:" + " ".join(__import__("shlex").quote(w) for w in words))
    assert list(spec.command) == words and bs.parse(str(spec)) == spec


def test_executables_per_platform():
    assert bs.find_executable("chrome", platform="linux", which=lambda n: f"/bin/{n}" if n == "google-chrome-stable" else None) == "/bin/google-chrome-stable"
    mac = bs.find_executable("firefox", platform="darwin", exists=lambda p: True)
    assert mac == "/Applications/Firefox.app/Contents/MacOS/firefox"
    win = bs.find_executable("edge", platform="win32", exists=lambda p: p.startswith("C:"),
                             program_dirs=("D:\\Programs", "C:\\Program Files (x86)"))
    assert win.endswith("msedge.exe") and win.startswith("C:")
