"""How much time a session has left, as the tray and the palette write it."""

from __future__ import annotations


def format_left(seconds: float, *, under_a_minute: str) -> str:
    """``3 h 07 min`` or ``12 min``; below one minute, ``under_a_minute`` (each caller
    words that case its own way)."""
    minutes = int(seconds // 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes} min" if minutes >= 1 else under_a_minute
