import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switcher.core import validate as v
from switcher.core.errors import InputError


@pytest.mark.parametrize("good", ["123456789012", "000000000000"])
def test_account_id_accepts_twelve_digits(good):
    assert v.check_account_id(good) == good


@pytest.mark.parametrize("bad", ["12345678901", "1234567890123", "12345678901a", "", " "])
def test_account_id_rejects_everything_else(bad):
    with pytest.raises(InputError, match="12 digits"):
        v.check_account_id(bad)


@pytest.mark.parametrize("good", ["qa", "cn", "x", "prod-main", "My_Account", "a.b-c_d", "x" * 64,
                                  "--", "123"])
def test_alias_is_a_local_nickname_and_keeps_its_case(good):
    assert v.check_alias(good) == good


@pytest.mark.parametrize("bad", ["", " ", "x" * 65, "a b", "a/b", "Ä", "prod١", "ａ",
                                 "a\nb", "a\x1b", "prod!"])
def test_alias_rejects(bad):
    with pytest.raises(InputError, match="1-64 letters, digits or . _ - characters"):
        v.check_alias(bad)


@pytest.mark.parametrize("good", ["abc", "prod-main", "a1b", "x" * 63])
def test_iam_account_alias_keeps_aws_rule(good):
    assert v.check_iam_alias(good) == good


@pytest.mark.parametrize("bad", ["ab", "-ab", "ab-", "a--b", "Prod", "a_b", "x" * 64, "a\nb"])
def test_iam_account_alias_rejects(bad):
    with pytest.raises(InputError, match="3-63 lowercase"):
        v.check_iam_alias(bad)


# Python's \d and \w and int() take every script's digits and letters; IAM and STS do not
@pytest.mark.parametrize("check,value", [
    (v.check_account_id, "١٢٣٤٥٦٧٨٩٠١٢"),
    (v.check_account_id, "１２３４５６７８９０１２"),
    (v.check_region, "us-east-١"),
    (v.check_token_code, "١٢٣٤٥٦"),
    (v.check_role_name, "Ädmin"),
    (v.check_role_name, "team/Äpps/Deploy"),
    (v.check_session_name, "sessión"),
    (v.check_external_id, "ïd-123"),
    (v.check_mfa_serial, "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:mfa/x"),
    (v.check_role_arn, "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/Admin"),
    (v.check_duration, "36１0"),
    (v.check_duration, "٣٦٠٠"),
    (v.check_duration, "3_600"),
    (v.check_color, "F2B0A٩"),
])
def test_validators_take_ascii_only(check, value):
    with pytest.raises(InputError):
        check(value)


@pytest.mark.parametrize("check,value", [
    (v.check_external_id, "shared-1\n"), (v.check_session_name, "alice\n"),
    (v.check_role_arn, "arn:aws:iam::123456789012:role/Admin\nx"),
])
def test_a_newline_is_not_the_end_of_a_value(check, value):
    # "$" matches before a trailing newline; these values are not stripped first
    with pytest.raises(InputError):
        check(value)


def test_duration_from_a_huge_number_is_out_of_range_not_a_crash():
    with pytest.raises(InputError, match="between 900 and 43200") as info:
        v.check_duration("9" * 5000)
    assert len(str(info.value)) < 300
    with pytest.raises(InputError, match="between 900"):
        v.check_duration(10**30)
    with pytest.raises(InputError, match="whole number"):
        v.check_duration(True)
    assert v.check_duration(" 0003600 ") == 3600


def test_short_repr_cuts_long_and_unprintable_values():
    assert v.short_repr("abc") == "'abc'"
    assert len(v.short_repr("x" * 10_000)) == 200
    assert "x" * 70 in v.short_repr("x" * 70)  # a long alias typed in Settings, in full
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    assert v.short_repr(nested) == "a list"


@pytest.mark.parametrize("url", [
    "https://sts.eu-west-1.amazonaws.com", "http://127.0.0.1:9", "http://localhost:5000/",
    "http://[::1]:9", "https://sts.amazonaws.com.", "HTTPS://STS.AMAZONAWS.COM",
])
def test_endpoint_urls_botocore_takes(url):
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    assert v.check_endpoint_url("AWS_ENDPOINT_URL_STS", url) == url
    assert is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)


