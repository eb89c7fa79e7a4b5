"""The crawl policy, kept out of the callbacks: downloader middlewares (orders: settings.py).

Waits hold no download slot (a few sleeping middlewares would fill ``CONCURRENT_REQUESTS`` and
stall every edition): the middleware raises :class:`RequestDeferred` (an ``IgnoreRequest``, not
a failure: the errbacks and :class:`DownloaderStats` ignore it) and the extension
:class:`DeferredRequests` gives the request back to the engine when the wait is over, keeping
the spider open meanwhile. Outside a running crawl (unit tests) the middleware waits in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import Counter
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urljoin

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsMiddleware
from scrapy.downloadermiddlewares.stats import DownloaderStats as ScrapyDownloaderStats
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Request, Response, TextResponse
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.response import response_status_message

from newscrawl.site import SiteUrls

logger = logging.getLogger(__name__)

#: Markers of firewall and bot-challenge pages (any status, even 200), matched
#: case-insensitively in the first ``SCAN_BYTES`` of the page.
CHALLENGE_MARKERS = re.compile(
    r"cf-challenge|cf-browser-verification|/cdn-cgi/challenge-platform|checking your browser"
    r"|attention required! \| cloudflare|just a moment\.\.\.|ddos protection by|g-recaptcha"
    r"|h-captcha|captcha|access denied|request blocked|you have been blocked",
    re.IGNORECASE,
)
SCAN_BYTES = 20_000
#: Class names of article and feed markup, searched with ``in`` (ten times faster than a regex).
_ARTICLE_MARKERS = (b"news-detail__desc", b"article-text", b"editor-body", b"index-post-block")


def challenge_marker(status: int, body: bytes) -> str | None:
    """The marker that shows ``body`` is a challenge page, or None. A successful page with
    article or feed markup is never one, even if it mentions a marker (an article about
    captchas)."""
    if status < 300 and any(marker in body for marker in _ARTICLE_MARKERS):
        return None  # the usual case, decided without decoding anything
    match = CHALLENGE_MARKERS.search(body[:SCAN_BYTES].decode("utf-8", errors="replace"))
    return match.group(0).lower() if match else None


class RequestDeferred(IgnoreRequest):
    """The request will be scheduled again after a wait (see the module docstring)."""


class DeferredRequests:
    """Holds requests for a while, then gives them back to the engine (``engine.crawl``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._waiting: dict[int, asyncio.TimerHandle] = {}
        self._closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.cancel_all, signal=signals.spider_closed)
        return extension

    @classmethod
    def of(cls, crawler: Crawler) -> DeferredRequests | None:
        try:
            return crawler.get_extension(cls)
        except RuntimeError:  # no extension manager: not a running crawl
            return None

    def defer(self, request: Request, seconds: float, why: str) -> RequestDeferred:
        """Schedule ``request`` again in ``seconds``; raise the returned exception."""
        if self._closing:
            return RequestDeferred(f"{why}; not sent again, the run is ending")
        again = request if request.dont_filter else request.replace(dont_filter=True)
        loop = asyncio.get_event_loop()
        self._waiting[id(again)] = loop.call_later(max(0.0, seconds), self._release, again)
        return RequestDeferred(f"{why}; sent again in {seconds:.1f} s")

    def _release(self, request: Request) -> None:
        self._waiting.pop(id(request), None)
        if not self._closing and self.crawler.engine is not None:
            with contextlib.suppress(RuntimeError):  # the spider closed meanwhile
                self.crawler.engine.crawl(request)

    def cancel_all(self) -> int:
        """Drop every waiting request and any deferred from now on; returns how many waited."""
        self._closing = True
        count = len(self._waiting)
        for handle in self._waiting.values():
            handle.cancel()
        self._waiting.clear()
        return count

    @property
    def waiting(self) -> int:
        """How many requests wait to be sent again."""
        return len(self._waiting)

    def spider_idle(self) -> None:
        if self._waiting:
            raise DontCloseSpider


def _inc(stats: StatsCollector | None, request: Request, key: str, default: str = "site") -> None:
    if stats is not None:
        stats.inc_value(f"newscrawl/{request.meta.get('edition', default)}/{key}")


