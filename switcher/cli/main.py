"""``switcher`` itself: parse the arguments, run one command, turn errors into one line.

Each command lives in ``switcher.cli.<module>`` and is imported only when run, so
that fast paths (``switcher creds`` from the cache) never import boto3 or Qt.
"""

from __future__ import annotations

import importlib
import os
import sys

MAX_CALL_DEPTH = 4


def _enter_call_depth() -> bool:
    """Count nested switcher processes through the environment. A profile exported with
    ``credential_process = switcher creds ...`` and named by AWS_PROFILE would otherwise
    make switcher start itself again and again until memory runs out."""
    value = os.environ.get("SWITCHER_CALL_DEPTH", "0")
    if not (value.isascii() and value.isdigit()):
        depth = 0  # garbled: count from the top (int() would take "٢")
    else:
        depth = int(value) if len(value) < 4 else MAX_CALL_DEPTH
    if depth >= MAX_CALL_DEPTH:
        return False
    os.environ["SWITCHER_CALL_DEPTH"] = str(depth + 1)
    return True


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["__complete"]:
        # the shell's TAB: before the parser and the call depth, and without an import
        # that a target list does not need
        from switcher.cli.complete import run

        return run(argv[1:])
    if argv[:1] == ["creds"]:
        # a running tray, else the keyring cache, answers before any parser is built
        from switcher.cli.fast_creds import answer

        code = answer(argv[1:])
        if code is not None:
            return code
    # here, not at the top: a TAB pays for none of them
    from switcher.cli.errors import error_line
    from switcher.cli.parser import COMMANDS, build_parser
    from switcher.core.errors import SwitcherError

    if not _enter_call_depth():
        sys.stderr.write(
            f"switcher: switcher is running inside itself {MAX_CALL_DEPTH} levels deep; a "
            "credential_process (e.g. a profile named by AWS_PROFILE) is probably calling "
            "switcher again\n"
        )
        return 2
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    # Split "exec TARGET [options] -- CMD" ourselves: argparse's REMAINDER would swallow
    # options written after TARGET into the command.
    command_after: list[str] | None = None
    if "--" in argv and "exec" in argv[: argv.index("--")]:
        cut = argv.index("--")
        argv, command_after = argv[:cut], argv[cut + 1:]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # --help, --version and usage errors (already written, one line): an in-process
        # caller gets the exit code back instead of an exception
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    if command_after is not None:
        args.cmd = command_after
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)  # a usage error: keep stdout for output
        return 2
    module_name, func_name = args.handler.split(":")
    try:
        if args.sandbox and args.command not in ("sandbox", "tray"):
            from switcher.sandbox import activate_for_cli

            activate_for_cli()
        module = importlib.import_module(f"switcher.cli.{module_name}")
        return int(getattr(module, func_name)(args) or 0)
    except SwitcherError as exc:
        sys.stderr.write(error_line(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("switcher: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not a user error: still one line unless asked for more
        if os.environ.get("SWITCHER_DEBUG"):
            raise
        sys.stderr.write(
            # only the type: the text of an unexpected error may hold a credential or a URL
            f"switcher: internal error ({type(exc).__name__}); run with SWITCHER_DEBUG=1 for details\n"
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