@pytest.mark.parametrize("url,problem", [
    ("127.0.0.1:9", "must start with http:// or https://"),
    ("ftp://x", "must start with http:// or https://"),
    ("http://[::1", "is not a valid URL"),
    ("http://x:99999", "is not a valid URL"),
    ("https://", "has no valid host name"),
    ("https://bad_host", "has no valid host name"),
    ("https://ex\x1bample.com", "has no valid host name"),
    ("https://éxample.com", "has no valid host name"),
])
def test_endpoint_urls_refused_name_the_variable(url, problem):
    with pytest.raises(InputError, match=f"^AWS_ENDPOINT_URL={re.escape(repr(url))} {problem}"):
        v.check_endpoint_url("AWS_ENDPOINT_URL", url)


def test_endpoint_env_checks_both_variables_unless_botocore_ignores_them():
    v.check_endpoint_env({"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9", "AWS_ENDPOINT_URL": ""})
    with pytest.raises(InputError, match="^AWS_ENDPOINT_URL="):
        v.check_endpoint_env({"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9",
                              "AWS_ENDPOINT_URL": "127.0.0.1:9"})
    with pytest.raises(InputError, match="^AWS_ENDPOINT_URL_STS="):
        v.check_endpoint_env({"AWS_ENDPOINT_URL_STS": "ftp://x"})
    v.check_endpoint_env({"AWS_ENDPOINT_URL_STS": "ftp://x",
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"})


def test_role_name_with_path_counts_path_in_limit():
    assert v.check_role_name("team/ops/Deploy") == "team/ops/Deploy"
    assert v.check_role_name("/team/Deploy/") == "team/Deploy"
    assert v.check_role_name("p" * 40 + "/" + "n" * 30)  # only switch-role links cap at 64
    assert v.check_role_name("/".join(["p" * 50] * 10) + "/Name")
    with pytest.raises(InputError, match="limit is 512"):
        v.check_role_name("/".join(["p" * 60] * 10) + "/Name")
    with pytest.raises(InputError, match="1-64"):
        v.check_role_name("team/" + "n" * 65)
    with pytest.raises(InputError):
        v.check_role_name("bad name")
    with pytest.raises(InputError):
        v.check_role_name("team/b d/Name")


def test_duration_limits_and_chaining():
    assert v.check_duration("3600") == 3600
    for bad in (899, 43201, "x", None):
        with pytest.raises(InputError):
            v.check_duration(bad)
    with pytest.raises(InputError, match="1 hour"):
        v.check_duration(3601, chained=True)


def test_token_code_is_exactly_six_digits():
    assert v.check_token_code(" 123456 ") == "123456"
    for bad in ("12345", "1234567", "12345a", ""):
        with pytest.raises(InputError, match="6 digits"):
            v.check_token_code(bad)


def test_color_accepts_hash_and_normalises_case():
    assert v.check_color("#f2b0a9") == "F2B0A9"
    with pytest.raises(InputError):
        v.check_color("red")


def test_role_arn_parts():
    match = v.check_role_arn("arn:aws-us-gov:iam::123456789012:role/a/b/Name")
    assert (match["partition"], match["account"], match["role"]) == ("aws-us-gov", "123456789012", "a/b/Name")
    with pytest.raises(InputError):
        v.check_role_arn("arn:aws:iam::123:role/x")


@given(st.text(max_size=200))
def test_session_name_from_always_valid(text):
    assert v.check_session_name(v.session_name_from(text))


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1", "il-central-1"])
def test_regions_of_supported_partitions(region):
    assert v.check_region(region) == region


@pytest.mark.parametrize(("region", "message"), [
    ("us-iso-east-1", "partition aws-iso, which Switcher does not support"),
    ("eusc-de-east-1", "partition aws-eusc"),
    ("xx-fake-1", "matches no AWS partition"),
    ("mars", "not a region name"),
])
def test_regions_we_cannot_sign_in_to_are_refused(region, message):
    with pytest.raises(InputError, match=message):
        v.check_region(region)
