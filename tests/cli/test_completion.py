"""``switcher completion bash|zsh|fish`` in the real shells, and ``switcher __complete``.

The bash script is sourced in ``bash --norc`` (no bash-completion package) and its
``_switcher`` called with COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash's own
completion sets them; zsh and fish load theirs and answer for the same command lines.
The scripts call ``switcher __complete targets``, so the venv's ``switcher`` goes first on
PATH; the ``cli`` fixture's environment (config dir, AWS files) reaches it through
os.environ.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from switcher.cli.completion import regions
from switcher.cli.parser import build_parser
from switcher.core.formats import CREDS_FORMATS
from tests.fixtures.tools import require_tool

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
ROLE_PROFILE = ("[profile prof-admin]\nrole_arn = arn:aws:iam::222233334444:role/Admin\n"
                "source_profile = base\n")
# a web-identity profile is a source of credentials, not a target
WEB_IDENTITY = ("[profile ci]\nrole_arn = arn:aws:iam::222233334444:role/Ci\n"
                "web_identity_token_file = /tmp/token\n")


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.fixture
def targets(cli):
    cli.ok("add", "prod", "--account", "111122223333", "--role", "Admin", "--role", "ReadOnly")
    cli.ok("add", "qa", "--account", "444455556666", "--role", "Dev")
    with cli.aws_config.open("a") as handle:
        handle.write(ROLE_PROFILE + WEB_IDENTITY)
    return cli


def _script(cli, shell: str, tmp_path: Path) -> Path:
    path = tmp_path / f"switcher.{shell}"
    path.write_text(cli.ok("completion", shell))
    return path


def bash_complete(script: Path, *lines: str) -> list[list[str]]:
    """COMPREPLY of ``_switcher`` for each command line, the cursor at its end."""
    bash = require_tool("bash")["bash"]
    probe = [f"source {shlex.quote(str(script))}"]
    for line in lines:
        words = shlex.split(line) + ([""] if line.endswith(" ") else [])
        probe += [
            f"COMP_LINE={shlex.quote(line)}; COMP_POINT=${{#COMP_LINE}}",
            "COMP_WORDS=(" + " ".join(shlex.quote(w) for w in words) + ")",
            f"COMP_CWORD={len(words) - 1}",
            "COMPREPLY=(); _switcher",
            'printf "%s\\n" "${COMPREPLY[*]}"',
        ]
    done = subprocess.run([bash, "--norc", "--noprofile", "-c", "\n".join(probe)],
                          capture_output=True, text=True, env=_env(), timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    out = done.stdout.split("\n")[:-1]
    assert len(out) == len(lines), done.stdout
    return [reply.split() for reply in out]


def test_bash_completes_targets_flags_formats_and_regions(targets, tmp_path):
    script = _script(targets, "bash", tmp_path)
    login, creds_flag, creds_format, links_format, region, via = bash_complete(
        script,
        "switcher login pr",
        "switcher creds x --f",
        "switcher creds x --format ",
        "switcher links --format ",
        "switcher login prod/Admin --region eu-w",
        "switcher add dev --account 1 --via q",
    )
    assert sorted(login) == ["prod/Admin", "prod/ReadOnly", "prof-admin"]
    assert creds_flag == ["--format"]
    assert creds_format == list(CREDS_FORMATS)
    assert links_format == ["markdown", "html", "json"]
    assert region == ["eu-west-1", "eu-west-2", "eu-west-3"]
    assert via == ["qa/Dev"]


def test_bash_completes_every_region_botocore_knows(cli, tmp_path):
    (every,) = bash_complete(_script(cli, "bash", tmp_path), "switcher sso add corp --region ")
    assert every == regions()
    # every partition's, not only the commercial one's
    assert {"us-east-1", "us-gov-west-1", "cn-north-1"} <= set(every)
    assert not [r for r in every if r.endswith("-global")]


def test_bash_completes_sub_commands_and_stops_at_exec_command(targets, tmp_path):
    top, sso, imports, export, shells, after, past_target = bash_complete(
        _script(targets, "bash", tmp_path),
        "switcher ", "switcher sso ", "switcher --sandbox import ", "switcher export ",
        "switcher completion ", "switcher exec prod/Admin -- l", "switcher login prod/Admin ",
    )
    assert {"login", "creds", "keys", "sso", "completion"} <= set(top)
    assert sso == ["add", "remove", "list", "login", "logout"]
    assert imports == ["aws-config", "esr", "link"]
    assert export == ["esr", "aws-config"]
    assert shells == ["bash", "zsh", "fish"]
    assert after == []  # the command after -- is not Switcher's
    assert past_target == []  # login takes one target


def _walk(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    yield words, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, (*words, name))


def test_every_command_flag_and_choice_of_the_parser_is_completed(cli, tmp_path):
    """Read from argparse here, independently of completion.tree(): a command, flag or
    choice added to the parser shows up in the script, or this fails."""
    expected, lines = [], []
    for words, parser in _walk(build_parser()):
        prefix = " ".join(("switcher", *words))
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        options = [a for a in parser._actions if a.option_strings]
        lines.append(f"{prefix} -")
        expected.append({f for a in options for f in a.option_strings})
        if subs:
            lines.append(f"{prefix} ")
            expected.append(set(subs[0].choices))
        for action in options:
            if action.choices:
                lines.append(f"{prefix} {action.option_strings[-1]} ")
                expected.append({str(c) for c in action.choices})
            elif action.dest == "region":
                lines.append(f"{prefix} {action.option_strings[-1]} ")
                expected.append(set(regions()))
    replies = bash_complete(_script(cli, "bash", tmp_path), *lines)
    for line, want, reply in zip(lines, expected, replies, strict=True):
        assert want <= set(reply), f"{line!r}: {sorted(want - set(reply))} not completed"
        if line.endswith("-"):
            assert set(reply) == want, line  # and no flag the command does not have
    assert len(lines) > 40  # the walk really went through every sub-command


def _inventory(*roles: str) -> None:
    from switcher.core.discovery import inventory

    inventory.write(inventory.Inventory(kind="sso", source="corp", start_url=START_URL,
                                        region="eu-west-1", complete=True, accounts={
        "777788889999": {"id": "777788889999", "name": "Acme Payments Prod",
                         "alias": "Acme-Payments-Prod", "email": "p@example.com",
                         "roles": list(roles), "first_seen": 1.0, "last_seen": 1.0,
                         "error": None}}))


START_URL = "https://d-1234567890.awsapps.com/start"


def test_completed_targets_include_discovered_ones(targets, tmp_path):
    targets.ok("sso", "add", "corp", "--start-url", START_URL, "--region", "eu-west-1")
    _inventory("AdministratorAccess")
    names, heavy = _complete_targets()  # the first listing: the real inventory reader
    assert "Acme-Payments-Prod/AdministratorAccess" in names
    assert not {"boto3", "botocore", "PySide6"} & set(heavy)
    script = _script(targets, "bash", tmp_path)
    (reply,) = bash_complete(script, "switcher creds Acme")
    assert reply == ["Acme-Payments-Prod/AdministratorAccess"]
    # a discovery run that found another role: the cached list follows
    _inventory("AdministratorAccess", "ReadOnlyAccess")
    (reply,) = bash_complete(script, "switcher creds Acme")
    assert reply == ["Acme-Payments-Prod/AdministratorAccess", "Acme-Payments-Prod/ReadOnlyAccess"]


HEAVY = {"boto3", "botocore", "PySide6", "argparse", "tomllib", "configparser"}


def _complete_targets() -> tuple[list[str], list[str]]:
    """``switcher __complete targets`` in a fresh interpreter: the names, and which of
    HEAVY it imported."""
    code = (
        "import sys\n"
        "from switcher.cli.main import main\n"
        "code = main(['__complete', 'targets'])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r}))\n"
        "sys.stderr.write(' '.join(heavy))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, timeout=60)
    assert done.returncode == 0
    return done.stdout.split(), done.stderr.split()


def test_listing_targets_imports_neither_botocore_nor_qt_and_then_parses_nothing(targets):
    names = ["prod/Admin", "prod/ReadOnly", "qa/Dev", "prof-admin"]
    # the first TAB reads the files (plain TOML and configparser, never botocore)...
    assert _complete_targets() == (names, ["configparser", "tomllib"])
    # ...the next ones read the cached list while no file changed
    assert _complete_targets() == (names, [])


def test_the_cached_list_follows_every_file_it_was_read_from(targets, tmp_path):
    def names():
        return targets.ok("__complete", "targets").split()

    assert "qa/Dev" in names()
    targets.ok("remove", "qa")
    assert "qa/Dev" not in names()
    with targets.aws_config.open("a") as handle:
        handle.write("[profile late]\nrole_arn = arn:aws:iam::222233334444:role/Late\n"
                     "source_profile = base\n")
    assert "late" in names()
    targets.aws_credentials.write_text("[creds-role]\nrole_arn = arn:aws:iam::222233334444:role/C\n"
                                       "source_profile = base\n")
    assert "creds-role" in names()
    # another AWS config file altogether: another list
    other = tmp_path / "other-config"
    other.write_text("[profile elsewhere]\nrole_arn = arn:aws:iam::222233334444:role/E\n"
                     "source_profile = elsewhere\naws_access_key_id = x\n")
    elsewhere = targets("__complete", "targets", env={"AWS_CONFIG_FILE": str(other)}).out.split()
    assert "elsewhere" in elsewhere and "late" not in elsewhere
    assert "late" in names()


def test_a_broken_config_completes_nothing_and_says_nothing(targets):
    targets.config_path.write_text("[[accounts]\nalias = ")
    targets.aws_config.write_text("no section header\n")
    result = targets("__complete", "targets")
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize("argv", [["__complete"], ["__complete", "flags"],
                                  ["completion", "tcsh"], ["completion"]])
def test_bad_arguments_are_one_line_and_exit_2(cli, argv):
    result = cli(*argv)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("switcher: ") and result.err.count("\n") == 1


def test_zsh_script_loads_from_fpath_and_source_and_completes(targets, tmp_path):
    zsh = require_tool("zsh")["zsh"]  # CI installs it (.ci/run)
    functions = tmp_path / "zfunc"
    functions.mkdir()
    (functions / "_switcher").write_text(targets.ok("completion", "zsh"))
    sourced = _script(targets, "zsh", tmp_path)
    probe = (
        # the fpath way: compinit finds #compdef switcher
        f"fpath=({shlex.quote(str(functions))} $fpath); autoload -U compinit; compinit -u -D\n"
        'print -r -- "fpath=${_comps[switcher]}"\n'
        # the source way registers itself with compdef; its engine then answers
        "unset '_comps[switcher]'\n"
        f"source {shlex.quote(str(sourced))}\n"
        'print -r -- "sourced=${_comps[switcher]}"\n'
        "__switcher_candidates 2 switcher login pr | grep '^pr' | sort | paste -sd' '\n"
        "__switcher_candidates 4 switcher creds x --format '' | paste -sd' '\n"
    )
    done = subprocess.run([zsh, "-f", "-c", probe], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert done.stdout.splitlines() == [
        "fpath=_switcher", "sourced=_switcher", "prod/Admin prod/ReadOnly prof-admin",
        " ".join(CREDS_FORMATS),
    ]


def test_fish_script_loads_and_completes_targets_and_formats(targets, tmp_path):
    fish = require_tool("fish")["fish"]
    script = _script(targets, "fish", tmp_path)
    probe = (
        f"source {shlex.quote(str(script))}; or exit 1\n"
        "complete -C 'switcher login pr'; echo ==\n"
        "complete -C 'switcher creds x --format '; echo ==\n"
        "complete -C 'switcher sso l'\n"
    )
    done = subprocess.run([fish, "--no-config", "-c", probe], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    login, formats, sso = (
        [line.split("\t")[0] for line in part.strip().splitlines()]
        for part in done.stdout.split("==\n"))
    assert sorted(login) == ["prod/Admin", "prod/ReadOnly", "prof-admin"]
    assert sorted(formats) == sorted(CREDS_FORMATS)
    assert sso == ["list", "login", "logout"]


@pytest.mark.parametrize(("shell", "name"), [("bash", "switcher.bash"), ("zsh", "_switcher"),
                                             ("fish", "switcher.fish")])
def test_packaged_completions_are_what_the_cli_prints(cli, shell, name):
    """packaging/build_deb.py installs these files; they must not drift from the parser."""
    packaged = ROOT / "packaging" / "completions" / name
    assert packaged.read_text() == cli.ok("completion", shell), (
        f"regenerate: .venv/bin/switcher completion {shell} > packaging/completions/{name}")
