"""Discovery through the AWS access portal: ListAccounts, then ListAccountRoles for each
account, every page followed with botocore's own ``sso`` client and paginators, with the
bearer token of core.sso.tokens.access_token. No credentials are asked for: which roles
exist is all discovery needs."""

from __future__ import annotations

from collections.abc import Iterator

from switcher.core.discovery.calls import failures, make_client, mapped, pages
from switcher.core.discovery.ratelimit import AdaptiveLimiter, Counters
from switcher.core.sso.sources import Source

PAGE_SIZE = 100  # the portal's largest page
SERVICE = "IAM Identity Center"


class Portal:
    """The access portal of one Identity Center source, paced by ``limiter``."""

    def __init__(self, source: Source, token: str, limiter: AdaptiveLimiter,
                 counters: Counters, workers: int) -> None:
        self.client = make_client("sso", source.region, limiter, counters, workers,
                                  unsigned=True)
        self._token = token

    def account_pages(self) -> Iterator[list[dict]]:
        """Pages of ``{"id", "name", "email"}``."""
        paginator = self.client.get_paginator("list_accounts")
        try:
            for page in pages(paginator.paginate(accessToken=self._token,
                                                 PaginationConfig={"PageSize": PAGE_SIZE})):
                yield [{"id": a["accountId"], "name": a.get("accountName") or a["accountId"],
                        "email": a.get("emailAddress") or ""}
                       for a in page.get("accountList", [])]
        except failures() as exc:
            raise mapped(exc, SERVICE, "the account listing (ListAccounts)") from None

    def roles(self, account_id: str) -> list[str]:
        paginator = self.client.get_paginator("list_account_roles")
        found: list[str] = []
        try:
            for page in pages(paginator.paginate(accessToken=self._token, accountId=account_id,
                                                 PaginationConfig={"PageSize": PAGE_SIZE})):
                found += [r["roleName"] for r in page.get("roleList", [])]
        except failures() as exc:
            raise mapped(exc, SERVICE, "ListAccountRoles") from None
        return found
