"""The raw-page archive in the crawl: every downloaded response goes to the run's WARC files.

:class:`ArchiveMiddleware` is a downloader middleware at order 950, after every stock one
(``DownloaderStats`` is 850, ``HttpCacheMiddleware`` 900): its ``process_response`` runs first
on the way back, so it sees each response exactly as the downloader produced it, before
decompression (590), redirects (600), retries (550) and the firewall check (555). Each attempt
is a response of its own, so a 503 that is retried, the 301 of a redirect and the page it
leads to are all archived; so is ``robots.txt``, which Scrapy fetches through the downloader
middlewares too. (The ``response_downloaded`` signal would see the same responses, but a
middleware can hand the record's location on with the request's ``meta``, and is switched off
the stock way, ``NotConfigured``.) Responses that ``scrapy reparse`` replays from the archive
(``meta["newscrawl_replayed"]``) are not written again.

:class:`ArchiveRefMiddleware`, a spider middleware, puts that location on each
:class:`~newscrawl.items.Article` the page yields (``article.archive``), so the spider does not
have to know about the archive; :class:`~newscrawl.pipelines.state.StatePipeline` records it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from newscrawl.archive.location import DEFAULT_MAX_BYTES, archive_dir
from newscrawl.archive.writer import ArchiveWriter
from newscrawl.items import Article

#: ``request.meta`` key holding the :class:`~newscrawl.archive.location.ArchiveRef` of the
#: response (the same dict is ``response.meta`` in the callback).
ARCHIVE_META = "newscrawl_archive"
#: ``request.meta`` key set on requests answered from the archive (not archived again).
REPLAYED_META = "newscrawl_replayed"


class ArchiveMiddleware:
    """Writes each downloaded response (and its request) to the run's WARC files."""

    def __init__(self, crawler: Crawler) -> None:
        directory = archive_dir(crawler.settings)
        if directory is None:
            raise NotConfigured  # NEWSCRAWL_ARCHIVE is off (no message: no WARNING line)
        self.crawler = crawler
        self.directory = directory
        self.max_bytes = crawler.settings.getint("NEWSCRAWL_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES)
        self.writer: ArchiveWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _writer(self) -> ArchiveWriter:
        if self.writer is None:
            spider = self.crawler.spider
            started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S")
            self.writer = ArchiveWriter(
                self.directory,
                spider=str(getattr(spider, "name", "crawl")),
                run_id=str(getattr(spider, "run_id", "") or started),
                max_bytes=self.max_bytes,
                software=str(self.crawler.settings.get("USER_AGENT") or "newscrawl"),
            )
        return self.writer

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if request.meta.get(REPLAYED_META):
            return response
        writer = self._writer()
        before = writer.bytes
        request.meta[ARCHIVE_META] = writer.write(request, response, datetime.now(UTC))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/archive/responses")
            self.crawler.stats.inc_value("newscrawl/archive/bytes", writer.bytes - before)
        return response

    def spider_closed(self) -> None:
        if self.writer is not None:
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("newscrawl/archive/files", self.writer.counter + 1)
            self.writer.close()


class ArchiveRefMiddleware:
    """Sets ``archive`` on each article from the record of the page it came from."""

    @staticmethod
    def _with_ref(response: Response, item: Any) -> Any:
        if isinstance(item, Article) and item.archive is None:
            ref = response.meta.get(ARCHIVE_META) if response.request is not None else None
            if ref is not None:
                item.archive = dict(ref)
        return item

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        for item in result:
            yield self._with_ref(response, item)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        async for item in result:
            yield self._with_ref(response, item)
