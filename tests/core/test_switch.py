"""get_credentials / console_url: cache first, chains, durations, MFA, session names."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from moto import mock_aws

from switcher.core import switch
from switcher.core.aws import signin, sts
from switcher.core.credentials import ASSUMED, CHAINED
from switcher.core.errors import Cancelled, InputError
from switcher.core.model import Account, Config, Role, Settings
from switcher.core.secrets import keystore
from switcher.core.targets import resolve

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
CONFIG = Config(
    keyring_sources=("ci",),
    accounts=(
        Account("dev", "123456789012", source="ci", roles=(
            Role("Admin"),
            Role("Deep", via="dev/Admin"),
            Role("Long", duration=7200),
            Role("LongChained", duration=7200, via="dev/Admin"),
            Role("Guarded", mfa_serial=SERIAL),
        )),
        Account("loop-a", "111111111111", roles=(Role("R", via="loop-b/R"),)),
        Account("loop-b", "222222222222", roles=(Role("R", via="loop-a/R"),)),
    ),
)


@pytest.fixture
def env(memory_keyring, monkeypatch):
    keystore.reset()
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no TTY to prompt on
    keystore.store_keys("ci", "AKIAEXAMPLEEXAMPLE00", "secret")
    with mock_aws():
        yield memory_keyring
    keystore.reset()


@pytest.fixture
def calls(monkeypatch):
    """The AssumeRole calls really sent (a botocore hook on the real client)."""
    sent = []
    real = sts.new_session

    def recording_session(profile=None, **kwargs):
        session = real(profile, **kwargs)
        session.register("before-call.sts.AssumeRole",
                         lambda params, **kw: sent.append(dict(params["body"])))
        return session

    monkeypatch.setattr(sts, "new_session", recording_session)
    return sent


def test_second_call_comes_from_the_cache(env, calls):
    target = resolve(CONFIG, "dev/Admin")
    assert switch.cached_credentials(target) is None
    first = switch.get_credentials(CONFIG, target)
    second = switch.get_credentials(CONFIG, target)
    assert first == second and first.kind == ASSUMED
    assert len(calls) == 1
    assert switch.cached_credentials(target) == first


def test_refresh_ignores_the_cache(env, calls):
    target = resolve(CONFIG, "dev/Admin")
    switch.get_credentials(CONFIG, target)
    switch.get_credentials(CONFIG, target, refresh=True)
    assert len(calls) == 2


def test_clear_cache(env, calls):
    target = resolve(CONFIG, "dev/Admin")
    switch.get_credentials(CONFIG, target)
    switch.clear_cache(target)
    assert switch.cached_credentials(target) is None
    switch.get_credentials(CONFIG, target)
    switch.clear_cache()
    assert switch.cached_credentials(target) is None
    assert len(calls) == 2


def test_via_chain_is_chained_and_uses_the_hop_cache(env, calls):
    deep = switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Deep"))
    assert deep.kind == CHAINED
    assert [c["RoleArn"].rsplit("/", 1)[1] for c in calls] == ["Admin", "Deep"]
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Deep"), refresh=True)
    assert [c["RoleArn"].rsplit("/", 1)[1] for c in calls] == ["Admin", "Deep", "Deep"]


def test_chain_loop_is_reported(env, calls):
    with pytest.raises(InputError, match="loops back on itself: loop-a/R -> loop-b/R -> loop-a/R"):
        switch.get_credentials(CONFIG, resolve(CONFIG, "loop-a/R"))
    assert calls == []


def test_unknown_via_is_reported(env, calls):
    config = CONFIG.with_account(Account("x1x", "333333333333", roles=(Role("R", via="nope/R"),)))
    with pytest.raises(InputError, match="assumed via 'nope/R'"):
        switch.get_credentials(config, resolve(config, "x1x"))


@pytest.mark.parametrize("target,duration", [("dev/Deep", 3601), ("dev/LongChained", None)])
def test_chained_duration_over_an_hour_fails_before_any_call(env, calls, target, duration):
    with pytest.raises(InputError, match="1 hour limit"):
        switch.get_credentials(CONFIG, resolve(CONFIG, target), duration=duration)
    assert calls == []


@pytest.mark.parametrize("bad", [899, 43201, "soon"])
def test_invalid_duration_fails_before_any_call(env, calls, bad):
    with pytest.raises(InputError, match="duration"):
        switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Admin"), duration=bad)
    assert calls == []


def test_duration_precedence(env, calls):
    settings_default = replace(CONFIG, settings=Settings(default_duration=10800))
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Admin"))
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Long"))
    switch.get_credentials(settings_default, resolve(CONFIG, "dev/Long"), duration=1800,
                           refresh=True)
    switch.get_credentials(settings_default, resolve(CONFIG, "dev/Admin"), refresh=True)
    switch.get_credentials(settings_default, resolve(CONFIG, "dev/Deep"), refresh=True)
    assert [c.get("DurationSeconds") for c in calls] == [None, 7200, 1800, 10800, 3600]


def test_explicit_duration_longer_than_the_cached_session_renews_it(env, calls):
    target = resolve(CONFIG, "dev/Admin")
    switch.get_credentials(CONFIG, target, duration=900)
    switch.get_credentials(CONFIG, target, duration=900)
    switch.get_credentials(CONFIG, target, duration=7200)
    assert [c.get("DurationSeconds") for c in calls] == [900, 7200]


def test_session_name_precedence(env, calls, monkeypatch):
    monkeypatch.setattr(switch.getpass, "getuser", lambda: "Jane Doe (laptop)")
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Admin"))
    named = replace(CONFIG, settings=Settings(session_name="team-bot"))
    switch.get_credentials(named, resolve(CONFIG, "dev/Admin"), refresh=True)
    own = replace(resolve(CONFIG, "dev/Admin"), session_name="own.name")
    switch.get_credentials(named, own, refresh=True)
    assert [c["RoleSessionName"] for c in calls] == ["Jane-Doe--laptop-", "team-bot", "own.name"]


def test_mfa_code_is_sent_with_the_device(env, calls):
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Guarded"), mfa_code="123456")
    assert (calls[0]["SerialNumber"], calls[0]["TokenCode"]) == (SERIAL, "123456")


def test_mfa_without_code_or_tty_fails_before_sts(env, calls):
    with pytest.raises(InputError, match="needs an MFA code"):
        switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Guarded"))
    assert calls == []


def test_mfa_process_from_settings(env, calls, tmp_path):
    config = replace(CONFIG, settings=Settings(mfa_process="echo 424242"))
    switch.get_credentials(config, resolve(config, "dev/Guarded"))
    assert calls[0]["TokenCode"] == "424242"


def test_mfa_prompt_and_cancel(env, calls):
    target = resolve(CONFIG, "dev/Guarded")
    with pytest.raises(Cancelled):
        switch.get_credentials(CONFIG, target, mfa_prompt=lambda t, s: None)
    assert calls == []
    switch.get_credentials(CONFIG, target, mfa_prompt=lambda t, s: "777777")
    assert calls[0]["TokenCode"] == "777777"


def test_bad_mfa_code_is_rejected_before_anything(env, calls):
    with pytest.raises(InputError, match="6 digits"):
        switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Guarded"), mfa_code="12 345")
    assert calls == []


@pytest.fixture
def login_calls(monkeypatch):
    """What reaches the sign-in (the federation endpoint is tested end to end), with the
    region and service read back from the page it lands on."""
    seen = []

    def fake_sign_in_url(creds, *, destination, **kwargs):
        parts = urlsplit(destination)
        region = parse_qs(parts.query).get("region", [None])[0]
        service = parts.path.strip("/").split("/")[0]
        seen.append((creds.kind, {**kwargs, "destination": destination, "region": region,
                                  "service": service}))
        return "https://signin.example/federation?Action=login"

    monkeypatch.setattr(signin, "sign_in_url", fake_sign_in_url)
    return seen


def test_console_url_session_duration_only_for_assumed(env, calls, login_calls):
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"), duration=43200)
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Deep"), duration=3600, service="ec2")
    (kind1, first), (kind2, second) = login_calls
    assert (kind1, first["session_duration"], first["region"]) == (ASSUMED, 43200, "us-east-1")
    assert (kind2, second["session_duration"], second["service"]) == (CHAINED, None, "ec2")
    # a chained console session is sized by AssumeRole (<= 1 h) instead
    assert calls[-1].get("DurationSeconds") in (None, 3600)


def test_console_url_session_duration_falls_back_to_the_role_then_the_settings(env, calls,
                                                                               login_calls):
    long_default = replace(CONFIG, settings=Settings(default_duration=10800))
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Long"))
    switch.console_url(long_default, resolve(long_default, "dev/Admin"))
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"))  # cached: the settings say nothing
    assert [kw["session_duration"] for _, kw in login_calls] == [7200, 10800, None]


def test_console_url_signs_in_where_the_request_says(env, calls, login_calls, monkeypatch):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", "http://127.0.0.1:9/federation")
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"), region="eu-central-1",
                       service="iam", logout_first=True)
    [(_, kw)] = login_calls
    assert kw["federation"] == "http://127.0.0.1:9/federation"
    assert kw["destination"] == "https://console.aws.amazon.com/iam/home"
    assert kw["logout_first"] is True


def test_console_url_chained_over_an_hour_is_refused(env, calls, login_calls):
    with pytest.raises(InputError, match="1 hour"):
        switch.console_url(CONFIG, resolve(CONFIG, "dev/Deep"), duration=7200)
    assert login_calls == []


def test_console_url_logout_first_precedence(env, calls, login_calls):
    on = replace(CONFIG, settings=Settings(logout_first=True))
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"))
    switch.console_url(on, resolve(on, "dev/Admin"))
    switch.console_url(on, replace(resolve(on, "dev/Admin"), logout_first=False))
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"), logout_first=True)
    assert [kw["logout_first"] for _, kw in login_calls] == [False, True, False, True]
    assert len(calls) == 1


def test_console_url_never_wraps_a_multi_session_browser_in_a_logout(env, calls, login_calls):
    multi = replace(CONFIG, settings=Settings(logout_first=True, multi_session=True))
    switch.console_url(multi, resolve(multi, "dev/Admin"))
    switch.console_url(multi, resolve(multi, "dev/Admin"), logout_first=True)
    switch.console_url(multi, replace(resolve(multi, "dev/Admin"), multi_session=False))
    assert [kw["logout_first"] for _, kw in login_calls] == [False, False, True]


@pytest.mark.parametrize("region,other", [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_console_url_refuses_a_region_of_another_partition(env, calls, login_calls, region, other):
    # commercial credentials must never be posted to another partition's sign-in host
    with pytest.raises(InputError, match=f"partition {other}.*partition aws|partition aws.*{other}"):
        switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"), region=region)
    assert calls == [] and login_calls == []


@pytest.mark.parametrize("name", ["dev/Admin", "dev/Deep"])
def test_a_stale_aws_profile_does_not_touch_keyring_or_chained_targets(env, calls, monkeypatch,
                                                                       tmp_path, name):
    # their credentials are explicit: AWS_PROFILE has nothing to say about them
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_PROFILE", "nope")
    switch.get_credentials(CONFIG, resolve(CONFIG, name))
    assert len(calls) == (1 if name == "dev/Admin" else 2)


@pytest.mark.parametrize("variable", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
def test_a_stale_aws_profile_for_the_default_chain_is_one_clean_line(env, calls, monkeypatch,
                                                                      tmp_path, variable):
    (tmp_path / "config").write_text("[profile other]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv(variable, "nope")
    config = CONFIG.with_account(Account("dflt", "333333333333", roles=(Role("R"),)))
    with pytest.raises(InputError) as info:
        switch.get_credentials(config, resolve(config, "dflt"))
    assert str(info.value) == (
        f"{variable} names profile 'nope', which is not in {tmp_path / 'config'}")
    assert calls == []


def test_mfa_code_for_a_target_without_mfa_is_refused_before_any_call(env, calls):
    with pytest.raises(InputError) as info:
        switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Deep"), mfa_code="123456")
    assert str(info.value) == "dev/Deep does not use MFA; drop --mfa-code"
    assert calls == []


def test_mfa_code_is_accepted_when_a_via_hop_uses_mfa(env, calls):
    config = CONFIG.with_account(Account("x2x", "333333333333", source="ci", roles=(
        Role("Behind", via="dev/Guarded"),)))
    switch.get_credentials(config, resolve(config, "x2x"), mfa_code="123456")
    assert [c.get("TokenCode") for c in calls] == ["123456", None]


def test_an_explicit_duration_is_checked_once_per_call(env, calls, login_calls, monkeypatch):
    from switcher.core import validate

    checked = []
    real = validate.check_duration

    def counting(value, **kwargs):
        checked.append(value)
        return real(value, **kwargs)

    monkeypatch.setattr(validate, "check_duration", counting)
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Admin"), duration=900)
    switch.get_credentials(CONFIG, resolve(CONFIG, "dev/Deep"), duration=1800)
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Deep"), duration=2700)
    switch.console_url(CONFIG, resolve(CONFIG, "dev/Admin"), duration=43200)
    assert checked == [900, 1800, 2700, 43200]
    assert [c.get("DurationSeconds") for c in calls] == [900, 1800, 2700]  # hops cached


def test_console_url_uses_an_mfa_code_once(env, calls, login_calls):
    # a code AWS has accepted cannot be sent again: a longer chained session reuses the hop
    config = CONFIG.with_account(Account("x2x", "333333333333", source="ci", roles=(
        Role("Behind", via="dev/Guarded"),)))
    switch.console_url(config, resolve(config, "x2x"), duration=3600, mfa_code="123456")
    assert [c.get("TokenCode") for c in calls] == ["123456", None]


# -- profile role chains exactly as botocore resolves them, counted on moto over HTTP -------


@pytest.fixture
def over_http(aws_stack, memory_keyring, monkeypatch, tmp_path):
    """~/.aws files in tmp_path, STS through the sandbox's recording proxy to moto."""
    import os

    keystore.reset()
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in aws_stack.base_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    aws_stack.clear_log()
    yield aws_stack
    keystore.reset()


