from __future__ import annotations

import io

from switcher.core.discovery.progress import DONE, LISTING, ROLES, Bar, Lines, Update, for_stream


def _update(phase, done, total, listed=100):
    return Update("corp", phase, done, total, listed, requests=done + 1, elapsed=done / 10 or 1)


def test_lines_every_tenth():
    out = io.StringIO()
    lines = Lines(out)
    lines(_update(LISTING, 0, 50))
    for done in range(101):
        lines(_update(ROLES, done, 100))
    lines(_update(DONE, 100, 100))
    text = out.getvalue().splitlines()
    assert text[0] == "corp: 100 accounts listed, 100 to list roles for"
    assert [t.split(" (")[1].split(")")[0] for t in text[1:]] == [f"{n}%" for n in range(10, 101, 10)]


def test_bar_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    bar = for_stream(out)
    assert isinstance(bar, Bar)
    bar(_update(ROLES, 312, 2000))
    assert out.getvalue() == ("\r\x1b[Kcorp [###---------------------] 312/2,000 accounts  "
                              "10.0 req/s  ETA 2:49")
    bar(_update(DONE, 2000, 2000))
    assert out.getvalue().endswith("\r\x1b[K")


def test_the_tray_text():
    assert _update(ROLES, 312, 2000).text() == "Discovering corp… 312/2,000"
    assert _update(LISTING, 0, 0, 140).text() == "Discovering corp… 140 accounts listed"