async def _after(crawler: Crawler, request: Request, seconds: float, why: str) -> Request:
    """``request`` once ``seconds`` have passed: deferred in a crawl, awaited outside one."""
    if (later := DeferredRequests.of(crawler)) is not None:
        raise later.defer(request, seconds, why)
    await asyncio.sleep(seconds)
    return request


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value, or None when absent or unreadable."""
    text = (value.decode("latin-1") if isinstance(value, bytes) else value or "").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's ``RetryMiddleware`` (550) that waits before each retry: the larger of
    ``NEWSCRAWL_RETRY_BASE_DELAY * 2**attempt`` and ``Retry-After`` (seconds or an HTTP date),
    capped at ``NEWSCRAWL_RETRY_MAX_DELAY``."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base_delay: float = settings.getfloat("NEWSCRAWL_RETRY_BASE_DELAY", 2.0)
        self.max_delay: float = settings.getfloat("NEWSCRAWL_RETRY_MAX_DELAY", 120.0)

    def delay_for(self, request: Request, response: Response | None) -> float:
        """How long to wait before retrying ``request``."""
        delay = float(self.base_delay * 2 ** int(request.meta.get("retry_times", 0)))
        if response is not None:
            delay = max(delay, retry_after_seconds(response.headers.get(b"Retry-After")) or 0.0)
        return float(min(delay, self.max_delay))

    async def _retry_later(
        self, request: Request, reason: str | Exception, response: Response | None
    ) -> Request | None:
        assert self.crawler.spider is not None
        # RETRY_TIMES / RETRY_PRIORITY_ADJUST and their request.meta overrides are read there
        retry = get_retry_request(request, spider=self.crawler.spider, reason=reason)
        if retry is None:
            return None
        seconds = self.delay_for(request, response)
        _inc(self.crawler.stats, request, "retries", "unknown")
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/retry_wait_ms", round(seconds * 1000))
        if seconds <= 0:
            return retry
        return await _after(self.crawler, retry, seconds, f"retry {retry.meta['retry_times']}")

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        return await self._retry_later(request, reason, response) or response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        return await self._retry_later(request, exception, None)


class FirewallMiddleware:
    """Firewall challenge pages, per edition: each doubles the edition's back-off (from
    ``NEWSCRAWL_RETRY_BASE_DELAY`` up to ``NEWSCRAWL_RETRY_MAX_DELAY``; a page that gets through
    halves it), the challenged request is retried ``NEWSCRAWL_FIREWALL_RETRIES`` times after
    it, and the edition's requests wait it out outside the downloader, so the other editions go
    on at their pace. Stopped editions are listed in ``spider.stopped_editions``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler, settings = crawler, crawler.settings
        self.max_in_row = settings.getint("NEWSCRAWL_FIREWALL_MAX_IN_ROW", 5)
        self.retries = settings.getint("NEWSCRAWL_FIREWALL_RETRIES", 2)
        self.base_delay = settings.getfloat("NEWSCRAWL_RETRY_BASE_DELAY", 2.0)
        self.max_delay = settings.getfloat("NEWSCRAWL_RETRY_MAX_DELAY", 120.0)
        self.in_row: Counter[str] = Counter()
        self.stopped: set[str] = set()
        #: Per edition: the current back-off delay, and until when (loop time) it holds.
        self.delay: dict[str, float] = {}
        self.until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if (edition := request.meta.get("edition")) is None:  # robots.txt and the like
            return
        if edition in self.stopped:
            raise IgnoreRequest(f"edition stopped: {edition} sent firewall challenges")
        wait = self.until.get(edition, 0.0) - asyncio.get_event_loop().time()
        if wait > 0 and (later := DeferredRequests.of(self.crawler)) is not None:
            raise later.defer(request, wait, f"{edition} backs off from the firewall")

    async def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if (edition := request.meta.get("edition")) is None:
            return response
        text = isinstance(response, TextResponse)
        marker = challenge_marker(response.status, response.body) if text else None
        if marker is None:
            if response.status < 400:  # the page got through: the back-off halves
                self.in_row[edition] = 0
                delay = self.delay.pop(edition, 0.0) / 2
                if delay >= self.base_delay / 10:
                    self.delay[edition] = delay
                else:
                    self.until.pop(edition, None)
            return response
        _inc(self.crawler.stats, request, "firewall/challenges")
        self.in_row[edition] += 1
        delay = min(max(self.delay.get(edition, 0.0) * 2, self.base_delay), self.max_delay)
        self.delay[edition], self.until[edition] = delay, asyncio.get_event_loop().time() + delay
        if self.crawler.stats is not None:
            self.crawler.stats.max_value(f"newscrawl/{edition}/firewall/max_delay_s", delay)
        if self.in_row[edition] >= self.max_in_row and edition not in self.stopped:
            self.stopped.add(edition)
            if (spider := self.crawler.spider) is not None:
                spider.logger.error(
                    "%s: %d firewall challenge pages in a row (%r at %s): edition stopped; "
                    "the site is blocking this crawler, slow the schedule down or ask the site",
                    *(edition, self.in_row[edition], marker, request.url),
                )
                getattr(spider, "stopped_editions", set()).add(edition)
            _inc(self.crawler.stats, request, "firewall_stopped")
        if edition in self.stopped:
            raise IgnoreRequest(f"firewall challenge page ({marker}); edition stopped: {edition}")
        tries = int(request.meta.get("firewall_retries", 0))
        if tries >= self.retries:
            raise IgnoreRequest(f"firewall challenge page ({marker}) after {tries} retries")
        retry = request.replace(dont_filter=True)
        retry.meta["firewall_retries"] = tries + 1
        return await _after(self.crawler, retry, delay, f"firewall challenge ({marker})")


