"""The ``report`` spider: editions -> home page -> latest-news feed -> scroll batches -> articles.

Arguments (DESIGN.md, contract): ``editions``, ``base_url``, ``since``, ``until``, ``max_pages``,
``mode`` (``latest`` | ``archive``) and ``follow_translations``. Extraction is done by the pure
functions of :mod:`newscrawl.extract`; this module only walks the site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from twisted.python.failure import Failure

from newscrawl.arguments import ProjectSettings, SpiderArguments, unknown_arguments
from newscrawl.consistency import date_disagreements, language_mismatches
from newscrawl.dates import to_iso, utc_now_iso
from newscrawl.editions import Edition, parse_editions
from newscrawl.encoding import declared_type, response_text
from newscrawl.exports import ARTICLE_FORMAT, exports_setting, merge_feeds
from newscrawl.extensions.later import RequestDeferred
from newscrawl.extensions.state import CrawlState
from newscrawl.extract.article import ExtractedArticle, ExtractionError, extract_article
from newscrawl.extract.feed import FeedCard
from newscrawl.failures import classify_failure, is_transient
from newscrawl.items import Article, Reject
from newscrawl.runinfo import job_id, priority_of, run_id_for, user_agent
from newscrawl.spiders.parts import ARTICLE_PRIORITY
from newscrawl.spiders.schedule import ScheduledRun
from newscrawl.spiders.walking import FeedWalking
from newscrawl.state.incremental import IncrementalPolicy
from newscrawl.urls import SiteUrls

DEFAULT_BASE_URL = "https://report.az"
#: An article page answered with an empty body is asked for again this many times.
EMPTY_PAGE_RETRIES = 2


class ReportSpider(FeedWalking, ScheduledRun, scrapy.Spider):
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
        given = {
            "editions": editions,
            "base_url": base_url,
            "since": since,
            "until": until,
            "max_pages": max_pages,
            "mode": mode,
            "follow_translations": follow_translations,
            "recheck_hours": recheck_hours or 0,
        }
        parsed = SpiderArguments.parse({k: v for k, v in given.items() if v is not None})
        self.editions: list[Edition] = parse_editions(",".join(parsed.editions))
        self.site = SiteUrls(parsed.base_url)
        self.base_url = self.site.base_url
        self.allowed_domains = [self.site.host]
        self.since, self.until = parsed.since, parsed.until
        self.max_pages = parsed.max_pages
        self.mode = parsed.mode
        self.follow_translations = parsed.follow_translations
        self.recheck_hours = parsed.recheck_hours
        #: Scrapyd's job id (the ``_job`` argument it passes), else SCRAPY_JOB / SCRAPYD_JOB.
        self.job_id: str | None = job_id(kwargs.get("_job"))
        #: The arguments as given, for the stats file.
        self.arguments: dict[str, Any] = {
            "editions": [edition.code for edition in self.editions],
            "base_url": self.base_url,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "max_pages": self.max_pages,
            "mode": self.mode,
            "follow_translations": self.follow_translations,
            "recheck_hours": self.recheck_hours,
        }
        self.started_at = datetime.now(UTC)
        #: Start time and job in file names: output/<language>/report-<run_id>.jsonl
        self.run_id = run_id_for(self.started_at, self.job_id)
        #: Known articles whose request was skipped in this run (counted once each).
        self._known_skipped: set[str] = set()
        #: Editions the firewall middleware stopped (too many challenge pages in a row).
        self.stopped_editions: set[str] = set()
        #: Set when NEWSCRAWL_RUN_DEADLINE_SECONDS have passed: no new feed pages.
        self.deadline_passed = False
        self._crawl_state: CrawlState | None = None

    @property
    def records_walks(self) -> bool:
        """Whether this run's feed walks grow the state's walked ranges: a ``latest`` walk
        of the whole feed (not one bounded by ``since``/``until``)."""
        return self.mode == "latest" and self.since is None and self.until is None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    @property
    def crawl_state(self) -> CrawlState:
        """The state of earlier runs, through the :class:`CrawlState` extension (in memory
        when the extension is not running, as under unit tests)."""
        if self._crawl_state is None:
            self._crawl_state = CrawlState.of(getattr(self, "crawler", None))
        return self._crawl_state

    @property
    def incremental(self) -> IncrementalPolicy:
        return self.crawl_state.policy

    def request_dropped(self, request: Request) -> None:
        """Scrapy's duplicate filter refused a request: an article already asked for in this
        run (the feed's cursor is inclusive, and translations link back)."""
        if request.callback == self.parse_article:
            self._inc(str(request.meta.get("edition", "site")), "cards/repeated")
            self._handled(request)  # the copy already queued stands for it

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        output_dir = settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
        # -o/-O, FEEDS and Scrapyd's items_dir add a feed beside the per-language ones
        merged = merge_feeds(settings, exports_setting(output_dir))
        # one above the user's: Scrapy applies the command line's settings to the crawler again
        # (CrawlerProcess.crawl), which must not take the per-language feeds away
        priority = max((settings.getpriority("FEEDS") or 0) + 1, SETTINGS_PRIORITIES["spider"])
        settings.set("FEEDS", merged, priority=priority)
        exporters = dict(settings.getdict("FEED_EXPORTERS"))
        exporters.setdefault(ARTICLE_FORMAT, "newscrawl.exports.ArticleLinesExporter")
        settings.set(
            "FEED_EXPORTERS",
            exporters,
            priority=max(priority_of(settings, "FEED_EXPORTERS"), SETTINGS_PRIORITIES["spider"]),
        )
        settings.set(
            "USER_AGENT", user_agent(settings), priority=priority_of(settings, "USER_AGENT")
        )

    @classmethod
    def validate_arguments(cls, spargs: dict[str, Any], settings: BaseSettings) -> list[str]:
        """Every problem with the spider arguments and settings, one line each (none: [])."""
        errors = unknown_arguments(spargs)
        errors += ProjectSettings.errors(settings)
        if not errors:
            try:
                cls(**spargs)
            except ValueError as exc:
                errors.append(str(exc))
        return errors

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
        locked = self.crawl_state.locked_error
        if locked is not None:
            self.logger.error(locked)
            raise CloseSpider("state_locked")
        self._start_deadline()
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[Request]:
        for edition in self.editions:
            if self.mode == "archive":
                yield from self._archive_requests(edition)
                continue
            if cached := self.incremental.feed_url(edition.code):
                yield self._feed_request(edition.code, cached, from_cache=True)
            else:
                yield self._home_request(edition)
            yield from self._recheck_requests(edition.code)

    # -- articles -------------------------------------------------------------------------
    def _article_request(
        self, link: str, page_url: str, edition: str, card: FeedCard | None = None
    ) -> Request | None:
        """The request for an article linked from ``page_url`` in ``edition``'s feed.

        None when the link is off-site, not an article, or known from earlier runs with an
        unchanged card. A second request for the same article in one run is dropped by
        Scrapy's duplicate filter (kept with the job under JOBDIR).
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
        language = article.edition.code
        if self.incremental.headline_changed(article.url, card):
            self._inc(language, "edited_cards")
        elif self.incremental.skip_reason(article.url, card) is not None:
            if article.url not in self._known_skipped:
                self._known_skipped.add(article.url)
                self._inc(language, "found")
                self._inc(language, "known_skipped")
            return None
        return Request(
            article.url,
            callback=self.parse_article,
            errback=self.on_article_error,
            cb_kwargs={"language": language, "card": card},
            meta={"edition": language},
            priority=ARTICLE_PRIORITY,
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
            tries = int(response.meta.get("retry_times", 0)) + 1
            self._inc(language, "found")
            self._handled(response.request)
            yield self._reject(
                "empty_page", response.url, language, f"empty body {tries} times", "extract"
            )
            return
        self._inc(language, "found")
        self._handled(response.request)
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
            page = extract_article(html, response.url, self.site, card)
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
            sources=page.sources,
        )

    def on_article_error(self, failure: Failure) -> Iterator[Reject]:
        if failure.check(RequestDeferred):
            return  # sent again after a wait: not a failure
        request = failure.request  # type: ignore[attr-defined]
        language: str = request.cb_kwargs["language"]
        reason, detail = classify_failure(failure.value)
        self._handled(request, clean=not is_transient(reason))
        # after redirects, the article is the URL first asked for, not the last hop
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        if url != request.url:
            detail = f"{detail} (last hop {request.url})"
        self.logger.warning("%s: article %s failed: %s", language, url, detail)
        self._inc(language, "found")
        self._inc(language, "errors/article")
        if is_transient(reason):
            self._inc(language, "errors/transient")
        yield self._reject(reason, url, language, detail, "download")
