"""``switcher sandbox``: serve moto, the local sign-in endpoint and the Identity Center
stand-in until interrupted."""

from __future__ import annotations

import shlex
import signal
import sys
import threading

HOWTO = """\
# Switcher sandbox is running: moto (fake AWS), a local console sign-in endpoint and a
# local IAM Identity Center ({sso_accounts} accounts, source {sso}); the organization {org}
# lives in moto.
# Nothing here reaches AWS. In another terminal, paste the export lines above, then try:
#   switcher list
#   switcher login acme-dev/Developer --stdout     # sign-in URL to the sandbox console
#   switcher login acme-audit/Auditor              # a chained role (via acme-dev/Developer)
#   switcher login acme-prod/Admin --mfa-code 123456   # MFA role: any 6 digits work here
#   switcher creds partner-data/DataAccess --format json
# Identity Center and Organizations:
#   switcher sso login {sso}        # click Approve on the sandbox's page in the browser
#                                  # (none with SWITCHER_SANDBOX_AUTO_APPROVE=1 set for
#                                  # switcher sandbox)
#   switcher discover              # {sso}'s accounts and roles, and {org}'s accounts
#   switcher list                  # now with Acme-Payments-Prod/ReadOnlyAccess and more
#   switcher login Acme-Payments-Prod/ReadOnlyAccess --stdout
# Sessions are cached in that shell's OS keyring, tied to this sandbox's endpoints; with
# no keyring there nothing is cached (each command warns once and asks the sandbox again)
# and an Identity Center sign-in has nowhere to go (it needs the keyring).
# Request log (no secrets): {log_url}
# Press Ctrl+C to stop; the demo config and its AWS files are deleted then (sessions
# already cached stay in the keyring, never used outside this sandbox)."""


def howto(sandbox, log_url: str) -> str:
    from switcher.sandbox import seed

    accounts = len(sandbox.identity_center.accounts) if sandbox.identity_center else 0
    return HOWTO.format(log_url=log_url, sso=seed.SSO_NAME, org=seed.ORG_NAME,
                        sso_accounts=accounts)


def run(args) -> int:
    from switcher.sandbox import Sandbox

    stop = threading.Event()

    def _stop(signum, frame):
        stop.set()

    # Ctrl+C, kill and a closed terminal all end the server cleanly with exit 0. SIGINT is
    # handled explicitly because a shell starts background jobs with it ignored.
    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _stop) for sig in stopping}
    sandbox = Sandbox().start()
    try:
        out = sys.stdout
        for name, value in sandbox.env.items():
            out.write(f"export {name}={shlex.quote(value)}\n")
        log_url = sandbox.stack.federation_url.rsplit("/federation", 1)[0] + "/_sandbox/log"
        out.write(howto(sandbox, log_url) + "\n")
        out.flush()
        while not stop.wait(0.5):  # short waits: the handler runs between them
            pass
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    try:
        sys.stderr.write("switcher: sandbox stopped\n")
    except OSError:  # the terminal is gone (SIGHUP): nobody to tell
        pass
    return 0
