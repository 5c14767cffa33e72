"""The tests mirror the package, like qutebrowser's check_coverage: a unit test file says
by its path which code it is about, so that code's tests are found in one place.

``tests/<pkg...>/test_<name>.py`` must name

- the module ``switcher/<pkg...>/<name>.py``, or
- the package ``switcher/<pkg...>`` itself, when ``<name>`` is its last name
  (``tests/sandbox/test_sandbox.py``), or
- a sub-package ``switcher/<pkg...>/<name>/``, which is a module of ``<pkg...>`` too
  (``tests/gui/test_palette.py`` for ``switcher/gui/palette/``), or
- one aspect of either: ``test_<module>_<aspect>.py`` (``tests/core/test_config_store.py``
  for ``switcher/core/config.py``).

``tests/e2e`` (the installed program as a whole), ``tests/infra`` (the tooling) and
``tests/fixtures`` are not about one module and are left out. Helper modules that are not
``test_*.py`` (conftest, fakes, strategies) are not checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXEMPT = ("e2e", "infra", "fixtures")


def _is_package(path: Path) -> bool:
    return (path / "__init__.py").is_file()


def problem(test_file: Path, tests_root: Path, package_root: Path) -> str | None:
    """Why ``test_file`` does not mirror the package, or None when it does."""
    rel = test_file.relative_to(tests_root)
    pkg, name = rel.parts[:-1], rel.stem.removeprefix("test_")
    where = package_root.joinpath(*pkg)
    dotted = ".".join((package_root.name, *pkg))
    if pkg and not _is_package(where):
        return f"there is no package {dotted} ({where.relative_to(package_root.parent)}/)"
    parts = name.split("_")
    # every prefix of the name, longest first: test_creds_text.py is creds_text, not creds
    for n in range(len(parts), 0, -1):
        module = "_".join(parts[:n])
        if module != "__init__" and ((where / f"{module}.py").is_file()
                                     or _is_package(where / module)):
            return None
        if pkg and module == pkg[-1]:
            return None
    modules = sorted([p.stem for p in where.glob("*.py") if p.stem != "__init__"]
                     + [p.name for p in where.iterdir() if _is_package(p)])
    return (f"names no module of {dotted}: expected {dotted}.{name} or "
            f"test_<module>_<aspect>.py with <module> one of {', '.join(modules) or 'none'}"
            + (f" or {pkg[-1]}" if pkg else ""))


def offenders(tests_root: Path, package_root: Path) -> list[str]:
    found = []
    for test_file in sorted(tests_root.rglob("test_*.py")):
        rel = test_file.relative_to(tests_root)
        if rel.parts[0] in EXEMPT or "__pycache__" in rel.parts:
            continue
        why = problem(test_file, tests_root, package_root)
        if why:
            found.append(f"{tests_root.name}/{rel.as_posix()}: {why}")
    return found


def test_unit_tests_mirror_the_package():
    bad = offenders(ROOT / "tests", ROOT / "switcher")
    assert not bad, "test files that do not mirror switcher/:\n  " + "\n  ".join(bad)


# -- the rule itself, on a made-up tree ----------------------------------------------


@pytest.fixture
def tree(tmp_path):
    package = tmp_path / "switcher"
    for path in ("__init__.py", "ipc.py", "core/__init__.py", "core/config.py",
                 "core/creds_text.py", "core/aws/__init__.py", "core/aws/sts.py",
                 "sandbox/__init__.py", "sandbox/seed.py", "resources/data.txt"):
        (package / path).parent.mkdir(parents=True, exist_ok=True)
        (package / path).write_text("")
    tests = tmp_path / "tests"
    tests.mkdir()

    def check(*files: str) -> list[str]:
        for name in files:
            (tests / name).parent.mkdir(parents=True, exist_ok=True)
            (tests / name).write_text("")
        return offenders(tests, package)

    return check


@pytest.mark.parametrize("path", [
    "core/test_config.py",
    "core/test_config_store.py",
    "core/test_creds_text.py",
    "core/test_creds_text_quoting.py",
    "core/aws/test_sts.py",
    "core/test_core.py",
    "core/aws/test_aws_partitions.py",
    "core/test_aws.py",
    "core/test_aws_retries.py",
    "sandbox/test_sandbox.py",
    "sandbox/test_seed_demo.py",
    "test_ipc.py",
    "test_ipc_protocol.py",
    "e2e/test_anything.py",
    "infra/test_anything.py",
    "fixtures/test_anything.py",
    "core/conftest.py",
    "core/strategies.py",
])
def test_files_that_mirror_the_package(tree, path):
    assert tree(path) == []


@pytest.mark.parametrize("path,why", [
    ("core/test_nothing.py", "names no module of switcher.core: expected switcher.core.nothing"),
    ("core/test_creds.py", "expected switcher.core.creds or"),
    ("core/test_sts.py", "names no module of switcher.core"),
    ("core/aws/test_config.py", "names no module of switcher.core.aws"),
    ("gui/test_tray.py", "there is no package switcher.gui (switcher/gui/)"),
    ("resources/test_data.py", "there is no package switcher.resources"),
    ("test_main.py", "names no module of switcher: expected switcher.main"),
    ("test_switcher_misc.py", "names no module of switcher"),
])
def test_files_that_do_not(tree, path, why):
    (message,) = tree(path)
    assert message.startswith(f"tests/{path}: ") and why in message, message


def test_every_offender_is_listed(tree):
    bad = tree("core/test_a.py", "core/test_config.py", "core/test_b.py", "gui/test_c.py")
    assert [line.split(":")[0] for line in bad] == [
        "tests/core/test_a.py", "tests/core/test_b.py", "tests/gui/test_c.py"]
    assert "one of aws, config, creds_text or core" in bad[0]
