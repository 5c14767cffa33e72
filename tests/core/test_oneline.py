"""one_line: every character a terminal or a notification would act on, made visible."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switcher.core.oneline import one_line


@pytest.mark.parametrize("raw,shown", [
    ("plain text, café, 東京 — ok", "plain text, café, 東京 — ok"),
    ("a\nb", "a\\nb"), ("a\r\nb", "a\\r\\nb"), ("a\tb", "a\\tb"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"), ("\x00", "\\x00"), ("\x7f", "\\x7f"),
    ("\x85", "\\x85"), ("\x9b31m", "\\x9b31m"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
    ("\u202eevil", "\\u202eevil"), ("\ufeff", "\\ufeff"), ("\udcff", "\\udcff"),
    ("\U000e0001", "\\U000e0001"), ("a\\nb", "a\\nb"),
])
def test_escapes(raw, shown):
    assert one_line(raw) == shown


@given(st.text())
def test_always_one_printable_line(text):
    line = one_line(text)
    assert line.isprintable()
    line.encode("utf-8")  # no lone surrogate left to break writing it
    if text.isprintable():
        assert line == text
