"""Text that echoes user input, made safe for one line of a terminal or a notification.

A message may quote anything a user typed, pasted or hand-edited: an ESR section name
with an ESC sequence would recolour the terminal or move its cursor, a newline or U+2028
would split the one-line error in two, a lone surrogate (argv bytes that are not UTF-8)
would make writing to stderr itself fail. Every front end passes its final line through
``one_line``.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def one_line(text: str) -> str:
    """``text`` with every character that is not printable (C0 and C1 controls, DEL, line
    and paragraph separators, format characters such as U+202E, surrogates, unassigned
    code points) written as a visible escape (``\\x1b``, ``\\n``, ``\\u2028``)."""
    if text.isprintable():  # the common case, and a fast one
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)
