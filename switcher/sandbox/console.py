"""HTML pages of the sandbox's console stand-in: small, self-contained, tidy."""

from __future__ import annotations

from html import escape

_STYLE = """
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:#f2f3f3;color:#16191f}
header{background:#232f3e;color:#fff;padding:12px 24px;display:flex;gap:12px;align-items:center}
header b{font-size:17px}.tag{background:#ff9900;color:#232f3e;border-radius:3px;
padding:1px 8px;font-size:12px;font-weight:700;text-transform:uppercase}
main{max-width:760px;margin:32px auto;background:#fff;border-radius:8px;padding:24px 32px;
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:22px;margin:0 0 16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:8px 24px;margin:0}
dt{color:#545b64}dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;
word-break:break-all}.err h1{color:#d13212}#error::first-letter{text-transform:uppercase}p.note{color:#545b64;font-size:13px;margin-top:24px}
"""


def _page(title: str, body: str, *, css_class: str = "") -> bytes:
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body class='{css_class}'><header><b>Sandbox console</b>"
        "<span class=tag>sandbox</span></header>"
        f"<main>{body}</main></body></html>"
    ).encode()


def console_page(*, account: str, role: str, session_name: str, region: str,
                 destination: str, session_duration: int | None) -> bytes:
    rows = [
        ("Account", "account", account),
        ("Role", "role", role),
        ("Session", "session", session_name),
        ("Region", "region", region),
        ("Destination", "destination", destination),
        ("Session length", "duration",
         f"{session_duration} s" if session_duration else "as the credentials allow"),
    ]
    items = "".join(
        f"<dt>{escape(label)}</dt><dd id='{ident}'>{escape(value)}</dd>"
        for label, ident, value in rows
    )
    body = (
        f"<h1>Signed in as {escape(role)} in {escape(account)}</h1><dl>{items}</dl>"
        "<p class=note>This page stands in for the AWS Management Console: the sign-in "
        "token was checked against the sandbox's STS (moto) and used up. Nothing here "
        "reaches AWS.</p>"
    )
    return _page(f"Sandbox console — {role} @ {account}", body)


def error_page(message: str) -> bytes:
    body = f"<h1>Sign-in failed</h1><p id='error'>{escape(message)}</p>"
    return _page("Sandbox console — sign-in failed", body, css_class="err")


def index_page(federation_url: str) -> bytes:
    body = (
        "<h1>Switcher sandbox sign-in endpoint</h1>"
        f"<p>Federation endpoint: <code>{escape(federation_url)}</code></p>"
        "<p>Run <code>switcher login TARGET</code> with the sandbox's environment to get here "
        "through a real sign-in URL. The request log is at <code>/_sandbox/log</code>.</p>"
    )
    return _page("Switcher sandbox", body)
