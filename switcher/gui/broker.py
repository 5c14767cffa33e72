"""The tray as credential broker: ``switcher creds/exec/login`` ask the running tray first
(``switcher.ipc.broker``), and the tray answers them.

A session it has handed out is kept in process memory with its expiry, so the next ask for
it is answered without the keyring; anything else runs as a background job through the
controller's ``Jobs``, where an MFA code or an approval is asked in a tray dialog (the
caller may have no terminal: an IDE, a ``credential_process``). The answer goes back when
the job is done, on the main thread.

Who asks is the kernel's word (SO_PEERCRED, checked by ``ipc_server``) and /proc's, never
the client's. Secrets go only into the reply line, never into a log or an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from switcher.core import paths, places
from switcher.core.credentials import MIN_SECONDS_LEFT  # as the keyring cache
from switcher.core.errors import Cancelled, InputError, SwitcherError
from switcher.core.oneline import one_line
from switcher.core.targets import Target
from switcher.gui.controller import mfa_via_main

APPROVAL_SECONDS = 3600  # "Allow for 1 hour"

# ask_mfa(target, device, caller_text) and ask_approval(target, caller_text, what) run on
# the main thread: a code / a choice ("once", "hour"), or None when cancelled or denied
MfaPrompt = Callable[[Target, str, str], "str | None"]
ApprovalPrompt = Callable[[Target, str, str], "str | None"]


class Broker:
    def __init__(self, controller, *, ask_mfa: MfaPrompt, ask_approval: ApprovalPrompt,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.controller = controller
        self.ask_mfa = ask_mfa
        self.ask_approval = ask_approval
        self.clock = clock
        self._memory: dict[str, Any] = {}  # target name -> Credentials
        # (target name, Caller.program) -> clock() until which "Allow for 1 hour" holds
        self._allowed: dict[tuple[str, str], float] = {}
        self.hits = 0  # answered from memory, for tests and `switcher status`

    # --- the IPC server's entry, on the main thread ---------------------------------------

    def handle(self, message: dict, caller, respond: Callable[[dict], None]) -> None:
        cmd = message.get("cmd")
        if not self._same_config(message):
            # no exit code: the client does the work itself, with its own config (a
            # sandbox tray never answers for the real accounts, nor the other way round)
            respond({"ok": False, "error": "this tray serves another config file"})
            return
        try:
            fields = _fields(message, cmd)
            target = self.controller.target(fields["target"])
        except SwitcherError as exc:
            respond(_failure(exc))
            return
        who = caller.describe()
        program = caller.program
        needs_approval = target.confirm and not self._still_allowed(target.name, program)
        if cmd == "credentials" and not needs_approval and not fields["refresh"]:
            hit = self._from_memory(target.name, fields.get("duration"))
            if hit is not None:
                self.hits += 1
                respond(self._credentials_reply(target, hit, fields))
                return

        config, core = self.controller.config, self.controller.core
        jobs = self.controller.jobs
        mfa = mfa_via_main(jobs, lambda t, device: self.ask_mfa(t, device, who))
        approve = self._approver(target, who, program, cmd) if needs_approval else None

        def work():
            if approve is not None:
                approve()
            if cmd == "credentials":
                return core.get_credentials(
                    config, target, duration=fields.get("duration"),
                    mfa_code=fields.get("mfa_code"), mfa_prompt=mfa, refresh=fields["refresh"])
            return core.console_url(
                config, target, region=fields.get("region"), service=fields.get("service"),
                destination=fields.get("destination"), duration=fields.get("duration"),
                logout_first=fields.get("logout_first"), mfa_code=fields.get("mfa_code"),
                mfa_prompt=mfa)

        def done(ok: bool, payload: Any) -> None:
            if not ok:
                respond(_failure(payload, target))
                return
            if cmd == "credentials":
                self._memory[target.name] = payload
                if payload.expiration is not None:
                    self.controller.session_tracker.note(target.name, payload.expiration)
                respond(self._credentials_reply(target, payload, fields))
            else:
                respond({"ok": True, "target": target.name, "url": payload})

        jobs.submit(work, done)

    def _credentials_reply(self, target: Target, creds, fields: dict) -> dict:
        reply = {"ok": True, "target": target.name, "region": target.region,
                 "credentials": creds.to_json()}
        if fields.get("render"):
            # `switcher creds`: the text as it would print it, in the config's format
            # unless it asked for one (the same config file: the client checked)
            from switcher.core.creds_text import render

            fmt = fields.get("format") or self.controller.config.settings.creds_format
            try:
                reply["text"] = render(creds, fmt, region=target.region, profile=target.name)
            except SwitcherError as exc:
                return _failure(exc, target)
        return reply

    def _same_config(self, message: dict) -> bool:
        """Whether the client uses this tray's config file: it says so by the path, or (the
        fast `creds`, which cannot afford platformdirs) by the environment that decides it."""
        asked = message.get("config")
        if asked is not None:
            return asked == str(self.controller.config_path)
        inputs = message.get("config_inputs")
        if inputs is not None:
            return (inputs == places.config_inputs()
                    and self.controller.config_path == paths.config_path())
        return True

    # --- state: main thread only ----------------------------------------------------------

    def _from_memory(self, name: str, duration: int | None):
        creds = self._memory.get(name)
        if creds is None:
            return None
        left = creds.seconds_left()
        need = MIN_SECONDS_LEFT if duration is None else max(MIN_SECONDS_LEFT, duration - MIN_SECONDS_LEFT)
        if left is not None and left < need:
            if left < MIN_SECONDS_LEFT:
                del self._memory[name]
            return None
        return creds

    def forget(self, name: str | None = None) -> None:
        if name is None:
            self._memory.clear()
        else:
            self._memory.pop(name, None)

    def _still_allowed(self, name: str, program: str) -> bool:
        until = self._allowed.get((name, program))
        return until is not None and self.clock() < until

    def _approver(self, target: Target, who: str, program: str, cmd: str) -> Callable[[], None]:
        """For the worker: asks on the main thread (where the hour's grant is recorded)."""
        jobs = self.controller.jobs

        def on_main() -> str | None:
            choice = self.ask_approval(target, who, cmd)
            if choice == "hour":
                self._allowed[(target.name, program)] = self.clock() + APPROVAL_SECONDS
            return choice

        def approve() -> None:
            if jobs.call_on_main(on_main, default=None) is None:
                raise Denied(f"{target.name}: the request was denied in the Switcher tray")

        return approve


class Denied(SwitcherError):
    exit_code = 1


def _fields(message: dict, cmd: str) -> dict[str, Any]:
    """The client's fields, type-checked; their values are the core's to judge."""
    out: dict[str, Any] = {}
    target = message.get("target")
    if not isinstance(target, str) or not target.strip():
        raise InputError("the request names no target")
    out["target"] = target
    types = {"duration": int, "mfa_code": str, "refresh": bool, "format": str, "render": bool}
    if cmd == "console_url":
        types.update(region=str, service=str, destination=str, logout_first=bool)
    for key, kind in types.items():
        value = message.get(key)
        if value is not None and (not isinstance(value, kind)
                                  or (kind is int and isinstance(value, bool))):
            raise InputError(f"the request's {key} is not {kind.__name__}")
        out[key] = value
    out["refresh"] = bool(out.get("refresh"))
    return out


def _failure(exc: BaseException, target: Target | None = None) -> dict:
    """The CLI's own line and exit code for ``exc``; a bug's text stays in the tray."""
    if isinstance(exc, Cancelled):
        name = f"{target.name}: " if target is not None else ""
        return {"ok": False, "error": f"{name}the MFA prompt was cancelled in the Switcher tray",
                "exit_code": 1}
    if isinstance(exc, SwitcherError):
        return {"ok": False, "error": one_line(str(exc)), "exit_code": exc.exit_code}
    return {"ok": False, "error": f"internal error in the Switcher tray ({type(exc).__name__})",
            "exit_code": 1}
