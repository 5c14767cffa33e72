"""Start at login: what each OS would get, and the Linux entry really written/removed."""

from __future__ import annotations

import configparser
import plistlib

from switcher.core import autostart

ARGV = ["/opt/my apps/switcher", "tray"]


def test_linux_xdg_autostart_entry(tmp_path):
    plan = autostart.plan("linux", argv=ARGV, env={"XDG_CONFIG_HOME": str(tmp_path)}, home=tmp_path)
    assert plan.path == tmp_path / "autostart" / "switcher.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(plan.content)
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"] == '"/opt/my apps/switcher" tray'
    assert autostart.is_enabled(plan) is False
    autostart.apply(True, plan)
    assert plan.path.read_text() == plan.content and autostart.is_enabled(plan)
    autostart.apply(False, plan)
    assert not plan.path.exists()
    autostart.apply(False, plan)  # removing twice is fine


def test_linux_default_is_home_config(tmp_path):
    plan = autostart.plan("linux", argv=ARGV, env={}, home=tmp_path)
    assert plan.path == tmp_path / ".config" / "autostart" / "switcher.desktop"


def test_desktop_exec_escapes_specials():
    plan = autostart.plan("linux", argv=["/x/$HOME`a\"b", "--p=50%"], env={}, home=None)
    assert 'Exec="/x/\\$HOME\\`a\\"b" "--p=50%%"' in plan.content


def test_macos_launch_agent_plist(tmp_path):
    plan = autostart.plan("darwin", argv=ARGV, home=tmp_path)
    assert plan.path == tmp_path / "Library" / "LaunchAgents" / "io.github.switcher.plist"
    data = plistlib.loads(plan.content.encode())
    assert data == {"Label": "io.github.switcher", "ProgramArguments": ARGV, "RunAtLoad": True,
                    "KeepAlive": False, "ProcessType": "Interactive"}


def test_windows_run_key():
    plan = autostart.plan("win32", argv=["C:\\Program Files\\Switcher\\switcher.exe", "tray"])
    assert plan.kind == "registry-run"
    assert plan.location == r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"
    assert plan.name == "Switcher"
    assert plan.content == '"C:\\Program Files\\Switcher\\switcher.exe" tray'


def test_default_command_is_the_installed_script():
    argv = autostart.command()
    assert argv[-1] == "tray"
