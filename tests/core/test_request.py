"""The request values: every caller error found here, in order, and the values it holds."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest

from switcher.core import request
from switcher.core.errors import InputError
from switcher.core.model import Account, Config, Role, Settings
from switcher.core.targets import Target, resolve

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
CONFIG = Config(
    accounts=(
        Account("dev", "123456789012", region="eu-west-1", roles=(
            Role("Admin"),
            Role("Deep", via="dev/Admin"),
            Role("Guarded", mfa_serial=SERIAL),
            Role("Behind", via="dev/Guarded"),
            Role("Broken", via="nope/R"),
        )),
        Account("gov", "222222222222", region="us-gov-west-1", roles=(Role("Audit"),)),
        Account("loop-a", "111111111111", roles=(Role("R", via="loop-b/R"),)),
        Account("loop-b", "333333333333", roles=(Role("R", via="loop-a/R"),)),
    ),
)


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    # no developer's ~/.aws/config behind an unknown via, no sandbox federation override
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.delenv("SWITCHER_FEDERATION_URL", raising=False)


def _target(name: str) -> Target:
    return resolve(CONFIG, name)


def _console(name="dev/Admin", config=CONFIG, **kwargs) -> request.ConsoleRequest:
    return request.console_request(config, resolve(config, name), **kwargs)


# -- credentials ---------------------------------------------------------------------


def test_nothing_asked_leaves_duration_and_code_to_the_switch():
    asked = request.credentials_request(CONFIG, _target("dev/Admin"))
    assert asked == request.CredentialsRequest(_target("dev/Admin"), None, None)


def test_the_duration_is_normalised_once():
    asked = request.credentials_request(CONFIG, _target("dev/Admin"), duration="7200")
    assert asked.duration == 7200


@pytest.mark.parametrize("bad", [899, 43201, "soon"])
def test_a_bad_duration_is_refused(bad):
    with pytest.raises(InputError, match="duration"):
        request.credentials_request(CONFIG, _target("dev/Admin"), duration=bad)


def test_a_via_target_is_held_to_the_chained_limit_on_entry():
    with pytest.raises(InputError, match="1 hour limit"):
        request.credentials_request(CONFIG, _target("dev/Deep"), duration=3601)
    assert request.credentials_request(CONFIG, _target("dev/Deep"), duration=3600).duration == 3600


def test_the_mfa_code_is_normalised_once():
    asked = request.credentials_request(CONFIG, _target("dev/Guarded"), mfa_code=" 123456 ")
    assert asked.mfa_code == "123456"


def test_a_bad_mfa_code_is_refused():
    with pytest.raises(InputError, match="6 digits"):
        request.credentials_request(CONFIG, _target("dev/Guarded"), mfa_code="12 345")


@pytest.mark.parametrize("name", ["dev/Admin", "dev/Deep"])
def test_an_mfa_code_for_a_target_without_mfa_is_refused(name):
    with pytest.raises(InputError) as info:
        request.credentials_request(CONFIG, _target(name), mfa_code="123456")
    assert str(info.value) == f"{name} does not use MFA; drop --mfa-code"


def test_an_mfa_code_is_kept_when_a_hop_uses_mfa():
    asked = request.credentials_request(CONFIG, _target("dev/Behind"), mfa_code="123456")
    assert asked.mfa_code == "123456"


@pytest.mark.parametrize("name", ["dev/Broken", "loop-a/R"])
def test_a_broken_or_looping_chain_is_left_for_the_switch_to_report(name):
    # the switch names the chain in its error; refusing the code here would hide that
    asked = request.credentials_request(CONFIG, _target(name), mfa_code="123456")
    assert asked.mfa_code == "123456"


def test_an_mfa_code_error_comes_after_a_duration_error():
    with pytest.raises(InputError, match="duration"):
        request.credentials_request(CONFIG, _target("dev/Admin"), duration=60, mfa_code="123456")


def test_requests_are_immutable():
    asked = _console()
    with pytest.raises(dataclasses.FrozenInstanceError):
        asked.region = "us-east-1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        asked.credentials.duration = 43200


# -- console -------------------------------------------------------------------------


def test_the_console_lands_on_the_targets_region_by_default():
    asked = _console()
    assert (asked.region, asked.partition) == ("eu-west-1", "aws")
    assert asked.destination == (
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1")
    assert asked.federation == "https://signin.aws.amazon.com/federation"
    assert asked.target == _target("dev/Admin") and asked.logout_first is False


def test_another_partition_signs_in_at_its_own_host():
    asked = _console("gov/Audit", service="iam")
    assert (asked.region, asked.partition) == ("us-gov-west-1", "aws-us-gov")
    assert asked.destination == "https://console.amazonaws-us-gov.com/iam/home"
    assert asked.federation == "https://signin.amazonaws-us-gov.com/federation"


def test_an_explicit_region_and_service():
    asked = _console(region=" ap-southeast-2 ", service="EC2")
    assert (asked.region, asked.partition) == ("ap-southeast-2", "aws")
    assert asked.destination == (
        "https://ap-southeast-2.console.aws.amazon.com/ec2/home?region=ap-southeast-2")


def test_a_destination_is_kept_as_given():
    page = "https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1"
    assert _console(destination=page).destination == page


def test_the_federation_override_is_taken_once_checked(monkeypatch):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", "http://localhost:8080/federation")
    assert _console("gov/Audit").federation == "http://localhost:8080/federation"


def test_a_region_of_another_partition_is_refused():
    with pytest.raises(InputError) as info:
        _console(region="cn-north-1")
    assert str(info.value) == (
        "region cn-north-1 is in partition aws-cn, but dev/Admin is in partition aws; "
        "pick a region of aws")


def test_a_profile_targets_own_region_is_checked():
    # ~/.aws/config regions reach the request unchecked; an account's were checked on load
    target = Target("odd", "profile", "123456789012", "Admin", region="us-east-123")
    with pytest.raises(InputError, match="not a region name"):
        request.console_request(CONFIG, target)


@pytest.mark.parametrize("flag,account,setting,expected", [
    (None, None, False, False),
    (None, None, True, True),
    (None, False, True, False),
    (None, True, False, True),
    (True, False, False, True),
])
def test_logout_first_flag_then_account_then_settings(flag, account, setting, expected):
    config = replace(CONFIG, settings=Settings(logout_first=setting))
    target = replace(resolve(config, "dev/Admin"), logout_first=account)
    assert request.console_request(config, target, logout_first=flag).logout_first is expected


@pytest.mark.parametrize("flag,logout,multi,account_multi,expected,noted", [
    (True, None, True, None, False, True),  # the flag is overridden, with a note
    (None, True, True, None, False, True),  # the account's logout-first likewise
    (None, None, True, None, False, False),  # nothing asked: nothing to say
    (True, None, True, False, True, False),  # this account's browser is not multi-session
    (True, None, False, True, False, True),  # only this account's browser is
    (True, None, False, None, True, False),  # off everywhere: as before
])
def test_multi_session_wins_over_logout_first(flag, logout, multi, account_multi, expected,
                                              noted):
    config = replace(CONFIG, settings=Settings(multi_session=multi))
    target = replace(resolve(config, "dev/Admin"), logout_first=logout,
                     multi_session=account_multi)
    asked = request.console_request(config, target, logout_first=flag)
    assert asked.logout_first is expected
    assert (asked.note == request.MULTI_SESSION_NOTE) is noted
    assert "\n" not in request.MULTI_SESSION_NOTE


def test_the_account_multi_session_reaches_its_targets():
    config = replace(CONFIG, settings=Settings(logout_first=True))
    config = config.with_account(replace(config.account("dev"), multi_session=True))
    assert request.console_request(config, resolve(config, "dev/Admin")).logout_first is False
    assert request.console_request(config, resolve(config, "gov/Audit")).logout_first is True


# The order in which a caller has always met these errors: the first mistake it makes
# in this list is the one it is told about.
ORDERED = [
    ({"region": "moon-1"}, "region 'moon-1'"),
    ({"region": "cn-north-1"}, "partition aws-cn"),
    ({"duration": 60}, "duration 60"),
    ({"mfa_code": "123456"}, "does not use MFA"),
    ({"destination": "https://evil.example.com/"}, "either a service"),  # with the next one
    ({"service": "ec2/../x"}, "console service name"),
]


@pytest.mark.parametrize("first", range(len(ORDERED)))
def test_console_errors_keep_their_order(first, monkeypatch):
    kwargs = {}
    for args, _ in reversed(ORDERED[first:]):
        kwargs.update(args)
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", "http://signin.example.com/federation")
    with pytest.raises(InputError, match=ORDERED[first][1]):
        _console(**kwargs)


@pytest.mark.parametrize("kwargs,message", [
    ({"destination": "https://evil.example.com/"}, "destination must be"),
    ({"service": "ec2"}, "SWITCHER_FEDERATION_URL"),
])
def test_a_bad_federation_override_comes_last(monkeypatch, kwargs, message):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", "http://signin.example.com/federation")
    with pytest.raises(InputError, match=message):
        _console(**kwargs)


def test_no_keyring_or_aws_is_touched(monkeypatch):
    from switcher.core.secrets import cache

    def boom(*args, **kwargs):
        raise AssertionError("a request must be built from its arguments alone")

    monkeypatch.setattr(cache, "load", boom)
    monkeypatch.setattr(cache, "store", boom)
    _console("dev/Behind", region="eu-central-1", service="ec2", duration=3600, mfa_code="123456")
