"""Fixtures live in tests/fixtures, one module per real part they start."""

pytest_plugins = [
    "tests.fixtures.tools",
    "tests.fixtures.aws",
    "tests.fixtures.keyring",
    "tests.fixtures.desktop",
    "tests.fixtures.wayland",
]
