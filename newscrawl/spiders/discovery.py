"""Discovery of an edition's articles when its feed cannot be found or read (mixin of
:class:`~newscrawl.spiders.walking.FeedWalking`), and the RSS cross-check of every run.

Sources, in order: the home page's feed link (``home_link``); the feed link of an article page
linked from the home page (``article_link``); feed-ish links of the home page (``heuristic``);
the edition's configured ``feed_fallback_path``; the edition's RSS (``rss``); the news sitemap
(``sitemap``). A feed URL remembered from an earlier run is ``remembered``. The source that
served the edition goes to the stats as ``newscrawl/<edition>/feed_source``.

The cross-check (``NEWSCRAWL_RSS_CROSSCHECK``, on by default): when the top walk of a
``latest`` run stops, the edition's RSS is fetched once; its articles that this run did not
request and the state does not hold are requested and counted as ``rss_missed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from newscrawl.editions import EDITIONS, Edition
from newscrawl.encoding import response_text
from newscrawl.extensions.later import RequestDeferred
from newscrawl.extract.discovery import rss_links, sitemap_locs
from newscrawl.extract.feed import find_feed_link
from newscrawl.spiders.parts import SpiderParts

if TYPE_CHECKING:
    pass

HOME_LINK, ARTICLE_LINK, HEURISTIC = "home_link", "article_link", "heuristic"
FALLBACK_PATH, RSS, SITEMAP, REMEMBERED = "fallback_path", "rss", "sitemap", "remembered"
#: What comes after a source whose feed could not be read.
_NEXT = {
    HOME_LINK: FALLBACK_PATH,
    ARTICLE_LINK: FALLBACK_PATH,
    HEURISTIC: FALLBACK_PATH,
    FALLBACK_PATH: RSS,
    RSS: SITEMAP,
}
SITEMAP_PATH = "/news-sitemap.xml"


class FeedDiscovery(SpiderParts):
    """The fallbacks of feed discovery and the RSS cross-check."""

    #: Article URLs requested from feed pages in this run (for the cross-check).
    _walk_urls: set[str]
    _crosschecked: set[str]

    def _seen_urls(self) -> set[str]:
        if not hasattr(self, "_walk_urls"):
            self._walk_urls = set()
        return self._walk_urls

    def _set_source(self, edition: str, source: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(f"newscrawl/{edition}/feed_source", source)

    def _source_feed(self, edition: str, url: str, source: str) -> Request:
        """The first page of a feed found through ``source`` (not filtered: a remembered
        feed URL that failed may be this same URL)."""
        request = self._feed_request(edition, url, dont_filter=True)
        request.meta["feed_source"] = source
        return request

    # -- through an article page ----------------------------------------------------------
    def _article_page_request(
        self, edition: str, url: str, heuristic: str | None, home_url: str
    ) -> Request:
        return Request(
            url,
            callback=self.parse_discovery_article,
            errback=self.on_discovery_article_error,
            cb_kwargs={"edition": edition, "heuristic": heuristic, "home_url": home_url},
            meta={"edition": edition},
            dont_filter=True,
        )

    def parse_discovery_article(
        self, response: Response, edition: str, heuristic: str | None, home_url: str
    ) -> Iterator[Request]:
        """The feed link of an article page (its "All News Feed" link), else what is left."""
        href = find_feed_link(response_text(response) or "", EDITIONS[edition])
        url = self._join(href, response.url) if href else None
        if url is not None and self.site.is_on_site(url):
            self.logger.info(
                "%s: latest-news feed %s found on article %s", edition, url, response.url
            )
            yield self._source_feed(edition, url, ARTICLE_LINK)
            return
        yield from self._after_article(edition, heuristic, home_url)

    def on_discovery_article_error(self, failure: Failure) -> Iterator[Request]:
        if failure.check(RequestDeferred):
            return
        request = failure.request  # type: ignore[attr-defined]
        kwargs = request.cb_kwargs
        self.logger.warning(
            "%s: article page %s for discovery failed: %s",
            kwargs["edition"],
            request.url,
            failure.getErrorMessage(),
        )
        yield from self._after_article(kwargs["edition"], kwargs["heuristic"], kwargs["home_url"])

    def _after_article(
        self, edition: str, heuristic: str | None, home_url: str
    ) -> Iterator[Request]:
        if heuristic is not None:
            url = self._join(heuristic, home_url)
            if self.site.is_on_site(url):
                self.logger.warning(
                    "%s: using the feed-like link %s of the home page", edition, url
                )
                yield self._source_feed(edition, url, HEURISTIC)
                return
        yield self._fallback_source(edition, FALLBACK_PATH)

    # -- after a feed that could not be read ----------------------------------------------
    def _fallback_source(self, edition: str, source: str) -> Request:
        """The request of ``source`` (``fallback_path``, ``rss`` or ``sitemap``)."""
        info = EDITIONS[edition]
        if source == FALLBACK_PATH:
            self._inc(edition, "feed_link_fallback")
            self.logger.warning(
                "%s: using the fallback feed path %s", edition, info.feed_fallback_path
            )
            return self._source_feed(edition, self.site.url(info.feed_fallback_path), FALLBACK_PATH)
        return self._listing_request(edition, source)

    def _next_source(self, edition: str, source: str | None) -> Iterator[Request]:
        """After the feed of ``source`` failed or had no cards: the next source, if any."""
        following = _NEXT.get(source or "")
        if following is not None:
            self.logger.warning("%s: feed from %s unusable; trying %s", edition, source, following)
            yield self._fallback_source(edition, following)

    def _listing_request(self, edition: str, source: str, crosscheck: bool = False) -> Request:
        info = EDITIONS[edition]
        path = f"{info.prefix}/rss/" if source == RSS else SITEMAP_PATH
        self._inc(edition, "cost/rss" if source == RSS else "cost/sitemap")
        return Request(
            self.site.url(path),
            callback=self.parse_listing,
            errback=self.on_listing_error,
            cb_kwargs={"edition": edition, "source": source, "crosscheck": crosscheck},
            meta={"edition": edition},
            dont_filter=True,
        )

    def parse_listing(
        self, response: Response, edition: str, source: str, crosscheck: bool
    ) -> Iterator[Request]:
        """The edition's on-site article URLs of an RSS feed or a news sitemap, requested as
        articles without a card (as a source, or the run's cross-check)."""
        xml = response.body.decode("utf-8", "replace")  # XML: not an HTML page
        try:
            links = rss_links(xml) if source == RSS else sitemap_locs(xml)
        except ValueError as exc:  # not XML at all
            self.logger.error("%s: %s %s unreadable: %s", edition, source, response.url, exc)
            links = []
        urls = []
        for link in links:
            absolute = self._join(link, response.url)
            article = self.site.article_path(absolute) if self.site.is_on_site(absolute) else None
            if article is not None and article.edition.code == edition:
                urls.append(article.url)
        if crosscheck:
            seen = self._seen_urls()
            for url in urls:
                if url in seen:
                    continue
                request = self._article_request(url, response.url, edition)
                if request is not None:
                    self._inc(edition, "rss_missed")
                    yield request
            return
        if not urls:
            self.logger.error("%s: no article URLs of the edition in %s", edition, response.url)
            yield from self._next_source(edition, source)
            return
        self._set_source(edition, source)
        for url in urls:
            request = self._article_request(url, response.url, edition)
            if request is not None:
                yield request

    def on_listing_error(self, failure: Failure) -> Iterator[Request]:
        if failure.check(RequestDeferred):
            return
        request = failure.request  # type: ignore[attr-defined]
        kwargs = request.cb_kwargs
        self.logger.error(
            "%s: %s %s failed: %s",
            kwargs["edition"],
            kwargs["source"],
            request.url,
            failure.getErrorMessage(),
        )
        self._inc(kwargs["edition"], "errors/listing")
        if not kwargs["crosscheck"]:
            yield from self._next_source(kwargs["edition"], kwargs["source"])

    # -- the cross-check ------------------------------------------------------------------
    def _crosscheck(self, edition: Edition | str) -> None:
        """Schedule the edition's RSS cross-check once per run (when the top walk stops)."""
        code = edition if isinstance(edition, str) else edition.code
        if not hasattr(self, "_crosschecked"):
            self._crosschecked = set()
        settings = self.crawler.settings
        if code in self._crosschecked or not self.records_walks:
            return
        if not settings.getbool("NEWSCRAWL_RSS_CROSSCHECK", True):
            return
        stats = self.crawler.stats
        source = stats.get_value(f"newscrawl/{code}/feed_source") if stats is not None else None
        if source is None or source in (RSS, SITEMAP):
            return  # no feed served (the next source is on its way), or RSS is the source
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (unit tests of the callbacks)
            return
        self._crosschecked.add(code)
        engine.crawl(self._listing_request(code, RSS, crosscheck=True))
