"""What both discovery clients share: a botocore client checked and paced, one deadline
per request, and failures as one line."""

from __future__ import annotations

from collections.abc import Iterator

from switcher.core.discovery import ratelimit
from switcher.core.discovery.ratelimit import AdaptiveLimiter, Counters
from switcher.core.errors import AwsError

REQUEST_SECONDS = 60  # one request's deadline, its retries included (not the limiter's waits)


def make_client(service: str, region: str, limiter: AdaptiveLimiter, counters: Counters,
                workers: int, *, unsigned: bool = False, credentials=None):
    """botocore's client for ``service`` (its endpoint from botocore's own variables,
    e.g. AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_ORGANIZATIONS), paced by ``limiter``."""
    from botocore.config import Config

    from switcher.core.aws.endpoints import checked_client
    from switcher.core.aws.sts import new_session

    config = ratelimit.client_config(workers)
    keys = {}
    if unsigned:
        from botocore import UNSIGNED

        config = config.merge(Config(signature_version=UNSIGNED))
    if credentials is not None:
        keys = {"aws_access_key_id": credentials.access_key_id,
                "aws_secret_access_key": credentials.secret_access_key,
                "aws_session_token": credentials.session_token}
    client = checked_client(
        new_session().create_client(service, region_name=region, config=config, **keys), service)
    ratelimit.attach(client, limiter, counters)
    return client


def one_request(call):
    """``call()`` under a deadline of its own: a discovery runs for minutes, so no
    command-wide deadline applies (a fresh context, whatever runs in this one)."""
    import contextvars

    from switcher.core.aws import deadline

    def run():
        with deadline.ensure(REQUEST_SECONDS):
            return call()

    return contextvars.Context().run(run)


def pages(page_iterator) -> Iterator[dict]:
    """A botocore page iterator, each page fetched under its own deadline."""
    iterator = iter(page_iterator)
    done = object()
    while True:
        page = one_request(lambda: next(iterator, done))
        if page is done:
            return
        yield page


def mapped(exc: Exception, service: str, what: str) -> AwsError:
    """One line for a botocore failure; never the request (it may carry a token)."""
    from botocore import exceptions as bx

    from switcher.core.aws.deadline import DeadlineExceeded
    from switcher.core.aws.sts import one_line

    if isinstance(exc, DeadlineExceeded):
        return exc
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "") or "error"
        message = one_line(error.get("Message", ""))
        return AwsError(f"{service} refused {what}: {code}" + (f" ({message})" if message else ""))
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError,
                        bx.ReadTimeoutError, bx.ConnectionClosedError)):
        return AwsError(f"cannot reach {service} ({what}): the network is down or the "
                        "endpoint is unreachable")
    if isinstance(exc, AwsError):
        return exc
    return AwsError(f"{what} failed: {one_line(exc)}")


def failures():
    from botocore import exceptions as bx

    return (bx.ClientError, bx.BotoCoreError, AwsError)
