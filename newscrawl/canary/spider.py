"""The ``canary`` spider: the ``report`` spider's discovery, stopped after a first look.

It is a :class:`~newscrawl.spiders.report.ReportSpider` with ``max_pages=2``: its own
``parse_home`` finds the feed (home link, else the fallback path) and its own ``parse_feed``
queues the articles and the next scroll batch. The canary notes what each step saw, follows
only the newest ``articles`` article requests per edition and the one scroll batch, and keeps
the items instead of exporting them. RSS and robots.txt are asked for besides. All requests go
through Scrapy's downloader, so robots.txt, the User-Agent, delays and retries apply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from parsel import Selector
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.canary.fixtures import FixtureWriter
from newscrawl.canary.observe import ArticleSeen, CanarySeen, EditionSeen, FeedSeen, Fetch
from newscrawl.editions import EDITIONS
from newscrawl.encoding import response_text
from newscrawl.extract.article import extract_article
from newscrawl.extract.errors import ExtractionError
from newscrawl.extract.feed import FeedCard, parse_feed
from newscrawl.items import Article, Reject
from newscrawl.spiders.report import DEFAULT_BASE_URL, ReportSpider

#: What a canary run turns off: it writes nothing and keeps no state.
CANARY_SETTINGS: dict[str, Any] = {
    "FEEDS": {},
    "ITEM_PIPELINES": {},
    "NEWSCRAWL_STATE": "",
    "NEWSCRAWL_ARCHIVE": "",
    "NEWSCRAWL_HEALTH_ENABLED": False,
    # a first look, not a crawl: give up early rather than wait out long backoffs
    "RETRY_TIMES": 1,
    "NEWSCRAWL_RETRY_MAX_DELAY": 5.0,
    "NEWSCRAWL_FIREWALL_RETRIES": 0,
    "DOWNLOAD_TIMEOUT": 15,
    "CLOSESPIDER_TIMEOUT": 50,
}
#: Extensions that write files (the rejects file, the stats file) are off.
CANARY_EXTENSIONS_OFF = ("newscrawl.run.Run",)


def _failure_text(failure: Failure) -> tuple[int | None, str]:
    value = failure.value
    if isinstance(value, HttpError):
        status = int(value.response.status)
        return status, f"HTTP {status}"
    return None, failure.getErrorMessage()[:200]


class CanarySpider(ReportSpider):
    """A first look at each edition (see the module docstring)."""

    name = "canary"
    kind = "canary"
    #: Never grows the state's walked feed ranges (where the state keeps them).
    records_walks = False

    def __init__(
        self,
        editions: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        articles: str | int = 2,
        save_fixtures: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(editions=editions, base_url=base_url, max_pages=2)
        self.articles_per_edition = max(1, int(articles))
        self.seen = CanarySeen(base_url=self.base_url, user_agent="")
        for edition in self.editions:
            self.seen.editions[edition.code] = EditionSeen(edition.code)
        self.fixtures = FixtureWriter(Path(save_fixtures)) if save_fixtures else None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        for name, value in CANARY_SETTINGS.items():
            settings.set(name, value, priority="spider")
        extensions = settings.getdict("EXTENSIONS")
        extensions.update(dict.fromkeys(CANARY_EXTENSIONS_OFF))
        settings.set("EXTENSIONS", extensions, priority="spider")

    def _edition(self, code: str) -> EditionSeen:
        return self.seen.editions[code]

    def _keep(self, edition: str, kind: str, response: Response, suffix: str = "html") -> None:
        if self.fixtures is not None:
            self.fixtures.page(edition, kind, response.body, suffix)

    # -- start ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        settings = self.crawler.settings
        self.seen.user_agent = str(
            settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        )
        yield Request(
            self.site.url("/robots.txt"),
            callback=self.parse_robots,
            errback=self.on_robots_error,
            meta={"handle_httpstatus_all": True, "dont_obey_robotstxt": True},
            priority=100,
        )
        for edition in self.editions:
            self._edition(edition.code).home = Fetch(self.site.url(edition.home_path))
            yield self._home_request(edition)
            rss = self.site.url(f"{edition.prefix}/rss/")
            self._edition(edition.code).rss = Fetch(rss)
            yield Request(
                rss,
                callback=self.parse_rss,
                errback=self.on_rss_error,
                cb_kwargs={"edition": edition.code},
                meta={"edition": edition.code},
            )

    def parse_robots(self, response: Response) -> None:
        self.seen.robots = Fetch(response.url, response.status)
        self.seen.robots_body = response.body if response.status == 200 else b""

    def on_robots_error(self, failure: Failure) -> None:
        self.seen.robots = Fetch(failure.request.url, *_failure_text(failure))  # type: ignore[attr-defined]

    def parse_rss(self, response: Response, edition: str) -> None:
        seen = self._edition(edition)
        seen.rss = Fetch(response.url, response.status)
        try:
            seen.rss_items = len(Selector(body=response.body, type="xml").xpath("//item"))
        except (ValueError, TypeError):
            seen.rss_items = 0
        self._keep(edition, "rss", response, "xml")

    def on_rss_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._edition(request.cb_kwargs["edition"]).rss = Fetch(
            request.url, *_failure_text(failure)
        )

    # -- the report spider's discovery, observed --------------------------------------------
    def parse_home(self, response: Response, edition: str) -> Iterator[Request]:
        seen = self._edition(edition)
        seen.home = Fetch(response.url, response.status)
        self._keep(edition, "home", response)
        fallbacks = self._stat(edition, "feed_link_fallback")
        for request in super().parse_home(response, edition):
            seen.feed_url = request.url
            fell_back = self._stat(edition, "feed_link_fallback") > fallbacks
            seen.feed_how = "fallback path" if fell_back else "home link"
            if request.meta.get("feed_source") is None:  # an article page, for its feed link
                seen.feed_how = "article page (its feed link)"
            yield request

    def on_home_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        seen = self._edition(request.cb_kwargs["edition"])
        seen.home = Fetch(request.url, *_failure_text(failure))
        for feed in super().on_home_error(failure):
            seen.feed_url, seen.feed_how = feed.url, "fallback path (home failed)"
            yield feed

    def parse_feed(
        self,
        response: Response,
        edition: str,
        page: int,
        cursor: str | None,
        load_url: str | None,
    ) -> Iterator[Request]:
        seen = self._edition(edition)
        html = response_text(response) or ""
        feed = parse_feed(html, EDITIONS[edition])
        stamps = [card.timestamp_raw for card in feed.cards if card.timestamp_raw]
        observed = FeedSeen(
            Fetch(response.url, response.status),
            cards=len(feed.cards),
            newest=max(stamps, default=None),
            oldest=min(stamps, default=None),
            hrefs=[card.href for card in feed.cards],
            cursor=cursor,
            load_url=feed.load_url or load_url,
        )
        articles = 0
        for request in super().parse_feed(response, edition, page, cursor, load_url):
            if request.callback == self.parse_article:
                if page == 1 and articles < self.articles_per_edition:
                    articles += 1
                    seen.articles.append(ArticleSeen(Fetch(request.url)))
                    yield request
            elif request.callback == self.parse_feed and page == 1:
                seen.scroll = FeedSeen(Fetch(request.url), cursor=request.cb_kwargs.get("cursor"))
                yield request
        if page == 1:
            seen.feed = observed
            self._keep(edition, "feed", response)
        else:
            seen.scroll = observed
            self._keep(edition, "scroll", response)

    def on_feed_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        seen = self._edition(request.cb_kwargs["edition"])
        observed = FeedSeen(Fetch(request.url, *_failure_text(failure)))
        observed.cursor = request.cb_kwargs.get("cursor")
        if request.cb_kwargs.get("page", 1) == 1:
            seen.feed = observed
        else:
            seen.scroll = observed
        yield from super().on_feed_error(failure)

    # -- articles -------------------------------------------------------------------------
    def _article_seen(self, language: str, url: str) -> ArticleSeen:
        seen = self._edition(language)
        for article in seen.articles:
            if article.fetch.url == url:
                return article
        article = ArticleSeen(Fetch(url))
        seen.articles.append(article)
        return article

    def parse_article(
        self, response: Response, language: str, card: FeedCard | None
    ) -> Iterator[Article | Reject | Request]:
        request_url = response.request.url if response.request is not None else response.url
        article = self._article_seen(language, request_url)
        article.fetch = Fetch(request_url, response.status)
        for result in super().parse_article(response, language, card):
            if isinstance(result, Request):
                yield result  # an empty page asked for again
            elif isinstance(result, Reject):
                article.reject = f"{result.reason}: {result.detail}"[:200]
            else:
                article.item = result.model_dump()
        html = response_text(response)
        if html is not None and article.item is not None:
            article.sources, article.derived_sources = self._sources(html, response.url, card)
        if self.fixtures is not None:
            self.fixtures.article(language, response.body, article.item)

    def _sources(self, html: str, url: str, card: FeedCard | None) -> tuple[dict[str, str], bool]:
        """Each field's source as the extractor reports it (``page.sources``); until it does,
        what can be told from outside (marked as derived)."""
        try:
            page = extract_article(html, url, self.site)
        except ExtractionError:
            return {}, False
        reported = getattr(page, "sources", None)
        if reported:
            return {str(k): str(v) for k, v in dict(reported).items()}, False
        derived: dict[str, str] = {}
        dates = page.date_sources
        if dates:
            derived["published_at"] = "selector" if "header" in dates else next(iter(dates))
        if card is not None and card.badges:
            derived["badges"] = "card"
        if card is not None and not page.category and card.category:
            derived["category"] = "card"
        if page.layout not in ("current", "2019", "oldest"):
            for name in ("title", "body"):
                derived[name] = page.layout
        return derived, True

    def on_article_error(self, failure: Failure) -> Iterator[Reject]:
        request = failure.request  # type: ignore[attr-defined]
        article = self._article_seen(request.cb_kwargs["language"], request.url)
        article.fetch = Fetch(request.url, *_failure_text(failure))
        return iter(())
