"""Errors of the sandbox Identity Center, as botocore's service models name them: the
exception shape (``code``), its HTTP status and, for ``sso-oidc``, the OAuth ``error``."""

from __future__ import annotations


class ApiError(Exception):
    """An error answer: HTTP status, the exception shape's name, the OAuth ``error``."""

    def __init__(self, status: int, code: str, message: str, oauth: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.oauth = status, code, oauth


def _oidc_error(code: str, oauth: str, status: int = 400):
    def make(message: str) -> ApiError:
        return ApiError(status, code, message, oauth)
    return make


InvalidRequest = _oidc_error("InvalidRequestException", "invalid_request")
InvalidClient = _oidc_error("InvalidClientException", "invalid_client", 401)
InvalidGrant = _oidc_error("InvalidGrantException", "invalid_grant")
UnauthorizedClient = _oidc_error("UnauthorizedClientException", "unauthorized_client")
UnsupportedGrant = _oidc_error("UnsupportedGrantTypeException", "unsupported_grant_type")
InvalidScope = _oidc_error("InvalidScopeException", "invalid_scope")
InvalidClientMetadata = _oidc_error("InvalidClientMetadataException", "invalid_client_metadata")
InvalidRedirectUri = _oidc_error("InvalidRedirectUriException", "invalid_redirect_uri")
Pending = _oidc_error("AuthorizationPendingException", "authorization_pending")
SlowDown = _oidc_error("SlowDownException", "slow_down")
Denied = _oidc_error("AccessDeniedException", "access_denied")
Expired = _oidc_error("ExpiredTokenException", "expired_token")
