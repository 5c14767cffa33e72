"""The command line's one error line: the structured fix worded as a command, byte for byte
what `switcher` has always printed."""

from __future__ import annotations

import pytest

from switcher.cli import main as cli_main
from switcher.cli import session
from switcher.cli.errors import error_line
from switcher.core.aws import sources
from switcher.core.errors import AwsError, Fix, InputError
from switcher.core.model import Config
from switcher.core.secrets import keystore


@pytest.fixture
def kr(memory_keyring):
    keystore.reset()
    yield memory_keyring
    keystore.reset()


@pytest.mark.parametrize(("err", "line"), [
    (InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci"),
     "switcher: keyring source ci has no keys; run: switcher keys add ci\n"),
    (InputError("AWS CLI profile 'nope' does not exist (see /h/.aws/config)",
                fix=Fix.SET_SOURCE, fix_for="nope"),
     "switcher: AWS CLI profile 'nope' does not exist (see /h/.aws/config); fix the account's "
     "source or run: switcher keys add nope\n"),
    (InputError("no AWS credentials found", fix=Fix.SET_SOURCE),
     "switcher: no AWS credentials found: give the account a --source (an AWS CLI profile or a "
     "keyring source from 'switcher keys add') or configure default credentials\n"),
    (AwsError("the network is down"), "switcher: the network is down\n"),
])
def test_error_line(err, line):
    assert error_line(err) == line


def test_the_raise_sites_print_what_they_always_did(kr):
    with pytest.raises(InputError) as info:
        sources.source_credentials(Config(keyring_sources=("ci",)), "ci")
    assert error_line(info.value) == "switcher: keyring source ci has no keys; run: switcher keys add ci\n"
    kr.set_password(keystore.KEYS_SERVICE, "work", "not json")
    with pytest.raises(InputError) as info:
        keystore.load_keys("work")
    assert error_line(info.value) == (
        "switcher: the keyring entry for source work is damaged; run: switcher keys add work\n")


def test_a_wrapped_fix_keeps_its_place_in_the_line():
    try:
        try:
            raise InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
        except InputError as exc:
            raise AwsError(f"{exc}; or use --stdout to print the URL") from None
    except AwsError as wrapped:
        line = error_line(wrapped)
    assert line == ("switcher: keyring source ci has no keys; run: switcher keys add ci; "
                    "or use --stdout to print the URL\n")


def test_main_prints_the_line_and_exits_with_the_code(monkeypatch, capsys):
    def creds(args):
        raise InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")

    monkeypatch.setattr(session, "creds", creds)
    assert cli_main.main(["creds", "dev/Admin"]) == 2
    assert capsys.readouterr().err == "switcher: keyring source ci has no keys; run: switcher keys add ci\n"


@pytest.mark.parametrize(("err", "line"), [
    (InputError("ESR [\x1b[31mred] (line 1): bad"), "switcher: ESR [\\x1b[31mred] (line 1): bad\n"),
    (InputError("profile a\nb: bad"), "switcher: profile a\\nb: bad\n"),
    (InputError("x\u2028y\tz\x7f\x85\udcff"), "switcher: x\\u2028y\\tz\\x7f\\x85\\udcff\n"),
    (InputError("keyring source a\x1bb has no keys", fix=Fix.ADD_KEYS, fix_for="a\x1bb"),
     "switcher: keyring source a\\x1bb has no keys; run: switcher keys add a\\x1bb\n"),
    ("argument --x: invalid choice: 'y' (see: switcher --help)",
     "switcher: argument --x: invalid choice: 'y' (see: switcher --help)\n"),
])
def test_error_line_escapes_control_characters(err, line):
    assert error_line(err) == line
