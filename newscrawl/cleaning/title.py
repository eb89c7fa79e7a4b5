"""Clean-up of article headlines."""

from __future__ import annotations

import re

from newscrawl.cleaning.unicode import normalize_line

__all__ = ["SITE_NAMES", "clean_title"]

#: Site names that a ``<title>`` or ``og:title`` may carry after the headline. Regular
#: expressions, matched case-insensitively.
SITE_NAMES: tuple[str, ...] = (
    r"report\.az",
    r"report\s+news\s+agency",
    r"report\s+information\s+agency",
)

_SUFFIX_RE = re.compile(
    r"\s+[-|–—]\s+(?:" + "|".join(SITE_NAMES) + r")\s*$",
    re.IGNORECASE,
)


def clean_title(s: str) -> str:
    """Normalise a headline to one line and strip a trailing site name.

    ``"Zelenskyy and Macron ... - Report.az"`` -> ``"Zelenskyy and Macron ..."``; also
    ``" | Report.az"``, ``" – REPORT.AZ"``, ``" - Report News Agency"``, repeated suffixes
    included. A title that is only the site name is returned as it is.
    """
    title = normalize_line(s)
    while True:
        match = _SUFFIX_RE.search(title)
        if match is None or match.start() == 0:
            return title
        title = title[: match.start()].rstrip()
