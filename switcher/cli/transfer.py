"""import / export: move targets between Switcher, ~/.aws/config and the AWS Extend
Switch Roles extension."""

from __future__ import annotations

import sys
from pathlib import Path

from switcher.core import config as store
from switcher.core.errors import InputError
from switcher.core.share import exporter, importer


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None


def import_(args) -> int:
    if args.kind == "aws-config":
        # no file: ~/.aws/config and ~/.aws/credentials together, as `switcher list` reads them
        path = Path(args.file).expanduser() if args.file else None
        result = importer.apply(lambda config: importer.plan_aws_config_file(config, path))
    elif args.kind == "esr":
        text = _read_text(args.file)  # read before planning: stdin can only be read once
        result = importer.apply(lambda config: importer.plan_esr(config, text))
    else:
        result = importer.apply(lambda config: importer.plan_link(config, args.url))
    sys.stdout.write(result.summary() + "\n")
    return 0


def export(args) -> int:
    config = store.load()
    text = exporter.to_esr(config) if args.kind == "esr" else exporter.to_aws_config(config)
    sys.stdout.write(text)
    return 0
