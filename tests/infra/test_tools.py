"""require_tool: skip on a laptop, fail under CI=true, hand back paths when present."""

import os

import pytest

from tests.fixtures.tools import require_tool

ABSENT = "switcher-no-such-tool-xyz"


def test_present_tool_returns_absolute_path():
    paths = require_tool("sh")
    assert os.path.isabs(paths["sh"]) and os.access(paths["sh"], os.X_OK)


def test_missing_tool_skips_with_its_name(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=ABSENT):
        require_tool("sh", ABSENT)


def test_missing_tool_names_the_debian_package(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.skip.Exception, match=r"trayer \(apt: trayer\)"):
        require_tool("trayer")


def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=ABSENT):
        require_tool(ABSENT)


def test_ci_must_be_exactly_true(monkeypatch):
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.skip.Exception):
        require_tool(ABSENT)
