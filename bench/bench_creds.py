"""``switcher creds`` (cold, cached in the keyring, and answered by a running tray from its
memory) against ``awsume PROFILE -s``, ``aws sts assume-role`` and a bare ``python -c
pass``, all on the same in-process moto server, in one run.

    .venv/bin/python bench/bench_creds.py [--runs N]

Budgets: cold <= 0.8x awsume, cached <= 0.3x awsume; against ``python -c pass``: cached
<= 4x, from the tray <= 2.5x. The tray runs offscreen with its own runtime dir, so the
other commands do not see it. Every tool runs as a
fresh subprocess, interleaved round by round so machine noise hits all of them alike; the
figure per tool is the median. The cache needs a keyring, so the bench starts its own
private D-Bus + gnome-keyring-daemon (never the developer's). Exit status 1 when a budget
is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
ENVS: dict[str, dict[str, str]] = {}  # "tray": sees the running tray; "plain": python -c pass
ROLE_ARN = "arn:aws:iam::123456789012:role/Bench"
BUDGETS = {"cold": 0.8, "cached": 0.3}
PYTHON_BUDGETS = {"cached": 4.0, "tray": 2.5}  # x a bare `python -c pass`
# An installed switcher has its bytecode cached; with this set (some dev shells and CI
# images) every run would compile the modules it imports anew and measure that instead
NOT_A_USERS = {"PYTHONDONTWRITEBYTECODE"}


def start_keyring(stack: ExitStack, root: Path) -> dict[str, str]:
    """A private session bus and an unlocked gnome-keyring on it; stopped on exit."""
    from tests.fixtures.keyring import (
        SECRET_SERVICE_BACKEND,
        private_session_bus,
        running_secret_service,
    )

    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            sys.exit(f"bench_creds: {tool} is needed for the keyring cache (apt: dbus, gnome-keyring)")
    for name in ("bus", "keyring"):
        (root / name).mkdir()
    address = stack.enter_context(private_session_bus(root / "bus"))
    stack.enter_context(running_secret_service(address, root / "keyring", b"bench-password"))
    return {"DBUS_SESSION_BUS_ADDRESS": address, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND}


def build_env(root: Path, moto_url: str, keyring_env: dict[str, str]) -> dict[str, str]:
    from switcher.sandbox.seed import create_user_keys

    key, secret = create_user_keys(moto_url, "bench-user")
    home = root / "home"
    (home / ".aws").mkdir(parents=True)
    aws_config = home / ".aws" / "config"
    aws_config.write_text(
        "[profile base]\nregion = us-east-1\n\n"
        f"[profile bench]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nregion = us-east-1\n"
    )
    creds = home / ".aws" / "credentials"
    creds.write_text(f"[base]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SWITCHER_", "DBUS_", "PYTHON_KEYRING"))
           and k not in NOT_A_USERS}
    env.update(
        HOME=str(home),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        AWS_CONFIG_FILE=str(aws_config),
        AWS_SHARED_CREDENTIALS_FILE=str(creds),
        AWS_ENDPOINT_URL_STS=moto_url,
        AWS_EC2_METADATA_DISABLED="true",
        SWITCHER_CONFIG_DIR=str(root / "switcher"),
        **keyring_env,
    )
    return env


COMMANDS = {
    "switcher cold": [str(BIN / "switcher"), "creds", "bench", "--format", "json", "--refresh"],
    "switcher cached": [str(BIN / "switcher"), "creds", "bench", "--format", "json"],
    "switcher tray": [str(BIN / "switcher"), "creds", "bench", "--format", "json"],
    "python -c pass": [sys.executable, "-c", "pass"],
    # awsume is a shell function in real use: it must be sourced, not executed
    "awsume -s": ["bash", "-c", 'source "$0" bench -s', str(BIN / "awsume")],
    "aws sts assume-role": [str(BIN / "aws"), "sts", "assume-role", "--profile", "base",
                            "--role-arn", ROLE_ARN, "--role-session-name", "bench",
                            "--output", "json"],
}


def start_tray(stack: ExitStack, root: Path, env: dict[str, str]) -> dict[str, str]:
    """A ``switcher tray`` (offscreen) with a runtime dir of its own; the env that sees it."""
    from tests.fixtures.tools import stop_process
    from tests.fixtures.tray import wait_for_ready_line

    (root / "tray-runtime").mkdir(mode=0o700)
    tray_env = {**env, "SWITCHER_RUNTIME_DIR": str(root / "tray-runtime"),
                "QT_QPA_PLATFORM": "offscreen", "SWITCHER_NO_FIRST_RUN": "1"}
    proc = subprocess.Popen([str(BIN / "switcher"), "tray"], env=tray_env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stack.callback(stop_process, proc, 10)
    wait_for_ready_line(proc)
    deadline = time.monotonic() + 60
    while subprocess.run([str(BIN / "switcher"), "status"], env=tray_env,
                         capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            sys.exit("bench_creds: the tray never answered `switcher status`")
        time.sleep(0.1)
    return tray_env


def run_once(name: str, env: dict[str, str]) -> tuple[float, str]:
    if name == "switcher tray":
        env = ENVS["tray"]
    elif name == "python -c pass":
        env = ENVS["plain"]
    started = time.perf_counter()
    done = subprocess.run(COMMANDS[name], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench_creds: {name} failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return elapsed, done.stdout


def access_key_of(name: str, out: str) -> str:
    """Each tool's output must really carry a session, or the timing means nothing."""
    if name.startswith("switcher"):
        return json.loads(out)["AccessKeyId"]
    if name == "aws sts assume-role":
        return json.loads(out)["Credentials"]["AccessKeyId"]
    for word in out.replace(";", "\n").split():
        if word.startswith("AWS_ACCESS_KEY_ID="):
            return word.split("=", 1)[1].strip("'\"")
    sys.exit(f"bench_creds: awsume printed no credentials: {out[:300]!r}")