def _assumed(stack) -> list[tuple[str, bool]]:
    return [(e["role_arn"].rsplit(":", 1)[1], e["chained"])
            for e in stack.events("sts", "AssumeRole") if e["status"] == 200]


def _keys(stack) -> str:
    key, secret = stack.user_keys()
    return f"aws_access_key_id = {key}\naws_secret_access_key = {secret}\n"


@pytest.mark.parametrize("keys_in", ["config", "credentials"])
def test_a_source_profile_with_keys_and_a_role_gives_its_keys_one_assume_role(
        over_http, tmp_path, keys_in):
    # botocore's test_recursive_assume_role_stops_at_static_creds: the keys win over the role
    keys = _keys(over_http)
    (tmp_path / "config").write_text(
        "[profile src]\nrole_arn = arn:aws:iam::111111111111:role/SrcRole\n"
        + (keys if keys_in == "config" else "")
        + "\n[profile app]\nrole_arn = arn:aws:iam::222222222222:role/App\nsource_profile = src\n")
    if keys_in == "credentials":
        (tmp_path / "credentials").write_text("[src]\n" + keys)
    target = resolve(Config(), "app")
    assert (target.source, target.via) == ("src", None)
    creds = switch.get_credentials(Config(), target)
    assert creds.kind == ASSUMED
    assert _assumed(over_http) == [("role/App", False)]


