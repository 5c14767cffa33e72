"""The command-line parser: building one command's parser must accept what the full one does."""

import pytest

from switcher.cli import parser as cli


def _choices(parser):
    return next(a for a in parser._actions if a.dest == "command").choices


def test_every_command_is_known_to_the_fast_path():
    assert set(_choices(cli.build_parser())) == cli.COMMANDS


@pytest.mark.parametrize("argv", [
    ["creds", "dev/Admin", "--format", "json"],
    ["--sandbox", "login", "dev/Admin", "--stdout", "--region", "eu-west-1"],
    ["import", "esr", "-"],
    ["keys", "add", "work"],
    ["add", "prod", "--account", "123456789012", "--role", "A", "--role", "B"],
    ["exec", "dev/Admin", "--mfa-code", "123456"],
])
def test_one_command_parser_parses_like_the_full_one(argv):
    command = next(a for a in argv if not a.startswith("-"))
    assert vars(cli.build_parser(command).parse_args(argv)) == vars(cli.build_parser().parse_args(argv))


def test_only_the_named_command_is_built():
    assert set(_choices(cli.build_parser("creds"))) == {"creds"}
