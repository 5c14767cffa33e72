"""``switcher.cli.main``'s own contract: usage errors, error lines and exit codes, the
``exec ... --`` split and the guard against switcher calling itself forever."""

from __future__ import annotations

import os

import pytest

from switcher.cli import links, session
from switcher.cli.main import MAX_CALL_DEPTH, main
from switcher.core.errors import AwsError, InputError, NoTrayError

SECRET = "AKIAEXAMPLEEXAMPLE00 wJalrXUtnFEMI/K7MDENG"


@pytest.fixture
def handler(monkeypatch):
    """Replace the ``links.link`` handler with ``fn``; returns the args it was called with."""
    calls = []

    def install(fn=lambda args: 0, module=links, name="link"):
        def recorded(args):
            calls.append((args, os.environ.get("SWITCHER_CALL_DEPTH")))
            return fn(args)

        monkeypatch.setattr(module, name, recorded)
        return calls

    return install


@pytest.mark.parametrize("argv,message", [
    (("frobnicate",), "argument COMMAND: invalid choice: 'frobnicate'"),
    (("add",), "the following arguments are required: alias, --account"),
    (("list", "--nope"), "unrecognized arguments: --nope"),
    (("--nope", "list"), "unrecognized arguments: --nope"),
    (("creds", "dev/Admin", "--duration", "soon"),
     "argument --duration: 'soon' is not a whole number of seconds"),
    (("creds", "dev/Admin", "--duration", "36１0"),
     "argument --duration: '36１0' is not a whole number of seconds"),
    (("creds", "dev/Admin", "--duration", "9" * 5000), "seconds is far too long"),
    (("login", "dev", "--service", "ec2", "--destination", "https://x"), "not allowed with"),
    (("import", "esr"), "required: file"),
])
def test_usage_errors_are_exit_2_and_one_line(cli, argv, message):
    code, out, err = cli(*argv)
    assert (code, out) == (2, "")
    assert err.startswith("switcher: ") and err.endswith("--help)\n") and err.count("\n") == 1
    assert message in err, err
    assert "Traceback" not in err
    assert not cli.config_path.exists()


def test_usage_errors_name_the_subcommand_help(cli):
    assert cli("add").err.endswith("(see: switcher add --help)\n")
    assert cli("keys", "add").err.endswith("(see: switcher keys add --help)\n")


def test_bare_switcher_prints_help_to_stderr(cli):
    code, out, err = cli()
    assert (code, out) == (2, "")
    assert err.startswith("usage: switcher") and "creds" in err


