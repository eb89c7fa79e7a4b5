"""Firewall and bot-challenge pages (CDN "checking your browser", captcha, access denied).

Such a page must never be parsed as an article. It can come with status 403, 429, 503 or even
200, so it is recognised by its content: only the first part of the page is looked at.
"""

from __future__ import annotations

import re

#: Markers of challenge pages, matched case-insensitively in the first ``SCAN_BYTES``.
CHALLENGE_MARKERS: tuple[str, ...] = (
    "cf-challenge",
    "cf-browser-verification",
    "/cdn-cgi/challenge-platform",
    "attention required! | cloudflare",
    "checking your browser",
    "just a moment...",
    "ddos protection by",
    "g-recaptcha",
    "h-captcha",
    "captcha",
    "access denied",
    "request blocked",
    "you have been blocked",
)
SCAN_BYTES = 20_000
#: Class names of article and feed markup; searched with ``in`` (ten times faster on a page
#: than a regular expression alternation of the same words).
_ARTICLE_MARKERS: tuple[bytes, ...] = (
    b"news-detail__desc",
    b"article-text",
    b"editor-body",
    b"index-post-block",
)
_MARKERS = re.compile("|".join(re.escape(m) for m in CHALLENGE_MARKERS), re.IGNORECASE)


def challenge_marker(status: int, body: bytes) -> str | None:
    """The marker that shows ``body`` is a challenge page, or None when it is not one.

    A successful page with article or feed markup is not a challenge page even if it mentions
    a marker (an article about captchas); any other page needs only the marker.
    """
    if status < 300 and any(marker in body for marker in _ARTICLE_MARKERS):
        return None  # the usual case, decided without decoding anything
    head = body[:SCAN_BYTES].decode("utf-8", errors="replace")
    match = _MARKERS.search(head)
    return match.group(0).lower() if match else None
