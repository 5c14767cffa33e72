"""Discovery through AWS Organizations: ListAccounts with the credentials of a target in
the management account (or a delegated administrator), through botocore's
``organizations`` client and paginator (AWS_ENDPOINT_URL_ORGANIZATIONS, as botocore
reads it). Only ACTIVE accounts are kept: suspended, closing and closed ones cannot be
switched to. Each account gets the organization's role names, assumed through its
``via`` target."""

from __future__ import annotations

from collections.abc import Iterator

from switcher.core.discovery.calls import failures, make_client, mapped, pages
from switcher.core.discovery.ratelimit import AdaptiveLimiter, Counters

PAGE_SIZE = 20  # Organizations' largest ListAccounts page
SERVICE = "AWS Organizations"
# Organizations is a global service with one endpoint per partition, in this region
HOME_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-northwest-1"}


def active(account: dict) -> bool:
    # State replaces the deprecated Status (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED)
    return (account.get("State") or account.get("Status")) == "ACTIVE"


class Organization:
    def __init__(self, credentials, partition: str, limiter: AdaptiveLimiter,
                 counters: Counters, workers: int = 1) -> None:
        self.client = make_client("organizations", HOME_REGIONS.get(partition, "us-east-1"),
                                  limiter, counters, workers, credentials=credentials)

    def account_pages(self) -> Iterator[list[dict]]:
        """Pages of ACTIVE accounts as ``{"id", "name", "email"}``; botocore's paginator
        follows NextToken through empty pages too (Organizations sends some)."""
        paginator = self.client.get_paginator("list_accounts")
        try:
            for page in pages(paginator.paginate(PaginationConfig={"PageSize": PAGE_SIZE})):
                yield [{"id": a["Id"], "name": a.get("Name") or a["Id"],
                        "email": a.get("Email") or ""}
                       for a in page.get("Accounts", []) if active(a)]
        except failures() as exc:
            raise mapped(exc, SERVICE, "the account listing (ListAccounts)") from None
