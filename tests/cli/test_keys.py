"""``switcher keys add / remove / list`` in-process: secrets come through stdin, land only
in the keyring, and a keyring source really gives credentials (moto over HTTP)."""

from __future__ import annotations

import json

import pytest

from switcher.core.secrets.keystore import KEYS_SERVICE, SESSIONS_SERVICE

KEY_ID, SECRET = "AKIAEXAMPLEEXAMPLE00", "secretsecretsecret"


def test_add_stores_the_keys_in_the_keyring_and_the_name_in_the_config(cli):
    code, out, err = cli("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    assert (code, out) == (0, "")
    assert err == "stored keys for ci in the OS keyring (tests.fixtures.keyring.MemoryKeyring)\n"
    assert json.loads(cli.keyring.store[(KEYS_SERVICE, "ci")]) == {
        "AccessKeyId": KEY_ID, "SecretAccessKey": SECRET}
    config = cli.config_path.read_text()
    assert "keyring_sources = [" in config and '"ci"' in config
    assert SECRET not in config and KEY_ID not in config


def test_blank_lines_and_spaces_around_the_keys_are_ignored(cli):
    cli.ok("keys", "add", "ci", stdin=f"\n  {KEY_ID}  \n\n{SECRET}\n\n")
    assert json.loads(cli.keyring.store[(KEYS_SERVICE, "ci")])["AccessKeyId"] == KEY_ID


def test_list_prints_one_source_a_line(cli):
    assert cli.ok("keys", "list") == ""
    cli.ok("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    cli.ok("keys", "add", "ops", stdin=f"{KEY_ID}\n{SECRET}\n")
    cli.ok("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")  # again: still listed once
    assert cli.ok("keys", "list") == "ci\nops\n"


def test_remove_forgets_the_keys(cli):
    cli.ok("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    assert cli("keys", "remove", "ci") == (0, "", "")
    assert (KEYS_SERVICE, "ci") not in cli.keyring.store
    assert cli.ok("keys", "list") == ""


def test_remove_refuses_a_source_an_account_uses(cli):
    cli.ok("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    cli.ok("add", "keyed", "--account", "333333333333", "--role", "Deploy", "--source", "ci")
    before = cli.config_bytes()
    assert cli("keys", "remove", "ci") == (
        2, "", "switcher: source ci is used by keyed; change their source first\n")
    assert (KEYS_SERVICE, "ci") in cli.keyring.store
    assert cli.config_bytes() == before


def test_adding_keys_again_drops_sessions_assumed_with_the_old_ones(cli):
    cli.ok("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    cli.ok("add", "keyed", "--account", "333333333333", "--role", "Deploy", "--source", "ci")
    from switcher.core import config as store
    from switcher.core.secrets import cache
    from switcher.core.targets import resolve

    name = cache.cache_key(resolve(store.load(), "keyed/Deploy"))
    cli.keyring.store[(SESSIONS_SERVICE, name)] = "{}"
    cli.keyring.store[(SESSIONS_SERVICE, "_index")] = json.dumps([name])
    cli.ok("keys", "add", "ci", stdin=f"AKIAOTHEROTHEROTHER0\n{SECRET}\n")
    assert (SESSIONS_SERVICE, name) not in cli.keyring.store


@pytest.mark.parametrize("argv,stdin,message", [
    (("keys", "add", "ci"), "", "expected two lines on stdin"),
    (("keys", "add", "ci"), f"{KEY_ID}\n", "expected two lines on stdin"),
    (("keys", "add", "ci"), f"{KEY_ID}\n{SECRET}\nthird\n", "expected two lines on stdin"),
    (("keys", "add", "ci"), f"not-a-key\n{SECRET}\n", "access key id must be"),
    (("keys", "add", "ci"), f"ASIATEMPORARYKEY0000\n{SECRET}\n", "temporary"),
    (("keys", "add", "ci"), f"{KEY_ID}\nshort\n", "secret access key is empty or malformed"),
    (("keys", "add", "bad name!"), f"{KEY_ID}\n{SECRET}\n", "source name 'bad name!'"),
    (("keys", "remove", "never-added"), "", "never-added is not a keyring source"),
    (("keys",), "", "required: ACTION"),
    (("keys", "rotate", "ci"), "", "invalid choice: 'rotate'"),
])
def test_bad_input_is_exit_2_and_stores_nothing(cli, argv, stdin, message):
    code, out, err = cli(*argv, stdin=stdin)
    assert (code, out) == (2, ""), err
    assert err.startswith("switcher: ") and err.count("\n") == 1 and message in err, err
    assert cli.keyring.store == {}
    assert not cli.config_path.exists()


def test_a_secret_given_on_stdin_never_reaches_the_output(cli):
    code, out, err = cli("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET} with spaces\n")
    assert code == 2 and SECRET not in out + err


def test_a_broken_config_fails_before_the_keyring_is_touched(cli):
    cli.config_dir.mkdir()
    cli.config_path.write_text("version = 1\n[[accounts]\n")
    code, _, err = cli("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    assert code == 2 and str(cli.config_path) in err
    assert cli.keyring.store == {}


def test_without_a_keyring_keys_cannot_be_stored(cli):
    from keyring.backends import fail

    from switcher.core.secrets import keystore
    from tests.fixtures.keyring import installed_keyring

    with installed_keyring(fail.Keyring()):
        keystore.reset()
        code, _, err = cli("keys", "add", "ci", stdin=f"{KEY_ID}\n{SECRET}\n")
    keystore.reset()
    assert code == 2 and "no OS keyring" in err and err.count("\n") == 1
    assert not cli.config_path.exists()


def test_creds_from_a_keyring_source(aws_cli, aws_stack):
    key_id, secret = aws_stack.user_keys()
    aws_cli.ok("keys", "add", "ci", stdin=f"{key_id}\n{secret}\n")
    aws_cli.ok("add", "keyed", "--account", "333333333333", "--role", "Deploy", "--source", "ci")
    data = json.loads(aws_cli.ok("creds", "keyed", "--format", "json"))
    arn = aws_stack.sts((data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"])
                        ).get_caller_identity()["Arn"]
    assert arn.startswith("arn:aws:sts::333333333333:assumed-role/Deploy/")
    (call,) = aws_stack.events("sts", "AssumeRole")
    assert call["caller"] == "long-term" and call["chained"] is False