def verify(moto_url: str, env: dict[str, str]) -> None:
    """One run of each tool, and STS confirms each printed key is an assumed Bench role."""
    import boto3

    for name in COMMANDS:
        if name == "python -c pass":
            continue
        _, out = run_once(name, env)
        key = access_key_of(name, out)
        if name == "awsume -s":
            secret = token = None
            for word in out.replace(";", "\n").split():
                if word.startswith("AWS_SECRET_ACCESS_KEY="):
                    secret = word.split("=", 1)[1].strip("'\"")
                if word.startswith("AWS_SESSION_TOKEN="):
                    token = word.split("=", 1)[1].strip("'\"")
        elif name == "aws sts assume-role":
            c = json.loads(out)["Credentials"]
            secret, token = c["SecretAccessKey"], c["SessionToken"]
        else:
            c = json.loads(out)
            secret, token = c["SecretAccessKey"], c["SessionToken"]
        arn = boto3.client("sts", endpoint_url=moto_url, region_name="us-east-1",
                           aws_access_key_id=key, aws_secret_access_key=secret,
                           aws_session_token=token).get_caller_identity()["Arn"]
        if ":assumed-role/Bench/" not in arn:
            sys.exit(f"bench_creds: {name} gave credentials for {arn}, not the Bench role")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="subprocess runs per tool")
    opts = parser.parse_args()

    from switcher.sandbox import Stack

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-creds-") as tmp:
        root = Path(tmp)
        aws = Stack().start()
        stack.callback(aws.stop)
        env = build_env(root, aws.moto_url, start_keyring(stack, root))
        (root / "runtime").mkdir(mode=0o700)
        env["SWITCHER_RUNTIME_DIR"] = str(root / "runtime")  # no tray here
        ENVS["plain"] = {k: v for k, v in os.environ.items()
                         if not k.startswith("PYTHON") and k not in NOT_A_USERS}
        ENVS["tray"] = start_tray(stack, root, env)
        verify(aws.moto_url, env)
        run_once("switcher tray", env)  # the first was a miss; this one is from memory
        hits = json.loads(subprocess.run([str(BIN / "switcher"), "status"], env=ENVS["tray"],
                                         capture_output=True, text=True).stdout)
        if hits.get("broker", {}).get("memory_hits", 0) < 1:
            sys.exit("bench_creds: the tray did not answer from its memory")
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(opts.runs):
            for name in COMMANDS:  # interleaved: noise spreads over every tool
                times[name].append(run_once(name, env)[0])

    median = {name: statistics.median(values) for name, values in times.items()}
    awsume = median["awsume -s"]
    print(f"{'command':<22}{'median ms':>10}{'min ms':>9}{'x awsume':>10}   (runs: {opts.runs})")
    for name, values in times.items():
        print(f"{name:<22}{median[name] * 1000:>10.0f}{min(values) * 1000:>9.0f}"
              f"{median[name] / awsume:>10.2f}")
    failed = False
    for kind, budget in BUDGETS.items():
        ratio = median[f"switcher {kind}"] / awsume
        verdict = "ok" if ratio <= budget else "MISSED"
        failed |= ratio > budget
        print(f"budget {kind:<7} {ratio:.2f}x awsume (<= {budget}x): {verdict}")
    python = median["python -c pass"]
    for kind, budget in PYTHON_BUDGETS.items():
        ratio = median[f"switcher {kind}"] / python
        verdict = "ok" if ratio <= budget else "MISSED"
        failed |= ratio > budget
        print(f"budget {kind:<7} {ratio:.2f}x python -c pass (<= {budget}x): {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
