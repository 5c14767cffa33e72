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


@pytest.mark.parametrize("good", ["abc", "prod-main", "a1b", "x" * 63])
def test_alias_rule(good):
    assert v.check_alias(good) == good


@pytest.mark.parametrize("bad", ["ab", "-ab", "ab-", "a--b", "Prod", "a_b", "x" * 64])
def test_alias_rejects(bad):
    with pytest.raises(InputError):
        v.check_alias(bad)


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
