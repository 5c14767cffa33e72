"""The sandbox Identity Center speaks the real wire protocol: botocore's own ``sso-oidc``
and ``sso`` clients, its SSO credential provider and the AWS CLI all work against it, and
what it issues signs in at the sandbox federation endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from switcher.sandbox import Sandbox, Stack
from switcher.sandbox.httpd import Server
from switcher.sandbox.identity_center import (
    AUTO_APPROVE_ENV,
    IdentityCenter,
    Lifetimes,
    make_accounts,
    reserved_role_arn,
)
from switcher.sandbox.sso_oidc import CODE_GRANT, DEVICE_GRANT, REFRESH_GRANT

ACCOUNTS = 2000
START_URL = "https://d-sandbox.awsapps.com/start"
REGION = "us-east-1"
AWS_CLI = Path(sys.executable).with_name("aws")


@pytest.fixture(scope="module")
def stack():
    stack = Stack(identity_center=lambda: IdentityCenter(make_accounts(ACCOUNTS)))
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def center(stack, monkeypatch) -> IdentityCenter:
    center = stack.identity_center
    center.reset_stats()
    monkeypatch.setattr(center, "auto_approve", False)
    monkeypatch.setattr(center, "throttle", {})
    for name in ("access_token", "refresh_token", "device_code", "interval"):
        monkeypatch.setattr(center.lifetimes, name, getattr(center.lifetimes, name))
    return center


def _client(center, service, **config):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service, region_name=REGION, endpoint_url=center.url,
        config=Config(signature_version="UNSIGNED", **config))


def _register(oidc, grants=(DEVICE_GRANT, REFRESH_GRANT), **extra):
    reply = oidc.register_client(clientName="switcher-test", clientType="public",
                                 scopes=["sso:account:access"], grantTypes=list(grants),
                                 **extra)
    return reply["clientId"], reply["clientSecret"]


def _request(url, data=None, method=None, follow=True):
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method)
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def _device_token(center, oidc, client_id, secret) -> dict:
    start = oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                            startUrl=START_URL)
    assert center.oidc.answer_device(start["userCode"], True)
    return oidc.create_token(clientId=client_id, clientSecret=secret,
                             grantType=DEVICE_GRANT, deviceCode=start["deviceCode"])


def _token(center, grants=(DEVICE_GRANT, REFRESH_GRANT)) -> str:
    oidc = _client(center, "sso-oidc")
    return _device_token(center, oidc, *_register(oidc, grants))["accessToken"]


# -- OIDC ------------------------------------------------------------------------------

def test_register_client_answers_the_model_shape(center):
    oidc = _client(center, "sso-oidc")
    before = int(time.time())
    reply = oidc.register_client(clientName="x", clientType="public",
                                 scopes=["sso:account:access"])
    assert reply["clientId"] and reply["clientSecret"]
    assert before <= reply["clientIdIssuedAt"] <= time.time()
    assert reply["clientSecretExpiresAt"] - reply["clientIdIssuedAt"] == center.lifetimes.client
    with pytest.raises(oidc.exceptions.InvalidClientMetadataException):
        oidc.register_client(clientName="x", clientType="confidential")
    with pytest.raises(oidc.exceptions.UnsupportedGrantTypeException):
        oidc.register_client(clientName="x", clientType="public", grantTypes=["password"])
    with pytest.raises(oidc.exceptions.InvalidRedirectUriException):
        oidc.register_client(clientName="x", clientType="public", grantTypes=[CODE_GRANT],
                             redirectUris=["https://evil.example.com/cb"], issuerUrl=START_URL)


def test_device_flow_pending_slow_down_approve_and_single_use(center):
    oidc = _client(center, "sso-oidc")
    client_id, secret = _register(oidc)
    start = oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                            startUrl=START_URL)
    assert start["interval"] == 1 and start["expiresIn"] == 600
    assert start["verificationUriComplete"] == f"{center.url}/device?user_code={start['userCode']}"
    poll = dict(clientId=client_id, clientSecret=secret, grantType=DEVICE_GRANT,
                deviceCode=start["deviceCode"])
    with pytest.raises(oidc.exceptions.AuthorizationPendingException) as pending:
        oidc.create_token(**poll)
    assert pending.value.response["error"] == "authorization_pending"
    assert pending.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(oidc.exceptions.SlowDownException):
        oidc.create_token(**poll)  # again at once: faster than the interval

    # the user opens verificationUriComplete and presses Allow (a real form POST)
    status, page, _ = _request(start["verificationUriComplete"])
    assert status == 200 and start["userCode"] in page and "id='approve'" in page
    status, page, _ = _request(f"{center.url}/device",
                               {"user_code": start["userCode"], "decision": "approve"})
    assert status == 200 and "approved" in page
    time.sleep(1.05)
    token = oidc.create_token(**poll)
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 3600
    assert token["accessToken"] and token["refreshToken"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(**poll)
    with pytest.raises(oidc.exceptions.InvalidClientException):
        oidc.create_token(**{**poll, "clientSecret": "wrong"})
    with pytest.raises(oidc.exceptions.InvalidRequestException):
        oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                        startUrl="https://d-other.awsapps.com/start")


def test_device_flow_denied_and_expired(center):
    oidc = _client(center, "sso-oidc")
    client_id, secret = _register(oidc)

    def start():
        return oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                               startUrl=START_URL)

    denied = start()
    status, page, _ = _request(f"{center.url}/device",
                               {"user_code": denied["userCode"], "decision": "deny"})
    assert status == 200 and "denied" in page
    with pytest.raises(oidc.exceptions.AccessDeniedException):
        oidc.create_token(clientId=client_id, clientSecret=secret, grantType=DEVICE_GRANT,
                          deviceCode=denied["deviceCode"])
    center.lifetimes.device_code = 1
    late = start()
    assert late["expiresIn"] == 1
    time.sleep(1.1)
    with pytest.raises(oidc.exceptions.ExpiredTokenException) as info:
        oidc.create_token(clientId=client_id, clientSecret=secret, grantType=DEVICE_GRANT,
                          deviceCode=late["deviceCode"])
    assert info.value.response["error"] == "expired_token"
    assert _request(late["verificationUriComplete"])[0] == 400


def test_device_flow_auto_approve(center, monkeypatch):
    center.auto_approve = True
    oidc = _client(center, "sso-oidc")
    client_id, secret = _register(oidc)
    start = oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                            startUrl=START_URL)
    status, page, _ = _request(start["verificationUriComplete"])  # a headless "browser"
    assert status == 200 and "approved" in page
    assert oidc.create_token(clientId=client_id, clientSecret=secret, grantType=DEVICE_GRANT,
                             deviceCode=start["deviceCode"])["accessToken"]
    monkeypatch.setenv(AUTO_APPROVE_ENV, "1")
    other = IdentityCenter([])
    other.server_close()
    assert other.auto_approve is True


class _Callback(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(parse_qs(urlsplit(self.path).query))
        body = b"signed in"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def callback():
    """A loopback redirect target, like the one the AWS CLI listens on."""
    server = Server(_Callback)
    server.hits = []
    server.start()
    yield server
    server.stop()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def _authorize_url(center, client_id, redirect, challenge, state="st-1"):
    return f"{center.url}/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect,
        "state": state, "code_challenge_method": "S256", "scopes": "sso:account:access",
        "code_challenge": challenge})


def test_authorization_code_with_pkce(center, callback):
    oidc = _client(center, "sso-oidc")
    # registered without a port, used with one: loopback redirects match on any port
    client_id, secret = _register(oidc, (CODE_GRANT, REFRESH_GRANT),
                                  redirectUris=["http://127.0.0.1/oauth/callback"],
                                  issuerUrl=START_URL)
    redirect = f"{callback.url}/oauth/callback"
    verifier, challenge = _pkce()

    # by hand: the page, then its Allow button
    status, page, _ = _request(_authorize_url(center, client_id, redirect, challenge))
    assert status == 200 and "switcher-test" in page and "sso:account:access" in page
    request_id = page.split("name='request_id' value='", 1)[1].split("'", 1)[0]
    status, _, headers = _request(f"{center.url}/authorize",
                                  {"request_id": request_id, "decision": "approve"},
                                  follow=False)
    assert status == 302
    query = parse_qs(urlsplit(headers["Location"]).query)
    assert headers["Location"].startswith(redirect + "?") and query["state"] == ["st-1"]
    code = query["code"][0]

    def redeem(code=code, verifier=verifier, redirect=redirect):
        return oidc.create_token(clientId=client_id, clientSecret=secret, grantType=CODE_GRANT,
                                 code=code, codeVerifier=verifier, redirectUri=redirect)

    with pytest.raises(oidc.exceptions.InvalidGrantException):
        redeem(verifier=_pkce()[0])  # wrong verifier: and the code is gone with it
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        redeem()

    # auto-approve: a browser that just follows redirects lands on the callback
    center.auto_approve = True
    verifier, challenge = _pkce()
    status, body, _ = _request(_authorize_url(center, client_id, redirect, challenge, "st-2"))
    assert (status, body) == (200, "signed in")
    hit = callback.hits[-1]
    assert hit["state"] == ["st-2"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        redeem(code=hit["code"][0], verifier=verifier, redirect=redirect + "x")
    verifier, challenge = _pkce()
    _request(_authorize_url(center, client_id, redirect, challenge, "st-3"))
    token = redeem(code=callback.hits[-1]["code"][0], verifier=verifier)
    assert token["tokenType"] == "Bearer" and token["refreshToken"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        redeem(code=callback.hits[-1]["code"][0], verifier=verifier)  # single use
    with pytest.raises(oidc.exceptions.InvalidRequestException):
        redeem(code="x", verifier="")


def test_authorize_never_redirects_to_an_unregistered_uri(center, callback):
    oidc = _client(center, "sso-oidc")
    client_id, _ = _register(oidc, (CODE_GRANT,), redirectUris=[f"{callback.url}/oauth/callback"],
                             issuerUrl=START_URL)
    _, challenge = _pkce()
    center.auto_approve = True
    for redirect in ("https://evil.example.com/oauth/callback",
                     f"{callback.url}/other/path"):
        status, page, _ = _request(_authorize_url(center, client_id, redirect, challenge),
                                   follow=False)
        assert status == 400 and "redirect_uri" in page
    status, page, _ = _request(_authorize_url(center, client_id, f"{callback.url}/oauth/callback",
                                              ""), follow=False)
    assert status == 400 and "PKCE" in page
    assert callback.hits == []


def test_refresh_token_rotates_and_old_ones_are_refused(center):
    oidc = _client(center, "sso-oidc")
    client_id, secret = _register(oidc)
    first = _device_token(center, oidc, client_id, secret)

    def refresh(token):
        return oidc.create_token(clientId=client_id, clientSecret=secret,
                                 grantType=REFRESH_GRANT, refreshToken=token)

    second = refresh(first["refreshToken"])
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(first["refreshToken"])
    refresh(second["refreshToken"])
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh("made-up")

    # the AWS CLI's legacy flow (no grant types registered) gets no refresh token
    legacy = oidc.register_client(clientName="legacy", clientType="public")
    token = _device_token(center, oidc, legacy["clientId"], legacy["clientSecret"])
    assert "refreshToken" not in token
    with pytest.raises(oidc.exceptions.UnauthorizedClientException):
        oidc.create_token(clientId=legacy["clientId"], clientSecret=legacy["clientSecret"],
                          grantType=REFRESH_GRANT, refreshToken="x")


# -- the portal ------------------------------------------------------------------------

def test_paginators_walk_every_account_and_role(center):
    sso = _client(center, "sso", max_pool_connections=16)
    token = _token(center)
    pages = list(sso.get_paginator("list_accounts").paginate(
        accessToken=token, PaginationConfig={"PageSize": 100}))
    accounts = [a for page in pages for a in page["accountList"]]
    assert len(pages) == ACCOUNTS // 100
    assert len({a["accountId"] for a in accounts}) == ACCOUNTS
    assert accounts[0] == {"accountId": "100000000000", "accountName": "Account 00000",
                           "emailAddress": "aws+00000@example.com"}
    assert "nextToken" not in pages[-1]
    assert len(sso.list_accounts(accessToken=token)["accountList"]) == 20  # default page

    pages = list(sso.get_paginator("list_account_roles").paginate(
        accessToken=token, accountId="100000000007", PaginationConfig={"PageSize": 1}))
    assert [r for p in pages for r in p["roleList"]] == [
        {"roleName": name, "accountId": "100000000007"}
        for name in ("AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess")]

    # every account's roles, 8 clients at once: a few hundred requests per second
    center.reset_stats()
    paginator = sso.get_paginator("list_account_roles")

    def roles(account):
        return [r["roleName"] for p in paginator.paginate(accessToken=token,
                                                          accountId=account["accountId"])
                for r in p["roleList"]]

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(roles, accounts))
    rate = ACCOUNTS / (time.perf_counter() - started)
    assert sum(map(len, found)) == 3 * ACCOUNTS
    stats = center.stats()
    assert stats["requests"] == {"ListAccountRoles": ACCOUNTS}
    assert stats["errors"] == {} and stats["throttled"] == {}
    assert rate > 300, f"{rate:.0f} requests/s"
    with urllib.request.urlopen(f"{center.url}/_sandbox/stats", timeout=10) as response:
        assert json.loads(response.read()) == stats


def test_every_call_needs_a_valid_token(center):
    sso = _client(center, "sso")
    with pytest.raises(sso.exceptions.UnauthorizedException) as info:
        sso.list_accounts(accessToken="made-up")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    assert info.value.response["Error"]["Message"] == "Session token not found or invalid"

    token = _token(center)
    sso.logout(accessToken=token)
    for call in (lambda: sso.list_accounts(accessToken=token),
                 lambda: sso.list_account_roles(accessToken=token, accountId="100000000000"),
                 lambda: sso.get_role_credentials(accessToken=token, accountId="100000000000",
                                                  roleName="ReadOnlyAccess"),
                 lambda: sso.logout(accessToken=token)):
        with pytest.raises(sso.exceptions.UnauthorizedException):
            call()

    center.lifetimes.access_token = 1
    short = _token(center)
    assert sso.list_accounts(accessToken=short)["accountList"]
    time.sleep(1.1)
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=short)

    # a token for other scopes does not open the portal
    center.lifetimes.access_token = 3600
    oidc = _client(center, "sso-oidc")
    other = oidc.register_client(clientName="x", clientType="public",
                                 scopes=["codewhisperer:completions"],
                                 grantTypes=[DEVICE_GRANT])
    scoped = _device_token(center, oidc, other["clientId"], other["clientSecret"])
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=scoped["accessToken"])


def test_role_credentials_are_real_moto_sessions_that_sign_in(center, stack, monkeypatch):
    from botocore.exceptions import ClientError

    from switcher.core.aws import signin
    from switcher.core.credentials import ASSUMED, CHAINED, Credentials

    sso = _client(center, "sso")
    token = _token(center)
    before = time.time()
    creds = sso.get_role_credentials(accessToken=token, accountId="100000000042",
                                     roleName="AdministratorAccess")["roleCredentials"]
    assert creds["accessKeyId"].startswith("ASIA")
    assert before + 3500 < creds["expiration"] / 1000 < time.time() + 3700  # epoch ms
    keys = (creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"])
    import boto3

    ident = boto3.session.Session().client(
        "sts", endpoint_url=stack.sts_url, region_name=REGION, aws_access_key_id=keys[0],
        aws_secret_access_key=keys[1], aws_session_token=keys[2]).get_caller_identity()
    role_arn = reserved_role_arn("100000000042", "AdministratorAccess")
    role_name = role_arn.rsplit("/", 1)[1]
    assert role_name.startswith("AWSReservedSSO_AdministratorAccess_")
    assert ident["Account"] == "100000000042"
    assert ident["Arn"] == (f"arn:aws:sts::100000000042:assumed-role/{role_name}/"
                            "sandbox.user@example.com")

    with pytest.raises(ClientError) as info:  # not assigned: what AWS answers
        sso.get_role_credentials(accessToken=token, accountId="100000000042",
                                 roleName="Billing")
    assert info.value.response["Error"]["Code"] == "ForbiddenException"
    with pytest.raises(sso.exceptions.InvalidRequestException):
        sso.get_role_credentials(accessToken=token, accountId="42", roleName="Billing")

    monkeypatch.setenv(signin.FEDERATION_ENV, stack.federation_url)
    stack.clear_log()
    assert signin.signin_token(Credentials(*keys, kind=CHAINED), partition="aws")
    # told they were assumed with long-term keys, Switcher's retry without
    # SessionDuration still gets in, after the same 400 AWS gives
    assert signin.signin_token(Credentials(*keys, kind=ASSUMED), partition="aws",
                               session_duration=3600)
    events = [e for e in stack.log() if e["action"] == "getSigninToken"]
    assert [(e["status"], e["session_duration"], e["kind"]) for e in events] == [
        (200, None, "sso"), (400, 3600, "sso"), (200, None, "sso")]
    assert events[1]["error"] == "Invalid credentials parameter"
    assert events[0]["role_arn"] == role_arn
    text = json.dumps(stack.log())
    assert keys[1] not in text and keys[2] not in text and token not in text


def _token_cache_entry(center, *, expires_in: timedelta) -> dict:
    """What ``aws sso login`` writes to ~/.aws/sso/cache for an sso-session."""
    oidc = _client(center, "sso-oidc")
    registration = oidc.register_client(clientName="botocore-client-sandbox",
                                        clientType="public", scopes=["sso:account:access"],
                                        grantTypes=[DEVICE_GRANT, REFRESH_GRANT])
    token = _device_token(center, oidc, registration["clientId"],
                          registration["clientSecret"])

    def stamp(when: datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    return {
        "startUrl": START_URL, "region": REGION, "accessToken": token["accessToken"],
        "expiresAt": stamp(datetime.now(UTC) + expires_in),
        "clientId": registration["clientId"], "clientSecret": registration["clientSecret"],
        "registrationExpiresAt": stamp(datetime.fromtimestamp(
            registration["clientSecretExpiresAt"], UTC)),
        "refreshToken": token["refreshToken"],
    }


def _sso_home(tmp_path, center, stack, entry) -> tuple[dict, Path]:
    home = tmp_path / "home"
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    cache_file = cache / (hashlib.sha1(b"sandbox").hexdigest() + ".json")
    cache_file.write_text(json.dumps(entry))
    config = home / ".aws" / "config"
    config.write_text(
        "[profile sso-admin]\nsso_session = sandbox\nsso_account_id = 100000000003\n"
        f"sso_role_name = ReadOnlyAccess\nregion = {REGION}\n\n"
        f"[sso-session sandbox]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n"
        "sso_registration_scopes = sso:account:access\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SWITCHER_"))}
    env.update(HOME=str(home), AWS_CONFIG_FILE=str(config),
               AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
               **stack.endpoint_env)
    return env, cache_file


def test_botocore_sso_credential_provider_resolves_through_the_stand_in(tmp_path, center,
                                                                        stack):
    # expiring within botocore's 15-minute window: it refreshes through sso-oidc first
    entry = _token_cache_entry(center, expires_in=timedelta(minutes=5))
    env, cache_file = _sso_home(tmp_path, center, stack, entry)
    code = ("import boto3, json\n"
            "s = boto3.session.Session(profile_name='sso-admin')\n"
            "c = s.get_credentials()\n"
            "print(json.dumps([c.method, s.client('sts').get_caller_identity()['Arn']]))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    method, arn = json.loads(out.stdout)
    assert method == "sso"
    assert arn.startswith("arn:aws:sts::100000000003:assumed-role/AWSReservedSSO_ReadOnlyAccess_")
    refreshed = json.loads(cache_file.read_text())
    assert refreshed["accessToken"] != entry["accessToken"]
    assert refreshed["refreshToken"] != entry["refreshToken"]
    stats = center.stats()["requests"]
    assert stats["CreateToken"] >= 2 and stats["GetRoleCredentials"] == 1


@pytest.mark.skipif(not AWS_CLI.exists(), reason="the PyPI AWS CLI is not installed")
def test_aws_cli_lists_the_accounts(tmp_path, center, stack):
    token = _token(center)
    env, _ = _sso_home(tmp_path, center, stack, {})
    out = subprocess.run(
        [str(AWS_CLI), "sso", "list-accounts", "--access-token", token, "--region", REGION,
         "--page-size", "100", "--output", "json"],
        env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    accounts = json.loads(out.stdout)["accountList"]
    assert len(accounts) == ACCOUNTS
    assert center.stats()["requests"]["ListAccounts"] == ACCOUNTS // 100
    bad = subprocess.run(
        [str(AWS_CLI), "sso", "list-accounts", "--access-token", "nope", "--region", REGION],
        env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "UnauthorizedException" in bad.stderr


# -- throttling ------------------------------------------------------------------------

def test_throttling_answers_429_and_botocore_retries(center):
    token = _token(center)
    center.throttle = {"ListAccountRoles": 5}
    center.reset_stats()
    eager = _client(center, "sso", retries={"total_max_attempts": 1, "mode": "standard"})
    refused = 0
    for _ in range(15):
        try:
            eager.list_account_roles(accessToken=token, accountId="100000000001")
        except eager.exceptions.TooManyRequestsException as exc:
            assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 429
            assert exc.response["Error"]["Code"] == "TooManyRequestsException"
            refused += 1
    assert refused >= 5
    assert center.stats()["throttled"]["ListAccountRoles"] == refused
    # other APIs have no limit of their own here
    assert eager.list_accounts(accessToken=token)["accountList"]

    time.sleep(1.0)
    patient = _client(center, "sso", retries={"total_max_attempts": 10, "mode": "standard"})
    retried = 0
    for _ in range(8):
        reply = patient.list_account_roles(accessToken=token, accountId="100000000001")
        assert len(reply["roleList"]) == 3
        retried += reply["ResponseMetadata"]["RetryAttempts"]
    assert retried > 0


def test_overall_throttle_and_stats_over_http(center):
    token = _token(center)
    request = urllib.request.Request(f"{center.url}/_sandbox/throttle",
                                     data=json.dumps({"*": 3}).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"*": 3}
    assert center.throttle == {"*": 3}
    center.reset_stats()
    headers = {"x-amz-sso_bearer_token": token}
    statuses = []
    for path in ["/assignment/accounts", "/assignment/roles?account_id=100000000001"] * 4:
        try:
            with urllib.request.urlopen(urllib.request.Request(center.url + path,
                                                               headers=headers), timeout=10):
                statuses.append(200)
        except urllib.error.HTTPError as exc:
            assert exc.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
            assert json.loads(exc.read())["__type"] == "TooManyRequestsException"
            statuses.append(exc.code)
    assert statuses.count(200) == 3 and statuses.count(429) == 5
    with urllib.request.urlopen(f"{center.url}/_sandbox/stats", timeout=10) as response:
        stats = json.loads(response.read())
    assert stats["requests"] == {"ListAccounts": 4, "ListAccountRoles": 4}
    assert sum(stats["throttled"].values()) == 5
    request = urllib.request.Request(f"{center.url}/_sandbox/stats", method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
    assert center.stats()["requests"] == {}


# -- the demo sandbox ------------------------------------------------------------------

def test_demo_sandbox_has_an_identity_center():
    with Sandbox() as box:
        center = box.identity_center
        assert box.env["AWS_ENDPOINT_URL_SSO"] == center.url
        assert box.env["AWS_ENDPOINT_URL_SSO_OIDC"] == center.url
        assert center.url.startswith("http://127.0.0.1:")
        assert center.start_url == START_URL and center.region == REGION
        assert 35 <= len(center.accounts) <= 45
        assert all(1 <= len(a.roles) <= 3 for a in center.accounts)
        assert "Acme Payments Prod" in {a.name for a in center.accounts}
        token = _token(center)
        sso = _client(center, "sso")
        account = center.accounts[0]
        creds = sso.get_role_credentials(accessToken=token, accountId=account.account_id,
                                         roleName=account.roles[0])["roleCredentials"]
        assert creds["accessKeyId"]
        assert any(e.get("service") == "sso" for e in box.stack.log())
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(center.url + "/_sandbox/stats", timeout=2)


def test_a_stack_without_identity_center_sets_no_sso_endpoints():
    stack = Stack()
    assert stack.identity_center is None
    assert not {"AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"} & set(stack.endpoint_env)


def test_client_registrations_expire():
    center = IdentityCenter([], lifetimes=Lifetimes(client=1))
    center.start()
    try:
        oidc = _client(center, "sso-oidc")
        client_id, secret = _register(oidc)
        oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                        startUrl=START_URL)
        time.sleep(1.1)
        with pytest.raises(oidc.exceptions.InvalidClientException) as info:
            oidc.start_device_authorization(clientId=client_id, clientSecret=secret,
                                            startUrl=START_URL)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    finally:
        center.stop()