def test_a_profile_that_is_its_own_source_assumes_its_role_once(over_http, tmp_path):
    (tmp_path / "config").write_text(
        "[profile me]\nrole_arn = arn:aws:iam::111111111111:role/Me\nsource_profile = me\n"
        + _keys(over_http))
    switch.get_credentials(Config(), resolve(Config(), "me"))
    assert _assumed(over_http) == [("role/Me", False)]


def test_a_role_source_without_keys_is_chained_through(over_http, tmp_path):
    (tmp_path / "config").write_text(
        "[profile base]\n" + _keys(over_http)
        + "[profile hub]\nrole_arn = arn:aws:iam::111111111111:role/Hub\nsource_profile = base\n"
        "[profile spoke]\nrole_arn = arn:aws:iam::222222222222:role/Spoke\nsource_profile = hub\n")
    target = resolve(Config(), "spoke")
    assert (target.source, target.via) == (None, "hub")
    switch.get_credentials(Config(), target)
    assert _assumed(over_http) == [("role/Hub", False), ("role/Spoke", True)]


def test_a_web_identity_source_is_assumed_with_web_identity_not_chained(over_http, tmp_path):
    token = tmp_path / "token"
    token.write_text("a-web-identity-token")
    (tmp_path / "config").write_text(
        "[profile ci]\nrole_arn = arn:aws:iam::111111111111:role/Ci\n"
        f"web_identity_token_file = {token}\n"
        "[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nsource_profile = ci\n")
    target = resolve(Config(), "deploy")
    assert (target.source, target.via) == ("ci", None)
    switch.get_credentials(Config(), target)
    assert [e["status"] for e in over_http.events("sts", "AssumeRoleWithWebIdentity")] == [200]
    assert _assumed(over_http) == [("role/Deploy", True)]


def test_credential_source_uses_that_provider_alone(over_http, tmp_path, monkeypatch):
    key, secret = over_http.user_keys()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    (tmp_path / "config").write_text(
        "[profile from-env]\nrole_arn = arn:aws:iam::111111111111:role/FromEnv\n"
        "credential_source = Environment\n"
        "[profile from-imds]\nrole_arn = arn:aws:iam::111111111111:role/FromImds\n"
        "credential_source = Ec2InstanceMetadata\n")
    switch.get_credentials(Config(), resolve(Config(), "from-env"))
    assert _assumed(over_http) == [("role/FromEnv", False)]
    # the environment's keys are there, but this profile asks for instance metadata only
    with pytest.raises(InputError, match="No credentials found in credential_source referenced "
                                         "in profile from-imds"):
        switch.get_credentials(Config(), resolve(Config(), "from-imds"))
    assert _assumed(over_http) == [("role/FromEnv", False)]
