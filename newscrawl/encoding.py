"""Deciding a page's text encoding from its bytes.

The site has served UTF-8 without a charset, or declared as Latin-1. Decoding such a body as
cp1252 (what Scrapy does for ``iso-8859-1``) turns some Cyrillic bytes into U+FFFD, which no
text fixer can undo, so: valid UTF-8 wins over any declaration; otherwise the declared or
sniffed encoding that Scrapy chose is used.
"""

from __future__ import annotations

from scrapy.http import Response, TextResponse

#: Content types read as pages; a response declaring another type is not parsed.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", ""})


def declared_type(response: Response) -> str:
    """The media type of the ``Content-Type`` header, lower case, without parameters."""
    value = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return value.split(";", 1)[0].strip().lower()


def response_text(response: Response) -> str | None:
    """The decoded body of an HTML response, or None when it is not an HTML page."""
    if not isinstance(response, TextResponse) or declared_type(response) not in HTML_TYPES:
        return None
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.text
