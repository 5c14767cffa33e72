"""One switch: target → cached session, or source credentials → AssumeRole (following
``via`` chains) → cache; and the console sign-in URL on top of it.

The caller's arguments become a ``core.request`` value first, checked there once; what
this module checks itself is only what the source credentials reveal on the way.

The cached path imports neither boto3 nor botocore; ``sts``/``sources`` load them only
when AWS must really be called.
"""

from __future__ import annotations

import functools
import getpass

from switcher.core import request
from switcher.core import validate as v
from switcher.core.credentials import ASSUMED, CHAINED, LONG_TERM, Credentials
from switcher.core.errors import InputError
from switcher.core.secrets import cache


def _under_deadline(func):
    """One overall network deadline (the setting) for everything a switch calls."""

    @functools.wraps(func)
    def run(config, *args, **kwargs):
        from switcher.core.aws import deadline

        with deadline.ensure(config.settings.network_deadline_seconds):
            return func(config, *args, **kwargs)

    return run


@_under_deadline
def get_credentials(config, target, *, duration=None, mfa_code=None, mfa_prompt=None,
                    refresh=False) -> Credentials:
    """Temporary credentials for ``target``: from the cache unless ``refresh``, else assumed.

    ``duration`` (seconds) overrides the role's and the settings' default; a cached session
    with less time left than an explicitly asked duration is renewed.
    """
    asked = request.credentials_request(config, target, duration=duration, mfa_code=mfa_code)
    return _get(config, target, asked.duration, _OneCode(asked.mfa_code), mfa_prompt, refresh,
                chain=())


def cached_credentials(target) -> Credentials | None:
    """The cached session of ``target`` if still good for 5 minutes: keyring only."""
    return cache.load(target)


def clear_cache(target=None) -> None:
    cache.clear(target)


@_under_deadline
def console_url(config, target, *, region=None, service=None, destination=None, duration=None,
                logout_first=None, mfa_code=None, mfa_prompt=None) -> str:
    """A federated console sign-in URL (a secret: valid 15 minutes, never log it)."""
    asked = request.console_request(
        config, target, region=region, service=service, destination=destination,
        duration=duration, logout_first=logout_first, mfa_code=mfa_code,
    )
    if target.is_sso and _console_mode(config, target) == PORTAL:
        # the access portal signs the browser in itself, as this permission set: no
        # credentials here, and the console's multi-session mode keeps other sessions
        return _portal_shortcut(target, asked.destination)
    duration, code = asked.credentials.duration, _OneCode(asked.credentials.mfa_code)
    # a via target is chained, so the duration sizes its AssumeRole; otherwise it is the
    # console's SessionDuration, unless the source turns out to be temporary (below)
    creds = _get(config, target, duration if target.via else None, code, mfa_prompt, False,
                 chain=())
    session_duration = None
    if creds.kind == ASSUMED:
        # long-term-key sessions may ask the console for up to 12 h, independent of the creds
        session_duration = duration or _duration(config, target, None, chained=False)
    elif duration is not None and not target.via:
        # chained through a profile's session: the console session lasts as long as the
        # credentials, so AssumeRole sizes it (a cached session long enough is kept)
        creds = _get(config, target, duration, code, mfa_prompt, False, chain=())
    from switcher.core.aws import signin

    return signin.sign_in_url(
        creds, federation=asked.federation, destination=asked.destination,
        session_duration=session_duration, logout_first=asked.logout_first,
    )


# -- internals ---------------------------------------------------------------------------

FEDERATION, PORTAL = "federation", "portal"


def _console_mode(config, target) -> str:
    """A config.toml source's ``console``; ~/.aws/config's sources sign in by federation."""
    from switcher.core.sso.sources import url_key

    key = url_key(target.sso_start_url or "")
    for source in config.sso:
        if url_key(source.start_url) == key:
            return getattr(source, "console", FEDERATION)
    return FEDERATION


def _portal_shortcut(target, destination: str) -> str:
    from urllib.parse import quote

    return f"{target.portal_url}&destination={quote(destination, safe='')}"



