"""The one rule for where Switcher sends credentials and tokens: https, or plain http only
to this machine (the sandbox and the tests' local stand-ins)."""

from __future__ import annotations

from urllib.parse import urlsplit

from switcher.core.errors import InputError

# urlsplit's hostname drops the brackets of an IPv6 literal
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def plain_http_allowed(host: str | None) -> bool:
    return (host or "").lower() in LOOPBACK_HOSTS


def secure_enough(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and plain_http_allowed(parts.hostname))


def checked_client(client, service: str):
    """``client`` (a botocore client) when its resolved endpoint obeys the rule above;
    botocore takes AWS_ENDPOINT_URL_<SERVICE> as it is, so this is checked here."""
    endpoint = client.meta.endpoint_url
    if not secure_enough(endpoint):
        raise InputError(f"the {service} endpoint {endpoint} must be https "
                         "(plain http only on 127.0.0.1 or localhost)")
    return client