def test_help_goes_to_stdout_and_is_exit_0(cli):
    code, out, err = cli("creds", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: switcher creds") and "--format" in out


@pytest.mark.parametrize("error,code", [
    (InputError("bad input"), 2), (AwsError("AWS said no"), 1), (NoTrayError("no tray"), 3),
])
def test_switcher_errors_are_one_line_with_their_exit_code(cli, handler, error, code):
    def fail(args):
        raise error

    handler(fail)
    assert cli("link", "x/y") == (code, "", f"switcher: {error}\n")


def test_an_unexpected_error_prints_only_its_type(cli, handler):
    def fail(args):
        raise KeyError(SECRET)

    handler(fail)
    code, out, err = cli("link", "x/y")
    assert (code, out) == (1, "")
    assert err == ("switcher: internal error (KeyError); run with SWITCHER_DEBUG=1 for "
                   "details\n")


def test_switcher_debug_shows_the_unexpected_error(cli, handler):
    def fail(args):
        raise KeyError(SECRET)

    handler(fail)
    with pytest.raises(KeyError):
        cli("link", "x/y", env={"SWITCHER_DEBUG": "1"})


def test_interrupt_and_a_closed_pipe(cli, handler):
    def interrupted(args):
        raise KeyboardInterrupt

    handler(interrupted)
    assert cli("link", "x/y") == (130, "", "switcher: interrupted\n")

    def reader_went_away(args):
        raise BrokenPipeError

    handler(reader_went_away)
    assert cli("link", "x/y") == (0, "", "")


def test_a_handler_returning_none_is_exit_0(cli, handler):
    handler(lambda args: None)
    assert cli("link", "x/y").code == 0


def test_exec_takes_everything_after_the_double_dash_as_the_command(cli, handler):
    calls = handler(lambda args: 0, module=session, name="exec_")
    cli.ok("exec", "dev/Admin", "--mfa-code", "123456", "--", "aws", "--profile", "x", "--",
           "-v")
    ((args, _),) = calls
    assert (args.target, args.mfa_code) == ("dev/Admin", "123456")
    assert args.cmd == ["aws", "--profile", "x", "--", "-v"]


def test_only_exec_splits_on_the_double_dash(cli, handler):
    calls = handler(lambda args: 0, module=session, name="creds")
    cli.ok("creds", "--", "dev/Admin")
    ((args, _),) = calls
    assert args.target == "dev/Admin" and not hasattr(args, "cmd")


# -- the nested-call guard -----------------------------------------------------------


def test_each_call_counts_one_level_deeper(cli, handler):
    calls = handler()
    cli.ok("link", "x/y")
    cli.ok("link", "x/y", env={"SWITCHER_CALL_DEPTH": "2"})
    assert [depth for _, depth in calls] == ["1", "3"]


def test_the_fixture_puts_the_depth_back_after_each_call(cli, handler):
    handler()
    cli.ok("link", "x/y")
    assert "SWITCHER_CALL_DEPTH" not in os.environ
    cli.ok("link", "x/y", env={"SWITCHER_CALL_DEPTH": "2"})
    assert "SWITCHER_CALL_DEPTH" not in os.environ


def test_the_last_allowed_level_still_runs(cli, handler):
    calls = handler()
    cli.ok("link", "x/y", env={"SWITCHER_CALL_DEPTH": str(MAX_CALL_DEPTH - 1)})
    assert [depth for _, depth in calls] == [str(MAX_CALL_DEPTH)]


@pytest.mark.parametrize("depth", [MAX_CALL_DEPTH, MAX_CALL_DEPTH + 10])
def test_too_deep_stops_before_doing_anything(cli, depth):
    code, out, err = cli("add", "prod", "--account", "123456789012", "--role", "A",
                         env={"SWITCHER_CALL_DEPTH": str(depth)})
    assert (code, out) == (2, "")
    assert err.startswith(f"switcher: switcher is running inside itself {MAX_CALL_DEPTH} "
                          "levels deep") and err.count("\n") == 1
    assert not cli.config_path.exists()


@pytest.mark.parametrize("value", ["", "deep", "-1.5", "٢", "2\n"])
def test_a_garbled_depth_counts_as_the_top_level(cli, handler, value):
    calls = handler()
    cli.ok("link", "x/y", env={"SWITCHER_CALL_DEPTH": value})
    assert [depth for _, depth in calls] == ["1"]


def test_main_leaves_the_depth_in_os_environ(cli, handler):
    """What the fixture undoes: main() counts in os.environ so that children inherit it."""
    handler()
    assert "SWITCHER_CALL_DEPTH" not in os.environ
    assert main(["--help"]) == 0
    assert os.environ["SWITCHER_CALL_DEPTH"] == "1"
    main(["link", "x/y"])
    assert os.environ["SWITCHER_CALL_DEPTH"] == "2"


@pytest.mark.parametrize("argv,code", [
    (["frobnicate"], 2), (["add"], 2), (["keys"], 2), (["--help"], 0), (["creds", "--help"], 0),
    (["--version"], 0),
])
def test_usage_errors_and_help_return_from_main(cli, argv, code):
    """argparse exits; main() turns that back into a return value for in-process callers."""
    assert main(argv) == code


def test_version(cli):
    import tomllib
    from pathlib import Path

    import switcher
    from switcher.cli.parser import version

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert switcher.__version__ == pyproject["project"]["version"] == version()
    assert cli("--version") == (0, f"switcher {switcher.__version__}\n", "")


def test_version_without_package_metadata_is_the_packages_own(cli, monkeypatch):
    import importlib.metadata

    import switcher

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    monkeypatch.setattr(switcher, "__version__", "9.9.9")
    assert cli("--version") == (0, "switcher 9.9.9\n", "")


@pytest.mark.parametrize("argv,shown", [
    (("list", "--nope", "\x1b[2J\x1b[31mred"), "unrecognized arguments: --nope \\x1b[2J\\x1b[31mred"),
    (("list", "a\nb", "\u2028"), "unrecognized arguments: a\\nb \\u2028"),
    (("list", "\udcff"), "unrecognized arguments: \\udcff"),
    (("\x1b[31m",), "invalid choice: '\\x1b[31m'"),
    (("export", "e\tsr"), "invalid choice: 'e\\tsr'"),
    (("creds", "x", "--duration", "\x7f"), "'\\x7f' is not a whole number"),
])
def test_argparse_errors_escape_what_was_typed(cli, argv, shown):
    code, out, err = cli(*argv)
    assert (code, out) == (2, "")
    assert shown in err, err
    assert err.count("\n") == 1 and err[:-1].isprintable(), repr(err)


@pytest.mark.parametrize("option", ["--region", "--mfa-serial", "--color", "--source", "--via",
                                    "--external-id", "--account", "--role"])
def test_empty_option_values_are_usage_errors(cli, option):
    cli.ok("add", "keep", "--account", "111111111111", "--role", "A")
    before = cli.config_bytes()
    argv = ["add", "keep", "--account", "111111111111", "--role", "A", option, ""]
    code, out, err = cli(*argv)
    assert (code, out) == (2, "")
    assert err == (f"switcher: argument {option}: needs a value, not an empty string "
                   "(see: switcher add --help)\n")
    assert cli.config_bytes() == before


@pytest.mark.parametrize("argv", [
    ("login", "x", "--region", " "), ("login", "x", "--service", ""),
    ("login", "x", "--destination", ""), ("creds", "x", "--mfa-code", ""),
    ("exec", "x", "--mfa-code", "", "--", "true"),
])
def test_empty_option_values_of_session_commands(cli, argv):
    code, _, err = cli(*argv)
    assert code == 2 and "needs a value, not an empty string" in err, err


@pytest.mark.parametrize("name,value", [
    ("AWS_ENDPOINT_URL_STS", "127.0.0.1:9"), ("AWS_ENDPOINT_URL_STS", "http://[::1"),
    ("AWS_ENDPOINT_URL_STS", "ftp://x"), ("AWS_ENDPOINT_URL", "127.0.0.1:9"),
])
@pytest.mark.parametrize("command", [("creds", "prod/Admin"),
                                     ("login", "prod/Admin", "--stdout")])
def test_a_bad_endpoint_variable_is_a_usage_error_before_any_aws_call(aws_cli, aws_stack, name,
                                                                       value, command):
    aws_cli.ok("add", "prod", "--account", "123456789012", "--role", "Admin", "--source", "base")
    code, out, err = aws_cli(*command, env={name: value})
    assert (code, out) == (2, "")
    assert err.startswith(f"switcher: {name}={value!r} ") and err.count("\n") == 1, err
    assert aws_stack.log() == []


def test_every_handler_names_a_function_of_a_cli_module():
    import argparse
    import importlib

    from switcher.cli.parser import build_parser

    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in sub.choices.items():
        module_name, func = command.get_default("handler").split(":")
        module = importlib.import_module(f"switcher.cli.{module_name}")
        assert callable(getattr(module, func)), name
