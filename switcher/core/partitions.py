"""Partition facts (DESIGN.md §4): which sign-in and console hosts a region uses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Partition:
    name: str
    signin_host: str
    console_domain: str  # console hosts are "<region>.console.<domain>" or "console.<domain>"
    default_region: str

    @property
    def federation_url(self) -> str:
        return f"https://{self.signin_host}/federation"

    def console_host(self, region: str) -> str:
        if self.name == "aws":
            return f"{region}.console.{self.console_domain}"
        return f"console.{self.console_domain}"


PARTITIONS = {
    "aws": Partition("aws", "signin.aws.amazon.com", "aws.amazon.com", "us-east-1"),
    "aws-us-gov": Partition(
        "aws-us-gov", "signin.amazonaws-us-gov.com", "amazonaws-us-gov.com", "us-gov-west-1"
    ),
    "aws-cn": Partition("aws-cn", "signin.amazonaws.cn", "amazonaws.cn", "cn-north-1"),
}

SIGNIN_HOSTS = {p.signin_host: p for p in PARTITIONS.values()}


def _fast_guess(region: str) -> str | None:
    # Avoids importing boto3 on hot paths for the regions every user has.
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return None


@lru_cache(maxsize=256)
def partition_name(region: str) -> str:
    guess = _fast_guess(region)
    if guess:
        return guess
    from botocore.session import get_session  # lazy: botocore costs ~100 ms to import

    try:
        return get_session().get_partition_for_region(region)
    except Exception:  # unknown region: botocore raises; the commercial partition is the sane default
        return "aws"


def partition_for_region(region: str) -> Partition:
    name = partition_name(region)
    return PARTITIONS.get(name, PARTITIONS["aws"])


def all_regions() -> list[str]:
    """Every region botocore knows across the three partitions (for pickers)."""
    from botocore.session import get_session

    session = get_session()
    regions: set[str] = set()
    for name in PARTITIONS:
        regions.update(session.get_available_regions("sts", partition_name=name))
    return sorted(regions)