class _OneCode:
    """The caller's MFA code, for the first AssumeRole that needs one: AWS refuses a code it
    has already accepted, so a second hop or a second try must get a fresh one."""

    def __init__(self, code: str | None) -> None:
        self._code = code

    def take(self) -> str | None:
        code, self._code = self._code, None
        return code


def _get(config, target, duration, code: _OneCode, mfa_prompt, refresh, chain) -> Credentials:
    if target.name in chain:
        loop = " -> ".join((*chain, target.name))
        raise InputError(f"role chain loops back on itself: {loop}")
    if not refresh:
        cached = cache.load(target, min_seconds_left=_min_left(duration))
        if cached is not None:
            return cached

    if target.is_sso:
        # an Identity Center assignment: the portal hands out the role's session itself
        from switcher.core.sso import portal

        creds = portal.role_credentials(config, target)
        cache.store(target, creds)
        return creds

    if target.via:
        from switcher.core.targets import resolve

        duration = _duration(config, target, duration, chained=True)  # before the first hop's call
        try:
            via_target = resolve(config, target.via)
        except InputError as exc:
            raise InputError(f"{target.name} is assumed via {target.via!r}, which fails: {exc}") from None
        # the hop's own duration is its business; only the final hop gets ours
        source = _get(config, via_target, None, code, mfa_prompt, False, (*chain, target.name))
        source_kind = CHAINED
        session = None
    else:
        from switcher.core.aws.sources import (
            is_profile,
            named_source_credentials,
            source_credentials,
        )
        from switcher.core.aws.sts import new_session

        if target.credential_source:  # one botocore provider, not the default chain
            session = new_session()
            source = named_source_credentials(target.credential_source, target.name, session=session)
        else:
            if is_profile(config, target.source):
                session = new_session(target.source)
            else:  # the default chain honours AWS_PROFILE; keyring keys are explicit
                session = new_session(env_profile=target.source is None)
            source = source_credentials(config, target.source, session=session)
        source_kind = source.kind
        duration = _duration(config, target, duration, chained=source_kind != LONG_TERM)

    kind = ASSUMED if source_kind == LONG_TERM else CHAINED
    session_name = _session_name(config, target)

    serial = target.mfa_serial
    token = None
    if serial:
        token = code.take()
        if token is None:
            from switcher.core import mfa
            from switcher.core.aws import deadline

            with deadline.paused():  # a person typing a code is not network time
                token = mfa.mfa_code(target, serial, prompt=mfa_prompt,
                                     process=target.mfa_process or config.settings.mfa_process)

    from switcher.core.aws.sts import assume_role

    creds = assume_role(source, target, kind=kind, session_name=session_name,
                        duration=duration, mfa_serial=serial, mfa_code=token, session=session)
    cache.store(target, creds)
    return creds


def _min_left(duration: int | None) -> float:
    if duration is None:
        return cache.MIN_SECONDS_LEFT
    return max(cache.MIN_SECONDS_LEFT, duration - cache.MIN_SECONDS_LEFT)


def _duration(config, target, explicit: int | None, *, chained: bool) -> int | None:
    """explicit > role > settings default > omitted (AWS then gives 1 hour).

    ``explicit`` comes from the request, checked there (as chained when ``target.via``).
    """
    if explicit is not None:
        if chained and not target.via:
            # only now known: the profile source gave temporary credentials
            return v.check_chained_duration(explicit)
        return explicit
    if target.duration is not None:
        try:
            return v.check_duration(target.duration, chained=chained)
        except InputError as exc:
            raise InputError(f"{target.name}: {exc}") from None
    default = config.settings.default_duration
    if default is not None:
        # a global default is not aimed at chained roles; cap it rather than fail them
        return min(default, v.CHAINED_MAX_DURATION) if chained else default
    return None


def _session_name(config, target) -> str:
    name = target.session_name or config.settings.session_name
    if name:
        return v.check_session_name(name)
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = "switcher"
    return v.session_name_from(user)
