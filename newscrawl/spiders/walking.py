"""The feed side of the ``report`` spider: home page -> latest-news feed -> scroll batches,
and walks into the holes that earlier runs left (:mod:`newscrawl.state.walks`).

Each edition has a ``top`` walk from the newest card down. It stops where earlier runs already
walked (past the edit horizon, within which every card is compared with the state), at
``since``, at the feed's end, or when cut short: ``max_pages``, a stuck or unreadable cursor,
no scroll markup, an error, the run's deadline. A walk cut short leaves a hole; the oldest hole
is walked first, from its cursor (or through the date archive when there is no cursor or
scroll endpoint), within ``NEWSCRAWL_HOLE_PAGES`` pages per edition and run. Every page's
progress goes to :class:`newscrawl.walk.WalkProgress`; the state grows by what was covered for
good when the run closes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from newscrawl.dates import BAKU
from newscrawl.editions import EDITIONS, Edition
from newscrawl.encoding import response_text
from newscrawl.extensions.later import RequestDeferred
from newscrawl.extract.discovery import article_links, heuristic_feed_link
from newscrawl.extract.feed import FeedCard, find_feed_link, parse_feed
from newscrawl.spiders.discovery import FALLBACK_PATH, HOME_LINK, REMEMBERED, FeedDiscovery
from newscrawl.spiders.holes import HoleWalking
from newscrawl.walk import TOP, Walk

#: The walk of batches a paused (JOBDIR) run had queued, when the job resumes.
RESUMED = "resumed"

if TYPE_CHECKING:
    from newscrawl.editions import Edition as _Edition


class FeedWalking(FeedDiscovery, HoleWalking):
    """Mixin of :class:`~newscrawl.spiders.report.ReportSpider`: the feed walks."""

    # What the spider provides (see ReportSpider), beyond what SpiderParts names.
    since: datetime | None
    until: datetime | None
    mode: str
    max_pages: int
    deadline_passed: bool
    editions: list[_Edition]

    # -- requests -------------------------------------------------------------------------
    def _home_request(self, edition: Edition) -> Request:
        return Request(
            self.site.url(edition.home_path),
            callback=self.parse_home,
            errback=self.on_home_error,
            cb_kwargs={"edition": edition.code},
            meta={"edition": edition.code},
        )

    def _archive_requests(self, edition: Edition) -> Iterator[Request]:
        assert self.since is not None
        first = self.since.astimezone(BAKU).date()
        last = (self.until or datetime.now(BAKU)).astimezone(BAKU).date()
        day = last
        while day >= first:
            path = f"{edition.prefix}/archive/{day:%Y/%m/%d}"
            yield self._feed_request(edition.code, self.site.url(path), walk=None)
            day -= timedelta(days=1)

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
        walk: str | None = TOP,
    ) -> Request:
        """A feed page, scroll batch or archive day of ``edition``, parsed by :meth:`parse_feed`;
        ``walk`` names the walk it belongs to (None: an archive-mode day)."""
        return Request(
            url,
            callback=self.parse_feed,
            errback=self.on_feed_error,
            cb_kwargs={"edition": edition, "page": page, "cursor": cursor, "load_url": load_url},
            meta={"edition": edition, "feed_from_cache": from_cache, "walk": walk},
            dont_filter=dont_filter,
        )

    def _scroll_request(
        self, edition: str, endpoint: str, cursor: str, page: int, walk: str
    ) -> Request:
        return self._feed_request(
            edition,
            f"{endpoint}?{urlencode({'date': cursor, 'oldest': 1})}",
            page=page,
            cursor=cursor,
            load_url=endpoint,
            walk=walk,
            dont_filter=walk != TOP,  # a hole walk may ask for a batch the top walk had
        )

    # -- home -----------------------------------------------------------------------------
    def parse_home(self, response: Response, edition: str) -> Iterator[Request]:
        """Find the edition's latest-news feed from its home page link (fallback: the table).

        @fixture tests/fixtures/feeds/en-home.html
        @cb_kwargs {"edition": "en"}
        @returns requests 1 1
        """
        info = EDITIONS[edition]
        html = response_text(response) or ""
        href = find_feed_link(html, info)
        url = self._join(href, response.url) if href else None
        if url is not None and self.site.is_on_site(url):
            self.incremental.remember_feed_url(edition, url)
            yield self._source_feed(edition, url, HOME_LINK)
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
                yield self._article_page_request(edition, article.url, heuristic, response.url)
                return
        yield from self._after_article(edition, heuristic, response.url)

    def on_home_error(self, failure: Failure) -> Iterator[Request]:
        if failure.check(RequestDeferred):
            return
        request = failure.request  # type: ignore[attr-defined]
        info = EDITIONS[request.cb_kwargs["edition"]]
        self.logger.error(
            "%s: home page %s failed (%s); trying the fallback feed path",
            info.code,
            request.url,
            failure.getErrorMessage(),
        )
        self._inc(info.code, "errors/home")
        yield self._fallback_source(info.code, FALLBACK_PATH)

    # -- feed pages -----------------------------------------------------------------------
    def _walk(self, edition: str, key: str | None, page: int) -> Walk | None:
        """The walk a feed page belongs to (started at its first page), or None."""
        if key is None:
            return None
        progress = self.crawl_state.progress
        walk = progress.get(edition, key)
        if key == TOP and page > 1 and walk is None:
            # a batch queued by a run paused under JOBDIR: its walk went on below the range
            # that run recorded, so it is a walk into the hole under the newest range
            walk = progress.get(edition, RESUMED)
            if walk is None:
                holes = self.incremental.walks(edition).holes()
                walk = progress.start(edition, RESUMED, holes[0] if holes else None)
        elif walk is None or (page == 1 and key == TOP):
            hole = walk.hole if walk is not None else None
            walk = progress.start(edition, key, hole)
        return walk

    def _stop(self, walk: Walk | None, reason: str, cursor: str | None = None) -> None:
        """Record why ``walk`` stopped (the top walk's reason also goes to the stats)."""
        if walk is None or walk.stop_reason is not None:
            return
        walk.stop_reason, walk.stop_cursor = reason, cursor
        if walk.key == TOP and self.crawler.stats is not None:
            self.crawler.stats.set_value(f"newscrawl/{walk.edition}/walk/stop_reason", reason)
            if cursor is not None:
                self.crawler.stats.set_value(f"newscrawl/{walk.edition}/walk/stop_cursor", cursor)
        if walk.key == TOP:
            self._crosscheck(walk.edition)

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
        info = EDITIONS[edition]
        walk = self._walk(edition, response.meta.get("walk", TOP), page)
        html = response_text(response)
        if html is None:
            self.logger.error("%s: feed page %s is not text", edition, response.url)
            self._inc(edition, "errors/feed_not_text")
            self._stop(walk, "error", cursor)
            return
        feed = parse_feed(html, info)
        self._inc(edition, "feed_pages" if walk is None or walk.key == TOP else "hole_pages")
        if page == 1 and not feed.cards and response.meta.get("feed_from_cache"):
            self.logger.warning(
                "%s: remembered feed %s has no cards; finding the feed again from the home page",
                edition,
                response.url,
            )
            self.incremental.remember_feed_url(edition, None)
            yield self._home_request(info)
            return
        for warning in feed.warnings:
            if walk is not None:  # an archive day is one page: it needs no scroll markup
                self.logger.warning("%s: %s: %s", edition, response.url, warning)
        load_url = feed.load_url or load_url
        endpoint = self._endpoint(edition, load_url, response.url)
        if endpoint is not None:
            self.incremental.remember_scroll_url(edition, endpoint)
        progress = walk.page(page) if walk is not None else None
        if progress is not None:
            progress.parsed = True
        is_first = walk is not None and walk.key == TOP and page == 1
        if not feed.cards:
            if is_first and not response.meta.get("feed_from_cache"):
                self.logger.warning("%s: feed %s has no cards", edition, response.url)
                yield from self._next_source(edition, response.meta.get("feed_source"))
            self.logger.info("%s: feed ends at page %d (%s)", edition, page, response.url)
            self._stop(walk, "feed_end", cursor)
            return
        if is_first:
            from_cache = response.meta.get("feed_from_cache")
            self._set_source(
                edition, REMEMBERED if from_cache else response.meta.get("feed_source") or HOME_LINK
            )
        yield from self._card_requests(feed.cards, response.url, edition, walk, page)
        if walk is not None and walk.key == TOP and page == 1 and self.records_walks:
            yield from self._first_hole_walk(edition, endpoint)
        if walk is None:
            return
        yield from self._next_batch(walk, feed.cards, page, cursor, endpoint, response.url)

    def _card_requests(
        self, cards: list[FeedCard], page_url: str, edition: str, walk: Walk | None, page: int
    ) -> Iterator[Request]:
        """The article requests of one page's cards, each counted against its page."""
        times = [card.published_at for card in cards if card.published_at is not None]
        if walk is not None and times:
            progress = walk.page(page)
            progress.newest, progress.oldest = max(times), min(times)
            progress.cursor = next(
                (card.timestamp_raw for card in reversed(cards) if card.published_at), None
            )
        for card in cards:
            for warning in card.warnings:
                self.logger.warning("%s: card %s: %s", edition, card.href, warning)
                self._inc(edition, "cards/warnings")
            published = card.published_at
            if self.since is not None and published is not None and published < self.since:
                continue
            if self.mode == "latest" and self.until and published and published > self.until:
                continue
            request = self._article_request(card.href, page_url, edition, card)
            if request is None:
                continue
            self._seen_urls().add(request.url)
            if walk is not None:
                ref = (edition, walk.key, page)
                request.meta["walk_page"] = ref
                self.crawl_state.progress.requested(ref)
            yield request

    def _endpoint(self, edition: str, load_url: str | None, page_url: str) -> str | None:
        """The scroll endpoint named by ``.loadContainer[data-url]``, if on the site."""
        if not load_url:
            return None
        endpoint = self._join(load_url, page_url).split("?", 1)[0]
        if not self.site.is_on_site(endpoint):
            self.logger.error("%s: scroll endpoint %s is off-site; not followed", edition, endpoint)
            self._inc(edition, "offsite_links")
            return None
        return endpoint

    def _next_batch(
        self,
        walk: Walk,
        cards: list[FeedCard],
        page: int,
        cursor: str | None,
        endpoint: str | None,
        page_url: str,
    ) -> Iterator[Request]:
        """The next scroll batch of ``walk``, or the reason it stops here."""
        edition = walk.edition
        times = [card.published_at for card in cards if card.published_at is not None]
        if self.since is not None and times and min(times) < self.since:
            self.logger.info("%s: reached cards older than since=%s", edition, self.since)
            self._stop(walk, "since", cursor)
            return
        if walk.hole is not None:
            if times and min(times) <= walk.hole.bottom:
                walk.reached_at = page
                if walk.key == RESUMED:
                    self._stop(walk, "known_reached", cursor)
                    return
                self._inc(edition, "holes_closed")
                self._stop(walk, "hole_closed", cursor)
                yield from self._next_hole_walk(walk, endpoint)
                return
            if walk.hole.cursor is None:  # an archive day of a hole walk: no scrolling
                return
        elif walk.key == TOP and self.incremental.feed_reached_known(edition, cards):
            if walk.reached_at is None:
                walk.reached_at = page
                self._inc(edition, "feed_reached_known")
            if not self.incremental.within_horizon(cards):
                self.logger.info(
                    "%s: reached articles known from earlier runs at page %d", edition, page
                )
                self._stop(walk, "known_reached", cursor)
                return
        if self.deadline_passed:
            self._stop(walk, "deadline", cursor)
            return
        if walk.key in (TOP, RESUMED) and page >= self.max_pages:
            self.logger.info("%s: stopped at max_pages=%d", edition, self.max_pages)
            self._inc(edition, "feed_max_pages_reached")
            self._stop(walk, "max_pages", cursor)
            return
        if walk.key not in (TOP, RESUMED) and not self._hole_budget_left(edition):
            self._stop(walk, "max_pages", cursor)
            return
        next_cursor = walk.page(page).cursor
        if next_cursor is None:
            self.logger.warning("%s: no readable timestamp to scroll on from %s", edition, page_url)
            self._stop(walk, "cursor_unreadable", cursor)
            return
        if next_cursor == cursor:
            self.logger.warning(
                "%s: scroll cursor did not move (%s) at %s; stopping this feed",
                edition,
                cursor,
                page_url,
            )
            self._inc(edition, "feed_cursor_stuck")
            self._stop(walk, "cursor_stuck", cursor)
            return
        if endpoint is None:
            self.logger.warning("%s: no .loadContainer[data-url] on %s", edition, page_url)
            self._stop(walk, "no_scroll", cursor)
            return
        if walk.key not in (TOP, RESUMED):
            self._inc(edition, "hole_pages_requested")
        yield self._scroll_request(edition, endpoint, next_cursor, page + 1, walk.key)

    def on_feed_error(self, failure: Failure) -> Iterator[Request]:
        if failure.check(RequestDeferred):
            return
        request = failure.request  # type: ignore[attr-defined]
        info = EDITIONS[request.cb_kwargs["edition"]]
        self.logger.error(
            "%s: feed page %s failed: %s", info.code, request.url, failure.getErrorMessage()
        )
        self._inc(info.code, "errors/feed")
        if request.cb_kwargs.get("page") == 1 and not request.meta.get("feed_from_cache"):
            yield from self._next_source(info.code, request.meta.get("feed_source"))
        key = request.meta.get("walk")
        walk = self.crawl_state.progress.get(info.code, key) if key else None
        self._stop(walk, "error", request.cb_kwargs.get("cursor"))
        if request.meta.get("feed_from_cache"):
            self.incremental.remember_feed_url(info.code, None)
            yield self._home_request(info)

    # -- article outcomes -----------------------------------------------------------------
    def _handled(self, request: Request | None, clean: bool = True) -> None:
        """An article request of a walk's page came to its end."""
        if request is not None:
            self.crawl_state.progress.handled(request.meta.get("walk_page"), clean)
