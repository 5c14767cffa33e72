"""Base credentials for a target: a keyring source, an AWS CLI profile, or botocore's
default chain. Profiles (static keys, IAM Identity Center, credential_process, their own
role chains) are resolved by botocore's credential chain, never by hand.
"""

from __future__ import annotations

from switcher.core.aws import deadline
from switcher.core.credentials import LONG_TERM, Credentials
from switcher.core.errors import AwsError, Fix, InputError
from switcher.core.paths import aws_config_file
from switcher.core.secrets import keystore

TEMPORARY = "temporary"  # source credentials with a session token: roles assumed with them are chained


def describe(source: str | None) -> str:
    return f"source {source}" if source else "the default AWS credentials"


def is_profile(config, source: str | None) -> bool:
    """Whether ``source`` names an AWS CLI profile (None is the default chain)."""
    return bool(source) and source not in config.keyring_sources


def source_credentials(config, source: str | None, *, session=None) -> Credentials:
    """``session``: the botocore session to resolve a profile with (see sts.new_session)."""
    if source and source in config.keyring_sources:
        keys = keystore.load_keys(source)
        if keys is None:
            raise InputError(f"keyring source {source} has no keys", fix=Fix.ADD_KEYS, fix_for=source)
        return Credentials(keys[0], keys[1], None, None, LONG_TERM)
    return _from_botocore(source, session)


def _from_botocore(profile: str | None, session=None) -> Credentials:
    from botocore import exceptions as bx

    from switcher.core.aws.sts import new_session, one_line

    try:
        session = session or new_session(profile, env_profile=profile is None)
        found = (_own_credentials(session, profile) if profile else None) or session.get_credentials()
        frozen = found.get_frozen_credentials() if found is not None else None
    except bx.ProfileNotFound:
        if profile is None:
            raise _stale_env_profile() from None
        raise InputError(
            f"AWS CLI profile {profile!r} does not exist (see {aws_config_file()})",
            fix=Fix.SET_SOURCE, fix_for=str(profile),
        ) from None
    except (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError):
        from switcher.core.sso.sources import login_name_for_profile

        raise AwsError(
            f"the IAM Identity Center (SSO) session of profile {profile or 'default'} has expired",
            fix=Fix.SSO_LOGIN, fix_for=login_name_for_profile(profile),
        ) from None
    except bx.CredentialRetrievalError as exc:
        raise deadline.error_for(exc) or AwsError(f"{describe(profile)} failed: {one_line(exc)}") from None
    except bx.PartialCredentialsError as exc:
        raise InputError(f"{describe(profile)} is incomplete: {one_line(exc)}") from None
    except bx.NoCredentialsError:
        frozen = None
    except bx.BotoCoreError as exc:
        raise deadline.error_for(exc) or AwsError(f"{describe(profile)} failed: {one_line(exc)}") from None
    except Exception as exc:  # e.g. ClientError from a profile's own AssumeRole
        from switcher.core.aws.sts import map_error

        raise deadline.error_for(exc) or map_error(
            exc, what=f"getting credentials of {describe(profile)}") from None
    if frozen is None or not frozen.access_key:
        if profile:
            raise InputError(f"AWS CLI profile {profile!r} has no credentials")
        raise InputError("no AWS credentials found", fix=Fix.SET_SOURCE)
    kind = TEMPORARY if frozen.token else LONG_TERM
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token or None, None, kind)


def _own_credentials(session, profile: str):
    """A source profile with keys of its own and a role_arn gives its keys, not its role:
    botocore's AssumeRoleProvider._resolve_credentials_from_profile, through the same
    profile provider chain it uses (so one AssumeRole, never a chain). None otherwise."""
    values = session.full_config["profiles"].get(profile, {})
    if "role_arn" not in values or not {"aws_access_key_id", "aws_secret_access_key"} & set(values):
        return None
    from botocore.credentials import CredentialResolver, ProfileProviderBuilder

    builder = ProfileProviderBuilder(session, region_name=session.get_config_variable("region"))
    found = CredentialResolver(builder.providers(profile_name=profile, disable_env_vars=True)).load_credentials()
    if found is None:
        raise InputError(f'The source profile "{profile}" must have credentials.')
    return found


def named_source_credentials(name: str, profile: str, *, session=None) -> Credentials:
    """A profile's ``credential_source`` (Environment, Ec2InstanceMetadata, EcsContainer):
    that one botocore provider, as botocore's CanonicalNameCredentialSourcer picks it."""
    from botocore import exceptions as bx
    from botocore.credentials import CanonicalNameCredentialSourcer

    from switcher.core.aws.sts import new_session, one_line

    session = session or new_session()
    resolver = session.get_component("credential_provider")
    sourcer = CanonicalNameCredentialSourcer(
        [resolver.get_provider(n) for n in ("env", "container-role", "iam-role")])
    try:
        found = sourcer.source_credentials(name)
        frozen = found.get_frozen_credentials() if found is not None else None
    except bx.BotoCoreError as exc:
        raise AwsError(f"credential_source {name} of profile {profile} failed: {one_line(exc)}") from None
    if frozen is None or not frozen.access_key:
        raise InputError(str(bx.CredentialRetrievalError(
            provider=name,
            error_msg=f"No credentials found in credential_source referenced in profile {profile}")))
    kind = TEMPORARY if frozen.token else LONG_TERM
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token or None, None, kind)


def _stale_env_profile() -> InputError:
    import os

    for name in ("AWS_DEFAULT_PROFILE", "AWS_PROFILE"):  # botocore's order
        if os.environ.get(name):
            return InputError(
                f"{name} names profile {os.environ[name]!r}, which is not in {aws_config_file()}")
    return InputError(f"the default AWS profile is not in {aws_config_file()}")
