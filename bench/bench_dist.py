"""The .deb of `make dist`: its size, the unpacked bundle's size, and how fast the frozen
tray starts against the source tray, same run.

    .venv/bin/python bench/bench_dist.py [--rounds N]

- sizes: the .deb file, and every file under /opt/switcher once the .deb is unpacked with
  ``dpkg-deb -x`` (bytes, not disk blocks). Budgets: <= 50 MB and <= 120 MB.
- startup: ``/opt/switcher/switcher tray`` (unpacked) against ``.venv/bin/switcher tray``,
  each timed from just before ``Popen`` to its icon MAPPED in trayer on a private Xvfb,
  exactly as bench_tray.py times it; rounds alternate, figures are medians. Budget: the
  frozen start <= 1.3x the source start.

Without a dist/switcher_*.deb there is nothing to measure: it says so and exits 0.
Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
MB = 1024 * 1024
BUDGETS = {"deb_mb": 50, "unpacked_mb": 120, "startup_ratio": 1.3}


def tree_bytes(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    debs = sorted((ROOT / "dist").glob("switcher_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        print("bench_dist: no dist/switcher_*.deb to measure; run `make dist` first",
              file=sys.stderr)
        return 0
    for tool in ("Xvfb", "trayer", "dpkg-deb"):
        if shutil.which(tool) is None:
            sys.exit(f"bench_dist: {tool} is needed (apt: xvfb trayer dpkg)")

    from bench.bench_creds import start_keyring
    from bench.bench_tray import IconWatcher, build_env, start_desktop, time_start
    from switcher.sandbox import Stack

    deb = debs[-1]
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-dist-") as tmp:
        root = Path(tmp)
        unpacked = root / "deb-root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
        frozen = unpacked / "opt" / "switcher" / "switcher"
        sizes = {"deb_mb": round(deb.stat().st_size / MB, 1),
                 "unpacked_mb": round(tree_bytes(unpacked / "opt" / "switcher") / MB, 1)}

        desk = start_desktop(stack, root)
        aws = Stack().start()
        stack.callback(aws.stop)
        env = build_env(root, desk, aws.sts_url, aws.federation_url, start_keyring(stack, root))
        watcher = IconWatcher(desk["DISPLAY"])
        programs = {"source tray": [str(BIN / "switcher"), "tray"],
                    "frozen tray": [str(frozen), "tray"]}
        for argv in programs.values():
            time_start(argv, env, watcher)  # warm the page cache for both, untimed
        times: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.rounds):
            for name, argv in programs.items():
                times[name].append(time_start(argv, env, watcher))
        medians = {name: statistics.median(values) for name, values in times.items()}

    result = {
        "deb": deb.name,
        **sizes,
        "startup_ms": {name: round(m * 1000, 1) for name, m in medians.items()},
        "startup_ms_all": {name: [round(v * 1000) for v in vs] for name, vs in times.items()},
        "startup_ratio": round(medians["frozen tray"] / medians["source tray"], 3),
        "budgets": BUDGETS,
    }
    print(json.dumps(result, indent=2))
    missed = [k for k in BUDGETS if result[k] > BUDGETS[k]]
    if missed:
        print(f"bench_dist: over budget: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
