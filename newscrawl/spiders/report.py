"""The ``report`` spider: editions -> home page -> latest-news feed -> scroll batches -> articles.

Arguments (DESIGN.md, contract): ``editions``, ``base_url``, ``since``, ``until``, ``max_pages``,
``mode`` (``latest`` | ``archive``) and ``follow_translations``. Extraction is done by the pure
functions of :mod:`newscrawl.extract`; this module only walks the site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlencode

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from newscrawl.checks import date_disagreements, language_mismatches
from newscrawl.dates import BAKU, DateError, parse_argument_datetime, to_iso, utc_now_iso
from newscrawl.editions import EDITIONS, Edition, parse_editions
from newscrawl.encoding import declared_type, response_text
from newscrawl.extract.article import ExtractedArticle, extract_article
from newscrawl.extract.errors import ExtractionError
from newscrawl.extract.feed import FeedCard, find_feed_link, parse_feed
from newscrawl.failures import classify_failure, is_transient
from newscrawl.feeds import output_feeds
from newscrawl.incremental import IncrementalPolicy
from newscrawl.items import Article, Reject
from newscrawl.lock import StateLock, StateLockedError
from newscrawl.recovery import mark_run_finished, mark_run_open, recover_unfinished_run
from newscrawl.seen import SeenUrls
from newscrawl.state import StateStore
from newscrawl.urls import SiteUrls

DEFAULT_BASE_URL = "https://report.az"
#: Articles go before the next feed batch: the queue then holds about one batch of articles
#: instead of the whole feed, so memory does not grow with the length of the walk.
ARTICLE_PRIORITY = 10
#: An article page answered with an empty body is asked for again this many times.
EMPTY_PAGE_RETRIES = 2
#: Exit status when another run holds the state lock (EX_TEMPFAIL: try again later).
EXIT_STATE_LOCKED = 75


def _flag(value: str | int | bool | None, name: str) -> bool:
    text = str(value).strip().lower() if value is not None else "0"
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be 0 or 1, got {value!r}")


#: Where the set of requested article URLs lives in the JOBDIR-kept ``spider.state``.
JOB_REQUESTED_KEY = "requested_articles"


class ReportSpider(scrapy.Spider):
    """Crawls the latest-news feed (or the date archive) of each edition of report.az."""

    name = "report"

    def __init__(
        self,
        editions: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        since: str | None = None,
        until: str | None = None,
        max_pages: str | int = 10,
        mode: str = "latest",
        follow_translations: str | int = 0,
        recheck_hours: str | float = 0,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editions: list[Edition] = parse_editions(editions)
        self.site = SiteUrls(base_url)
        self.base_url = self.site.base_url
        self.allowed_domains = [self.site.host]
        try:
            self.since = parse_argument_datetime(since) if since else None
            self.until = parse_argument_datetime(until) if until else None
        except DateError as exc:
            raise ValueError(
                f"since/until: {exc}; expected e.g. 2025-10-23 or 2025-10-23T20:00"
            ) from None
        try:
            self.max_pages = int(max_pages)
        except (TypeError, ValueError):
            raise ValueError(f"max_pages must be a whole number, got {max_pages!r}") from None
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {self.max_pages}")
        if mode not in ("latest", "archive"):
            raise ValueError(f"mode must be 'latest' or 'archive', got {mode!r}")
        self.mode = mode
        if mode == "archive" and self.since is None:
            raise ValueError(
                "mode=archive needs since=YYYY-MM-DD (and optionally until=YYYY-MM-DD)"
            )
        self.follow_translations = _flag(follow_translations, "follow_translations")
        try:
            self.recheck_hours = float(recheck_hours or 0)
        except (TypeError, ValueError):
            raise ValueError(f"recheck_hours must be a number, got {recheck_hours!r}") from None
        #: Non-zero: the exit status of `scrapy crawl` (see newscrawl/commands/crawl.py).
        self.exit_code = 0
        #: The state of earlier runs (not ``self.state``: Scrapy's JOBDIR support owns that name).
        self.history = StateStore(None)
        self.incremental = IncrementalPolicy(self.history)
        self._lock: StateLock | None = None
        self._lock_error: str | None = None
        self.started_at = datetime.now(UTC)
        #: Start time in file names: output/<language>/report-<run_id>.jsonl
        self.run_id = self.started_at.strftime("%Y-%m-%dT%H-%M-%S")
        #: Article URLs requested in this run. Article requests skip Scrapy's duplicate filter
        #: (this compact set does its job), and under JOBDIR the set is kept with the job.
        self._requested = SeenUrls()
        self._requested_linked = False
        #: Newest card time seen per edition, remembered when the run finishes.
        self._feed_top: dict[str, datetime] = {}
        #: Editions the firewall middleware stopped (too many challenge pages in a row).
        self.stopped_editions: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.open_state(crawler.settings.get("NEWSCRAWL_STATE") or None, crawler.settings)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def _requested_articles(self) -> SeenUrls:
        """The set of requested articles. Under JOBDIR, Scrapy keeps ``self.state`` (a dict set
        when the spider opens) with the job: the set lives there, so a resumed crawl does not
        ask again for articles the paused one had already queued."""
        if not self._requested_linked:
            self._requested_linked = True
            job_state = getattr(self, "state", None)
            if isinstance(job_state, dict):
                kept = job_state.get(JOB_REQUESTED_KEY)
                if isinstance(kept, SeenUrls):
                    for digest in self._requested.digests():
                        kept.add_digest(digest)
                    self._requested = kept
                else:
                    # a job paused by an older newscrawl kept a set of digests
                    for digest in job_state.pop("requested_article_digests", ()):
                        self._requested.add_digest(digest)
                    job_state[JOB_REQUESTED_KEY] = self._requested
        return self._requested

    def request_dropped(self, request: Request) -> None:
        """The scheduler refused a request (a duplicate): say so, an article must not vanish."""
        edition = str(request.meta.get("edition", "site"))
        self._inc(edition, "requests_dropped")
        if request.callback == self.parse_article:
            self.logger.warning(
                "%s: article request %s dropped as a duplicate", edition, request.url
            )

    def open_state(self, path: str | None, settings: BaseSettings) -> None:
        """Take the state lock and open the state of earlier runs (in memory when no path)."""
        if path:
            self._lock = StateLock(Path(path))
            try:
                self._lock.acquire()
            except StateLockedError as exc:
                self._lock, self._lock_error = None, str(exc)
                return
            self.history = StateStore(path)
            recover_unfinished_run(self.history)
            mark_run_open(
                self.history, self.run_id, settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
            )
        recheck = timedelta(hours=self.recheck_hours) if self.recheck_hours > 0 else None
        overlap = timedelta(minutes=settings.getfloat("NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES", 30))
        self.incremental = IncrementalPolicy(
            self.history, site=self.site.base_url, overlap=overlap, recheck=recheck
        )

    def closed(self, reason: str) -> None:
        if self.history.closed:
            return
        if self.history.persistent:
            if reason == "finished" and self.mode == "latest":
                for language, newest in self._feed_top.items():
                    # an edition that lost pages to passing faults is walked again next time
                    troubled = self._stat(language, "errors/transient") + self._stat(
                        language, "errors/feed"
                    )
                    if language not in self.stopped_editions and not troubled:
                        self.incremental.remember_walk(language, newest)
            mark_run_finished(self.history)
        self.history.close()
        if self._lock is not None:
            self._lock.release()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        output_dir = settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
        settings.set("FEEDS", output_feeds(output_dir), priority="spider")

    # -- helpers --------------------------------------------------------------------------
    def _inc(self, edition: str, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{edition}/{key}", count)

    def _stat(self, edition: str, key: str) -> int:
        stats = self.crawler.stats
        return int(stats.get_value(f"newscrawl/{edition}/{key}", 0)) if stats else 0

    def _reject(
        self, reason: str, url: str, language: str | None, detail: str, stage: str
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

    # -- start ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self._lock_error is not None:
            self.logger.error(self._lock_error)
            self.exit_code = EXIT_STATE_LOCKED
            raise CloseSpider("state_locked")
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[Request]:
        for edition in self.editions:
            if self.mode == "archive":
                yield from self._archive_requests(edition)
            elif cached := self.incremental.feed_url(edition.code):
                yield self._feed_request(edition.code, cached, from_cache=True)
            else:
                yield self._home_request(edition)

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
            yield self._feed_request(edition.code, self.site.url(path))
            day -= timedelta(days=1)

    # -- home and feed --------------------------------------------------------------------
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
    ) -> Request:
        """A feed page, scroll batch or archive day of ``edition``, parsed by :meth:`parse_feed`."""
        return Request(
            url,
            callback=self.parse_feed,
            errback=self.on_feed_error,
            cb_kwargs={"edition": edition, "page": page, "cursor": cursor, "load_url": load_url},
            meta={"edition": edition, "feed_from_cache": from_cache},
            dont_filter=dont_filter,
        )

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
        if url is None or not self.site.is_on_site(url):
            fallback = self.site.url(info.feed_fallback_path)
            self.logger.warning(
                "%s: no latest-news link on the home page %s (found %r); using %s",
                edition,
                response.url,
                href,
                fallback,
            )
            self._inc(edition, "feed_link_fallback")
            url = fallback
        else:
            self.incremental.remember_feed_url(edition, url)
        # not filtered: a remembered feed URL that failed may be this same URL
        yield self._feed_request(edition, url, dont_filter=True)

    def on_home_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        info = EDITIONS[request.cb_kwargs["edition"]]
        self.logger.error(
            "%s: home page %s failed (%s); trying the fallback feed path",
            info.code,
            request.url,
            failure.getErrorMessage(),
        )
        self._inc(info.code, "errors/home")
        fallback = self.site.url(info.feed_fallback_path)
        yield self._feed_request(info.code, fallback, dont_filter=True)

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
        html = response_text(response)
        if html is None:
            self.logger.error("%s: feed page %s is not text", edition, response.url)
            self._inc(edition, "errors/feed_not_text")
            return
        feed = parse_feed(html, info)
        self._inc(edition, "feed_pages")
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
            self.logger.warning("%s: %s: %s", edition, response.url, warning)
        load_url = feed.load_url or load_url
        if not feed.cards:
            self.logger.info("%s: feed ends at page %d (%s)", edition, page, response.url)
            return
        times = [card.published_at for card in feed.cards if card.published_at is not None]
        if times and (edition not in self._feed_top or max(times) > self._feed_top[edition]):
            self._feed_top[edition] = max(times)
        reached_since = False
        for card in feed.cards:
            for warning in card.warnings:
                self.logger.warning("%s: card %s: %s", edition, card.href, warning)
                self._inc(edition, "cards/warnings")
            published = card.published_at
            if self.since is not None and published is not None and published < self.since:
                reached_since = True
                continue
            if self.mode == "latest" and self.until and published and published > self.until:
                continue
            request = self._article_request(card.href, response.url, edition, card)
            if request is not None:
                yield request
        if reached_since:
            self.logger.info("%s: reached cards older than since=%s", edition, self.since)
            return
        if self.mode == "latest" and self.incremental.feed_reached_known(edition, feed.cards):
            self.logger.info(
                "%s: reached articles known from earlier runs at page %d", edition, page
            )
            self._inc(edition, "feed_reached_known")
            return
        if page >= self.max_pages:
            self.logger.info("%s: stopped at max_pages=%d", edition, self.max_pages)
            self._inc(edition, "feed_max_pages_reached")
            return
        next_cursor = next(
            (card.timestamp_raw for card in reversed(feed.cards) if card.published_at), None
        )
        if next_cursor is None:
            self.logger.warning(
                "%s: no readable timestamp to scroll on from %s", edition, response.url
            )
            return
        if next_cursor == cursor:
            self.logger.warning(
                "%s: scroll cursor did not move (%s) at %s; stopping this feed",
                edition,
                cursor,
                response.url,
            )
            self._inc(edition, "feed_cursor_stuck")
            return
        if not load_url:
            self.logger.warning("%s: no .loadContainer[data-url] on %s", edition, response.url)
            return
        endpoint = self._join(load_url, response.url).split("?", 1)[0]
        if not self.site.is_on_site(endpoint):
            self.logger.error("%s: scroll endpoint %s is off-site; not followed", edition, endpoint)
            self._inc(edition, "offsite_links")
            return
        yield self._feed_request(
            edition,
            f"{endpoint}?{urlencode({'date': next_cursor, 'oldest': 1})}",
            page=page + 1,
            cursor=next_cursor,
            load_url=load_url,
        )

    def on_feed_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        info = EDITIONS[request.cb_kwargs["edition"]]
        self.logger.error(
            "%s: feed page %s failed: %s", info.code, request.url, failure.getErrorMessage()
        )
        self._inc(info.code, "errors/feed")
        if request.meta.get("feed_from_cache"):
            self.incremental.remember_feed_url(info.code, None)
            yield self._home_request(info)

    # -- articles -------------------------------------------------------------------------
    def _article_request(
        self, link: str, page_url: str, edition: str, card: FeedCard | None = None
    ) -> Request | None:
        """The request for an article linked from ``page_url`` in ``edition``'s feed.

        None when the link is off-site, not an article, or already requested in this run.
        """
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
        if not self._requested_articles().add(article.url):
            self._inc(edition, "cards/repeated")
            return None
        language = article.edition.code
        self._inc(language, "found")
        if self.incremental.skip_reason(article.url, card) is not None:
            self._inc(language, "known_skipped")
            return None
        return Request(
            article.url,
            callback=self.parse_article,
            errback=self.on_article_error,
            cb_kwargs={"language": language, "card": card},
            meta={"edition": language},
            priority=ARTICLE_PRIORITY,
            dont_filter=True,
        )

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
        if not response.body.strip() and response.request is not None:
            tries = int(response.meta.get("empty_retries", 0))
            if tries < EMPTY_PAGE_RETRIES:  # an empty 200 is often a passing CDN hiccup
                self._inc(language, "empty_page_retries")
                retry = response.request.replace(dont_filter=True)
                retry.meta["empty_retries"] = tries + 1
                yield retry
                return
            yield self._reject(
                "empty_page", response.url, language, f"empty body {tries + 1} times", "extract"
            )
            return
        html = response_text(response)
        if html is None:
            yield self._reject(
                "not_html",
                response.url,
                language,
                f"content type {declared_type(response)!r} is not an HTML page",
                "extract",
            )
            return
        try:
            page = extract_article(html, response.url, self.site)
        except ExtractionError as exc:
            self.logger.warning("%s: cannot extract %s: %s", language, response.url, exc)
            yield self._reject(exc.reason, response.url, language, exc.detail, "extract")
            return
        yield self._article(page, language, card)
        if self.follow_translations:
            for url in page.translations.values():
                request = self._article_request(url, response.url, language)
                if request is not None:
                    yield request

    def _article(self, page: ExtractedArticle, language: str, card: FeedCard | None) -> Article:
        warnings = list(page.warnings)
        if page.other_titles:
            warnings.append(f"other_headline: the page also shows {page.other_titles}")
        card_time = card.published_at if card is not None else None
        warnings += date_disagreements(page.date_sources, card_time, page.published_at)
        warnings += language_mismatches(
            language, page.html_lang, page.jsonld_language, f"{page.title}\n{page.body}"
        )
        return Article(
            url=page.url,
            language=language,
            article_id=page.article_id,
            slug=page.slug,
            title=page.title,
            lead=page.lead,
            body=page.body,
            published_at=to_iso(page.published_at),
            published_at_raw=page.published_at_raw,
            modified_at=to_iso(page.modified_at) if page.modified_at else None,
            category=page.category or (card.category if card is not None else None),
            category_slug=page.category_slug,
            tags=page.tags,
            images=page.images,
            translations=page.translations,
            badges=list(card.badges) if card is not None else [],
            crawled_at=utc_now_iso(),
            layout=page.layout,
            dateline=page.dateline,
            warnings=warnings,
        )

    def on_article_error(self, failure: Failure) -> Iterator[Reject]:
        request = failure.request  # type: ignore[attr-defined]
        language: str = request.cb_kwargs["language"]
        reason, detail = classify_failure(failure.value)
        # after redirects, the article is the URL first asked for, not the last hop
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        if url != request.url:
            detail = f"{detail} (last hop {request.url})"
        self.logger.warning("%s: article %s failed: %s", language, url, detail)
        self._inc(language, "errors/article")
        if is_transient(reason):
            self._inc(language, "errors/transient")
        yield self._reject(reason, url, language, detail, "download")