class SiteUnreachable(IgnoreRequest):
    """Not sent: the site never answered (said once per edition by the middleware)."""


def connection_failure(exception: Exception, request: Request, timeout: float) -> str | None:
    """How a failure that reached no server is told (``cannot resolve report.az``), else None."""
    parts = urlparse_cached(request)
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    if isinstance(exception, CannotResolveHostError):
        return f"cannot resolve {parts.hostname}"
    if isinstance(exception, DownloadConnectionRefusedError):
        return f"connection refused by {where}"
    if isinstance(exception, DownloadTimeoutError):
        return f"no answer from {where} within {request.meta.get('download_timeout', timeout):g} s"
    return None


class UnreachableSiteMiddleware:
    """A site that never answered is not asked for minutes (560, before the retries):
    after ``NEWSCRAWL_UNREACHABLE_ATTEMPTS`` failures that reached no server (DNS, refused,
    timeout) and no response from the host in this run, no request to it is retried or sent
    again (:class:`SiteUnreachable`, which the errbacks pass over); one ERROR line per edition
    names the cause, also in the stat ``newscrawl/<ed>/unreachable`` (the health's ``items``
    check shows it). 0 turns it off."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.attempts = crawler.settings.getint("NEWSCRAWL_UNREACHABLE_ATTEMPTS", 3)
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 180)
        self.answered: set[str] = set()
        #: Per host that never answered: the time of its first failure and how many so far.
        self.failed: dict[str, tuple[datetime, int]] = {}
        self.unreachable: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if (cause := self.unreachable.get(urlparse_cached(request).netloc)) is not None:
            raise SiteUnreachable(f"site unreachable: {cause}")

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        self.answered.add(urlparse_cached(request).netloc)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        host = urlparse_cached(request).netloc
        cause = connection_failure(exception, request, self.timeout)
        if cause is None or self.attempts <= 0 or host in self.answered:
            return
        if host not in self.unreachable:
            first, count = self.failed.get(host, (datetime.now(UTC), 0))
            self.failed[host] = first, count + 1
            if count + 1 < self.attempts:
                return  # the retry middleware sends it again
            self.unreachable[host] = (
                f"{cause} ({count + 1} attempts, first at {first:%H:%M:%S} UTC)"
            )
            self._report(self.unreachable[host])
        raise SiteUnreachable(f"site unreachable: {self.unreachable[host]}") from exception

    def _report(self, cause: str) -> None:
        report_unreachable(self.crawler, cause)


def report_unreachable(crawler: Crawler, cause: str) -> None:
    """One ERROR line per edition naming why the site is not asked again in this run, and the
    stat ``newscrawl/<ed>/unreachable`` (the health's ``items`` check: exit status 3)."""
    spider, stats = crawler.spider, crawler.stats
    for code in [e.code for e in getattr(spider, "editions", [])] or ["site"]:
        if stats is not None:
            stats.set_value(f"newscrawl/{code}/unreachable", cause)
        if spider is not None:
            spider.logger.error(
                "%s: site unreachable: %s; edition stopped, the next run tries again",
                *(code, cause),
            )


class RobotsTxtMiddleware(ScrapyRobotsMiddleware):
    """Scrapy's robots.txt middleware (100), reading the answer as RFC 9309 (2.3.1) says: a
    2xx is parsed; a 4xx means no rules (allow all); a 5xx, no answer within
    ``NEWSCRAWL_ROBOTS_TIMEOUT`` or no connection means complete disallow for this run (the
    next run asks again), and so does a redirect off the site (its rules are not read). Up
    to five redirects are followed; after more the file counts as unavailable (no rules).
    Never retried: the next run is the retry. A disallowed site is refused as unreachable:
    one ERROR line per edition, no article requested, exit status 3."""

    MAX_REDIRECTS = 5

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.timeout = min(  # no longer than any other request
            crawler.settings.getfloat("NEWSCRAWL_ROBOTS_TIMEOUT", 15.0),
            crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 180.0),
        )
        self.parser_class: type[RobotParser] = load_object(crawler.settings["ROBOTSTXT_PARSER"])
        #: Per host: its rules (None: none), or the answer its first request still waits for.
        self.rules: dict[str, RobotParser | asyncio.Future[RobotParser | None] | None] = {}
        #: Per host whose robots.txt could not be read: why (nothing is sent to it).
        self.refused: dict[str, str] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The rules of the request's host, read once per run (:class:`SiteUnreachable` when
        its robots.txt means complete disallow)."""
        netloc = urlparse_cached(request).netloc
        if netloc not in self.rules:
            pending = self.rules[netloc] = asyncio.get_event_loop().create_future()
            parser = None
            try:
                parser = await self._read_rules(request)
            finally:  # the requests waiting for it go on, whatever happened
                self.rules[netloc] = parser
                pending.set_result(parser)
                self._stats.inc_value("robotstxt/request_count")
        known = self.rules[netloc]
        rules = await known if isinstance(known, asyncio.Future) else known
        if (cause := self.refused.get(netloc)) is not None:
            raise SiteUnreachable(f"site unreachable: {cause}")
        return rules

    async def _read_rules(self, request: Request) -> RobotParser | None:
        parts = urlparse_cached(request)
        url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        for _ in range(self.MAX_REDIRECTS + 1):
            robots = Request(
                url,
                priority=self.DOWNLOAD_PRIORITY,
                callback=NO_CALLBACK,
                meta={
                    "dont_obey_robotstxt": True,
                    "dont_redirect": True,  # followed below, within the site
                    "dont_retry": True,
                    "download_timeout": self.timeout,
                },
            )
            try:
                assert self.crawler.engine is not None
                response = await self.crawler.engine.download_async(robots)
            except Exception as exc:
                said = isinstance(exc, SiteUnreachable)  # the site was found unreachable
                cause = connection_failure(exc, robots, self.timeout) or f"{exc}".strip()
                self._refuse(parts.netloc, f"{url}: {cause or type(exc).__name__}", said)
                return None
            status = response.status
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{status}")
            location = response.headers.get(b"Location")
            if 300 <= status < 400 and location:
                target = urljoin(url, location.decode("latin-1"))
                if not SiteUrls(url).is_on_site(target):  # the site's origin
                    self._refuse(parts.netloc, f"{url} redirects off the site: {target}")
                    return None
                url = target
                continue
            if 200 <= status < 300:
                parser = build_from_crawler(self.parser_class, self.crawler, response.body)
                await self.crawler.signals.send_catch_log_async(
                    signal=signals.robots_parsed, robotparser=parser, request=request
                )
                return parser
            if 300 <= status < 500:
                logger.info("%s answered %d: no rules (RFC 9309: allow all)", url, status)
                return None
            self._refuse(parts.netloc, f"{url} answered {status}")
            return None
        logger.warning(
            "%s: more than %d redirects: no rules (RFC 9309: unavailable, allow all)",
            *(url, self.MAX_REDIRECTS),
        )
        return None

    def _refuse(self, netloc: str, cause: str, said: bool = False) -> None:
        self.refused[netloc] = f"robots.txt unavailable, RFC 9309: complete disallow ({cause})"
        self._stats.inc_value("robotstxt/disallowed_all")
        if not said:
            report_unreachable(self.crawler, self.refused[netloc])


def _to_site(crawler: Crawler, request: Request, result: Request | Response) -> Request | Response:
    """What a redirect middleware made of ``request``'s answer: a redirect to the site's origin
    (``SiteUrls.is_on_site``: scheme, host and port) goes on, unfiltered, so a loop ends at
    ``REDIRECT_MAX_TIMES`` instead of vanishing; one to any other origin is refused (the errback
    records ``offsite_redirect``) before anything, its robots.txt included, is asked of it."""
    if not isinstance(result, Request):
        return result
    site = getattr(crawler.spider, "site", None)
    if site is not None and not site.is_on_site(result.url):
        _inc(crawler.stats, request, "offsite_redirects")
        target = urlparse_cached(result)
        raise IgnoreRequest(
            f"Filtered offsite request to {target.scheme}://{target.netloc}: "
            f"{request.url} redirects off the site"
        )
    result.dont_filter = True
    return result


class SiteRedirectMiddleware(RedirectMiddleware):
    """Scrapy's ``RedirectMiddleware`` (600) bound to the spider's site origin (see
    :func:`_to_site`)."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        return _to_site(self.crawler, request, super().process_response(request, response))


class SiteMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` (580) bound to the spider's site origin (see
    :func:`_to_site`): a ``<meta http-equiv=refresh>`` is a redirect too."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        return _to_site(self.crawler, request, super().process_response(request, response))


class DownloaderStats(ScrapyDownloaderStats):
    """Scrapy's download counts (850), and per edition ``requests`` (first attempts),
    ``retried_requests``, ``responses/<status>``, ``download_exceptions/<type>``; a deferral is
    not an exception."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        super().process_request(request)
        retried = request.meta.get("retry_times") or request.meta.get("firewall_retries")
        _inc(self.stats, request, "retried_requests" if retried else "requests")

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        _inc(self.stats, request, f"responses/{response.status}")
        return super().process_response(request, response)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if not isinstance(exception, RequestDeferred):
            super().process_exception(request, exception)
            _inc(self.stats, request, f"download_exceptions/{type(exception).__name__}")
