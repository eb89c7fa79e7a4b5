"""Bounds on the work a page decides (docs/arguments.md, "Limits"): a stored body inflated up to
a cap, the size of a page that is parsed, the lengths and counts of an article's fields, and
the part of robots.txt that is read. Each limit is a setting; no real article comes near one
(``tests/test_limits.py`` checks them against the 1,000 real articles)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.robotstxt import ProtegoRobotParser

from newscrawl.arguments import ProjectSettings

#: Inflated output taken per step: what one step holds, whatever the ratio of the input.
_STEP = 1 << 20


class OverLimit(ValueError):
    """A body or field past its limit; the message names it and the limit."""


def inflate(data: bytes, encoding: str, limit: int) -> bytes | None:
    """``data`` with its gzip or deflate ``Content-Encoding`` undone (identity: as it is), never
    holding more than ``limit`` bytes of output: :class:`OverLimit` past it, None for an
    encoding it cannot undo or a body that is not what it claims."""
    encoding = (encoding or "identity").strip().lower()
    if encoding == "identity":
        if len(data) > limit:
            raise OverLimit(f"body of {len(data)} bytes is over {limit}")
        return data
    if encoding in ("gzip", "x-gzip"):
        modes = [zlib.MAX_WBITS | 16]
    elif encoding == "deflate":
        modes = [zlib.MAX_WBITS, -zlib.MAX_WBITS]  # zlib-wrapped, else raw deflate
    else:
        return None
    for mode in modes:
        try:
            return _inflate(data, mode, limit, encoding)
        except zlib.error:
            continue
    return None


def _inflate(data: bytes, mode: int, limit: int, encoding: str) -> bytes:
    out = bytearray()
    decompressor = zlib.decompressobj(mode)
    pending = data
    while pending and not decompressor.eof:
        out += decompressor.decompress(pending, _STEP)
        if len(out) > limit:
            raise OverLimit(f"{encoding} body of {len(data)} bytes inflates past {limit} bytes")
        pending = decompressor.unconsumed_tail
    if not decompressor.eof:
        raise zlib.error("truncated stream")
    return bytes(out)


#: Each limit's setting; its default is the one ProjectSettings declares (one place).
_SETTINGS = {
    "page_bytes": "NEWSCRAWL_MAX_PAGE_BYTES",
    "title_chars": "NEWSCRAWL_MAX_TITLE_CHARS",
    "lead_chars": "NEWSCRAWL_MAX_LEAD_CHARS",
    "body_chars": "NEWSCRAWL_MAX_BODY_CHARS",
    "tags": "NEWSCRAWL_MAX_TAGS",
    "tag_chars": "NEWSCRAWL_MAX_TAG_CHARS",
    "images": "NEWSCRAWL_MAX_IMAGES",
}


def _default(name: str) -> int:
    return int(ProjectSettings.model_fields[_SETTINGS[name]].default)


@dataclass(frozen=True)
class PageLimits:
    """The limits on what one page holds (settings ``NEWSCRAWL_MAX_*``, ``URLLENGTH_LIMIT``)."""

    page_bytes: int = _default("page_bytes")
    title_chars: int = _default("title_chars")
    lead_chars: int = _default("lead_chars")
    body_chars: int = _default("body_chars")
    tags: int = _default("tags")
    tag_chars: int = _default("tag_chars")
    images: int = _default("images")
    url_chars: int = 2083

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        values = {name: settings.getint(key, _default(name)) for name, key in _SETTINGS.items()}
        url_chars = settings.getint("URLLENGTH_LIMIT", cls.url_chars) or cls.url_chars
        return cls(**values, url_chars=url_chars)


class BoundedRobotParser(ProtegoRobotParser):
    """Scrapy's Protego parser over the first ``NEWSCRAWL_ROBOTS_MAX_BYTES`` of robots.txt (RFC
    9309 §2.5: crawlers SHOULD parse at least 500 KiB), cut at a line end: a huge file costs
    neither memory nor time on every request."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        limit = crawler.settings.getint("NEWSCRAWL_ROBOTS_MAX_BYTES", 512_000) if crawler else 0
        if 0 < limit < len(robotstxt_body):
            cut = robotstxt_body[:limit]
            robotstxt_body = cut[: cut.rfind(b"\n") + 1] or cut
            if crawler.stats is not None:
                crawler.stats.set_value("newscrawl/robots_truncated", limit)
            if crawler.spider is not None:
                crawler.spider.logger.warning(
                    "robots.txt is over %d bytes: only its first %d bytes are read", limit, limit
                )
        return super().from_crawler(crawler, robotstxt_body)
