"""Partition facts: which sign-in and console hosts a region uses (IAM guide, "Enable
custom identity broker access to the AWS console"; regions from botocore's partitions.json)."""

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

UNKNOWN = "unknown"

SIGNIN_HOSTS = {p.signin_host: p for p in PARTITIONS.values()}


@lru_cache(maxsize=1)
def _botocore_partitions() -> list[dict]:
    # botocore's own partitions.json, read as data: its regions and regexes are the source of
    # truth, and a botocore Session (what get_partition_for_region needs) costs ~100 ms.
    import json
    import os
    from importlib.util import find_spec

    # find_spec locates botocore without importing it: the cached `creds` path stays botocore-free
    spec = find_spec("botocore")
    base = list(spec.submodule_search_locations)[0] if spec and spec.submodule_search_locations else ""
    path = os.path.join(base, "data", "partitions.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["partitions"]


@lru_cache(maxsize=256)
def partition_name(region: str) -> str:
    """The partition id for a region, exactly as botocore decides it (explicit regions
    first, then each partition's region regex); "unknown" when none matches."""
    import re

    partitions = _botocore_partitions()
    for partition in partitions:
        if region in partition.get("regions", {}):
            return partition["id"]
    for partition in partitions:
        if re.match(partition["regionRegex"], region):
            return partition["id"]
    return UNKNOWN


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


def region_names(partition: str) -> list[tuple[str, str]]:
    """Every region botocore knows in ``partition``, with its name: ("eu-west-1", "Europe
    (Ireland)"). Its "<partition>-global" entries are endpoints, not regions to work in."""
    for entry in _botocore_partitions():
        if entry["id"] == partition:
            regions = entry.get("regions", {})
            return sorted((code, info.get("description", "")) for code, info in regions.items()
                          if not code.endswith("-global"))
    return []
