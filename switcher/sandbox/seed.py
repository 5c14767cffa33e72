"""Demo data for the sandbox: accounts in a throwaway config, and base credentials.

The base credentials are a real IAM user created in moto, with its access keys in a
temporary AWS shared-credentials file as profile ``sandbox`` — moto's throwaway keys, so
no keyring is needed for the sandbox to work.

The config also has an IAM Identity Center source (``SSO_NAME``, served by the sandbox's
stand-in) and an organization (``ORG_NAME``) created in moto, whose management account is
the IAM user's own: both are what `switcher discover` lists.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from switcher.core import config as config_store
from switcher.core import paths
from switcher.core.model import Account, Config, OrgSource, Role, Settings, SsoSource

SOURCE = "sandbox"
USER = "sandbox-user"
MOTO_ACCOUNT = "123456789012"  # moto's default account: where the IAM user lives
MFA_SERIAL = f"arn:aws:iam::{MOTO_ACCOUNT}:mfa/{USER}"
EXTERNAL_ID = "sandbox-partner-42"
PROFILE_TARGET = "sandbox-legacy"


def demo_config() -> Config:
    accounts = (
        Account("acme-dev", "111111111111", region="eu-west-1", color="B7CA9D", source=SOURCE,
                roles=(Role("Developer"), Role("ReadOnly"))),
        Account("acme-prod", "222222222222", region="us-east-1", color="F2B0A9", source=SOURCE,
                roles=(Role("Admin", mfa_serial=MFA_SERIAL, duration=3600),
                       Role("team/ops/Deploy"))),
        Account("acme-audit", "333333333333", region="us-west-2", color="99BCE3",
                roles=(Role("Auditor", via="acme-dev/Developer"),)),
        Account("partner-data", "444444444444", region="eu-central-1", color="FAD791",
                source=SOURCE, roles=(Role("DataAccess", external_id=EXTERNAL_ID),)),
        Account("gov-west", "555555555555", region="us-gov-west-1", color="FBBF93",
                source=SOURCE, roles=(Role("Operator"),)),
        Account("china-north", "666666666666", region="cn-north-1", color="C9B3E6",
                source=SOURCE, roles=(Role("Viewer"),)),
        # the organization's management account (where the sandbox user lives)
        Account("acme-root", MOTO_ACCOUNT, region="us-east-1", color="A8D5D0", source=SOURCE,
                roles=(Role(ORG_ADMIN_ROLE),)),
    )
    # the sandbox's Identity Center stand-in (its endpoints come from AWS_ENDPOINT_URL_SSO
    # and _SSO_OIDC in the sandbox's env): `switcher sso login acme`, `switcher discover`
    sso = (SsoSource(SSO_NAME, SSO_START_URL, SSO_REGION),)
    org = (OrgSource(ORG_NAME, f"acme-root/{ORG_ADMIN_ROLE}", (ORG_MEMBER_ROLE,)),)
    return Config(accounts=accounts, sso=sso, org=org, settings=Settings())


ORG_NAME = "acme-org"
ORG_ADMIN_ROLE = "OrganizationAdmin"
ORG_MEMBER_ROLE = "OrganizationAccountAccessRole"  # what Organizations creates in new accounts
# member accounts; the last one is closed, so discovery leaves it out
ORG_MEMBERS = ("Acme Shared Services", "Acme Network", "Acme Log Archive", "Acme Sandbox Alice",
               "Acme Sandbox Bob", "Acme Retired")


def create_organization(moto_url: str, session=None) -> None:
    """The demo organization in moto, in the sandbox user's account (moto's default one:
    these bootstrap keys are not moto's, so moto puts their calls there).

    moto's state is global to the process: a second sandbox finds the organization made.
    """
    import boto3

    # ``session``: one boto3 session for all the seeding, whose loaded data a second client
    # reuses (a fresh session costs ~30 ms more per client)
    org = (session or boto3.session.Session()).client(
        "organizations", endpoint_url=moto_url, region_name="us-east-1",
        aws_access_key_id="sandbox-bootstrap", aws_secret_access_key="sandbox-bootstrap",
    )
    try:
        org.create_organization(FeatureSet="ALL")
    except org.exceptions.AlreadyInOrganizationException:
        return
    ids = [org.create_account(AccountName=name, Email=f"aws+{n}@acme.example")
           ["CreateAccountStatus"]["AccountId"] for n, name in enumerate(ORG_MEMBERS)]
    org.close_account(AccountId=ids[-1])


SSO_NAME = "acme"
SSO_START_URL = "https://d-sandbox.awsapps.com/start"
SSO_REGION = "us-east-1"
_SSO_TEAMS = ("Payments", "Identity", "Data Platform", "Search", "Mobile", "Billing",
              "Analytics", "Logistics", "Checkout", "Notifications", "Media", "Support",
              "Growth")
_SSO_STAGES = {  # permission sets a developer typically has in each stage
    "Prod": ("ReadOnlyAccess", "AdministratorAccess"),
    "Staging": ("PowerUserAccess", "ReadOnlyAccess"),
    "Dev": ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"),
}


def demo_sso_accounts():
    """About 40 Identity Center accounts, "Acme <team> <stage>", with 1-3 roles each."""
    from switcher.sandbox.identity_center import SsoAccount

    accounts = [SsoAccount(f"{700000000000 + n * 1001:012d}", f"Acme {team} {stage}", roles,
                           f"aws+{team.lower().replace(' ', '-')}-{stage.lower()}@acme.example")
                for n, (team, (stage, roles)) in enumerate(
                    itertools.product(_SSO_TEAMS, _SSO_STAGES.items()))]
    accounts.append(SsoAccount("799999999999", "Acme Security Audit",
                               ("SecurityAudit",), "aws+security@acme.example"))
    return accounts


def create_user_keys(moto_url: str, user: str = USER, session=None) -> tuple[str, str]:
    """A real IAM user in moto and its access keys (long-term, AKIA...).

    moto's state is global to the process, so a second sandbox in the same process (tests,
    or a restarted tray sandbox) finds the user already there and makes a sibling.
    """
    import boto3

    iam = (session or boto3.session.Session()).client(
        "iam", endpoint_url=moto_url, region_name="us-east-1",
        aws_access_key_id="sandbox-bootstrap", aws_secret_access_key="sandbox-bootstrap",
    )
    name = user
    for n in itertools.count(2):
        try:
            iam.create_user(UserName=name)
            break
        except iam.exceptions.EntityAlreadyExistsException:
            name = f"{user}-{n}"
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_aws_files(root: Path, keys: tuple[str, str], *, profile: str = SOURCE,
                    with_role_profile: bool = True) -> tuple[Path, Path]:
    """AWS CLI config and credentials files with ``profile`` (and a role profile target)."""
    config_file, creds_file = root / "aws-config", root / "aws-credentials"
    text = f"[profile {profile}]\nregion = us-east-1\n"
    if with_role_profile:
        text += (
            f"\n[profile {PROFILE_TARGET}]\n"
            "role_arn = arn:aws:iam::777777777777:role/LegacyAdmin\n"
            f"source_profile = {profile}\nregion = us-east-2\n"
        )
    _write_private(config_file, text)
    _write_private(creds_file, f"[{profile}]\naws_access_key_id = {keys[0]}\n"
                               f"aws_secret_access_key = {keys[1]}\n")
    return config_file, creds_file


def seed(root: Path, moto_url: str) -> dict[str, str]:
    """Fill ``root`` with a config dir and AWS files; return the variables pointing there."""
    import boto3

    session = boto3.session.Session()
    keys = create_user_keys(moto_url, session=session)
    create_organization(moto_url, session)
    config_dir = root / "config"
    config_store.save(demo_config(), config_dir / paths.CONFIG_NAME)
    aws_config, aws_creds = write_aws_files(root, keys)
    return {
        "SWITCHER_CONFIG_DIR": str(config_dir),
        # the discovered demo accounts go with the sandbox, never into the user's cache
        "SWITCHER_CACHE_DIR": str(root / "cache"),
        "AWS_CONFIG_FILE": str(aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws_creds),
    }
