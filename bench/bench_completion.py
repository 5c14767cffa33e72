"""What a TAB on a target costs: ``switcher __complete targets`` against a bare
``python -c pass`` of the same interpreter, in one run.

    .venv/bin/python bench/bench_completion.py [--runs N]

Setup: 30 accounts of 3 roles in config.toml and 50 role profiles in ~/.aws/config; the
"+600 discovered" rows add an Identity Center source with an inventory of 300 accounts.
Budget: <= 3x ``python -c pass`` for the list from the cache (what every TAB after the
first one costs while no file changed), with and without discovered targets. Shown without
a budget: a miss (the files parsed: the first TAB after a change), and a hit with the
directories left to platformdirs instead of SWITCHER_CONFIG_DIR/SWITCHER_CACHE_DIR (its
import is most of the difference). Each command runs as a fresh subprocess, interleaved
round by round so machine noise hits all alike; the figure is the median. Exit status 1
when the budget is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
BUDGET = 3.0
START_URL = "https://d-1234567890.awsapps.com/start"


def write_setup(root: Path, *, discovered: bool, overrides: bool = True) -> dict[str, str]:
    config = root / "switcher"
    config.mkdir()
    lines = ["version = 1"]
    for n in range(30):
        lines += ["[[accounts]]", f'alias = "acct{n:02d}"', f'id = "{100000000000 + n}"',
                  'roles = [{ name = "Admin" }, { name = "ReadOnly" }, { name = "Dev" }]']
    if discovered:
        lines += ["[[sso]]", 'name = "corp"', f'start_url = "{START_URL}"', 'region = "eu-west-1"']
    (config / "config.toml").write_text("\n".join(lines) + "\n")
    aws = ["[profile base]", "region = us-east-1"]
    for n in range(50):
        aws += [f"[profile role{n:02d}]", f"role_arn = arn:aws:iam::{200000000000 + n}:role/Admin",
                "source_profile = base"]
    (root / "aws-config").write_text("\n".join(aws) + "\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SWITCHER_")) and k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode cached
    env.update(
        HOME=str(root), XDG_CACHE_HOME=str(root / "cache"), XDG_CONFIG_HOME=str(root / "xdg"),
        AWS_CONFIG_FILE=str(root / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(root / "aws-credentials"),
    )
    if overrides:
        env.update(SWITCHER_CONFIG_DIR=str(config), SWITCHER_CACHE_DIR=str(root / "cache"))
    else:  # where platformdirs puts it
        (root / "xdg").mkdir()
        config.rename(root / "xdg" / "switcher")
    if discovered:
        write_inventory(env)
    return env


def write_inventory(env: dict[str, str]) -> None:
    code = (
        "from switcher.core.discovery import inventory as i\n"
        "accounts = {str(300000000000 + n): {'id': str(300000000000 + n), 'name': f'Team {n}',"
        " 'alias': f'Team-{n}', 'email': 'x@example.com', 'roles': ['Admin', 'ReadOnly'],"
        " 'first_seen': 1.0, 'last_seen': 1.0, 'error': None} for n in range(300)}\n"
        f"i.write(i.Inventory(kind='sso', source='corp', start_url={START_URL!r},"
        " region='eu-west-1', complete=True, accounts=accounts))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench_completion: {command} failed ({done.returncode}): {done.stderr[:300]}")
    return elapsed, done.stdout


HIT, HIT_DISCOVERED = "__complete targets (cached)", "+600 discovered (cached)"
MISS, PLATFORMDIRS = "__complete targets (miss)", "cached, dirs from platformdirs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-completion-") as tmp:
        roots = {name: Path(tmp, name) for name in ("plain", "discovered", "platformdirs")}
        for root in roots.values():
            root.mkdir()
        plain = write_setup(roots["plain"], discovered=False)
        # a cache directory that cannot be made: nothing is stored, every run parses
        (roots["plain"] / "not-a-directory").write_text("")
        miss = {**plain, "SWITCHER_CACHE_DIR": str(roots["plain"] / "not-a-directory")}
        complete = [str(BIN / "switcher"), "__complete", "targets"]
        commands = {
            "python -c pass": ([sys.executable, "-c", "pass"], plain),
            HIT: (complete, plain),
            HIT_DISCOVERED: (complete, write_setup(roots["discovered"], discovered=True)),
            MISS: (complete, miss),
            PLATFORMDIRS: (complete, write_setup(roots["platformdirs"], discovered=False,
                                                 overrides=False)),
        }
        # the output must really be the targets, or the timing means nothing
        for name, (command, env) in commands.items():
            want = 0 if name == "python -c pass" else 740 if name == HIT_DISCOVERED else 140
            out = run_once(command, env)[1]
            if len(out.split()) != want:
                sys.exit(f"bench_completion: {name} listed {len(out.split())} targets, not {want}")
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (command, env) in commands.items():
                times[name].append(run_once(command, env)[0])
    base = statistics.median(times["python -c pass"])
    print(f"{'command':34} {'median ms':>10} {'x python -c pass':>17}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34} {median * 1000:10.1f} {median / base:17.2f}")
    ok = True
    for name in (HIT, HIT_DISCOVERED):
        ratio = statistics.median(times[name]) / base
        ok = ok and ratio <= BUDGET
        print(f"budget: {name} <= {BUDGET}x python -c pass: "
              f"{'ok' if ratio <= BUDGET else 'MISSED'} ({ratio:.2f}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
