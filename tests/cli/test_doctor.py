"""``switcher doctor`` in-process: every line a bug report needs, the exit code telling
whether something is broken, and no secrets."""

from __future__ import annotations

import pytest

from switcher.core.partitions import PARTITIONS


def _lines(out: str) -> dict[str, str]:
    """label -> value; labels are padded to 22 columns."""
    return {line[:22].strip(): line[23:] for line in out.splitlines() if line[:22].strip()}


def test_a_fresh_install(cli):
    code, out, err = cli("doctor")
    assert (code, err) == (0, "")
    lines = _lines(out)
    assert lines["config"] == f"{cli.config_path} (not created yet)"
    assert "config mode" not in lines
    assert lines["aws config"] == f"{cli.aws_config} (0 role profiles)"
    assert lines["keyring"] == "tests.fixtures.keyring.MemoryKeyring"
    assert lines["sts endpoint"] == "AWS default (regional per partition)"
    assert lines["browser"] == "system default (xdg-open)"
    for partition in PARTITIONS.values():
        assert lines[f"partition {partition.name}"] == (
            f"sign-in {partition.signin_host}, federation {partition.federation_url}")


def test_counts_sources_and_settings(cli):
    cli.aws_config.write_text("[profile base]\nregion = us-east-1\n\n[profile legacy]\n"
                              "role_arn = arn:aws:iam::555555555555:role/Admin\n"
                              "source_profile = base\n")
    cli.ok("keys", "add", "ci", stdin="AKIAEXAMPLEEXAMPLE00\nsecretsecretsecret\n")
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--role", "RO")
    cli.ok("add", "dev", "--account", "210987654321", "--role", "Ops")
    code, out, _ = cli("doctor", env={"BROWSER": "firefox"})
    assert code == 0
    lines = _lines(out)
    assert lines["config"] == f"{cli.config_path} (2 accounts, 3 roles)"
    assert lines["config mode"] == "600"
    assert lines["aws config"].endswith("(1 role profiles)")
    assert lines["keyring sources"] == "ci"
    assert lines["browser"] == "$BROWSER=firefox"
    assert "secretsecretsecret" not in out and "AKIAEXAMPLEEXAMPLE00" not in out


def test_the_endpoints_in_use(aws_cli, aws_stack):
    code, out, _ = aws_cli("doctor")
    assert code == 0
    lines = _lines(out)
    assert lines["sts endpoint"] == aws_stack.sts_url
    for partition in PARTITIONS.values():
        assert lines[f"partition {partition.name}"].endswith(
            f"federation {aws_stack.federation_url}")


def test_a_config_readable_by_others_is_flagged(cli):
    cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin")
    cli.config_path.chmod(0o644)
    code, out, _ = cli("doctor")
    assert code == 0
    assert _lines(out)["config mode"] == "644  (expected 600)"


@pytest.mark.parametrize("broken", ["config", "aws config"])
def test_a_broken_file_is_reported_and_exit_1(cli, broken):
    if broken == "config":
        cli.config_dir.mkdir()
        cli.config_path.write_text("version = 1\n[[accounts]\n")
    else:
        cli.aws_config.write_text("[profile x\nrole_arn = y\n")
    code, out, err = cli("doctor")
    assert code == 1 and err == ""
    lines = _lines(out)
    assert lines[broken].startswith(
        f"{cli.config_path} (BROKEN: " if broken == "config" else "BROKEN: ")
    assert "keyring" in lines  # the rest of the report is still there


def test_no_usable_keyring_is_exit_1(cli):
    from keyring.backends import fail

    from switcher.core.secrets import keystore
    from tests.fixtures.keyring import installed_keyring

    with installed_keyring(fail.Keyring()):
        keystore.reset()
        code, out, _ = cli("doctor")
    keystore.reset()
    assert code == 1
    assert _lines(out)["keyring"] == (
        "none  (no usable keyring: nothing is cached, keyring sources unavailable)")
