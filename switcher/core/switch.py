"""One switch: target → cached session, or source credentials → AssumeRole (following
``via`` chains) → cache; and the console sign-in URL on top of it.

The cached path imports neither boto3 nor botocore; ``sts``/``sources`` load them only
when AWS must really be called.
"""

from __future__ import annotations

import getpass

from switcher.core import validate as v
from switcher.core.credentials import ASSUMED, CHAINED, LONG_TERM, Credentials
from switcher.core.errors import InputError
from switcher.core.secrets import cache


def get_credentials(config, target, *, duration=None, mfa_code=None, mfa_prompt=None,
                    refresh=False) -> Credentials:
    """Temporary credentials for ``target``: from the cache unless ``refresh``, else assumed.

    ``duration`` (seconds) overrides the role's and the settings' default; a cached session
    with less time left than an explicitly asked duration is renewed.
    """
    duration, state = _check_inputs(config, target, duration, mfa_code)
    return _get(config, target, duration, state, mfa_prompt, refresh, chain=())


def cached_credentials(target) -> Credentials | None:
    """The cached session of ``target`` if still good for 5 minutes: keyring only."""
    return cache.load(target)


def clear_cache(target=None) -> None:
    cache.clear(target)


def console_url(config, target, *, region=None, service=None, destination=None, duration=None,
                logout_first=None, mfa_code=None, mfa_prompt=None) -> str:
    """A federated console sign-in URL (a secret: valid 15 minutes, never log it)."""
    if region is not None:
        region = _check_console_region(region, target)
    duration, state = _check_inputs(config, target, duration, mfa_code)
    from switcher.core.aws import signin

    # a bad --service/--destination or SWITCHER_FEDERATION_URL must fail before any AWS call
    signin.destination_url(region or target.region, service=service, destination=destination)
    signin.federation_url(target.partition)
    # a via target is chained, so the duration sizes its AssumeRole; otherwise it is the
    # console's SessionDuration, unless the source turns out to be temporary (below)
    creds = _get(config, target, duration if target.via else None, state, mfa_prompt,
                 False, chain=())
    session_duration = None
    if creds.kind == ASSUMED:
        # long-term-key sessions may ask the console for up to 12 h, independent of the creds
        session_duration = duration or target.duration or config.settings.default_duration
    elif duration is not None and not target.via:
        # chained through a profile's session: the console session lasts as long as the
        # credentials, so AssumeRole sizes it (a cached session long enough is kept)
        creds = _get(config, target, duration, state, mfa_prompt, False, chain=())
    if logout_first is None:
        logout_first = target.logout_first
    if logout_first is None:
        logout_first = config.settings.logout_first
    return signin.login_url(
        creds, region=region or target.region, service=service, destination=destination,
        session_duration=session_duration, logout_first=bool(logout_first),
    )


# -- internals ---------------------------------------------------------------------------


def _check_inputs(config, target, duration, mfa_code) -> tuple[int | None, dict]:
    """The caller's duration and MFA code, checked once, before any keyring or AWS call.

    Returns the duration and the state the code travels in (it is good for one call).
    """
    if duration is not None:
        # a via target is known to be chained; a profile source may still turn out so (_get)
        duration = v.check_duration(duration, chained=bool(target.via))
    if mfa_code is not None:
        mfa_code = v.check_token_code(mfa_code)
        if not _may_use_mfa(config, target):
            # silently unused, a code hides a mistake (wrong target, or a role missing its device)
            raise InputError(f"{target.name} does not use MFA; drop --mfa-code")
    return duration, {"mfa_code": mfa_code}


def _check_console_region(region: str, target) -> str:
    # the sign-in host follows the region: another partition's would receive these
    # credentials (and refuse them), so a mismatch is a usage error, found before any call
    from switcher.core.partitions import partition_name

    region = v.check_region(region)
    partition = partition_name(region)
    if partition != target.partition:
        raise InputError(
            f"region {region} is in partition {partition}, but {target.name} is in partition "
            f"{target.partition}; pick a region of {target.partition}"
        )
    return region


def _get(config, target, duration, state, mfa_prompt, refresh, chain) -> Credentials:
    if target.name in chain:
        loop = " -> ".join((*chain, target.name))
        raise InputError(f"role chain loops back on itself: {loop}")
    if not refresh:
        cached = cache.load(target, min_seconds_left=_min_left(duration))
        if cached is not None:
            return cached

    if target.via:
        from switcher.core.targets import resolve

        duration = _duration(config, target, duration, chained=True)  # before the first hop's call
        try:
            via_target = resolve(config, target.via)
        except InputError as exc:
            raise InputError(f"{target.name} is assumed via {target.via!r}, which fails: {exc}") from None
        # the hop's own duration is its business; only the final hop gets ours
        source = _get(config, via_target, None, state, mfa_prompt, False, (*chain, target.name))
        source_kind = CHAINED
        session = None
    else:
        from switcher.core.aws.sources import is_profile, source_credentials
        from switcher.core.aws.sts import new_session

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
    code = None
    if serial:
        from switcher.core import mfa

        code = mfa.mfa_code(
            target, serial, code=state.pop("mfa_code", None),  # a code is good for one call
            process=target.mfa_process or config.settings.mfa_process, prompt=mfa_prompt,
        )

    from switcher.core.aws.sts import assume_role

    creds = assume_role(source, target, kind=kind, session_name=session_name,
                        duration=duration, mfa_serial=serial, mfa_code=code, session=session)
    cache.store(target, creds)
    return creds


def _may_use_mfa(config, target) -> bool:
    """False only when neither ``target`` nor any hop it is assumed via has an MFA device."""
    from switcher.core.targets import resolve

    seen = set()
    while not target.mfa_serial:
        if not target.via:
            return False
        seen.add(target.name)
        try:
            target = resolve(config, target.via)
        except InputError:
            return True  # a broken chain: _get reports it with its context
        if target.name in seen:
            return True  # a loop: likewise
    return True


def _min_left(duration: int | None) -> float:
    if duration is None:
        return cache.MIN_SECONDS_LEFT
    return max(cache.MIN_SECONDS_LEFT, duration - cache.MIN_SECONDS_LEFT)


def _duration(config, target, explicit: int | None, *, chained: bool) -> int | None:
    """explicit > role > settings default > omitted (AWS then gives 1 hour).

    ``explicit`` was checked on entry (_check_inputs), as chained when ``target.via``.
    """
    if explicit is not None:
        if chained and not target.via and explicit > v.CHAINED_MAX_DURATION:
            # only now known: the profile source gave temporary credentials
            return v.check_duration(explicit, chained=True)
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
