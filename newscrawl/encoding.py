"""Deciding a page's text encoding from its bytes.

The site has served UTF-8 without a charset, or declared as Latin-1. Decoding such a body as
cp1252 (what Scrapy does for ``iso-8859-1``) turns some Cyrillic bytes into U+FFFD, which no
text fixer can undo, so: valid UTF-8 wins over any declaration; otherwise the declared or
sniffed encoding that Scrapy chose is used.
"""

from __future__ import annotations

from scrapy.http import Response, TextResponse


def response_text(response: Response) -> str | None:
    """The decoded body of an HTML/XML response, or None when it is not text."""
    if not isinstance(response, TextResponse):
        return None
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.text
