"""The tray's wording of an error: a fix points to Settings, never to a CLI command."""

from __future__ import annotations

import pytest

from switcher.core.errors import AwsError, Cancelled, Fix, InputError
from switcher.gui.error_text import SETTINGS_HINT, fix_wording, for_gui

HINT = " — set its credentials source in Settings (Accounts › Credentials from, or Add keys…)"


@pytest.mark.parametrize(("err", "text"), [
    (InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci"),
     "keyring source ci has no keys" + HINT),
    (InputError("AWS CLI profile 'nope' does not exist (see /h/.aws/config)",
                fix=Fix.SET_SOURCE, fix_for="nope"),
     "AWS CLI profile 'nope' does not exist (see /h/.aws/config)" + HINT),
    (InputError("no AWS credentials found", fix=Fix.SET_SOURCE), "no AWS credentials found" + HINT),
    (InputError("the keyring entry for source work is damaged", fix=Fix.ADD_KEYS, fix_for="work"),
     "the keyring entry for source work is damaged" + HINT),
    (AwsError("the network is down"), "the network is down"),
    (Cancelled("MFA prompt cancelled"), "MFA prompt cancelled"),
])
def test_for_gui(err, text):
    assert SETTINGS_HINT == HINT
    assert for_gui(err) == text


def test_a_wrapped_fix_is_worded_for_the_tray():
    try:
        try:
            raise InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
        except InputError as exc:
            raise InputError(f"dev/Ops is assumed via 'x', which fails: {exc}") from None
    except InputError as wrapped:
        text = for_gui(wrapped)
    assert text == "dev/Ops is assumed via 'x', which fails: keyring source ci has no keys" + HINT
    assert "switcher keys add" not in text


def test_every_fix_has_a_tray_wording():
    for fix in Fix:
        wording = fix_wording(fix, "x")
        assert wording.strip() and "switcher " not in wording and "--" not in wording


def test_the_tray_line_escapes_control_characters():
    assert for_gui(InputError("ESR [\x1b[31mred]\nx")) == "ESR [\\x1b[31mred]\\nx"
    err = InputError("keyring source a\u2028b has no keys", fix=Fix.ADD_KEYS, fix_for="a\u2028b")
    assert for_gui(err) == "keyring source a\\u2028b has no keys" + HINT
