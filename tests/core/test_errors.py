"""SwitcherError's fix: kept apart from the text, worded as a command line by str(), and
carried over when core code wraps the error into another one."""

from __future__ import annotations

import pytest

from switcher.core.errors import AwsError, Fix, InputError, SwitcherError, command_line_wording


def _raise_wrapped(inner: SwitcherError, template: str, *, inside_except: bool = True):
    if not inside_except:
        raise InputError(template.format(inner))
    try:
        raise inner
    except SwitcherError as exc:
        raise InputError(template.format(exc)) from None


def _caught(fn, *args, **kw) -> SwitcherError:
    with pytest.raises(SwitcherError) as info:
        fn(*args, **kw)
    return info.value


def test_str_words_the_fix_as_a_command_line():
    err = InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
    assert str(err) == "keyring source ci has no keys; run: switcher keys add ci"
    assert (err.problem, err.fix, err.fix_for) == ("keyring source ci has no keys", Fix.ADD_KEYS, "ci")


def test_an_error_without_a_fix_is_its_text():
    err = AwsError("the network is down")
    assert str(err) == err.problem == "the network is down"
    assert err.fix is None and err.fix_for is None
    assert err.line(lambda fix, name: " NEVER") == "the network is down"


def test_line_puts_a_front_end_wording_where_the_fix_goes():
    err = InputError("no AWS credentials found", fix=Fix.SET_SOURCE)
    assert err.line(lambda fix, name: f" [{fix.value} {name}]") == "no AWS credentials found [set-source None]"


def test_every_fix_has_a_command_line_wording():
    for fix in Fix:
        assert command_line_wording(fix, "x").strip()


def test_a_wrapping_error_takes_over_the_fix_it_quotes():
    inner = InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
    err = _caught(_raise_wrapped, inner, "dev/Ops is assumed via 'ci-role', which fails: {}")
    # the text is what the wrapper wrote, the inner's command line included
    assert str(err) == (
        "dev/Ops is assumed via 'ci-role', which fails: keyring source ci has no keys; "
        "run: switcher keys add ci")
    assert (err.fix, err.fix_for) == (Fix.ADD_KEYS, "ci")
    assert err.problem == "dev/Ops is assumed via 'ci-role', which fails: keyring source ci has no keys"


def test_text_after_the_quote_stays_after_the_fix():
    inner = InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
    err = _caught(_raise_wrapped, inner, "{}; or use --stdout")
    assert err.line(command_line_wording) == str(err)
    assert err.line(lambda fix, name: " <FIX>") == "keyring source ci has no keys <FIX>; or use --stdout"
    assert err.problem == "keyring source ci has no keys; or use --stdout"


def test_wrapping_twice_still_carries_the_fix():
    inner = InputError("the keyring entry for source w is damaged", fix=Fix.ADD_KEYS, fix_for="w")
    try:
        _raise_wrapped(inner, "middle: {}")
    except SwitcherError as middle:
        try:
            raise AwsError(f"outer: {middle}") from None
        except SwitcherError as outer:
            err = outer
    assert (err.fix, err.fix_for) == (Fix.ADD_KEYS, "w")
    assert err.problem == "outer: middle: the keyring entry for source w is damaged"


def test_a_wrapper_that_does_not_quote_its_context_keeps_no_fix():
    inner = InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
    err = _caught(_raise_wrapped, inner, "something else went wrong")
    assert err.fix is None and str(err) == "something else went wrong"


def test_a_wrapper_raised_outside_the_except_keeps_the_advice_as_text():
    inner = InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
    err = _caught(_raise_wrapped, inner, "dev: {}", inside_except=False)
    assert err.fix is None
    assert "switcher keys add ci" in str(err)


def test_a_fix_of_its_own_wins_over_the_context():
    inner = InputError("keyring source ci has no keys", fix=Fix.ADD_KEYS, fix_for="ci")
    try:
        raise inner
    except SwitcherError as exc:
        err = InputError(f"dev: {exc}", fix=Fix.SET_SOURCE, fix_for="other")
    assert (err.fix, err.fix_for) == (Fix.SET_SOURCE, "other")
