"""The one-shot callback listener: 127.0.0.1 only, one valid callback, then closed."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from switcher.core.errors import AwsError
from switcher.core.sso import loopback


def _get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_one_valid_callback_after_a_stray_one():
    listener = loopback.Listener("the-state")
    host, port = listener.address
    assert host == "127.0.0.1" and port > 0
    assert listener.redirect_uri == f"http://127.0.0.1:{port}/oauth/callback"
    pages = {}

    def browser():
        pages["stray"] = _get(listener.redirect_uri + "?code=evil&state=other")
        pages["nostate"] = _get(listener.redirect_uri + "?code=evil")
        pages["elsewhere"] = _get(f"http://127.0.0.1:{port}/favicon.ico")
        pages["real"] = _get(listener.redirect_uri + "?code=the-code&state=the-state")

    thread = threading.Thread(target=browser)
    thread.start()
    assert listener.wait(10) == "the-code"
    thread.join()
    assert pages["stray"][0] == 400 and "was ignored" in pages["stray"][1]
    assert pages["nostate"][0] == 400
    assert pages["elsewhere"][0] == 404
    assert pages["real"] == (200, loopback.DONE_PAGE.decode())
    assert "You can close this tab" in pages["real"][1]
    assert _closed(port)


def test_it_listens_on_loopback_only():
    with loopback.Listener("s") as listener:
        addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None,
                                                         socket.AF_INET)} - {"127.0.0.1"}
        for address in addresses:  # the machine's other IPv4 addresses, if it has any
            with socket.socket() as probe:
                probe.settimeout(1)
                assert probe.connect_ex((address, listener.port)) != 0
        assert listener.address[0] == "127.0.0.1"


def test_timeout_closes_and_says_what_to_do():
    listener = loopback.Listener("s")
    started = time.monotonic()
    with pytest.raises(AwsError, match=r"^no answer from the browser within 0.3 s; sign in "
                       r"again \(or use --device-code\)$"):
        listener.wait(0.3)
    assert time.monotonic() - started < 3
    assert _closed(listener.port)


def test_a_denied_sign_in_is_an_error_without_echoing_the_page():
    listener = loopback.Listener("s")
    threading.Thread(target=_get, args=(
        listener.redirect_uri + "?error=access_denied%3Cscript%3E&state=s",)).start()
    with pytest.raises(AwsError, match=r"^the sign-in was not completed in the browser "
                       r"\(access_deniedscript\)$"):
        listener.wait(10)


def test_the_default_timeout_is_five_minutes():
    assert loopback.DEFAULT_TIMEOUT == 300
    assert loopback._duration(300) == "5 minutes"
