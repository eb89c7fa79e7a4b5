"""Time markers of live-update articles.

Live articles put the newest block first and separate the blocks with paragraphs that hold only
a time, ``20:36``.
"""

from __future__ import annotations

import re

__all__ = ["is_time_marker"]

_TIME_RE = re.compile(r"(?:[01]?\d|2[0-3]):[0-5]\d")


def is_time_marker(p: str) -> bool:
    """True when the paragraph is a bare clock time ``HH:MM`` (or ``H:MM``), 00:00 to 23:59.

    Surrounding whitespace (no-break spaces included) is ignored; anything else in the
    paragraph makes it text, not a marker.
    """
    return _TIME_RE.fullmatch(p.strip()) is not None
