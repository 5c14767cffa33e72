"""AssumeRole through botocore (moto in-process), and STS errors as one-line messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from switcher.core.aws import sts
from switcher.core.credentials import ASSUMED, CHAINED, LONG_TERM, Credentials
from switcher.core.errors import AwsError, InputError
from switcher.core.model import Account, Config, Role
from switcher.core.targets import resolve
from tests.fixtures.net import closed_port

SOURCE = Credentials("AKIAEXAMPLEEXAMPLE00", "secret", None, None, LONG_TERM)
CONFIG = Config(accounts=(
    Account("dev", "123456789012", region="eu-west-1", roles=(
        Role("team/Admin", external_id="ext-123"),)),
    Account("china", "210987654321", region="cn-north-1", roles=(Role("Ops"),)),
))


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


@pytest.fixture
def sent(monkeypatch):
    """The AssumeRole parameters and endpoint each call really sent."""
    calls = []
    real = sts.new_session

    def recording_session(profile=None, **kwargs):
        session = real(profile, **kwargs)

        def record(params, model, **kwargs):
            calls.append(dict(params["body"]) | {"url": params["url"]})

        session.register("before-call.sts.AssumeRole", record)
        return session

    monkeypatch.setattr(sts, "new_session", recording_session)
    return calls


def test_assume_role_sends_every_parameter(aws, sent):
    target = resolve(CONFIG, "dev")
    got = sts.assume_role(SOURCE, target, kind=ASSUMED, session_name="alice", duration=1800,
                          mfa_serial="arn:aws:iam::123456789012:mfa/alice", mfa_code="123456")
    assert got.kind == ASSUMED and got.session_token
    assert got.expiration.tzinfo is not None and got.seconds_left() > 1700
    (call,) = sent
    assert call["RoleArn"] == "arn:aws:iam::123456789012:role/team/Admin"
    assert call["RoleSessionName"] == "alice"
    assert call["DurationSeconds"] == 1800
    assert call["ExternalId"] == "ext-123"
    assert call["SerialNumber"] == "arn:aws:iam::123456789012:mfa/alice"
    assert call["TokenCode"] == "123456"
    assert "sts.eu-west-1.amazonaws.com" in call["url"]


def test_optional_parameters_are_omitted(aws, sent):
    sts.assume_role(SOURCE, resolve(CONFIG, "china"), kind=CHAINED, session_name="bob")
    (call,) = sent
    assert not {"DurationSeconds", "ExternalId", "SerialNumber", "TokenCode"} & set(call)
    assert call["RoleArn"].startswith("arn:aws-cn:iam::210987654321:role/Ops")
    assert "amazonaws.com.cn" in call["url"]


@pytest.mark.parametrize("region,host", [
    ("us-east-1", "https://sts.us-east-1.amazonaws.com/"),
    ("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com/"),
    ("cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn/"),
    ("eu-central-2", "https://sts.eu-central-2.amazonaws.com/"),
])
def test_endpoints_follow_botocore_rules(aws, sent, region, host):
    account = Account("acct", "123456789012", region=region, roles=(Role("R"),))
    sts.assume_role(SOURCE, resolve(Config(accounts=(account,)), "acct"), kind=ASSUMED,
                    session_name="al")
    assert sent[0]["url"] == host


def test_endpoint_url_from_the_aws_config_file(aws, sent, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[default]\nendpoint_url = http://127.0.0.1:1/\n"
                      "[profile other]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(AwsError, match="cannot reach AWS STS at http://127.0.0.1:1"):
        sts.assume_role(SOURCE, resolve(CONFIG, "dev"), kind=ASSUMED, session_name="al")


def test_endpoint_unreachable_is_one_line(monkeypatch):
    port = closed_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{port}")
    with pytest.raises(AwsError) as info:
        sts.assume_role(SOURCE, resolve(CONFIG, "dev"), kind=ASSUMED, session_name="alice")
    message = str(info.value)
    assert "cannot reach AWS STS" in message and f"127.0.0.1:{port}" in message
    assert "\n" not in message


def _client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "AssumeRole")


@pytest.mark.parametrize("code,message,expected", [
    ("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
     "MFA code was not accepted for dev/team/Admin"),
    ("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for "
     "this role.", "above the maximum session duration of role dev/team/Admin"),
    ("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for "
     "roles assumed by role chaining.", "AWS limits to 1 hour"),
    ("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole",
     "access denied assuming arn:aws:iam::123456789012:role/team/Admin: User:"),
    ("ExpiredToken", "The security token included in the request is expired",
     "source credentials for dev/team/Admin have expired"),
    ("InvalidClientTokenId", "The security token included in the request is invalid.",
     "does not recognise the source credentials"),
    ("Weird", "some\nmulti-line\nreason", "AWS refused assuming X: Weird: some multi-line reason"),
])
def test_sts_errors_read_well(code, message, expected):
    err = sts.map_error(_client_error(code, message), what="assuming X" if code == "Weird"
                        else "assuming arn:aws:iam::123456789012:role/team/Admin",
                        target=resolve(CONFIG, "dev"), duration=7200)
    assert isinstance(err, AwsError)
    assert expected in str(err)
    assert "\n" not in str(err)


def test_profile_not_found_is_input_error():
    from botocore.exceptions import ProfileNotFound

    err = sts.map_error(ProfileNotFound(profile="gone"), what="assuming X")
    assert isinstance(err, InputError)
    assert str(err).startswith("AWS CLI profile 'gone' is not in ")
    assert "could not be found" not in str(err) and "assuming X" not in str(err)


def test_explicit_credentials_ignore_a_stale_aws_profile(aws, sent, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "nope")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "nope")
    assert sts.assume_role(SOURCE, resolve(CONFIG, "dev"), kind=ASSUMED, session_name="al")
    assert sts.new_session(env_profile=True).profile == "nope"  # the default chain honours it


def test_naive_expiration_is_taken_as_utc(aws, monkeypatch):
    got = sts.assume_role(SOURCE, resolve(CONFIG, "dev"), kind=ASSUMED, session_name="al")
    assert got.expiration.utcoffset().total_seconds() == 0
    assert got.expiration > datetime.now(UTC)


def test_lean_loader_still_knows_every_service():
    session = sts.new_session()
    names = session.get_component("data_loader").list_available_services("service-2")
    assert "sts" in names and "sso" in names and "s3" in names
    assert "no-such-service" not in names and len(names) > 100
    client = session.create_client("sso", region_name="eu-west-1",
                                   aws_access_key_id="AKIA", aws_secret_access_key="x")
    assert client.meta.endpoint_url == "https://portal.sso.eu-west-1.amazonaws.com"
