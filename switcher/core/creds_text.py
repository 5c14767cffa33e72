"""Credentials in the shapes shells and tools read. Every shell format quotes each value
so that ``eval`` assigns it verbatim, whatever characters it holds."""

from __future__ import annotations

import json
import shlex
from datetime import UTC

from switcher.core.credentials import Credentials
from switcher.core.formats import CREDS_FORMATS as FORMATS

# Set in the user's shell, these would make SDKs pick other credentials than ours.
CONFLICTING = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN")


def variables(creds: Credentials, *, region: str | None = None) -> dict[str, str | None]:
    """Environment variables for these credentials; None means "unset it"."""
    out: dict[str, str | None] = {
        "AWS_ACCESS_KEY_ID": creds.access_key_id,
        "AWS_SECRET_ACCESS_KEY": creds.secret_access_key,
        "AWS_SESSION_TOKEN": creds.session_token,
    }
    if region:
        out["AWS_REGION"] = region
        out["AWS_DEFAULT_REGION"] = region
    out["AWS_CREDENTIAL_EXPIRATION"] = iso8601(creds) if creds.expiration else None
    return out


def iso8601(creds: Credentials) -> str:
    return creds.expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(creds: Credentials, fmt: str, *, region: str | None = None,
           profile: str = "default") -> str:
    """Text for ``fmt`` (one of FORMATS); ``profile`` names the ini section."""
    if fmt == "json":
        return _json(creds)
    if fmt == "ini":
        return _ini(creds, profile, region)
    env = variables(creds, region=region)
    # the removals come first so that the last command of an eval is an assignment (fish's
    # `set -e` of an unset name leaves a non-zero status)
    if fmt == "env":
        lines = [f"unset {' '.join(CONFLICTING)}"]
        lines += [f"export {k}={shlex.quote(val)}" if val is not None else f"unset {k}"
                  for k, val in env.items()]
    elif fmt == "fish":
        lines = [f"set -e {' '.join(CONFLICTING)}"]
        lines += [f"set -gx {k} {_fish_quote(val)}" if val is not None else f"set -e {k}"
                  for k, val in env.items()]
    elif fmt == "powershell":
        remove = "Remove-Item Env:{} -ErrorAction SilentlyContinue"
        lines = [remove.format(k) for k in CONFLICTING]
        lines += [f"$Env:{k} = {_ps_quote(val)}" if val is not None else remove.format(k)
                  for k, val in env.items()]
    else:
        raise _bad(f"credentials format must be one of {', '.join(FORMATS)}")
    return "\n".join(lines) + "\n"


def _fish_quote(value: str) -> str:
    # inside fish single quotes only \\ and \' are special
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ps_quote(value: str) -> str:
    # PowerShell single-quoted strings: a quote is doubled, nothing else expands;
    # typographic single quotes count as quotes too, so double them as well
    for quote in ("'", "\u2018", "\u2019", "\u201a", "\u201b"):
        value = value.replace(quote, quote * 2)
    return f"'{value}'"


def _json(creds: Credentials) -> str:
    """The credential_process schema (Version 1)."""
    data = {
        "Version": 1,
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
    }
    if creds.session_token:
        data["SessionToken"] = creds.session_token
    if creds.expiration:
        data["Expiration"] = iso8601(creds)
    return json.dumps(data, indent=2) + "\n"


def _ini(creds: Credentials, profile: str, region: str | None) -> str:
    values = {
        "aws_access_key_id": creds.access_key_id,
        "aws_secret_access_key": creds.secret_access_key,
        "aws_session_token": creds.session_token,
    }
    for key, val in [("profile", profile), *values.items()]:
        if val is not None and (any(c in val for c in "\r\n") or val != val.strip()):
            raise _bad(f"{key} cannot be written to an ini file (line breaks or edge spaces)")
    if any(c in profile for c in "[]"):
        raise _bad(f"profile name {profile!r} cannot contain brackets in an ini file")
    lines = [f"[{profile}]"]
    lines += [f"{k} = {val}" for k, val in values.items() if val is not None]
    if creds.expiration:
        lines.append(f"# expires {iso8601(creds)}")
    return "\n".join(lines) + "\n"


def _bad(message: str) -> Exception:
    # imported here: errors brings enum, a tenth of what a cached `creds` may take
    from switcher.core.errors import InputError

    return InputError(message)
