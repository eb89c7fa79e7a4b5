"""Answering requests from the raw archive, never from the network (``scrapy reparse``).

:class:`ReplayMiddleware` is a downloader middleware whose ``process_request`` returns the
response stored at the request's ``meta["newscrawl_archive"]`` (an
:class:`~newscrawl.archive.location.ArchiveRef`), rebuilt as the Scrapy response class its
headers call for. The rest of the middleware chain then runs on it as on a downloaded page
(decompression included). A request without a record is refused (``IgnoreRequest``) and
counted: nothing ever reaches the downloader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from newscrawl.archive.location import archive_dir
from newscrawl.archive.reader import ArchivedResponse, read_response
from newscrawl.middlewares.archive import ARCHIVE_META, REPLAYED_META

#: ``request.meta`` key: the record's WARC-Date (when the page was fetched).
ARCHIVE_DATE_META = "newscrawl_archive_date"


def as_scrapy_response(archived: ArchivedResponse, request: Request | None = None) -> Response:
    """A Scrapy response with the status, headers and body bytes of an archived one."""
    headers = Headers()
    for name, value in archived.headers:
        headers.appendlist(name, value)
    cls = responsetypes.from_args(headers=headers, url=archived.url, body=archived.body)
    return cls(
        url=archived.url,
        status=archived.status,
        headers=headers,
        body=archived.body,
        flags=["archive"],
        request=request,
        protocol=archived.protocol,
    )


class ReplayMiddleware:
    """Answers each request from its archive record (see the module docstring)."""

    def __init__(self, crawler: Crawler, directory: Path) -> None:
        self.crawler = crawler
        self.directory = directory

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        directory = archive_dir(crawler.settings) or Path("output") / "archive"
        return cls(crawler, directory)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/archive/{key}")

    def process_request(self, request: Request, spider: Any = None) -> Response:
        ref = request.meta.get(ARCHIVE_META)
        if not ref:
            self._inc("replay_refused")
            raise IgnoreRequest(f"not in the archive (reparse never downloads): {request.url}")
        try:
            archived = read_response(self.directory, ref)
        except (OSError, ValueError) as exc:
            self._inc("replay_unreadable")
            raise IgnoreRequest(f"archive record {ref} unreadable: {exc}") from None
        request.meta[REPLAYED_META] = True
        request.meta[ARCHIVE_DATE_META] = archived.date
        self._inc("replayed")
        return as_scrapy_response(archived, request)
