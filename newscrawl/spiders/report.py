"""The ``report`` spider: editions -> home page -> latest-news feed -> scroll batches -> articles.

Where to go next it asks the walk planner (:class:`newscrawl.planner.Planner`). Feed discovery,
in order (``feed_source``): home_link, article_link, heuristic, fallback_path, rss, sitemap;
``remembered`` is an earlier run's feed URL. When a scheduled top walk stops, the RSS is read
once and what the walk missed is requested (``rss_missed``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any, Self
from urllib.parse import urlencode

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Request, Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from twisted.python.failure import Failure

from newscrawl.arguments import ProjectSettings, SpiderArguments, unknown_arguments
from newscrawl.extract.article import ExtractedArticle, ExtractionError, extract_article
from newscrawl.extract.feed import (
    FeedCard,
    article_links,
    find_feed_link,
    heuristic_feed_link,
    parse_feed,
    rss_links,
    sitemap_locs,
)
from newscrawl.extract.text import declared_type, response_text
from newscrawl.failures import ArticleFailure, failed_request
from newscrawl.identity import article_warnings, edition_mismatch
from newscrawl.items import Article, Reject
from newscrawl.limits import PageLimits
from newscrawl.middlewares import DeferredRequests
from newscrawl.output import validators
from newscrawl.planner import TOP, Limits, Planner, Walk
from newscrawl.run import Run
from newscrawl.site import (
    BAKU,
    EDITIONS,
    Edition,
    SiteUrls,
    parse_editions,
    to_iso,
    utc_now_iso,
)
from newscrawl.store import StoredArticle
from newscrawl.walks import Hole

#: The User-Agent without a contact; NEWSCRAWL_CONTACT adds one (see settings.py).
BASE_USER_AGENT = "newscrawl/0.1 (news archive crawler)"
#: An article page answered with an empty body is asked for again this many times.
EMPTY_PAGE_RETRIES = 2
#: Articles go before the next feed batch: the queue holds about one batch of articles.
ARTICLE_PRIORITY = 10
HOME_LINK, ARTICLE_LINK, HEURISTIC = "home_link", "article_link", "heuristic"
FALLBACK_PATH, RSS, SITEMAP, REMEMBERED = "fallback_path", "rss", "sitemap", "remembered"
#: What comes after a source whose feed could not be read.
NEXT_SOURCE = {HOME_LINK: FALLBACK_PATH, FALLBACK_PATH: RSS, RSS: SITEMAP}
NEXT_SOURCE[ARTICLE_LINK] = NEXT_SOURCE[HEURISTIC] = FALLBACK_PATH
#: How a walk's stop is logged: info for STOP_INFO, a warning for the rest.
STOP_INFO = ("max_pages", "known_reached", "since")
STOP_LOGS = {
    "max_pages": "%(edition)s: stopped at max_pages=%(max)d",
    "known_reached": "%(edition)s: reached articles known from earlier runs at page %(page)d",
    "since": "%(edition)s: reached cards older than since=%(since)s",
    "cursor_unreadable": "%(edition)s: no readable timestamp to scroll on from %(url)s",
    "cursor_stuck": "%(edition)s: scroll cursor did not move (%(cursor)s) at %(url)s; "
    "stopping this feed",
    "no_scroll": "%(edition)s: no .loadContainer[data-url] on %(url)s",
}
#: How many days (the newest) ``newscrawl/<edition>/days`` shows one by one.
DAYS_SHOWN = 62
STOP_STATS = {"max_pages": "feed_max_pages_reached", "cursor_stuck": "feed_cursor_stuck"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ReportSpider(scrapy.Spider):
    """Crawls the latest-news feed (or the date archive) of each edition of report.az."""

    name = "report"
    #: What kind of run this spider makes (``newscrawl/kind``): crawl, reparse or canary.
    kind = "crawl"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The arguments of :class:`SpiderArguments`; ``_job`` is Scrapyd's job id."""
        given = {k: kwargs.pop(k) for k in SpiderArguments.model_fields if k in kwargs}
        super().__init__(*args, **kwargs)
        parsed = SpiderArguments.parse({k: v for k, v in given.items() if v is not None})
        self.editions: list[Edition] = parse_editions(",".join(parsed.editions))
        self.site = SiteUrls(parsed.base_url)
        self.base_url = self.site.base_url
        self.allowed_domains = [self.site.host]
        self.since, self.until = parsed.since, parsed.until
        self.mode: str = parsed.mode
        self.follow_translations = parsed.follow_translations
        # the Scrapyd job id (``_job``, else env SCRAPY_JOB / SCRAPYD_JOB), safe in a file name
        job = kwargs.get("_job") or os.environ.get("SCRAPY_JOB") or os.environ.get("SCRAPYD_JOB")
        self.job_id = (_UNSAFE.sub("_", str(job)).strip("._-")[:64] or None) if job else None
        #: The arguments as given, for the stats file.
        self.arguments: dict[str, Any] = {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in parsed.model_dump().items()
        }
        #: Start time and job in file names: output/<language>/report-<run_id>.jsonl
        self.run_id = f"{datetime.now(UTC):%Y-%m-%dT%H-%M-%S}-{self.job_id or os.getpid()}"
        self.limits = Limits(
            max_pages=parsed.max_pages,
            since=self.since,
            until=self.until,
            records_walks=self.records_walks,
        )
        self._known_skipped: set[str] = set()
        #: Article URLs requested from feed pages in this run (for the RSS cross-check).
        self._walk_urls: set[str] = set()
        self._crosschecked: set[str] = set()
        #: Article links still to be taken from RSS feeds and sitemaps, per edition, this run.
        self._listing_left: dict[str, int] = {}
        #: The project's settings (their defaults outside a crawl).
        self.project = ProjectSettings()
        self.page_limits = PageLimits()
        self.deadline_passed = False

    @property
    def records_walks(self) -> bool:
        """Whether this run's walks grow the walked ranges: ``latest`` without since/until."""
        return self.mode == "latest" and self.since is None and self.until is None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.project = ProjectSettings.of(crawler.settings)
        spider.limits.configure(spider.project)
        spider.page_limits = PageLimits.from_settings(crawler.settings)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # at spider priority: the crawl command merges the project's settings into the crawler
        # again, which would put the project's USER_AGENT back over one of equal priority
        priority = max(int(settings.getpriority("USER_AGENT") or 0), SETTINGS_PRIORITIES["spider"])
        agent = str(settings.get("USER_AGENT") or BASE_USER_AGENT)
        contact = str(settings.get("NEWSCRAWL_CONTACT") or "").strip()
        if contact and agent == BASE_USER_AGENT:  # only the project's own agent gets it
            agent = f"{BASE_USER_AGENT[:-1]}; +{contact})"
        settings.set("USER_AGENT", agent, priority=priority)

    @classmethod
    def validate_arguments(cls, spargs: dict[str, Any], settings: BaseSettings) -> list[str]:
        """Every problem with the spider arguments and settings, one line each (none: [])."""
        errors = unknown_arguments(spargs) + ProjectSettings.errors(settings)
        if not errors:
            try:
                cls(**spargs)
            except ValueError as exc:
                errors.append(str(exc))
        return errors

    # -- helpers ----------------------------------------------------------------------------
    @cached_property
    def crawl_run(self) -> Run:
        """The run extension (an in-memory one outside a running crawl)."""
        return Run.of(getattr(self, "crawler", None))

    @property
    def planner(self) -> Planner:
        return self.crawl_run.planner

    def _inc(self, edition: str, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{edition}/{key}", count)

    def _set(self, edition: str, key: str, value: Any) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(f"newscrawl/{edition}/{key}", value)

    def _reject(
        self, reason: str, url: str, language: str | None, detail: str, stage: str = "extract"
    ) -> Reject:
        return Reject(
            reason=reason,
            reasons=[reason],
            url=url,
            language=language,
            detail=detail,
            stage=stage,
            crawled_at=utc_now_iso(),
        )

    def _join(self, link: str, page_url: str) -> str:
        """An absolute URL for a link found on ``page_url`` (off-site pages: the site root)."""
        return self.site.absolute(link, page_url if self.site.is_on_site(page_url) else None)

    def _page_text(self, response: Response) -> str | None:
        """The HTML of a home or discovery page; None past ``NEWSCRAWL_MAX_PAGE_BYTES``."""
        if len(response.body) <= self.page_limits.page_bytes:
            return response_text(response)
        self.logger.error("%s is over NEWSCRAWL_MAX_PAGE_BYTES; not read", response.url)
        return None

    def _request(
        self, url: str, callback: Any, errback: Any, meta: dict[str, Any] | None = None, **kw: Any
    ) -> Request:
        """A request with ``kw`` as its cb_kwargs (``dont_filter``, ``priority`` apart)."""
        options = {name: kw.pop(name) for name in ("dont_filter", "priority") if name in kw}
        edition = kw.get("edition", kw.get("language"))
        meta = {"edition": edition, **(meta or {})}
        return Request(url, callback, errback=errback, cb_kwargs=kw, meta=meta, **options)

    # -- start ------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.crawl_run.failure is not None:  # logged by the run extension
            raise CloseSpider(self.crawl_run.failure_reason)
        seconds = self.project.NEWSCRAWL_RUN_DEADLINE_SECONDS
        if seconds > 0:
            asyncio.get_event_loop().call_later(seconds, self._deadline_reached, seconds)
        if (units := self.crawl_run.units) is not None:  # a shared state: claim the work
            since, until = (
                to_iso(moment) if moment else None for moment in (self.since, self.until)
            )
            units.offer([e.code for e in self.editions], self.mode, since, until)
            if (code := self.crawl_run.next_unit()) is None:
                self.logger.info(
                    "nothing to do: every work unit of %s is held by another node, resting or done",
                    ",".join(e.code for e in self.editions),
                )
                return
            for request in self._edition_start(code):
                yield request
            return
        for edition in self.editions:
            for request in self._edition_start(edition.code):
                yield request

    def _edition_start(self, code: str) -> Iterator[Request]:
        """The first requests of one edition's work: its feed (or its backfill's walks) and
        its due revisits."""
        self._hole_stats(code)
        if self.mode == "archive" and (endpoint := self.planner.remembered("scroll_url", code)):
            yield from self._backfill(code, endpoint)
            return
        # the feed is found first (in mode=archive, only for its scroll endpoint)
        due = self.planner.revisits(code)  # none in mode=archive
        # their cards, if the walk shows them unchanged, are not counted a second time
        self._known_skipped.update(known.url for known in due)
        if cached := self.planner.remembered("feed_url", code):
            yield self._feed_request(code, cached, feed_from_cache=True)
        else:
            yield self._home_request(code)
        for known in due:
            self._inc(code, "revisits")
            yield self._revisit(known)

    def spider_idle(self) -> None:
        """With a shared state: the unit's walks are over; take the next free unit (Scrapy's
        idle signal: the run closes when there is none)."""
        if self.crawl_run.units is None or self.deadline_passed:
            return
        later = DeferredRequests.of(self.crawler)
        if later is not None and later.waiting:
            return  # requests of the unit still wait to be sent again
        if (code := self.crawl_run.next_unit()) is None:
            return
        for request in self._edition_start(code):
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _deadline_reached(self, seconds: float) -> None:
        """No new feed pages from now on; requests waiting for a retry are let go."""
        self.deadline_passed = True
        later = DeferredRequests.of(self.crawler)
        dropped = later.cancel_all() if later is not None else 0
        self.logger.warning(
            "run deadline of %.0f s reached: no more feed pages (%d waiting requests dropped); "
            "the rest is left to the next runs",
            seconds,
            dropped,
        )

    def request_dropped(self, request: Request) -> None:
        """Scrapy's duplicate filter refused an article already asked for in this run."""
        if request.callback == self.parse_article:
            self._inc(str(request.meta.get("edition", "site")), "cards/repeated")
            self._handled(request)  # the copy already queued stands for it

    # -- home page and discovery ------------------------------------------------------------
    def _home_request(self, edition: str) -> Request:
        url = self.site.url(EDITIONS[edition].home_path)
        return self._request(url, self.parse_home, self.on_home_error, edition=edition)

    def parse_home(self, response: Response, edition: str) -> Iterator[Request]:
        """Find the edition's latest-news feed from its home page link (fallback: the table).

        @fixture tests/fixtures/feeds/en-home.html
        @cb_kwargs {"edition": "en"}
        @returns requests 1 1
        """
        info = EDITIONS[edition]
        html = self._page_text(response) or ""
        href = find_feed_link(html, info)
        url = self._join(href, response.url) if href else None
        if url is not None and self.site.is_on_site(url):
            self.planner.remember("feed_url", edition, url)
            yield self._feed_request(edition, url, feed_source=HOME_LINK)
            return
        self.logger.warning(
            "%s: no latest-news link on the home page %s (found %r); looking further",
            edition,
            response.url,
            href,
        )
        self._inc(edition, "feed_link_missing")
        heuristic = heuristic_feed_link(html, info)
        for link in article_links(html):
            article = self.site.article_path(self._join(link, response.url))
            if article is not None and article.edition.code == edition:
                yield self._request(
                    article.url,
                    self.parse_discovery_article,
                    self.on_discovery_article_error,
                    edition=edition,
                    heuristic=heuristic,
                    home_url=response.url,
                    dont_filter=True,
                )
                return
        yield from self._after_article(edition, heuristic, response.url)

    def on_home_error(self, failure: Failure) -> Iterator[Request]:
        if (request := failed_request(failure)) is None:
            return
        edition = request.cb_kwargs["edition"]
        self.logger.error(
            "%s: home page %s failed (%s); trying the fallback feed path",
            edition,
            request.url,
            failure.getErrorMessage(),
        )
        self._inc(edition, "errors/home")
        yield self._source(edition, FALLBACK_PATH)

    def parse_discovery_article(
        self, response: Response, edition: str, heuristic: str | None, home_url: str
    ) -> Iterator[Request]:
        """The feed link of an article page (its "All News Feed" link), else what is left."""
        href = find_feed_link(self._page_text(response) or "", EDITIONS[edition])
        url = self._join(href, response.url) if href else None
        if url is not None and self.site.is_on_site(url):
            self.logger.info(
                "%s: latest-news feed %s found on article %s", edition, url, response.url
            )
            yield self._feed_request(edition, url, feed_source=ARTICLE_LINK)
            return
        yield from self._after_article(edition, heuristic, home_url)

    def on_discovery_article_error(self, failure: Failure) -> Iterator[Request]:
        if (request := failed_request(failure)) is None:
            return
        edition = request.cb_kwargs["edition"]
        message = failure.getErrorMessage()
        self.logger.warning(
            "%s: article page %s for discovery failed: %s", edition, request.url, message
        )
        yield from self._after_article(**request.cb_kwargs)

    def _after_article(
        self, edition: str, heuristic: str | None, home_url: str
    ) -> Iterator[Request]:
        url = self._join(heuristic, home_url) if heuristic is not None else None
        if url is not None and self.site.is_on_site(url):
            self.logger.warning("%s: using the feed-like link %s of the home page", edition, url)
            yield self._feed_request(edition, url, feed_source=HEURISTIC)
        else:
            yield self._source(edition, FALLBACK_PATH)

    def _source(self, edition: str, source: str, crosscheck: bool = False) -> Request:
        """The request of ``source``: ``fallback_path``, ``rss`` or ``sitemap``."""
        if source == FALLBACK_PATH:
            path = EDITIONS[edition].feed_fallback_path
            self._inc(edition, "feed_link_fallback")
            self.logger.warning("%s: using the fallback feed path %s", edition, path)
            return self._feed_request(edition, self.site.url(path), feed_source=FALLBACK_PATH)
        path = f"{EDITIONS[edition].prefix}/rss/" if source == RSS else "/news-sitemap.xml"
        self._inc(edition, "cost/rss" if source == RSS else "cost/sitemap")
        return self._request(
            self.site.url(path),
            self.parse_listing,
            self.on_listing_error,
            edition=edition,
            source=source,
            crosscheck=crosscheck,
            dont_filter=True,
        )

    def _next_source(self, edition: str, source: str | None) -> Iterator[Request]:
        """After the feed of ``source`` failed or had no cards: the next source, if any."""
        following = NEXT_SOURCE.get(source or "")
        if following is not None:
            self.logger.warning("%s: feed from %s unusable; trying %s", edition, source, following)
            yield self._source(edition, following)

    def parse_listing(
        self, response: Response, edition: str, source: str, crosscheck: bool
    ) -> Iterator[Request]:
        """The edition's articles in an RSS feed or news sitemap (a source, or the cross-check)."""
        # a flat XML document, bounded by DOWNLOAD_MAXSIZE; its links by the run's budget
        xml = response.body.decode("utf-8", "replace")  # XML: not an HTML page
        try:
            links = rss_links(xml) if source == RSS else sitemap_locs(xml)
        except ValueError as exc:  # not XML at all
            self.logger.error("%s: %s %s unreadable: %s", edition, source, response.url, exc)
            links = []
        links = self._listing_budget(edition, links, response.url)
        paths = (self.site.article_path(self._join(link, response.url)) for link in links)
        urls = [path.url for path in paths if path is not None and path.edition.code == edition]
        if crosscheck:
            urls = [url for url in urls if url not in self._walk_urls]
        elif not urls:
            self.logger.error("%s: no article URLs of the edition in %s", edition, response.url)
            yield from self._next_source(edition, source)
            return
        else:
            self._set(edition, "feed_source", source)
        for url in urls:
            request = self._article_request(url, response.url, edition)
            if request is not None:
                if crosscheck:
                    self._inc(edition, "rss_missed")
                yield request

    def _listing_budget(self, edition: str, links: list[str], url: str) -> list[str]:
        """The first of ``links`` that the edition's budget of listing links for this run
        (``NEWSCRAWL_MAX_LISTING_LINKS``) still allows; the rest are counted and said once."""
        left = self._listing_left.setdefault(edition, self.project.NEWSCRAWL_MAX_LISTING_LINKS)
        self._listing_left[edition] = max(0, left - len(links))
        if len(links) > left:
            self.logger.warning(
                "%s: %s lists %d links; %d taken (NEWSCRAWL_MAX_LISTING_LINKS=%d per run)",
                *(edition, url, len(links), left, self.project.NEWSCRAWL_MAX_LISTING_LINKS),
            )
            self._inc(edition, "listing_links_cut", len(links) - left)
        return links[:left]

    def on_listing_error(self, failure: Failure) -> Iterator[Request]:
        if (request := failed_request(failure)) is None:
            return
        edition, source = request.cb_kwargs["edition"], request.cb_kwargs["source"]
        message = failure.getErrorMessage()
        self.logger.error("%s: %s %s failed: %s", edition, source, request.url, message)
        self._inc(edition, "errors/listing")
        if not request.cb_kwargs["crosscheck"]:
            yield from self._next_source(edition, source)

    def _crosscheck(self, edition: str) -> None:
        """Schedule the edition's RSS cross-check once per run (when the top walk stops)."""
        enabled = self.project.NEWSCRAWL_RSS_CROSSCHECK
        if edition in self._crosschecked or not self.records_walks or not enabled:
            return
        stats = self.crawler.stats
        source = stats.get_value(f"newscrawl/{edition}/feed_source") if stats else None
        if source is None or source in (RSS, SITEMAP):
            return  # no feed served (the next source is on its way), or RSS is the source
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (unit tests of the callbacks)
            return
        self._crosschecked.add(edition)
        engine.crawl(self._source(edition, RSS, crosscheck=True))

    # -- feed pages -------------------------------------------------------------------------
    def _feed_request(
        self,
        edition: str,
        url: str,
        page: int = 1,
        cursor: str | None = None,
        load_url: str | None = None,
        walk: str | None = TOP,
        **meta: Any,
    ) -> Request:
        """A feed page, scroll batch or archive day (``walk`` None: no walk's page); a source's
        feed or a hole walk's page is not filtered (a failed or the top walk may have had it)."""
        return self._request(
            url,
            self.parse_feed,
            self.on_feed_error,
            meta={"walk": walk, **meta},
            dont_filter="feed_source" in meta or walk not in (TOP, None),
            edition=edition,
            page=page,
            cursor=cursor,
            load_url=load_url,
        )

    def _scroll_request(
        self, edition: str, endpoint: str, cursor: str, page: int, walk: str
    ) -> Request:
        url = f"{endpoint}?{urlencode({'date': cursor, 'oldest': 1})}"
        return self._feed_request(edition, url, page, cursor, endpoint, walk)

    def _day_url(self, edition: str, day: date) -> str:
        return self.site.url(f"{EDITIONS[edition].prefix}/archive/{day:%Y/%m/%d}")

    def parse_feed(
        self,
        response: Response,
        edition: str,
        page: int,
        cursor: str | None,
        load_url: str | None,
    ) -> Iterator[Request]:
        """Queue the articles of one feed page or scroll batch, then the next batch.

        @fixture tests/fixtures/feeds/en-feed.html
        @cb_kwargs {"edition": "en", "page": 1, "cursor": null, "load_url": null}
        @returns requests 21 21
        @returns items 0 0
        """
        walk = self.planner.walk_of(edition, response.meta.get("walk", TOP), page)
        from_cache = response.meta.get("feed_from_cache")
        too_large = len(response.body) > self.page_limits.page_bytes
        html = None if too_large else response_text(response)
        if html is None:
            what = "over NEWSCRAWL_MAX_PAGE_BYTES" if too_large else "not text"
            self.logger.error("%s: feed page %s is %s", edition, response.url, what)
            self._inc(edition, "errors/feed_not_text")
            self._stop(walk, "error", cursor)
            return
        feed = parse_feed(html, EDITIONS[edition])
        if undated := self.planner.undate_implausible(feed.cards):  # warned with the cards
            self._inc(edition, "cards/implausible_date", undated)
        holes = walk is not None and walk.key != TOP and not walk.is_backfill
        self._inc(edition, "hole_pages" if holes else "feed_pages")
        if page == 1 and not feed.cards and from_cache:
            self.logger.warning(
                "%s: remembered feed %s has no cards; finding the feed again from the home page",
                edition,
                response.url,
            )
            self.planner.remember("feed_url", edition, None)
            yield self._home_request(edition)
            return
        listing = walk is not None and walk.from_listing and page == 1
        if walk is not None and not listing:  # a day's listing needs no scroll markup
            for warning in feed.warnings:
                self.logger.warning("%s: %s: %s", edition, response.url, warning)
        # the scroll endpoint named by .loadContainer[data-url], if on the site
        load_url = feed.load_url or load_url
        endpoint = self._join(load_url, response.url).split("?", 1)[0] if load_url else None
        if endpoint is not None and not self.site.is_on_site(endpoint):
            self.logger.error("%s: scroll endpoint %s is off-site; not followed", edition, endpoint)
            self._inc(edition, "offsite_links")
            endpoint = None
        if endpoint is not None:
            self.planner.remember("scroll_url", edition, endpoint)
        if self.mode == "archive" and walk is not None and walk.key == TOP:
            # the feed was found for its scroll endpoint only: now the backfill's walks
            yield from self._backfill(edition, endpoint)
            return
        self.planner.page_cards(walk, page, feed.cards)
        is_first = walk is not None and walk.key == TOP and page == 1
        if not feed.cards and listing and endpoint is not None:
            assert walk is not None and walk.hole is not None  # a day without cards: scroll on
            yield from self._scroll_on(
                walk, endpoint, f"{walk.hole.top.astimezone(BAKU):%Y-%m-%d %H:%M:%S}"
            )
            return
        if not feed.cards:
            if is_first and not from_cache:
                self.logger.warning("%s: feed %s has no cards", edition, response.url)
                yield from self._next_source(edition, response.meta.get("feed_source"))
            self.logger.info("%s: feed ends at page %d (%s)", edition, page, response.url)
            self._stop(walk, "feed_end", cursor)
            return
        if is_first:
            source = REMEMBERED if from_cache else response.meta.get("feed_source") or HOME_LINK
            self._set(edition, "feed_source", source)
        yield from self._card_requests(feed.cards, response.url, edition, walk, page)
        if is_first and (hole := self.planner.first_hole(edition)) is not None:
            yield from self._hole_walk(edition, hole, endpoint)
        if walk is None:
            return
        deadline, scrolls = self.deadline_passed, endpoint is not None
        step = self.planner.after_page(
            walk, page, cursor, deadline_passed=deadline, has_endpoint=scrolls
        )
        if walk.reached_at == page and walk.key == TOP:
            self._inc(edition, "feed_reached_known")
        if step.cursor is not None and endpoint is not None:
            yield self._scroll_request(edition, endpoint, step.cursor, page + 1, walk.key)
            return
        if step.stop is None:
            return
        self._log_stop(walk, step.stop, page, cursor, response.url)
        self._stop(walk, step.stop, cursor)
        if step.hole_closed:
            self._inc(edition, "holes_closed")
            if (above := self.planner.next_hole(walk)) is not None:
                yield from self._hole_walk(edition, above, endpoint)

    def _scroll_on(self, walk: Walk, endpoint: str, cursor: str) -> Iterator[Request]:
        """Below an empty day listing: the scroll batch from the top of the walk's span."""
        if not walk.is_backfill:
            self.planner.use_hole_page(walk.edition)
        yield self._scroll_request(walk.edition, endpoint, cursor, 2, walk.key)

    def _log_stop(self, walk: Walk, reason: str, page: int, cursor: str | None, url: str) -> None:
        if reason not in STOP_LOGS or (reason == "max_pages" and walk.is_hole_walk):
            return
        level = logging.INFO if reason in STOP_INFO else logging.WARNING
        values = {"edition": walk.edition, "page": page, "cursor": cursor, "url": url}
        values |= {"max": self.limits.max_pages, "since": self.since}
        self.logger.log(level, STOP_LOGS[reason], values)
        if reason in STOP_STATS:
            self._inc(walk.edition, STOP_STATS[reason])

    def _stop(self, walk: Walk | None, reason: str, cursor: str | None = None) -> None:
        """Record why ``walk`` stopped (the top walk's reason also goes to the stats)."""
        if walk is None or not self.planner.stop(walk, reason, cursor):
            return
        if walk.key == TOP:
            self._set(walk.edition, "walk/stop_reason", reason)
            if cursor is not None:
                self._set(walk.edition, "walk/stop_cursor", cursor)
            self._crosscheck(walk.edition)
        self._hole_stats(walk.edition)
        if walk.hole is not None:
            self._day_stats(walk.edition)

    def closed(self, reason: str) -> None:
        """Each edition's days walked by backfill and hole walks, in the stats and the log."""
        for edition in self.editions:
            self._day_stats(edition.code, log=True)

    def _day_stats(self, edition: str, log: bool = False) -> None:
        """``days`` (the newest DAYS_SHOWN days: cards from the listing / scroll batches and
        whether walked to its start), ``days/complete`` and ``days/incomplete``."""
        days = self.planner.day_figures(edition)
        if not days:
            return
        complete = sum(1 for figures in days.values() if figures["complete"])
        shown = dict(list(days.items())[:DAYS_SHOWN])
        self._set(edition, "days", {day.isoformat(): figures for day, figures in shown.items()})
        self._set(edition, "days/complete", complete)
        self._set(edition, "days/incomplete", len(days) - complete)
        if not log:
            return
        for day, figures in shown.items():
            self.logger.info(
                "%s: %s: %d articles from the day's listing, %d from scroll batches; %s",
                edition,
                day,
                figures["listing"],
                figures["scroll"],
                "walked to its start" if figures["complete"] else "NOT walked to its start",
            )
        self.logger.info(
            "%s: %d day(s) walked to their start, %d not", edition, complete, len(days) - complete
        )

    def _hole_stats(self, edition: str) -> None:
        """``holes`` and ``holes/oldest_hours``: what the state would hold if the run ended now."""
        holes, oldest = self.planner.hole_figures(edition)
        self._set(edition, "holes", holes)
        self._set(edition, "holes/oldest_hours", oldest)

    def _card_requests(
        self, cards: list[FeedCard], page_url: str, edition: str, walk: Walk | None, page: int
    ) -> Iterator[Request]:
        """The article requests of one page's cards, each counted against its page."""
        for card in cards:
            for warning in card.warnings:
                self.logger.warning("%s: card %s: %s", edition, card.href, warning)
                self._inc(edition, "cards/warnings")
            if not self.planner.wants_card(card.published_at, self.mode):
                continue
            request = self._article_request(card.href, page_url, edition, card)
            if request is None:
                continue
            self._walk_urls.add(request.url)
            if walk is not None:
                ref = (edition, walk.key, page)
                request.meta["walk_page"] = ref
                self.planner.requested(ref)
            yield request

    def _hole_walk(self, edition: str, hole: Hole, endpoint: str | None) -> Iterator[Request]:
        """The first requests of a walk into ``hole``: from its cursor by scrolling, or by the
        date archive's days when there is no cursor or scroll endpoint."""
        if not self.planner.hole_budget_left(edition):
            return
        walk = self.planner.start(edition, hole.key, hole)
        self.logger.info(
            "%s: walking the hole %s .. %s in the feed", edition, hole.bottom, hole.top
        )
        endpoint = endpoint or self.planner.remembered("scroll_url", edition)
        self.planner.use_hole_page(edition)
        if hole.cursor is not None and endpoint is not None:
            yield self._scroll_request(edition, endpoint, hole.cursor, 1, hole.key)
        else:
            yield self._listing_request(walk, endpoint)

    def _listing_request(self, walk: Walk, endpoint: str | None) -> Request:
        """Page 1 of a walk without a cursor: the date archive's listing of the newest day of
        its span (only that day's latest cards); the walk scrolls on from its oldest card."""
        assert walk.hole is not None
        walk.from_listing = True
        day = (walk.hole.top - timedelta(seconds=1)).astimezone(BAKU).date()
        url = self._day_url(walk.edition, day)
        return self._feed_request(walk.edition, url, 1, load_url=endpoint, walk=walk.key)

    def _backfill(self, edition: str, endpoint: str | None) -> Iterator[Request]:
        """The walks of ``mode=archive``: one per part of the period no earlier backfill
        walked, each from its newest day's listing down through the scroll endpoint."""
        walks = self.planner.backfill_walks(edition)
        if not walks:
            self.logger.info(
                "%s: every day of the period was walked by earlier backfills; reading only the "
                "newest day's listing as a check",
                edition,
            )
            day = (self.planner.backfill_period()[0] - timedelta(seconds=1)).astimezone(BAKU)
            yield self._feed_request(edition, self._day_url(edition, day.date()), walk=None)
        for walk in walks:
            assert walk.hole is not None
            self.logger.info("%s: backfill walk %s .. %s", edition, walk.hole.bottom, walk.hole.top)
            yield self._listing_request(walk, endpoint)

    def on_feed_error(self, failure: Failure) -> Iterator[Request]:
        if (request := failed_request(failure)) is None:
            return
        edition, meta = request.cb_kwargs["edition"], request.meta
        message = failure.getErrorMessage()
        self.logger.error("%s: feed page %s failed: %s", edition, request.url, message)
        self._inc(edition, "errors/feed")
        if request.cb_kwargs.get("page") == 1 and not meta.get("feed_from_cache"):
            yield from self._next_source(edition, meta.get("feed_source"))
        walk = self.planner.get(edition, meta.get("walk"))
        self._stop(walk, "error", request.cb_kwargs.get("cursor"))
        if meta.get("feed_from_cache"):
            self.planner.remember("feed_url", edition, None)
            yield self._home_request(edition)

    # -- articles ---------------------------------------------------------------------------
    def _article_page(self, url: str, language: str, card: FeedCard | None) -> Request:
        return self._request(
            url,
            self.parse_article,
            self.on_article_error,
            language=language,
            card=card,
            priority=ARTICLE_PRIORITY,
        )

    def _revisit(self, known: StoredArticle) -> Request:
        """A known article's page again, conditional on the validators it last came with:
        a 304 answer is handled by :meth:`parse_article` (unchanged)."""
        request = self._article_page(known.url, known.language, None)
        request.meta.update(handle_httpstatus_list=[304], revisit=True)
        if known.etag:
            request.headers["If-None-Match"] = known.etag
        if known.last_modified:
            request.headers["If-Modified-Since"] = known.last_modified
        return request

    def _article_request(
        self, link: str, page_url: str, edition: str, card: FeedCard | None = None
    ) -> Request | None:
        """The request for an article linked from ``page_url``; None when the link is
        off-site, not an article, or known from earlier runs with an unchanged card."""
        absolute = self._join(link, page_url)
        if not self.site.is_on_site(absolute):
            self.logger.warning("%s: off-site link %s not followed", edition, absolute[:200])
            self._inc(edition, "offsite_links")
            return None
        article = self.site.article_path(absolute)
        if article is None:
            self.logger.info("%s: %s is not an article URL; skipped", edition, absolute[:200])
            self._inc(edition, "cards/not_article")
            return None
        language = article.edition.code
        status = self.planner.card_status(article.url, card)
        if status == "given_up":
            self._inc(language, "cards/given_up")
            return None
        if status == "edited":
            self._inc(language, "edited_cards")
        elif status == "known":
            if article.url not in self._known_skipped:
                self._known_skipped.add(article.url)
                self._inc(language, "found")
                self._inc(language, "known_skipped")
            return None
        return self._article_page(article.url, language, card)

    def parse_article(
        self, response: Response, language: str, card: FeedCard | None
    ) -> Iterator[Article | Reject | Request]:
        """Turn one article page into an :class:`Article`, or a :class:`Reject` with its reason.

        @fixture tests/fixtures/articles/en-current-seed.html
        @cb_kwargs {"language": "en", "card": null}
        @returns items 1 1
        @returns requests 0 0
        @scrapes url language title body published_at category tags translations
        """
        if response.status == 304:  # a revisit: unchanged since the validators it sent
            self._inc(language, "found")
            self._inc(language, "unchanged")
            self._inc(language, "revisits/not_modified")
            self.planner.not_modified(response.url, validators(response))
            self._handled(response.request)
            return
        if not response.body.strip() and response.request is not None:
            # an empty 200 is often a passing CDN hiccup: ask again, a few times
            retry = get_retry_request(
                response.request,
                spider=self,
                reason="empty_page",
                max_retry_times=EMPTY_PAGE_RETRIES,
                give_up_log_level="WARNING",
            )
            if retry is not None:
                self._inc(language, "empty_page_retries")
                yield retry
                return
        self._inc(language, "found")
        self._handled(response.request)
        self.planner.answered(response.meta.get("redirect_urls", [response.url])[0])
        if not response.body.strip():
            tries = int(response.meta.get("retry_times", 0)) + 1
            yield self._reject("empty_page", response.url, language, f"empty body {tries} times")
            return
        asked = (response.meta.get("redirect_urls") or [response.url])[0]
        if (mismatch := edition_mismatch(self.site, asked, response.url, language)) is not None:
            self.logger.warning("%s: %s", language, mismatch)
            yield self._reject("edition_mismatch", asked, language, mismatch)
            return
        if (size := len(response.body)) > self.page_limits.page_bytes:
            limit = self.page_limits.page_bytes
            detail = f"page of {size} bytes is over NEWSCRAWL_MAX_PAGE_BYTES={limit}; not parsed"
            yield self._reject("too_large", response.url, language, detail, "download")
            return
        html = response_text(response)
        if html is None:
            detail = f"content type {declared_type(response)!r} is not an HTML page"
            yield self._reject("not_html", response.url, language, detail)
            return
        # the page's URL: where the site's redirects led, if an article URL, else the one asked
        reached = response.url if self.site.article_path(response.url) else asked
        try:
            page = extract_article(html, reached, self.site, card)
        except ExtractionError as exc:
            self.logger.warning("%s: cannot extract %s: %s", language, response.url, exc)
            yield self._reject(exc.reason, response.url, language, exc.detail)
            return
        yield self._article(page, language, card)
        if self.follow_translations:
            for url in page.translations.values():
                request = self._article_request(url, response.url, language)
                if request is not None:
                    yield request

    def _article(self, page: ExtractedArticle, language: str, card: FeedCard | None) -> Article:
        return Article(
            **{name: value for name, value in vars(page).items() if name in Article.model_fields}
            | {
                "language": language,
                "published_at": to_iso(page.published_at),
                "modified_at": to_iso(page.modified_at) if page.modified_at else None,
                "category": page.category or (card.category if card is not None else None),
                "badges": list(card.badges) if card is not None else [],
                "crawled_at": self.planner.fetch_time(),
                "warnings": article_warnings(page, language, card),
            }
        )

    def on_article_error(self, failure: Failure) -> Iterator[Reject]:
        if (request := failed_request(failure)) is None:
            return  # sent again after a wait: not a failure
        language: str = request.cb_kwargs["language"]
        failed = ArticleFailure.of(failure, request)
        url, detail = failed.url, failed.detail
        self.logger.warning("%s: article %s failed: %s", language, url, detail)
        self._inc(language, "found")
        self._inc(language, "errors/article")
        if failed.transient:
            self._inc(language, "errors/transient")
        if request.meta.get("revisit"):
            self.planner.revisit_failed(url)
        runs = self.planner.failed(url, self.run_id, detail) if failed.counted else None
        if runs is None:
            self._handled(request, clean=not failed.transient)
            yield self._reject(failed.reason, url, language, detail, "download")
            return
        # the URL's failure budget is used up: given up, its page no longer waits for it
        self._handled(request)
        self.logger.warning(
            "%s: giving up on %s after failures in %d runs (last: %s); later runs skip it",
            *(language, url, runs, detail),
        )
        self._inc(language, "gave_up")
        stats = self.crawler.stats
        if stats is not None:
            key = f"newscrawl/{language}/gave_up_urls"
            stats.set_value(key, [*(stats.get_value(key) or []), url])
        yield self._reject(
            "gave_up", url, language, f"failed in {runs} runs; last: {detail}", "download"
        )

    def _handled(self, request: Request | None, clean: bool = True) -> None:
        """An article request of a walk's page came to its end."""
        ref = request.meta.get("walk_page") if request is not None else None
        if ref is not None and self.planner.handled(ref, clean):
            self._hole_stats(ref[0])
