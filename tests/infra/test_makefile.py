"""`make pytest`: no tests is a failure, and the run cannot see the developer's desktop."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
STAMP = ".venv/.installed-dev"


def _make_pytest(tmp_path, *args, env_extra=None):
    require_tool("make")
    env = {**os.environ, **(env_extra or {})}
    env.pop("MAKEFLAGS", None)
    pytest_args = " ".join(["-p no:cacheprovider", f"--rootdir={tmp_path}", *map(str, args)])
    # -o: never (re)install the venv from inside a test run; it is the one running us.
    return subprocess.run(["make", "-s", "-o", STAMP, "pytest", f"PYTEST_ARGS={pytest_args}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(autouse=True)
def _need_the_venv():
    if not (ROOT / "Makefile").exists() or not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("needs the repository checkout with its .venv")


def test_no_tests_collected_fails(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _make_pytest(tmp_path, empty)
    assert result.returncode != 0
    assert "make test: pytest collected no tests" in result.stderr


def test_run_hides_display_and_bus_and_shows_the_summary(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os\n"
        "def test_no_desktop():\n"
        "    for name in ('DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS'):\n"
        "        assert name not in os.environ, name\n"
    )
    leaked = {"DISPLAY": ":999", "WAYLAND_DISPLAY": "wayland-9",
              "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    result = _make_pytest(tmp_path, probe, env_extra=leaked)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout.splitlines()[-1]


def test_a_failing_test_fails_make(tmp_path):
    probe = tmp_path / "test_fails.py"
    probe.write_text("def test_fails():\n    assert False\n")
    result = _make_pytest(tmp_path, probe)
    assert result.returncode != 0
    assert "1 failed" in result.stdout
