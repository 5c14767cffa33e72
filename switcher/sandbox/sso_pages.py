"""The sandbox Identity Center's browser pages: approve an /authorize request or a device
code. Deliberately plain: one form each, so a test can also submit it with urllib."""

from __future__ import annotations

from html import escape

_STYLE = ("body{font-family:sans-serif;max-width:34em;margin:4em auto;color:#16191f}"
          "h1{font-size:1.4em}code{font-size:1.2em;letter-spacing:.1em}"
          "button{font-size:1em;padding:.4em 1.2em;margin-right:.6em}")


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body}"
            "<p><small>Switcher sandbox: a local stand-in for IAM Identity Center. "
            "Nothing here reaches AWS.</small></p></body></html>").encode()


def _buttons() -> str:
    return ("<button type='submit' name='decision' value='approve' id='approve'>Allow</button>"
            "<button type='submit' name='decision' value='deny' id='deny'>Deny</button>")


def authorize_page(request_id: str, client_name: str, user: str, scopes: tuple[str, ...]) -> bytes:
    return _page("Allow access?", (
        f"<p><b id='client'>{escape(client_name)}</b> asks to act as "
        f"<b id='user'>{escape(user)}</b> with the scopes "
        f"<span id='scopes'>{escape(' '.join(scopes) or '(none)')}</span>.</p>"
        "<form method='post' action='/authorize'>"
        f"<input type='hidden' name='request_id' value='{escape(request_id)}'>"
        f"{_buttons()}</form>"))


def device_page(user_code: str, client_name: str, user: str) -> bytes:
    return _page("Authorize request", (
        f"<p>Code <code id='user_code'>{escape(user_code)}</code>: "
        f"<b id='client'>{escape(client_name)}</b> asks to act as "
        f"<b id='user'>{escape(user)}</b>.</p>"
        "<form method='post' action='/device'>"
        f"<input type='hidden' name='user_code' value='{escape(user_code)}'>"
        f"{_buttons()}</form>"))


def device_code_form() -> bytes:
    return _page("Enter the code", (
        "<form method='get' action='/device'><input name='user_code' autofocus "
        "placeholder='ABCD-EFGH'> <button type='submit'>Next</button></form>"))


def done_page(approved: bool) -> bytes:
    if approved:
        return _page("Request approved", "<p id='result'>approved: you can close this window "
                                         "and return to the application.</p>")
    return _page("Request denied", "<p id='result'>denied: the application gets no access.</p>")


def error_page(why: str) -> bytes:
    return _page("Cannot authorize", f"<p id='error'>{escape(why)}</p>")
