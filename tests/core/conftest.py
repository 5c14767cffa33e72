"""Fixtures shared by the core unit tests."""

from __future__ import annotations

import pytest

from switcher.core.secrets import keystore


@pytest.fixture
def kr(memory_keyring):
    """An in-memory keyring that the core really uses: the keystore remembers the backend
    it found, so it is reset before the test and again after it."""
    keystore.reset()
    yield memory_keyring
    keystore.reset()
