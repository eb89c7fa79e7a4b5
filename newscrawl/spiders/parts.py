"""What :class:`~newscrawl.spiders.report.ReportSpider` provides to its feed mixins
(:mod:`walking`, :mod:`holes`, :mod:`discovery`), declared once for the type checker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

    from newscrawl.extensions.state import CrawlState
    from newscrawl.extract.feed import FeedCard
    from newscrawl.state.incremental import IncrementalPolicy
    from newscrawl.urls import SiteUrls


#: Articles go before the next feed batch: the queue then holds about one batch of articles
#: instead of the whole feed, so memory does not grow with the length of the walk.
ARTICLE_PRIORITY = 10


class SpiderParts:
    """Declarations only: the attributes and methods the mixins call on the spider."""

    site: SiteUrls
    crawler: Crawler

    if TYPE_CHECKING:

        @property
        def logger(self) -> Any: ...
        @property
        def crawl_state(self) -> CrawlState: ...
        @property
        def incremental(self) -> IncrementalPolicy: ...
        @property
        def records_walks(self) -> bool: ...
        def _inc(self, edition: str, key: str, count: int = 1) -> None: ...
        def _stat(self, edition: str, key: str) -> int: ...
        def _join(self, link: str, page_url: str) -> str: ...
        def _article_request(
            self, link: str, page_url: str, edition: str, card: FeedCard | None = None
        ) -> Request | None: ...
        def parse_article(self, response: Any, language: str, card: Any) -> Any: ...
        def on_article_error(self, failure: Any) -> Any: ...
        def _scroll_request(
            self, edition: str, endpoint: str, cursor: str, page: int, walk: str
        ) -> Request: ...
        def _feed_request(
            self,
            edition: str,
            url: str,
            *,
            page: int = 1,
            cursor: str | None = None,
            load_url: str | None = None,
            from_cache: bool = False,
            dont_filter: bool = False,
            walk: str | None = ...,
        ) -> Request: ...
