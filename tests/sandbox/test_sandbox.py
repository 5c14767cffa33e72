"""The sandbox: seeded config, the recording STS proxy, the federation endpoint's rules,
and ``switcher sandbox`` as a real process."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from switcher.core import config as config_store
from switcher.core import paths
from switcher.core.aws import signin
from switcher.core.credentials import CHAINED, Credentials
from switcher.core.partitions import partition_name
from switcher.sandbox import Sandbox, seed
from tests.fixtures.aws import SWITCHER


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox().start()
    yield box
    box.stop()


def _base_keys(box: Sandbox) -> tuple[str, str]:
    import botocore.session

    session = botocore.session.Session(profile=seed.SOURCE)
    session.set_config_variable("credentials_file", box.env["AWS_SHARED_CREDENTIALS_FILE"])
    session.set_config_variable("config_file", box.env["AWS_CONFIG_FILE"])
    creds = session.get_credentials()
    return creds.access_key, creds.secret_key


def _sts(box, keys, region="us-east-1"):
    import boto3

    key, secret, *token = keys
    return boto3.session.Session().client(
        "sts", endpoint_url=box.stack.sts_url, region_name=region, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token[0] if token else None)


def _assume(box, keys, arn, region="us-east-1", **extra):
    c = _sts(box, keys, region).assume_role(RoleArn=arn, RoleSessionName="sbx", **extra)
    c = c["Credentials"]
    return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]


def _request(url: str, data: dict | None = None, method: str | None = None) -> tuple[int, str]:
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _get_token(box, keys, duration=None, *, in_query=False) -> tuple[int, str]:
    fields = {"Action": "getSigninToken",
              "Session": json.dumps({"sessionId": keys[0], "sessionKey": keys[1],
                                     "sessionToken": keys[2]})}
    if duration is not None:
        fields["SessionDuration"] = str(duration)
    if in_query:
        return _request(box.stack.federation_url + "?" + urlencode(fields))
    return _request(box.stack.federation_url, fields)


def test_seeded_config_is_valid_and_covers_the_demo_cases(sandbox):
    path = sandbox.config_dir / paths.CONFIG_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = config_store.load(path)
    roles = [(a, r) for a in config.accounts for r in a.roles]
    assert len({a.color for a in config.accounts}) >= 4
    assert {partition_name(a.region) for a in config.accounts} >= {"aws", "aws-us-gov", "aws-cn"}
    assert any("/" in r.name for _, r in roles), "a role with a path"
    assert any(r.via for _, r in roles), "a chained role"
    assert any(r.mfa_serial or a.mfa_serial for a, r in roles), "an MFA role"
    assert any(r.external_id for _, r in roles), "a role with an external id"
    for _, role in roles:  # every `via` names a target that exists
        if role.via:
            alias, name = role.via.split("/", 1)
            assert config.account(alias).role(name)
    creds_file = Path(sandbox.env["AWS_SHARED_CREDENTIALS_FILE"])
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    assert f"[profile {seed.PROFILE_TARGET}]" in Path(sandbox.env["AWS_CONFIG_FILE"]).read_text()


def test_seeded_config_has_the_identity_center_stand_in_and_the_organization(sandbox):
    from switcher.core.discovery import organizations
    from switcher.core.targets import resolve

    config = config_store.load(sandbox.config_dir / paths.CONFIG_NAME)
    center = sandbox.identity_center
    (source,) = config.sso
    assert (source.name, source.start_url, source.region) == (
        seed.SSO_NAME, center.start_url, center.region)
    assert source.console == "federation"  # the stand-in's portal has no console shortcut
    assert sandbox.env["AWS_ENDPOINT_URL_SSO"] == sandbox.env["AWS_ENDPOINT_URL_SSO_OIDC"] == center.url
    assert len(center.accounts) >= 40

    (org,) = config.org
    via = resolve(config, org.via)  # the management account: where the organization is
    keys = _assume(sandbox, _base_keys(sandbox), via.role_arn)
    import boto3

    client = boto3.session.Session().client(
        "organizations", endpoint_url=sandbox.stack.moto_url, region_name="us-east-1",
        aws_access_key_id=keys[0], aws_secret_access_key=keys[1], aws_session_token=keys[2])
    listed = client.list_accounts()["Accounts"]
    assert client.describe_organization()["Organization"]["MasterAccountId"] == via.account_id
    assert {a["Name"] for a in listed} >= set(seed.ORG_MEMBERS)
    assert [a["Name"] for a in listed if not organizations.active(a)] == [seed.ORG_MEMBERS[-1]]


def test_a_second_sandbox_in_the_process_finds_the_organization_made():
    with Sandbox() as box:  # moto's state outlives a sandbox: no second organization
        config = config_store.load(box.config_dir / paths.CONFIG_NAME)
        assert [o.name for o in config.org] == [seed.ORG_NAME]


def test_env_names_every_endpoint_and_file(sandbox):
    env = sandbox.env
    assert env["AWS_ENDPOINT_URL_STS"] == sandbox.stack.sts_url
    assert env["SWITCHER_FEDERATION_URL"].endswith("/federation")
    for name in ("SWITCHER_CONFIG_DIR", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        assert Path(env[name]).exists()
    # discovery's inventory is the sandbox's, deleted with it
    assert Path(env["SWITCHER_CACHE_DIR"]).parent == sandbox.root
    for name in ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "SWITCHER_FEDERATION_URL"):
        assert env[name].startswith("http://127.0.0.1:")  # loopback only


def test_base_credentials_are_a_real_moto_user(sandbox):
    keys = _base_keys(sandbox)
    assert keys[0].startswith("AKIA")
    ident = _sts(sandbox, keys).get_caller_identity()
    # a sibling user when another sandbox in this process took the name first
    assert ident["Arn"].startswith(f"arn:aws:iam::{seed.MOTO_ACCOUNT}:user/{seed.USER}")


def test_every_demo_role_can_sign_in(sandbox, monkeypatch):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", sandbox.env["SWITCHER_FEDERATION_URL"])
    config = config_store.load(sandbox.config_dir / paths.CONFIG_NAME)
    base = _base_keys(sandbox)
    sessions = {}
    for account in config.accounts:
        for role in sorted(account.roles, key=lambda r: bool(r.via)):
            arn = f"arn:{partition_name(account.region)}:iam::{account.id}:role/{role.name}"
            caller = sessions[role.via] if role.via else base
            extra = {}
            if role.external_id:
                extra["ExternalId"] = role.external_id
            if role.mfa_serial:
                extra.update(SerialNumber=role.mfa_serial, TokenCode="123456")
            keys = _assume(sandbox, caller, arn, account.region, **extra)
            sessions[f"{account.alias}/{role.name}"] = keys
            kind = CHAINED if role.via else "assumed"
            url = signin.login_url(Credentials(*keys, kind=kind), region=account.region)
            status, page = _request(url)
            assert status == 200, (account.alias, role.name, page)
            assert f"<dd id='account'>{account.id}</dd>" in page
            assert f"<dd id='role'>{role.name}</dd>" in page


def test_proxy_records_chaining_mfa_and_external_id_without_secrets(sandbox):
    sandbox.stack.clear_log()
    base = _base_keys(sandbox)
    first = _assume(sandbox, base, "arn:aws:iam::111111111111:role/Developer",
                    SerialNumber=seed.MFA_SERIAL, TokenCode="123456", DurationSeconds=1800)
    second = _assume(sandbox, first, "arn:aws:iam::333333333333:role/Auditor",
                     ExternalId="xid-12345")
    _assume(sandbox, second, "arn:aws:iam::444444444444:role/DataAccess")
    events = [e for e in sandbox.stack.fetch_log() if e["action"] == "AssumeRole"]
    assert [e["chained"] for e in events] == [False, True, True]
    assert [e["caller"] for e in events] == ["long-term", "assumed", "chained"]
    assert events[0]["mfa"] and events[0]["duration_seconds"] == 1800
    assert events[1]["external_id"] and not events[1]["mfa"]
    text = json.dumps(sandbox.stack.fetch_log())
    for secret in (*base, *first, *second):
        assert secret not in text


def test_endpoint_rules(sandbox):
    base = _base_keys(sandbox)
    direct = _assume(sandbox, base, "arn:aws:iam::111111111111:role/Developer")
    chained = _assume(sandbox, direct, "arn:aws:iam::333333333333:role/Auditor")

    assert _get_token(sandbox, direct, 43200)[0] == 200
    assert _get_token(sandbox, direct, 899) == (400, "Invalid SessionDuration parameter (900-43200)")
    assert _get_token(sandbox, direct, "12h")[0] == 400
    assert _get_token(sandbox, chained, 3600) == (400, "Invalid credentials parameter")
    assert _get_token(sandbox, chained)[0] == 200
    assert _get_token(sandbox, (direct[0], "wrong", direct[2]))[0] == 400
    assert _get_token(sandbox, (direct[0], direct[1], "wrong"))[0] == 400
    assert _get_token(sandbox, base + ("",))[0] == 400  # long-term keys cannot sign in
    st = _sts(sandbox, base).get_session_token()["Credentials"]
    status, body = _get_token(sandbox, (st["AccessKeyId"], st["SecretAccessKey"],
                                        st["SessionToken"]))
    assert status == 400 and "GetSessionToken" in body
    assert _request(sandbox.stack.federation_url, {"Action": "getSigninToken",
                                                   "Session": "{not json"})[0] == 400
    assert _request(sandbox.stack.federation_url, {"Action": "nope"})[0] == 400

    # the endpoint also answers a GET with the Session in the query, like AWS, and says so
    sandbox.stack.clear_log()
    assert _get_token(sandbox, direct, in_query=True)[0] == 200
    assert sandbox.stack.log()[-1]["session_in_query"] is True


def _login(box, token, destination="https://us-east-1.console.aws.amazon.com/console/home"):
    query = {"Action": "login", "Issuer": "t", "SigninToken": token}
    if destination is not None:
        query["Destination"] = destination
    return _request(box.stack.federation_url + "?" + urlencode(query))


def test_tokens_are_single_use_and_expire(sandbox):
    keys = _assume(sandbox, _base_keys(sandbox), "arn:aws:iam::111111111111:role/Developer")
    token = json.loads(_get_token(sandbox, keys)[1])["SigninToken"]
    other = json.loads(_get_token(sandbox, keys)[1])["SigninToken"]
    assert token != other
    assert _login(sandbox, token)[0] == 200
    status, page = _login(sandbox, token)
    assert status == 400 and "already used" in page and "<h1>Sign-in failed</h1>" in page
    status, page = _login(sandbox, "made-up-token")
    assert status == 400 and "unknown sign-in token" in page
    status, page = _login(sandbox, other, destination=None)
    assert status == 400 and "Destination" in page
    # a link checker's HEAD is refused and does not use the token up
    spared = json.loads(_get_token(sandbox, keys)[1])["SigninToken"]
    head = urllib.request.Request(sandbox.stack.federation_url + "?" + urlencode(
        {"Action": "login", "SigninToken": spared,
         "Destination": "https://us-east-1.console.aws.amazon.com/"}), method="HEAD")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(head, timeout=10)
    assert _login(sandbox, spared)[0] == 200
    late = json.loads(_get_token(sandbox, keys)[1])["SigninToken"]
    sandbox.stack.ledger._tokens[late].expires_at = time.time() - 1  # 15 minutes later
    status, page = _login(sandbox, late)
    assert status == 400 and "expired" in page


def test_console_page_escapes_what_it_shows(sandbox):
    keys = _assume(sandbox, _base_keys(sandbox), "arn:aws:iam::111111111111:role/Developer")
    token = json.loads(_get_token(sandbox, keys)[1])["SigninToken"]
    status, page = _login(sandbox, token, "https://x.console.aws.amazon.com/<script>alert(1)</script>")
    assert status == 200
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_logout_redirects_only_to_its_own_federation_endpoint(sandbox):
    base = sandbox.stack.federation_url.rsplit("/federation", 1)[0]
    own = sandbox.stack.federation_url + "?Action=login&SigninToken=x"
    request = urllib.request.Request(f"{base}/oauth?" + urlencode(
        {"Action": "logout", "redirect_uri": own}))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(request, timeout=10)
    assert info.value.code == 302 and info.value.headers["Location"] == own
    status, _ = _request(f"{base}/oauth?" + urlencode(
        {"Action": "logout", "redirect_uri": "https://evil.example.com/federation"}))
    assert status == 400


def test_debug_log_can_be_cleared_over_http(sandbox):
    base = sandbox.stack.federation_url.rsplit("/federation", 1)[0]
    _request(sandbox.stack.federation_url, {"Action": "nope"})
    assert sandbox.stack.fetch_log()
    assert _request(f"{base}/_sandbox/log", method="DELETE")[0] == 204
    assert sandbox.stack.fetch_log() == []


def test_starts_fast_and_stops_cleanly():
    box = Sandbox().start()
    root, sts_url = box.root, box.stack.sts_url
    # the budget is "well under 2 s" on a quiet machine; this only catches gross regressions
    assert box.stack.startup_seconds < 10
    box.stop()
    assert not root.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(sts_url, timeout=2)


def test_activate_exports_env_and_isolates_the_keyring(monkeypatch):
    import keyring

    from switcher.sandbox.memkeyring import MemoryKeyring

    monkeypatch.setenv("SWITCHER_CONFIG_DIR", "/nonexistent/user/config")
    before = keyring.get_keyring()
    box = Sandbox().activate()
    try:
        assert os.environ["SWITCHER_CONFIG_DIR"] == box.env["SWITCHER_CONFIG_DIR"]
        assert os.environ["AWS_ENDPOINT_URL_STS"] == box.stack.sts_url
        assert isinstance(keyring.get_keyring(), MemoryKeyring)
        keyring.set_password("switcher-test", "x", "y")
        assert keyring.get_password("switcher-test", "x") == "y"
    finally:
        box.stop()
    assert os.environ["SWITCHER_CONFIG_DIR"] == "/nonexistent/user/config"
    assert "AWS_ENDPOINT_URL_STS" not in os.environ
    assert keyring.get_keyring() is before


def _start_cli_sandbox(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SWITCHER_"))}
    env["TMPDIR"] = str(tmp_path)
    # SIGINT ignored, as a non-interactive shell starts a background job: Ctrl+C must work
    # anyway because the command handles it itself
    proc = subprocess.Popen([str(SWITCHER), "sandbox"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"switcher sandbox exited early: {proc.wait()} {proc.stderr.read()}")
        lines.append(line)
        if line.startswith("# Press Ctrl+C"):
            return proc, "".join(lines)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_switcher_sandbox_prints_exports_serves_and_stops_cleanly(tmp_path, sig):
    proc, output = _start_cli_sandbox(tmp_path)
    try:
        # the export lines work in a real shell, and the sandbox they point at answers
        shell = subprocess.run(
            ["bash", "-c", 'eval "$1"; printf "%s\\n" "$AWS_ENDPOINT_URL_STS" '
             '"$SWITCHER_FEDERATION_URL" "$SWITCHER_CONFIG_DIR"', "bash", output],
            capture_output=True, text=True, check=True)
        sts_url, fed_url, config_dir = shell.stdout.split()
        assert (Path(config_dir) / "config.toml").exists()
        assert _request(fed_url.rsplit("/federation", 1)[0] + "/")[0] == 200
        assert "switcher login" in output
        assert f"switcher sso login {seed.SSO_NAME}" in output and "switcher discover" in output
    finally:
        proc.send_signal(sig)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a server behind, even when the test fails
            code = proc.wait()
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert not Path(config_dir).exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(sts_url, timeout=2)


def test_activate_for_cli_lives_for_one_command():
    code = (
        "import os, json\n"
        "from switcher.sandbox import activate_for_cli\n"
        "box = activate_for_cli()\n"
        "from switcher.core import config\n"
        "print(json.dumps([os.environ['SWITCHER_CONFIG_DIR'], len(config.load().accounts)]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SWITCHER_"))}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    config_dir, accounts = json.loads(out.stdout)
    assert accounts >= 5
    assert not Path(config_dir).exists()  # removed at exit


@pytest.mark.keyring
def test_switcher_env_starts_with_no_switcher_secrets(switcher_env, secret_service):
    from tests.fixtures.aws import _drop_switcher_secrets

    script = ("import keyring, sys\n"
              "if sys.argv[1] == 'set':\n"
              "    keyring.set_password('switcher-session', 't', 'x')\n"
              "    keyring.set_password('other-app', 't', 'y')\n"
              "print(keyring.get_password('switcher-session', 't'),"
              " keyring.get_password('other-app', 't'))\n")

    def run(arg):
        return subprocess.run([sys.executable, "-c", script, arg], env=switcher_env,
                              capture_output=True, text=True, timeout=30, check=True).stdout

    assert run("set") == "x y\n"
    _drop_switcher_secrets(secret_service["DBUS_SESSION_BUS_ADDRESS"])
    assert run("get") == "None y\n"  # only switcher's own entries go
    subprocess.run([sys.executable, "-c", "import keyring; keyring.delete_password('other-app', 't')"],
                   env=switcher_env, check=True, timeout=30)


def test_importing_the_sandbox_package_does_not_import_moto_or_boto3():
    # the tray and the CLI import it on every start; moto is paid for only when started
    code = ("import sys, switcher.sandbox, switcher.cli.sandbox\n"
            "print(sorted(m for m in ('moto', 'boto3', 'botocore', 'flask') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=30)
    assert out.stdout.strip() == "[]"


def test_howto_says_what_is_cached_and_what_is_deleted():
    from switcher.cli.sandbox import HOWTO

    text = " ".join(line.lstrip("# ") for line in HOWTO.splitlines())
    assert "keys are deleted" not in text  # keys live in the user's keyring, not the sandbox
    assert "no keyring there nothing is cached" in text
    assert "demo config and its AWS files are deleted" in text
