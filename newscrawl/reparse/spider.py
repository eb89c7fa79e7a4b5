"""The ``reparse`` spider: the ``report`` spider's article code over archived pages.

It is a :class:`~newscrawl.spiders.report.ReportSpider` (so ``parse_article`` and the item it
builds are the crawl's own), started from a :class:`~newscrawl.reparse.select.Selection`
instead of the site's home pages. Each request carries the archive record of its page; the
:class:`~newscrawl.middlewares.replay.ReplayMiddleware` answers it, and nothing is downloaded
(robots.txt is not asked for either). The ``crawled_at`` of an article is when its page was
fetched (the record's date), not when it was extracted again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, timedelta
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from newscrawl.archive.location import archive_dir, archive_files
from newscrawl.dates import parse_iso
from newscrawl.extract.feed import FeedCard
from newscrawl.items import Article, Reject
from newscrawl.middlewares.archive import ARCHIVE_META
from newscrawl.middlewares.replay import ARCHIVE_DATE_META
from newscrawl.reparse.select import Selection, detect_site, select
from newscrawl.spiders.report import DEFAULT_BASE_URL, ReportSpider
from newscrawl.urls import SiteUrls

#: Downloader middlewares of a reparse: the archive answers, nothing is archived again.
REPLAY_MIDDLEWARES = {
    "newscrawl.middlewares.replay.ReplayMiddleware": 990,
    "newscrawl.middlewares.archive.ArchiveMiddleware": None,
}


class ReparseSpider(ReportSpider):
    """Extracts archived article pages again (see the module docstring)."""

    name = "reparse"
    kind = "reparse"
    #: Read by :class:`~newscrawl.pipelines.DedupPipeline`: compare whole records.
    reparse = True
    #: Never grows the state's walked feed ranges (where the state keeps them).
    records_walks = False

    def __init__(
        self,
        run: str | None = None,
        since: str | None = None,
        until: str | None = None,
        editions: str | None = None,
        base_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            editions=editions, base_url=base_url or DEFAULT_BASE_URL, since=since, until=until
        )
        self.mode = "reparse"
        self.run = run or None
        self.base_url_given = bool(base_url)
        if until and self.until is not None and len(until.strip()) == 10:
            self.until += timedelta(days=1)  # a date names the whole day
        self.selection: Selection | None = None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        middlewares = {**settings.getdict("DOWNLOADER_MIDDLEWARES"), **REPLAY_MIDDLEWARES}
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
        for name, value in {
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        }.items():
            settings.set(name, value, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        directory = archive_dir(crawler.settings)
        if directory is None:
            raise ValueError("NEWSCRAWL_ARCHIVE is off: there is no archive to reparse")
        if not spider.base_url_given:
            detected = detect_site(archive_files(directory, spider.run))
            if detected is not None:
                spider.site = SiteUrls(detected)
                spider.base_url = spider.site.base_url
                spider.allowed_domains = [spider.site.host]
        spider.selection = select(
            directory,
            spider.site,
            run_id=spider.run,
            since=spider.since,
            until=spider.until,
            editions=spider.editions,
        )
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.crawl_run.failure is not None:  # logged by the run extension
            raise CloseSpider(self.crawl_run.failure_reason)
        assert self.selection is not None
        selection = self.selection
        self.logger.info(
            "reparse: %d articles from %d archive files (%d responses) of %s",
            len(selection.articles),
            len(selection.files),
            selection.responses,
            self.base_url,
        )
        if not selection.articles:
            self.logger.warning(
                "reparse: no archived article page matches (run=%s, since=%s, until=%s)",
                self.run,
                self.since,
                self.until,
            )
        for article in selection.articles.values():
            yield self._replay_request(article.url, article.language, article.ref, selection)

    def _replay_request(self, url: str, language: str, ref: Any, selection: Selection) -> Request:
        card: FeedCard | None = selection.cards.get(url)
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_article_error,
            cb_kwargs={"language": language, "card": card},
            meta={"edition": language, ARCHIVE_META: dict(ref)},
            dont_filter=True,
        )

    def parse_article(
        self, response: Response, language: str, card: FeedCard | None
    ) -> Iterator[Article | Reject | Request]:
        """The crawl's ``parse_article``, with ``crawled_at`` = when the page was fetched."""
        fetched = response.meta.get(ARCHIVE_DATE_META)
        for result in super().parse_article(response, language, card):
            if isinstance(result, Article | Reject) and fetched:
                result.crawled_at = parse_iso(fetched).astimezone(UTC).isoformat("T", "seconds")
            yield result
