"""IAM Identity Center sources: config.toml's ``[[sso]]`` tables, plus what ~/.aws/config
defines, read live through botocore's config loader and never copied: its ``sso-session``
sections and its legacy profiles with ``sso_start_url`` + ``sso_region``.

A sign-in belongs to a start URL, not to a name, so every definition with the same start
URL is one ``Source``: its first name (config.toml before sso-sessions before profiles)
is the one shown, the others still find it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from switcher.core.aws.endpoints import plain_http_allowed
from switcher.core.errors import InputError
from switcher.core.paths import aws_config_file

if TYPE_CHECKING:
    from switcher.core.model import Config, SsoSource

CONFIG_TOML = "config.toml"
START_URL_EXAMPLE = "https://d-1234567890.awsapps.com/start"


def check_name(name: str) -> str:
    from switcher.core.secrets.keysources import check_source_name

    return check_source_name(name)


def check_start_url(url: str) -> str:
    """An https URL (the AWS access portal's is https://<id>.awsapps.com/start); plain
    http only on this machine, for local stand-ins."""
    url = str(url).strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        host, parts = "", None
    ok = parts is not None and host and not parts.username and not any(c.isspace() for c in url)
    if ok and not (parts.scheme == "https" or (parts.scheme == "http" and plain_http_allowed(host))):
        ok = False
    if not ok or len(url) > 1024:
        raise InputError(f"start URL {url!r} must be an https URL like {START_URL_EXAMPLE}")
    return url


# how `login` opens an Identity Center target's console: a federation sign-in URL from
# GetRoleCredentials credentials, or the access portal's console shortcut
CONSOLE_MODES = ("federation", "portal")


def check_console(value: str, what: str) -> str:
    if value not in CONSOLE_MODES:
        from switcher.core.validate import short_repr

        raise InputError(f"{what}: console must be {' or '.join(CONSOLE_MODES)}, "
                         f"not {short_repr(value)}")
    return value


def url_key(url: str) -> str:
    """What makes two start URLs the same sign-in: ``.../start``, ``.../start/`` and
    ``.../start/#`` are one portal."""
    return url.strip().rstrip("/#").lower()


@dataclass(frozen=True)
class Source:
    """One sign-in: a start URL and its region, with every definition that names it."""

    name: str
    start_url: str
    region: str
    names: tuple[str, ...]  # name first
    defined_in: tuple[str, ...]  # "config.toml", "sso-session corp", "profile dev"
    # what the AWS CLI's token cache is keyed by, botocore's way: (start URL, sso-session
    # name or None for a legacy profile)
    cli_cache_keys: tuple[tuple[str, str | None], ...] = ()

    @property
    def key(self) -> str:
        return url_key(self.start_url)

    @property
    def in_config_toml(self) -> bool:
        return CONFIG_TOML in self.defined_in


def read_aws_config(path: Path | None = None) -> dict:
    """~/.aws/config as botocore's own loader parses it (``profiles``, ``sso_sessions``)."""
    path = path or aws_config_file()
    if not path.exists():
        return {}
    from botocore.configloader import load_config
    from botocore.exceptions import ConfigParseError

    try:
        return load_config(str(path))
    except ConfigParseError:
        raise InputError(
            f"{path} is not a valid AWS config file (check its [section] headers and key = value lines)"
        ) from None


def all_sources(config: Config, aws_config: dict | None = None) -> list[Source]:
    aws = read_aws_config() if aws_config is None else aws_config
    groups: dict[str, dict] = {}
    taken: set[str] = set()

    def define(name: str, url: str, region: str, where: str, cache_key=None) -> None:
        group = groups.setdefault(url_key(url), {"url": url, "region": region, "names": [],
                                                 "where": [], "keys": []})
        if name not in taken:  # a name already given to another sign-in keeps pointing there
            taken.add(name)
            group["names"].append(name)
        group["where"].append(where)
        if cache_key is not None and cache_key not in group["keys"]:
            group["keys"].append(cache_key)

    for source in config.sso:
        define(source.name, source.start_url, source.region, CONFIG_TOML,
               (source.start_url, None))
    for name, section in (aws.get("sso_sessions") or {}).items():
        url, region = section.get("sso_start_url"), section.get("sso_region")
        if url and region:
            define(name, url, region, f"sso-session {name}", (url, name))
    for name, profile in (aws.get("profiles") or {}).items():
        url, region = profile.get("sso_start_url"), profile.get("sso_region")
        if url and region and "sso_session" not in profile:
            define(name, url, region, f"profile {name}", (url, None))
    out = []
    for group in groups.values():
        names = tuple(group["names"]) or (group["where"][0].split(" ", 1)[-1],)
        # sso-session names first: the AWS CLI's current way of caching a token
        keys = sorted(group["keys"], key=lambda k: k[1] is None)
        out.append(Source(names[0], group["url"], group["region"], names,
                          tuple(group["where"]), tuple(keys)))
    return out


def find(config: Config, name: str, aws_config: dict | None = None) -> Source:
    found = all_sources(config, aws_config)
    for source in found:
        if name in source.names:
            return source
    known = ", ".join(s.name for s in found)
    raise InputError(f"no IAM Identity Center source named {name!r}"
                     + (f" (known: {known})" if known else " (add one with: switcher sso add)"))


def config_entry(config: Config, source: Source) -> SsoSource | None:
    """The config.toml entry whose settings (console, max_requests_per_second) apply to
    ``source``: the first one with its start URL; None for ~/.aws/config's sources."""
    return next((s for s in config.sso if url_key(s.start_url) == source.key), None)


def login_name_for_profile(profile: str | None, config: Config | None = None) -> str:
    """The name ``switcher sso login`` knows an ~/.aws/config SSO profile's sign-in by."""
    profile = profile or "default"
    try:
        aws = read_aws_config()
        if config is None:
            from switcher.core import config as store

            config = store.load()
        section = (aws.get("profiles") or {}).get(profile, {})
        session = section.get("sso_session")
        url = ((aws.get("sso_sessions") or {}).get(session, {}).get("sso_start_url")
               if session else section.get("sso_start_url"))
        for source in all_sources(config, aws):
            if url and source.key == url_key(url):
                return source.name
        return session or profile
    except InputError:  # a broken file: the profile's own name is still a fair guess
        return profile


def add(name: str, start_url: str, region: str, config_path: Path | None = None, *,
        console: str | None = None, max_requests_per_second: int | None = None) -> SsoSource:
    """Record a source in config.toml (no secrets there). Adding the same one again sets
    the options given (``None``: kept, or the default for a new source) and keeps the
    others, as ``switcher add`` does for an account; the same name for another start URL
    or region is refused."""
    from switcher.core import config as store
    from switcher.core.model import SsoSource

    options = {k: val for k, val in (("console", console),
                                     ("max_requests_per_second", max_requests_per_second))
               if val is not None}
    new = SsoSource(name, start_url, region, **options)  # every rule checked before any write
    aws = read_aws_config()

    def change(config: Config) -> Config:
        for existing in all_sources(config, aws):
            if new.name in existing.names and existing.key != url_key(new.start_url):
                raise InputError(f"{new.name} already names the Identity Center source for "
                                 f"{existing.start_url} ({', '.join(existing.defined_in)})")
        first = next((s for s in config.sso if url_key(s.start_url) == url_key(new.start_url)),
                     None)
        if options and first is not None and first.name != new.name:
            # one sign-in, one set of settings: the first entry's (see config_entry)
            raise InputError(f"{first.name} comes first in config.toml for {first.start_url}, "
                             f"so its settings apply: change them with: switcher sso add "
                             f"{first.name} ...")
        same = [s for s in config.sso if s.name == new.name]
        if not same:
            return replace(config, sso=(*config.sso, new))
        if same[0].region != new.region:
            raise InputError(f"Identity Center source {new.name} already exists with region "
                             f"{same[0].region}; remove it first")
        changed = replace(same[0], **options)
        if changed == same[0]:
            return config
        return replace(config, sso=tuple(changed if s is same[0] else s for s in config.sso))

    saved = store.update(change, config_path)
    return next(s for s in saved.sso if s.name == new.name)


def remove(name: str, config_path: Path | None = None) -> SsoSource:
    """Remove a config.toml source; ~/.aws/config's are the AWS CLI's to edit."""
    from switcher.core import config as store

    config = store.load(config_path)
    mine = [s for s in config.sso if s.name == name]
    if not mine:
        for source in all_sources(config):
            if name in source.names:
                raise InputError(f"{name} is defined in {aws_config_file()} "
                                 f"({', '.join(source.defined_in)}); edit that file to remove it")
        raise InputError(f"no Identity Center source named {name!r} in config.toml "
                         "(see: switcher sso list)")
    store.update(lambda c: replace(c, sso=tuple(s for s in c.sso if s.name != name)),
                 config_path)
    return mine[0]


# -- the Settings window: adds, edits and removals under one Save --------------------------

def name_clash(name: str, start_url: str, found: Iterable[Source]) -> str | None:
    """Why ``name`` cannot name a source for ``start_url``: it already names another
    sign-in (a name finds one start URL, so `switcher sso login NAME` is never ambiguous)."""
    for existing in found:
        if name in existing.names and existing.key != url_key(start_url):
            return (f"{name} already names the Identity Center source for "
                    f"{existing.start_url} ({', '.join(existing.defined_in)})")
    return None


def apply_edits(config: Config, base: Iterable[SsoSource],
                edited: Iterable[tuple[str | None, SsoSource]], aws: dict | None = None) -> Config:
    """``config`` (the file as it is now) with the editor's changes to config.toml's
    sources: ``base`` is what the editor loaded, ``edited`` its (name as loaded or None for
    a new source, source) pairs. Only what differs from ``base`` is applied, so a source the
    CLI added or changed meanwhile and nobody touched here stays as it is on disk. Refused
    (InputError, nothing applied) as `add` refuses: a name that names another start URL
    here or in ~/.aws/config, a name given twice."""
    aws = read_aws_config() if aws is None else aws
    base_by_name = {s.name: s for s in base}
    edited = list(edited)
    kept = {original for original, _s in edited if original is not None}
    sso = [s for s in config.sso if s.name not in base_by_name or s.name in kept]
    changed = []
    for original, source in edited:
        if original is not None and base_by_name.get(original) == source:
            continue  # untouched here: whatever is on disk wins
        changed.append(source)
        names = [s.name for s in sso]
        if original is not None and original in names:
            sso[names.index(original)] = source  # edited or renamed: in its place
        elif source not in sso:
            sso.append(source)  # a name already taken on disk fails Config's own check
    result = replace(config, sso=tuple(sso))
    found = all_sources(result, aws)
    for source in changed:
        problem = name_clash(source.name, source.start_url, found)
        if problem:
            raise InputError(problem)
    return result
