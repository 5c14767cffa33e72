"""STS AssumeRole through botocore, and STS/botocore errors turned into one-line messages.

botocore is used directly (boto3 only wraps it) and imported only when this module is:
that keeps a cached ``switcher creds`` free of it. STS endpoints follow botocore's own
``AWS_ENDPOINT_URL_STS`` / ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC

from botocore import exceptions as bx
from botocore.config import Config as BotoConfig
from botocore.loaders import Loader
from botocore.session import Session

from switcher.core.aws import deadline
from switcher.core.credentials import Credentials
from switcher.core.errors import AwsError, InputError, SwitcherError
from switcher.core.paths import aws_config_file

# A hung network must not hang the CLI or a GUI worker for minutes: these per-wait limits
# are capped further by the switch's overall deadline (deadline.py).
_CLIENT_CONFIG = BotoConfig(
    connect_timeout=5, read_timeout=20, retries={"mode": "standard", "max_attempts": 2}
)


class _ServiceNames(Sequence):
    """The service list, listed only when asked about anything but STS."""

    def __init__(self, list_all) -> None:
        self._list_all = list_all
        self._names: list[str] | None = None

    def _all(self) -> list[str]:
        if self._names is None:
            self._names = self._list_all()
        return self._names

    def __contains__(self, name) -> bool:
        return name == "sts" or name in self._all()

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


class _LeanLoader(Loader):
    """botocore's data loader minus two costs that buy nothing for an STS client (~35 ms
    of a cold ``switcher creds``, DESIGN §7): listing all ~400 service directories to
    check that "sts" exists, and parsing the 1 MB legacy endpoints.json. Endpoints still
    come from each service's endpoint ruleset and the partitions data, as for any botocore
    client; the legacy table is only consulted when a ruleset is not the built-in one."""

    def list_available_services(self, type_name):
        return _ServiceNames(lambda: list(super(_LeanLoader, self).list_available_services(type_name)))

    def load_data_with_path(self, name):
        if name == "endpoints":
            return {"partitions": [], "version": 3}, os.path.join(self.BUILTIN_DATA_PATH, name)
        return super().load_data_with_path(name)


# botocore's "profile" session variable without its AWS_DEFAULT_PROFILE/AWS_PROFILE lookup
_NO_ENV_PROFILE = {"profile": (None, None, None, None)}


def new_session(profile: str | None = None, *, env_profile: bool = False) -> Session:
    """A botocore session for one switch: source credentials of ``profile`` and the STS
    client, so the profile's own settings (endpoint_url, ca_bundle, proxies) apply to the
    AssumeRole it feeds, as with ``aws --profile``.

    With no ``profile`` the session is for explicit credentials (keyring keys, a chain
    hop), which a stale AWS_PROFILE in the user's shell must not break; ``env_profile``
    asks for the default chain instead, which honours AWS_PROFILE as the AWS CLI does.
    """
    session = Session(profile=profile, session_vars=None if env_profile else _NO_ENV_PROFILE)
    session.user_agent_extra = "switcher"
    session.register_component("data_loader", _LeanLoader())
    deadline.guard_session(session)
    return session


def assume_role(
    source: Credentials,
    target,
    *,
    kind: str,
    session_name: str,
    duration: int | None = None,
    mfa_serial: str | None = None,
    mfa_code: str | None = None,
    session: Session | None = None,
) -> Credentials:
    """AssumeRole with already-validated inputs; ``kind`` is ASSUMED or CHAINED."""
    params: dict = {"RoleArn": target.role_arn, "RoleSessionName": session_name}
    if duration is not None:
        params["DurationSeconds"] = duration
    if target.external_id:
        params["ExternalId"] = target.external_id
    if mfa_serial and mfa_code:
        params["SerialNumber"] = mfa_serial
        params["TokenCode"] = mfa_code
    with deadline.ensure() as limit:
        try:
            client = (session or new_session()).create_client(
                "sts",
                region_name=target.region,
                aws_access_key_id=source.access_key_id,
                aws_secret_access_key=source.secret_access_key,
                aws_session_token=source.session_token,
                config=limit.client_config(_CLIENT_CONFIG),
            )
            reply = client.assume_role(**params)
        except Exception as exc:
            raise limit.error_for(exc) or map_error(
                exc, what=f"assuming {target.role_arn}", target=target, duration=duration,
            ) from None
    c = reply["Credentials"]
    expiration = c["Expiration"]
    if expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=UTC)
    return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                       expiration.astimezone(UTC), kind)


def map_error(exc: Exception, *, what: str, target=None, duration=None) -> SwitcherError:
    """One line a person understands, for any STS or botocore failure."""
    if isinstance(exc, SwitcherError):
        return exc
    name = target.name if target is not None else "the target"
    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code", "")
        message = one_line(err.get("Message", "")) or code
        lower = message.lower()
        if "multifactorauthentication" in lower.replace(" ", ""):
            return AwsError(
                f"the MFA code was not accepted for {name} (wrong or already used code): "
                "wait for the next code and try again"
            )
        if "maxsessionduration" in lower:
            return AwsError(
                f"duration {duration or '?'} s is above the maximum session duration of role "
                f"{name}; ask for less or raise the role's MaxSessionDuration in IAM"
            )
        if "role chaining" in lower or "1 hour session limit" in lower:
            return AwsError(
                f"{name} is assumed by role chaining, which AWS limits to 1 hour: "
                "use a duration of 3600 seconds or less"
            )
        if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
            return AwsError(
                f"the source credentials for {name} have expired; refresh them "
                "(e.g. aws sso login, or new keys) and try again"
            )
        if code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"):
            return AwsError(
                f"AWS does not recognise the source credentials for {name} "
                f"({code}); check the access keys of its source"
            )
        if code == "AccessDenied":
            return AwsError(f"access denied {what}: {message}")
        if code == "RegionDisabledException":
            return AwsError(f"STS is not activated in region {getattr(target, 'region', '?')}: {message}")
        if code in ("Throttling", "ThrottlingException"):
            return AwsError(f"AWS is throttling requests {what}; try again in a moment")
        return AwsError(f"AWS refused {what}: {code}: {message}")
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ProxyConnectionError)):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        where = f" at {endpoint}" if endpoint else ""
        return AwsError(f"cannot reach AWS STS{where}: the network is down or the endpoint is unreachable")
    if isinstance(exc, (bx.ReadTimeoutError, bx.ConnectionClosedError, bx.HTTPClientError)):
        return AwsError(f"the connection to AWS STS failed {what}: {one_line(exc)}")
    if isinstance(exc, bx.NoCredentialsError):
        return InputError(f"no AWS credentials to use {what}")
    if isinstance(exc, bx.ProfileNotFound):
        profile = getattr(exc, "kwargs", {}).get("profile")
        return InputError(f"AWS CLI profile {profile!r} is not in {aws_config_file()}")
    if isinstance(exc, bx.BotoCoreError):
        return AwsError(f"{what} failed: {one_line(exc)}")
    return AwsError(f"{what} failed: {type(exc).__name__}: {one_line(exc)}")


MAX_MESSAGE = 300  # a parser error quotes the whole body, which may be megabytes


def one_line(exc) -> str:
    """Any message on one line (botocore's span several, with indentation), shortened in
    the middle: a nested failure (a credential_process that runs switcher, which fails...)
    ends with its innermost cause, the part worth reading."""
    raw = str(exc)
    if len(raw) > MAX_MESSAGE * 8:
        raw = raw[:MAX_MESSAGE * 2] + " … " + raw[-MAX_MESSAGE * 2:]
    text = " ".join(raw.split())
    if len(text) <= MAX_MESSAGE:
        return text
    half = MAX_MESSAGE // 2
    return text[:half] + " … " + text[-half:]
