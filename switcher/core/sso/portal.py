"""Role credentials from the AWS access portal: GetRoleCredentials through botocore's
``sso`` client, with the source's access token (``tokens.access_token``), under the
switch's network deadline.

They are what an Identity Center target's base credentials are. AWS treats them like a
role session made from temporary credentials: the console sign-in refuses a
SessionDuration for them, and a role assumed with them is chained (at most 1 hour), so
they carry the kind CHAINED.
"""

from __future__ import annotations

from datetime import UTC, datetime

from switcher.core.credentials import CHAINED, Credentials
from switcher.core.errors import AwsError, Fix
from switcher.core.sso.sources import Source, url_key

# the access portal answers these when the token is no good any more
_SIGNED_OUT = ("UnauthorizedException",)


def source_of(config, target, aws_config: dict | None = None) -> Source:
    """The Identity Center source a target signs in with: the one with its start URL (a
    sign-in belongs to a start URL), else one made from the target itself (a discovered
    target whose source definition has gone keeps working while its token does)."""
    from switcher.core.sso import sources

    for source in sources.all_sources(config, aws_config):
        if source.key == url_key(target.sso_start_url or ""):
            return source
    name = target.source or target.name
    return Source(name, target.sso_start_url, target.sso_region, (name,), (),
                  ((target.sso_start_url, None),))


def role_credentials(config, target) -> Credentials:
    """GetRoleCredentials for (account, permission set) of ``target``. AwsError with
    Fix.SSO_LOGIN when the sign-in is missing, expired or revoked."""
    from switcher.core.sso import tokens

    source = source_of(config, target)
    token = tokens.access_token(source)
    return _get_role_credentials(source, token, target.account_id, target.role_name,
                                 target.name)


def _get_role_credentials(source: Source, token: str, account_id: str, role_name: str,
                          name: str) -> Credentials:
    from switcher.core.aws import deadline

    with deadline.ensure() as limit:
        try:
            reply = _call(limit, _client(source, limit), token, account_id, role_name)
        except _Refused as exc:
            code, message = exc.args
            if code in _SIGNED_OUT:
                raise AwsError(f"the IAM Identity Center sign-in of {source.name} is no "
                               "longer accepted", fix=Fix.SSO_LOGIN,
                               fix_for=source.name) from None
            if code == "ForbiddenException":
                raise AwsError(f"IAM Identity Center gives no access to {role_name} in account "
                               f"{account_id} ({name}): the assignment may have been removed; "
                               "see: switcher discover --refresh") from None
            raise AwsError(f"IAM Identity Center refused the credentials of {name}: {code}"
                           + (f" ({message})" if message else "")) from None
    creds = reply["roleCredentials"]
    expires = datetime.fromtimestamp(int(creds["expiration"]) / 1000, UTC)
    return Credentials(creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"],
                       expires, CHAINED)


def _client(source: Source, limit):
    """botocore's ``sso`` client for the source's region, its timeouts capped by the
    deadline."""
    from switcher.core.sso import oidc

    return oidc.client("sso", source, config=limit.client_config(oidc._client_config()))


class _Refused(Exception):
    """(error code, one-line message) of a ClientError."""


def _call(limit, portal, token: str, account_id: str, role_name: str) -> dict:
    from botocore import exceptions as bx

    from switcher.core.aws.sts import one_line
    from switcher.core.sso.oidc import _mapped

    try:
        return portal.get_role_credentials(accessToken=token, accountId=account_id,
                                           roleName=role_name)
    except bx.ClientError as exc:
        if limit.error_for(exc):
            raise limit.error_for(exc) from None
        error = exc.response.get("Error", {})
        raise _Refused(error.get("Code", "") or "error",
                       one_line(error.get("Message", ""))) from None
    except Exception as exc:
        # never the request in the message: it carries the token
        raise limit.error_for(exc) or _mapped(exc, "GetRoleCredentials") from None
