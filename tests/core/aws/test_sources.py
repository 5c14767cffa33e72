"""Source credentials: keyring sources, AWS CLI profiles through botocore, default chain."""

from __future__ import annotations

import json

import pytest

from switcher.core.aws import sources
from switcher.core.credentials import LONG_TERM
from switcher.core.errors import AwsError, Fix, InputError
from switcher.core.model import Config
from switcher.core.secrets import keystore


@pytest.fixture
def aws_files(tmp_path, monkeypatch):
    """Empty AWS config/credentials files and no ambient credentials."""
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("")
    credentials.write_text("")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    return config, credentials


def test_keyring_source_is_long_term(kr, aws_files):
    keystore.store_keys("ci", "AKIAEXAMPLEEXAMPLE00", "secret")
    got = sources.source_credentials(Config(keyring_sources=("ci",)), "ci")
    assert (got.access_key_id, got.secret_access_key, got.kind) == (
        "AKIAEXAMPLEEXAMPLE00", "secret", LONG_TERM)


def test_keyring_source_without_keys(kr, aws_files):
    with pytest.raises(InputError, match="switcher keys add ci"):
        sources.source_credentials(Config(keyring_sources=("ci",)), "ci")


def test_static_profile_is_long_term(aws_files):
    _, credentials = aws_files
    credentials.write_text("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n")
    got = sources.source_credentials(Config(), "base")
    assert (got.access_key_id, got.kind, got.session_token) == ("AKIABASE", LONG_TERM, None)


def test_credential_process_with_token_is_temporary(aws_files, tmp_path):
    config, _ = aws_files
    helper = tmp_path / "creds.sh"
    helper.write_text("#!/bin/sh\necho '" + json.dumps({
        "Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "s", "SessionToken": "t",
    }) + "'\n")
    helper.chmod(0o755)
    config.write_text(f"[profile proc]\ncredential_process = {helper}\n")
    got = sources.source_credentials(Config(), "proc")
    assert (got.access_key_id, got.session_token, got.kind) == ("ASIAPROC", "t", sources.TEMPORARY)


def test_failing_credential_process_is_aws_error(aws_files):
    config, _ = aws_files
    config.write_text("[profile proc]\ncredential_process = /bin/false\n")
    with pytest.raises(AwsError, match="source proc failed"):
        sources.source_credentials(Config(), "proc")


def test_missing_profile_names_it(aws_files):
    with pytest.raises(InputError, match="'nope' does not exist"):
        sources.source_credentials(Config(), "nope")


def test_missing_profile_names_the_real_config_file(aws_files, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", "~/config")  # HOME is the test's directory
    with pytest.raises(InputError) as info:
        sources.source_credentials(Config(), "nope")
    assert f"(see {aws_files[0]})" in str(info.value)


def test_no_default_credentials(aws_files):
    with pytest.raises(InputError, match="no AWS credentials found"):
        sources.source_credentials(Config(), None)


def test_default_chain_with_a_stale_aws_profile_names_the_variable(aws_files, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "nope")
    with pytest.raises(InputError) as info:
        sources.source_credentials(Config(), None)
    assert str(info.value) == f"AWS_PROFILE names profile 'nope', which is not in {aws_files[0]}"


def test_default_chain_reads_environment(aws_files, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    assert sources.source_credentials(Config(), None).access_key_id == "AKIAENV"


def test_expired_sso_session_says_how_to_log_in(aws_files):
    config, _ = aws_files
    config.write_text(
        "[profile corp]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Admin\n"
    )
    with pytest.raises(AwsError) as info:
        sources.source_credentials(Config(), "corp")
    assert str(info.value).endswith("; sign in with: switcher sso login corp")
    assert (info.value.fix, info.value.fix_for) == (Fix.SSO_LOGIN, "corp")
    assert "aws sso login" not in str(info.value)


def test_expired_sso_session_names_its_sso_session(aws_files):
    config, _ = aws_files
    config.write_text(
        "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n"
        "sso_role_name = Admin\n\n[sso-session corp]\n"
        "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
    )
    with pytest.raises(AwsError) as info:
        sources.source_credentials(Config(), "dev")
    assert (info.value.fix, info.value.fix_for) == (Fix.SSO_LOGIN, "corp")
