"""The downloader middlewares of ``newscrawl/middlewares.py`` on their own: retries that honour
``Retry-After`` in both forms, the firewall's per-edition back-off and stop, the site-bound
redirects, download stats that do not count a deferral as an exception, and a site that never
answers given up after a few attempts, its cause named once per edition."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from newscrawl.middlewares import (
    BackoffRetryMiddleware,
    DownloaderStats,
    FirewallMiddleware,
    RequestDeferred,
    RobotsTxtMiddleware,
    SiteMetaRefreshMiddleware,
    SiteRedirectMiddleware,
    SiteUnreachable,
    UnreachableSiteMiddleware,
    retry_after_seconds,
)
from newscrawl.site import EDITIONS, SiteUrls

SITE = "http://127.0.0.1:8765"
CHALLENGE = b"<html><title>Attention Required! | Cloudflare</title></html>"
SETTINGS = {"NEWSCRAWL_RETRY_BASE_DELAY": 0.01, "NEWSCRAWL_RETRY_MAX_DELAY": 0.04}


def _crawler(**settings: Any) -> Crawler:
    crawler = get_crawler(Spider, {**SETTINGS, **settings})
    crawler.spider = Spider.from_crawler(crawler, name="t")
    crawler.spider.site = SiteUrls(SITE)  # type: ignore[attr-defined]
    crawler.spider.stopped_editions = set()  # type: ignore[attr-defined]
    return crawler


def _response(
    path: str, status: int = 200, body: bytes = b"<html></html>", headers: Any = None
) -> Response:
    request = Request(SITE + path, meta={"edition": "en"})
    return HtmlResponse(request.url, status=status, body=body, headers=headers, request=request)


def test_retry_after_in_seconds_and_as_an_http_date() -> None:
    now = datetime(2025, 10, 23, 12, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert (
        retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    )
    assert retry_after_seconds("Thu, 23 Oct 2025 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def test_the_retry_waits_for_retry_after_capped_and_doubles_without_it() -> None:
    middleware = BackoffRetryMiddleware.from_crawler(_crawler(NEWSCRAWL_RETRY_MAX_DELAY=60))
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    dated = _response("/en/", 503, headers={"Retry-After": later})
    assert 28 <= middleware.delay_for(dated.request, dated) <= 30  # type: ignore[arg-type]
    seconds = _response("/en/", 429, headers={"Retry-After": "600"})
    assert middleware.delay_for(seconds.request, seconds) == 60  # type: ignore[arg-type]
    third = Request(SITE + "/en/", meta={"retry_times": 2})
    assert middleware.delay_for(third, None) == 0.04


def test_a_503_is_retried_after_the_wait_and_counted_per_edition() -> None:
    crawler = _crawler()
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    response = _response("/en/x", 503, headers={"Retry-After": "0"})
    retry = asyncio.run(middleware.process_response(response.request, response))  # type: ignore[arg-type]
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert crawler.stats is not None and crawler.stats.get_value("newscrawl/en/retries") == 1
    ok = _response("/en/x")
    assert asyncio.run(middleware.process_response(ok.request, ok)) is ok  # type: ignore[arg-type]


def test_the_firewall_backs_off_per_edition_and_stops_an_edition_in_the_end() -> None:
    crawler = _crawler(NEWSCRAWL_FIREWALL_MAX_IN_ROW=3, NEWSCRAWL_FIREWALL_RETRIES=5)
    firewall = FirewallMiddleware.from_crawler(crawler)

    def challenge() -> Any:
        response = _response("/en/a", 403, CHALLENGE)
        return asyncio.run(firewall.process_response(response.request, response))  # type: ignore[arg-type]

    retry = challenge()
    assert isinstance(retry, Request) and retry.meta["firewall_retries"] == 1
    assert firewall.delay["en"] == 0.01
    challenge()
    assert firewall.delay["en"] == 0.02  # doubled
    page = _response("/en/b")
    asyncio.run(firewall.process_response(page.request, page))  # type: ignore[arg-type]
    assert firewall.delay["en"] == 0.01 and firewall.in_row["en"] == 0  # halved, row reset
    for _ in range(2):
        challenge()
    with pytest.raises(IgnoreRequest, match="edition stopped"):
        challenge()
    assert crawler.spider.stopped_editions == {"en"}  # type: ignore[union-attr]
    with pytest.raises(IgnoreRequest):
        firewall.process_request(Request(SITE + "/en/c", meta={"edition": "en"}))

    async def other_edition() -> None:  # the loop's clock is read in a crawl
        return firewall.process_request(Request(SITE + "/ru/c", meta={"edition": "ru"}))

    assert asyncio.run(other_edition()) is None


@pytest.mark.parametrize(
    ("location", "refused"),
    [
        ("/en/other-countries/moved", False),
        ("http://127.0.0.2:8765/en/x", True),  # another host
        ("http://127.0.0.1:9999/en/x", True),  # another port
        ("https://example.org/en/x", True),
    ],
)
def test_a_redirect_never_leaves_the_site(location: str, refused: bool) -> None:
    crawler = _crawler()
    middleware = SiteRedirectMiddleware.from_crawler(crawler)
    response = _response("/en/x", 301, b"", {"Location": location})
    if refused:
        with pytest.raises(IgnoreRequest, match="redirects off the site"):
            middleware.process_response(response.request, response)  # type: ignore[arg-type]
        assert crawler.stats is not None
        assert crawler.stats.get_value("newscrawl/en/offsite_redirects") == 1
    else:
        target = middleware.process_response(response.request, response)  # type: ignore[arg-type]
        assert isinstance(target, Request) and target.dont_filter  # a loop ends, not vanishes
        assert target.url == SITE + location


@pytest.mark.parametrize(
    ("location", "refused"),
    [
        ("/en/other-countries/moved", False),
        ("http://127.0.0.1:9999/en/x", True),  # another port of the site's host
        ("https://127.0.0.1:8765/en/x", True),  # another scheme on the site's port
    ],
)
def test_a_meta_refresh_never_leaves_the_site_origin(location: str, refused: bool) -> None:
    crawler = _crawler()
    middleware = SiteMetaRefreshMiddleware.from_crawler(crawler)
    body = f'<html><head><meta http-equiv="refresh" content="0;url={location}"></head></html>'
    response = _response("/en/x", 200, body.encode(), {"Content-Type": "text/html"})
    if refused:
        with pytest.raises(IgnoreRequest, match="redirects off the site"):
            middleware.process_response(response.request, response)  # type: ignore[arg-type]
    else:
        target = middleware.process_response(response.request, response)  # type: ignore[arg-type]
        assert isinstance(target, Request) and target.url == SITE + location


def test_a_deferral_is_not_a_download_exception() -> None:
    crawler = _crawler()
    stats = DownloaderStats.from_crawler(crawler)
    request = Request(SITE + "/en/x", meta={"edition": "en"})
    stats.process_request(request)
    stats.process_exception(request, RequestDeferred("en backs off from the firewall"))
    assert crawler.stats is not None
    assert crawler.stats.get_value("downloader/exception_count") is None
    stats.process_exception(request, IgnoreRequest("edition stopped"))
    assert crawler.stats.get_value("downloader/exception_count") == 1
    assert crawler.stats.get_value("newscrawl/en/download_exceptions/IgnoreRequest") == 1
    assert crawler.stats.get_value("newscrawl/en/requests") == 1


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (DownloadConnectionRefusedError("refused"), "connection refused by 127.0.0.1:8765"),
        (CannotResolveHostError("no"), "cannot resolve 127.0.0.1"),
        (DownloadTimeoutError("slow"), "no answer from 127.0.0.1:8765 within 7 s"),
    ],
)
def test_a_site_that_never_answers_is_given_up_after_three_attempts(
    error: Exception, cause: str
) -> None:
    crawler = _crawler(DOWNLOAD_TIMEOUT=7)
    assert crawler.spider is not None
    crawler.spider.editions = [EDITIONS["az"], EDITIONS["en"]]  # type: ignore[attr-defined]
    middleware = UnreachableSiteMiddleware.from_crawler(crawler)
    request = Request(SITE + "/en/", meta={"edition": "en"})
    middleware.process_exception(request, error)  # no answer: the retry middleware's turn
    middleware.process_exception(request, error)
    assert crawler.stats is not None and crawler.stats.get_value("newscrawl/en/unreachable") is None
    with pytest.raises(SiteUnreachable, match=f"site unreachable: {cause} \\(3 attempts"):
        middleware.process_exception(request, error)
    for code in ("az", "en"):
        assert str(crawler.stats.get_value(f"newscrawl/{code}/unreachable")).startswith(cause)
    with pytest.raises(SiteUnreachable):  # nothing more is sent, a deferred retry included
        middleware.process_request(Request(SITE + "/ru/", meta={"edition": "ru"}))
    other = Request("http://127.0.0.2:8765/", meta={"edition": "en"})
    middleware.process_request(other)  # another host is asked as usual: nothing raised


def test_a_site_that_answered_once_is_never_given_up() -> None:
    crawler = _crawler()
    middleware = UnreachableSiteMiddleware.from_crawler(crawler)
    middleware.process_response(Request(SITE + "/"), _response("/"))
    request = Request(SITE + "/en/", meta={"edition": "en"})
    for _ in range(5):  # nothing raised: each is retried as usual
        middleware.process_exception(request, DownloadTimeoutError("slow"))
    middleware.process_exception(request, ValueError("not a connection"))
    middleware.process_request(request)
    assert crawler.stats is not None and crawler.stats.get_value("newscrawl/en/unreachable") is None


def test_zero_attempts_turns_it_off() -> None:
    middleware = UnreachableSiteMiddleware.from_crawler(_crawler(NEWSCRAWL_UNREACHABLE_ATTEMPTS=0))
    request = Request(SITE + "/en/", meta={"edition": "en"})
    for _ in range(5):  # nothing raised
        middleware.process_exception(request, CannotResolveHostError("no"))
    middleware.process_request(request)
    assert middleware.unreachable == {}


class _Engine:
    """Answers each robots.txt request with the next of ``answers`` (a status and headers, or
    an exception), and keeps the requests."""

    def __init__(self, *answers: tuple[int, dict[str, str]] | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[Request] = []

    async def download_async(self, request: Request) -> Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer
        return Response(
            request.url, status=status, headers=headers, body=b"User-agent: *\nDisallow: /x\n"
        )


def _robots(engine: _Engine) -> RobotsTxtMiddleware:
    crawler = get_crawler(Spider, {"ROBOTSTXT_OBEY": True, "NEWSCRAWL_ROBOTS_TIMEOUT": 4})
    crawler.engine = engine  # type: ignore[assignment]
    return RobotsTxtMiddleware(crawler)


def _verdict(middleware: RobotsTxtMiddleware, url: str = "https://report.az/en/a/b") -> str:
    async def ask() -> str:
        try:
            await middleware.process_request(Request(url))
        except SiteUnreachable as exc:
            return f"refused: {exc}"
        except IgnoreRequest:
            return "forbidden"
        return "allowed"

    return asyncio.run(ask())


@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        ([(200, {})], "allowed"),  # parsed: /x is disallowed, /en/a/b is not
        ([(404, {})], "allowed"),  # RFC 9309 2.3.1.3: unavailable, no rules
        ([(403, {})], "allowed"),
        ([(401, {})], "allowed"),
        ([(500, {})], "refused"),  # 2.3.1.4: unreachable, complete disallow
        ([(503, {"Retry-After": "60"})], "refused"),
        ([DownloadTimeoutError("took too long")], "refused"),
        ([DownloadConnectionRefusedError("refused")], "refused"),
        ([(301, {"Location": "https://report.az/robots2.txt"}), (500, {})], "refused"),
        ([(302, {"Location": "http://report.az:8080/robots.txt"})], "refused"),  # off the site
        ([(302, {"Location": "https://evil.example/robots.txt"})], "refused"),
        ([(301, {"Location": "/r"})] * 6, "allowed"),  # 2.3.1.2: after 5 redirects, no rules
    ],
)
def test_robots_txt_answers_read_as_rfc_9309_says(
    answers: list[tuple[int, dict[str, str]] | Exception], verdict: str
) -> None:
    engine = _Engine(*answers)
    middleware = _robots(engine)
    assert _verdict(middleware).startswith(verdict)
    assert len(engine.requests) == len(answers) and engine.answers == []  # never retried
    first = engine.requests[0]
    assert first.url == "https://report.az/robots.txt"
    assert first.meta["dont_retry"] and first.meta["download_timeout"] == 4
    if verdict == "refused":  # and every later request, without asking again
        assert _verdict(middleware, "https://report.az/ru/c/d").startswith("refused")
        assert len(engine.requests) == len(answers)


def test_a_parsed_robots_txt_is_obeyed() -> None:
    middleware = _robots(_Engine((200, {})))
    assert _verdict(middleware, "https://report.az/x") == "forbidden"
