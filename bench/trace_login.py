"""How one ``switcher login TARGET --stdout`` moves between Switcher's modules.

    .venv/bin/python bench/trace_login.py [--target acme-dev/Developer] [--path] [ARG]...

Runs the command in this process against a throwaway sandbox (``switcher --sandbox``) and
follows the main thread twice over: through the switch (from where the CLI hands its
arguments to ``core.switch.console_url`` until the URL comes back) and through the whole
command (``cli.session.login``, config load and target resolution included). Extra ARGs go
to ``login`` (e.g. ``--service ec2 --region eu-central-1``).

The current module is that of the innermost frame in a ``switcher`` module; the sandbox's
own modules (they stand in for AWS and the keyring) and module or class bodies run by a
lazy import are left out. A *stay* is a run of execution in one module; a *return* is a
stay in a module that was already left once. ``partition_name`` is counted per call, cache
hits included.

Counts, not timings: they measure how far a reader has to jump back and forth to follow
one switch, so they are the same on every machine. ``--path`` prints the switch's stays.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import inspect
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTED = ("switcher.core.validate", "switcher.core.switch")


def _module(frame) -> str | None:
    if not frame.f_code.co_flags & inspect.CO_NEWLOCALS:
        # a module or class body, run once by a lazy import: loading, not a step of the switch
        return None
    name = frame.f_globals.get("__name__", "")
    if name == "switcher" or name.startswith("switcher."):
        if not name.startswith("switcher.sandbox"):
            return name
    return None


class Tracer:
    def __init__(self, start_code, partition_code) -> None:
        self._start = start_code
        self._partition = partition_code
        self._stack: list[str | None] = []  # the effective module of each live frame
        self._armed = False
        self.stays: list[tuple[str, str]] = []  # (module, function it was entered by)
        self.partition_calls: collections.Counter[str] = collections.Counter()

    def __call__(self, frame, event, arg) -> None:
        if event == "call":
            if not self._armed:
                if frame.f_code is not self._start:
                    return
                self._armed = True
            parent = self._stack[-1] if self._stack else None
            module = _module(frame) or parent
            self._stack.append(module)
            if frame.f_code is self._partition:
                self.partition_calls[frame.f_locals.get("region")] += 1
            if module is not None and module != parent:
                self._enter(module, frame.f_code.co_name)
        elif event == "return" and self._armed:
            left = self._stack.pop()
            if not self._stack:
                self._armed = False
                return
            back = self._stack[-1]
            if back is not None and back != left:
                self._enter(back, "(return)")

    def _enter(self, module: str, how: str) -> None:
        if not self.stays or self.stays[-1][0] != module:
            self.stays.append((module, how))


def _short(module: str) -> str:
    return module.removeprefix("switcher.")


def _figures(tracer: Tracer) -> dict[str, object]:
    stays = tracer.stays
    modules = {m for m, _ in stays}
    entries = collections.Counter(m for m, _ in stays)
    figures: dict[str, object] = {
        "modules visited": len(modules),
        "stays": len(stays),
        "returns to a module left": len(stays) - len(modules),
    }
    for module in COUNTED:
        figures[f"entries into {_short(module)}"] = entries[module]
    calls = tracer.partition_calls
    detail = ", ".join(f"{region} x{n}" for region, n in calls.most_common())
    figures["partition_name calls"] = f"{sum(calls.values())}" + (f" ({detail})" if detail else "")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="acme-dev/Developer")
    parser.add_argument("--path", action="store_true", help="print every stay of the switch in order")
    ours, extra = parser.parse_known_args()

    # partition_name is lru-cached: a cache hit runs no Python frame, so unwrap it before
    # any module binds the name, or repeated look-ups of one region would not show
    from switcher.core import partitions

    partitions.partition_name = partitions.partition_name.__wrapped__
    from switcher.cli import main as cli_main
    from switcher.cli import session
    from switcher.core import switch

    partition_code = partitions.partition_name.__code__
    # the whole command (config load and target resolution included), and the switch alone:
    # from where the CLI hands the arguments to core.switch to the URL it gets back
    command = Tracer(session.login.__code__, partition_code)
    spine = Tracer(switch.console_url.__code__, partition_code)

    def profile(frame, event, arg) -> None:
        command(frame, event, arg)
        spine(frame, event, arg)

    argv = ["--sandbox", "login", ours.target, *extra, "--stdout"]
    out = io.StringIO()  # the sign-in URL is a secret: keep it off the terminal
    sys.setprofile(profile)
    try:
        with contextlib.redirect_stdout(out):
            status = cli_main.main(argv)
    finally:
        sys.setprofile(None)
    if status != 0 or not out.getvalue().startswith("http"):
        print(f"trace_login: switcher {' '.join(argv)} failed with status {status}", file=sys.stderr)
        return 1

    print(f"switcher {' '.join(argv)}")
    for title, tracer in (("the switch (core.switch.console_url)", spine),
                          ("the whole command (cli.session.login)", command)):
        print(f"\n{title}")
        for name, value in _figures(tracer).items():
            print(f"  {name:26} {value}")
    if ours.path:
        print("\nthe switch, stay by stay")
        for i, (module, how) in enumerate(spine.stays, 1):
            print(f"{i:3} {_short(module):28} {how}")
    return 0


if __name__ == "__main__":
    os.environ.pop("SWITCHER_DEBUG", None)
    sys.exit(main())
