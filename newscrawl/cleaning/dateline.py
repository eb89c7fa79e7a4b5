"""Datelines of the oldest article layout (about 2014 to 2019).

The first paragraph of those articles starts with ``City. Day Month. REPORT.AZ/``:
``Baku. 15 March. REPORT.AZ/ Text``, ``Баку. 3 июля. REPORT.AZ/ Текст``,
``Bakı. 27 iyun. REPORT.AZ/ Mətn``, also with other cities (``Ankara``, ``Tbilisi``,
``Москва``, ``Gəncə``, ``New York``) and with small variations: ``Report.az/``,
``REPORT.AZ /``, an en dash or hyphen instead of the dots or the slash, an optional year, and no
space after the slash.
"""

from __future__ import annotations

import re

__all__ = ["split_dateline"]

_LETTER = r"[^\W\d_]"
_SEP = r"\s*(?:[.,]\s*[–—-]?|[–—-])\s*"

_DATELINE_RE = re.compile(
    rf"""
    \s*
    (?P<dateline>
        {_LETTER}[\w'’-]*(?:\s+{_LETTER}[\w'’-]*){{0,2}}   # city: one to three words
        {_SEP}
        \d{{1,2}}\s*{_LETTER}+                             # day and month: 15 March, 3 июля
        (?:[\s,]*\d{{4}})?                                 # optional year
        (?:{_SEP}|\s+)
        report\.az\s*[/–—-]                                # the agency mark
    )
    \s*
    """,
    re.IGNORECASE | re.VERBOSE,
)


def split_dateline(first_paragraph: str) -> tuple[str | None, str]:
    """Split a leading ``City. Day Month. REPORT.AZ/`` dateline off the first paragraph.

    Returns ``(dateline, rest)``: the dateline as written, without surrounding whitespace
    (``"Baku. 15 March. REPORT.AZ/"``), and the rest of the paragraph stripped. Without a
    dateline returns ``(None, first_paragraph)`` with the paragraph unchanged.
    """
    match = _DATELINE_RE.match(first_paragraph)
    if match is None:
        return None, first_paragraph
    return match.group("dateline").strip(), first_paragraph[match.end() :].strip()
