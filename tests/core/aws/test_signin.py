"""Console sign-in against the real local federation endpoint (moto behind it), no mocks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switcher.core.aws import signin
from switcher.core.credentials import (
    ASSUMED,
    CHAINED,
    FEDERATION_TOKEN,
    LONG_TERM,
    SESSION_TOKEN,
    Credentials,
)
from switcher.core.errors import AwsError, InputError
from tests.fixtures.aws import http_get
from tests.fixtures.net import HangingServer, closed_port


@pytest.fixture
def fed(aws_stack, monkeypatch):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", aws_stack.federation_url)
    aws_stack.clear_log()
    return aws_stack


@pytest.fixture(scope="module")
def user_keys(aws_stack):
    return aws_stack.user_keys()


def _assume(stack, keys, arn="arn:aws:iam::111111111111:role/Developer", region="us-east-1",
            kind=ASSUMED) -> Credentials:
    c = stack.sts(keys, region).assume_role(RoleArn=arn, RoleSessionName="signin-test")
    c = c["Credentials"]
    return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                       c["Expiration"], kind=kind)


def _chained(stack, keys) -> Credentials:
    first = _assume(stack, keys)
    return _assume(stack, (first.access_key_id, first.secret_access_key, first.session_token),
                   "arn:aws:iam::333333333333:role/Auditor", kind=CHAINED)


def _token_events(stack) -> list[dict]:
    return stack.events("federation", "getSigninToken")


def test_login_url_is_valid_once_and_lands_on_the_destination(fed, user_keys):
    creds = _assume(fed, user_keys)
    url = signin.login_url(creds, region="eu-west-1")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == fed.federation_url
    query = parse_qs(parts.query)
    assert query["Action"] == ["login"]
    assert query["Issuer"] == ["switcher"]
    assert query["Destination"] == [
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"]
    assert len(query["SigninToken"][0]) > 40

    status, page = http_get(url)
    assert status == 200
    assert "<dd id='account'>111111111111</dd>" in page
    assert "<dd id='role'>Developer</dd>" in page
    assert "<dd id='region'>eu-west-1</dd>" in page
    status, page = http_get(url)  # tokens are single-use
    assert status == 400 and "already used" in page


def test_credentials_travel_in_a_post_body_never_in_the_url(fed, user_keys):
    creds = _assume(fed, user_keys)
    url = signin.login_url(creds, region="us-east-1", session_duration=3600)
    assert creds.secret_access_key not in url and creds.session_token not in url
    assert creds.access_key_id not in url
    [event] = _token_events(fed)
    assert event["method"] == "POST" and event["session_in_query"] is False
    assert creds.session_token not in str(fed.fetch_log())


def test_session_duration_is_sent_for_a_role_assumed_with_user_keys(fed, user_keys):
    signin.login_url(_assume(fed, user_keys), region="us-east-1", session_duration=7200)
    [event] = _token_events(fed)
    assert event["session_duration"] == 7200 and event["status"] == 200
    assert event["kind"] == "assumed"


def test_session_duration_is_never_sent_for_chained_credentials(fed, user_keys):
    creds = _chained(fed, user_keys)
    url = signin.login_url(creds, region="us-west-2", session_duration=7200)
    [event] = _token_events(fed)
    assert event["session_duration"] is None and event["status"] == 200
    assert event["kind"] == "chained"  # the endpoint agrees the session was chained
    assert http_get(url)[0] == 200


def test_a_400_with_session_duration_is_retried_once_without_it(fed, user_keys):
    # Chained credentials that the caller believed were directly assumed (e.g. an SSO
    # source): the endpoint refuses SessionDuration, the retry succeeds.
    creds = _chained(fed, user_keys)
    mislabelled = Credentials(creds.access_key_id, creds.secret_access_key,
                              creds.session_token, creds.expiration, kind=ASSUMED)
    url = signin.login_url(mislabelled, region="us-west-2", session_duration=3600)
    first, second = _token_events(fed)
    assert (first["status"], first["session_duration"]) == (400, 3600)
    assert first["error"] == "Invalid credentials parameter"
    assert (second["status"], second["session_duration"]) == (200, None)
    assert "<dd id='account'>333333333333</dd>" in http_get(url)[1]


def test_refused_credentials_fail_after_exactly_one_retry(fed, user_keys):
    good = _assume(fed, user_keys)
    bad = Credentials(good.access_key_id, "not-the-secret", good.session_token, kind=ASSUMED)
    with pytest.raises(AwsError, match="credentials were refused"):
        signin.login_url(bad, region="us-east-1", session_duration=3600)
    assert [e["status"] for e in _token_events(fed)] == [400, 400]
    fed.clear_log()
    with pytest.raises(AwsError):
        signin.login_url(bad, region="us-east-1")
    assert len(_token_events(fed)) == 1  # no SessionDuration: nothing to retry without


@pytest.mark.parametrize("kind", [SESSION_TOKEN, LONG_TERM])
def test_credentials_that_cannot_sign_in_are_refused_before_any_request(fed, user_keys, kind):
    creds = Credentials("ASIAEXAMPLE", "secret", "token", kind=kind)
    with pytest.raises(InputError, match="cannot sign in"):
        signin.login_url(creds, region="us-east-1")
    with pytest.raises(InputError, match="cannot sign in"):
        signin.login_url(Credentials("AKIAEXAMPLE", "secret", None), region="us-east-1")
    assert fed.log() == []


def test_the_endpoint_itself_refuses_get_session_token_credentials(fed, user_keys):
    c = fed.sts(user_keys).get_session_token()["Credentials"]
    # Pretend the caller mislabelled them: the endpoint must still say no, as AWS does.
    creds = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], kind=ASSUMED)
    with pytest.raises(AwsError, match="refused"):
        signin.login_url(creds, region="us-east-1")


def test_federation_token_credentials_never_send_session_duration(fed, user_keys):
    c = fed.sts(user_keys).get_federation_token(Name="fed-user")["Credentials"]
    creds = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                        kind=FEDERATION_TOKEN)
    signin.login_url(creds, region="us-east-1", session_duration=3600)
    [event] = _token_events(fed)
    assert event["session_duration"] is None and event["status"] == 200


@pytest.mark.parametrize("region, partition, arn, console", [
    ("us-gov-west-1", "aws-us-gov", "arn:aws-us-gov:iam::555555555555:role/Operator",
     "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"),
    ("cn-north-1", "aws-cn", "arn:aws-cn:iam::666666666666:role/Viewer",
     "https://console.amazonaws.cn/console/home?region=cn-north-1"),
])
def test_other_partitions_sign_in_through_the_endpoint(fed, user_keys, region, partition, arn,
                                                       console):
    creds = _assume(fed, user_keys, arn, region)
    url = signin.login_url(creds, region=region)
    assert signin.parse_login_url(url)["Destination"] == console
    status, page = http_get(url)
    assert status == 200 and f"<dd id='region'>{region}</dd>" in page


def test_federation_hosts_per_partition(monkeypatch):
    monkeypatch.delenv("SWITCHER_FEDERATION_URL", raising=False)
    assert signin.federation_url("aws") == "https://signin.aws.amazon.com/federation"
    assert signin.federation_url("aws-us-gov") == "https://signin.amazonaws-us-gov.com/federation"
    assert signin.federation_url("aws-cn") == "https://signin.amazonaws.cn/federation"
    with pytest.raises(InputError, match="no console sign-in"):
        signin.federation_url("aws-iso")


@pytest.mark.parametrize("region, service, expected", [
    ("eu-west-1", None, "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"),
    ("eu-west-1", "ec2", "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"),
    ("eu-west-1", "IAM", "https://console.aws.amazon.com/iam/home"),
    ("us-east-2", "organizations", "https://console.aws.amazon.com/organizations/home"),
    ("us-east-2", "billing", "https://console.aws.amazon.com/billing/home"),
    ("us-gov-east-1", "iam", "https://console.amazonaws-us-gov.com/iam/home"),
    ("us-gov-east-1", "s3", "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-east-1"),
    ("cn-northwest-1", "route53", "https://console.amazonaws.cn/route53/home"),
    ("cn-northwest-1", "lambda",
     "https://console.amazonaws.cn/lambda/home?region=cn-northwest-1"),
])
def test_destinations(region, service, expected):
    assert signin.destination_url(region, service=service) == expected


@pytest.mark.parametrize("url", [
    "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
    "https://console.aws.amazon.com/iam/home#/roles",
])
def test_destination_on_the_console_is_kept(url):
    assert signin.destination_url("us-east-1", destination=url) == url


@pytest.mark.parametrize("url", [
    "http://us-east-1.console.aws.amazon.com/ec2/home",  # not https
    "https://evil.example.com/?next=console.aws.amazon.com",
    "https://console.aws.amazon.com.evil.example.com/",
    "https://aws.amazon.com/console/",  # AWS, but not the console
    "https://console.amazonaws.cn/ec2/home",  # another partition
    "https://user@console.aws.amazon.com/",
    "javascript:alert(1)",
    "https://console.aws.amazon.com:abc/",  # urlsplit accepts it, .port raises
    "https://[::1/",
    "https://console.aws.amazon.com\\@evil.example.com/",
    "",
])
def test_destination_elsewhere_is_refused(url):
    with pytest.raises(InputError):
        signin.destination_url("us-east-1", destination=url or " ")


def test_service_and_destination_are_exclusive_and_services_are_names():
    with pytest.raises(InputError, match="not both"):
        signin.destination_url("us-east-1", service="ec2",
                               destination="https://console.aws.amazon.com/")
    for bad in ("ec2/../../x", "e c2", "-ec2", "ec2?x=1"):
        with pytest.raises(InputError, match="service"):
            signin.destination_url("us-east-1", service=bad)
    with pytest.raises(InputError, match="region"):
        signin.destination_url("not a region")


def test_logout_first_wraps_the_login_url_and_the_browser_path_works(fed, user_keys):
    creds = _assume(fed, user_keys)
    url = signin.login_url(creds, region="us-east-1", service="ec2", logout_first=True)
    base = fed.federation_url.rsplit("/federation", 1)[0]
    assert url.startswith(f"{base}/oauth?Action=logout&redirect_uri=")
    inner = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    assert inner.startswith(fed.federation_url + "?Action=login&")
    status, page = http_get(url)  # urllib follows the 302 like a browser
    assert status == 200 and "/ec2/home?region=us-east-1" in page
    assert [e["action"] for e in fed.events("federation")][-2:] == ["logout", "login"]


def test_logout_wrapper_uses_the_partition_sign_in_host(monkeypatch):
    monkeypatch.delenv("SWITCHER_FEDERATION_URL", raising=False)
    inner = "https://signin.amazonaws.cn/federation?Action=login&SigninToken=t"
    wrapped = signin.logout_wrapper(inner, partition="aws-cn")
    assert wrapped.startswith("https://signin.amazonaws.cn/oauth?Action=logout&redirect_uri=")
    assert parse_qs(urlsplit(wrapped).query)["redirect_uri"] == [inner]


@pytest.mark.parametrize("value", [
    "signin.example.com/federation",
    "https://signin.example.com/",
    "https://signin.example.com/federation/extra",
    "https://signin.example.com/federation?x=1",
    "https://user:pw@signin.example.com/federation",
    "http://signin.example.com/federation",  # credentials in clear text to another host
    "ftp://127.0.0.1/federation",
    "http://[::1/federation",
    "https://signin.example.com:99999/federation",
])
def test_federation_override_must_be_a_full_federation_url(monkeypatch, value):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", value)
    with pytest.raises(InputError, match="SWITCHER_FEDERATION_URL"):
        signin.federation_url("aws")


def test_federation_override_replaces_every_partition(monkeypatch):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", "https://signin.example.com/sso/federation")
    for partition in ("aws", "aws-us-gov", "aws-cn"):
        assert signin.federation_url(partition) == "https://signin.example.com/sso/federation"
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", "http://localhost:8080/federation")
    assert signin.federation_url("aws") == "http://localhost:8080/federation"


def test_network_down_is_one_line(monkeypatch, user_keys, aws_stack):
    port = closed_port()
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", f"http://127.0.0.1:{port}/federation")
    with pytest.raises(AwsError) as info:
        signin.login_url(_assume(aws_stack, user_keys), region="us-east-1")
    message = str(info.value)
    assert message.startswith(f"cannot reach the console sign-in endpoint 127.0.0.1:{port}")
    assert "\n" not in message


def test_a_hanging_endpoint_times_out(monkeypatch, user_keys, aws_stack):
    server = HangingServer()
    try:
        monkeypatch.setenv("SWITCHER_FEDERATION_URL", f"{server.url}/federation")
        monkeypatch.setattr(signin, "TIMEOUT", 0.5)
        with pytest.raises(AwsError, match="no answer within 0.5 s"):
            signin.login_url(_assume(aws_stack, user_keys), region="us-east-1")
    finally:
        server.close()


def test_an_answer_without_a_token_is_an_aws_error(fed, user_keys, monkeypatch):
    # The endpoint's index page answers 200 with HTML: not a sign-in token.
    base = fed.federation_url.rsplit("/federation", 1)[0]
    monkeypatch.setattr(signin, "federation_url", lambda partition: base + "/")
    with pytest.raises(AwsError, match="gave no sign-in token"):
        signin.signin_token(_assume(fed, user_keys), partition="aws")


# -- property tests for the URL builders ---------------------------------------------

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "us-gov-west-1",
           "us-gov-east-1", "cn-north-1", "cn-northwest-1"]
services = st.from_regex(signin.SERVICE_RE, fullmatch=True)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
# URL-ish text: hypothesis rarely builds "https://host:port" from plain text on its own
url_texts = texts | st.builds(
    "{}://{}{}/{}".format, st.sampled_from(["https", "http", "HTTPS", ""]),
    st.sampled_from(["console.aws.amazon.com", "eu-west-1.console.aws.amazon.com",
                     "console.amazonaws.cn", "[::1", "evil.example.com"]),
    st.sampled_from(["", ":443", ":abc", ":99999", "@x", ".evil.example.com"]), texts)


@given(region=st.sampled_from(REGIONS), service=st.none() | services)
@settings(max_examples=300, deadline=None)
def test_destination_is_always_on_the_partitions_console(region, service):
    url = signin.destination_url(region, service=service)
    parts = urlsplit(url)
    domain = {"aws": "aws.amazon.com", "aws-us-gov": "amazonaws-us-gov.com",
              "aws-cn": "amazonaws.cn"}[signin.partition_name(region)]
    assert parts.scheme == "https"
    assert parts.hostname == f"console.{domain}" or parts.hostname.endswith(f".console.{domain}")
    query = parse_qs(parts.query)
    if service in signin.GLOBAL_SERVICES:
        assert query == {}
    else:
        assert query == {"region": [region]}
    # what we build we also accept back as a --destination
    assert signin.destination_url(region, destination=url) == url


@given(region=st.sampled_from(REGIONS), url=url_texts)
@settings(max_examples=300, deadline=None)
def test_any_destination_text_is_accepted_on_the_console_or_refused_cleanly(region, url):
    try:
        result = signin.destination_url(region, destination=url)
    except InputError:
        return
    host = urlsplit(result).hostname
    assert host.endswith(("console.aws.amazon.com", "console.amazonaws-us-gov.com",
                          "console.amazonaws.cn"))


@given(destination=texts, token=texts, logout=st.booleans())
@settings(max_examples=300, deadline=None)
def test_login_url_round_trips_through_the_query(destination, token, logout):
    url = signin.build_login_url("https://signin.aws.amazon.com/federation", destination, token)
    if logout:
        url = signin.logout_wrapper(url, partition="aws")
    assert all(c not in url for c in " \n\r\t#")  # one opaque, fully encoded URL
    query = signin.parse_login_url(url)
    assert query["Destination"] == destination and query["SigninToken"] == token
    assert query["Action"] == "login" and query["Issuer"] == "switcher"


def test_signin_needs_no_aws_sdk():
    import subprocess
    import sys

    code = ("import sys\nfrom switcher.core.aws import signin\n"
            "signin.destination_url('us-gov-west-1', service='ec2')\n"
            "print(sorted(m for m in ('boto3', 'botocore', 'requests') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=30)
    assert out.stdout.strip() == "[]"
