"""The spider's bounds: the article links taken from RSS feeds and sitemaps per edition and run
(linear however many a listing holds), pages over NEWSCRAWL_MAX_PAGE_BYTES not parsed, and a
body that inflates past DOWNLOAD_MAXSIZE named ``too_large``."""

from __future__ import annotations

import time

from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.failures import classify_failure
from newscrawl.items import Reject
from newscrawl.spiders.report import ReportSpider

BASE = "https://report.az"


def _spider(**settings: object) -> ReportSpider:
    crawler = get_crawler(ReportSpider, dict(settings))
    spider = ReportSpider.from_crawler(crawler)
    crawler.spider = spider
    return spider


def _rss(count: int, start: int = 0) -> XmlResponse:
    items = "".join(
        f"<item><link>{BASE}/en/politics/article-{i}</link></item>"
        for i in range(start, start + count)
    )
    url = f"{BASE}/en/rss/"
    body = f"<rss><channel>{items}</channel></rss>".encode()
    return XmlResponse(url, body=body, request=Request(url))


def test_an_rss_of_50000_links_gives_at_most_the_budget_of_requests_fast() -> None:
    spider = _spider()
    started = time.perf_counter()
    requests = list(spider.parse_listing(_rss(50_000), "en", "rss", True))
    assert time.perf_counter() - started < 5  # linear: the 1,000 taken, the rest only counted
    assert len(requests) == 1000
    assert requests[0].url == f"{BASE}/en/politics/article-0"
    stats = spider.crawler.stats
    assert stats is not None and stats.get_value("newscrawl/en/listing_links_cut") == 49_000


def test_the_budget_is_per_edition_and_run_across_listings() -> None:
    spider = _spider(NEWSCRAWL_MAX_LISTING_LINKS=30)
    first = list(spider.parse_listing(_rss(20), "en", "rss", False))
    second = list(spider.parse_listing(_rss(20, start=100), "en", "rss", False))
    assert (len(first), len(second)) == (20, 10)
    assert list(spider.parse_listing(_rss(5, start=200), "en", "rss", True)) == []


def test_an_article_page_over_the_page_limit_is_a_reject_not_parsed() -> None:
    spider = _spider(NEWSCRAWL_MAX_PAGE_BYTES=100_000)
    url = f"{BASE}/en/politics/big"
    body = b"<html><body><div class='news-detail__desc'>" + b"<p>word</p>" * 20_000
    response = HtmlResponse(url, body=body, request=Request(url))
    (reject,) = spider.parse_article(response, "en", None)
    assert isinstance(reject, Reject)
    assert reject.reason == "too_large" and "NEWSCRAWL_MAX_PAGE_BYTES" in reject.detail


def test_a_feed_page_over_the_page_limit_ends_its_walk_unread() -> None:
    spider = _spider(NEWSCRAWL_MAX_PAGE_BYTES=1000)
    url = f"{BASE}/en/news-feed"
    card = f'<div class="index-post-block"><a class="news__item" href="{BASE}/en/a/b">x</a></div>'
    response = HtmlResponse(url, body=(card * 100).encode(), request=Request(url))
    assert list(spider.parse_feed(response, "en", 1, None, None)) == []


def test_a_body_inflating_past_download_maxsize_is_too_large() -> None:
    message = (
        "Ignored response <200 https://report.az/en/a/b> because its body (1048576 B compressed) "
        "exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression."
    )
    assert classify_failure(IgnoreRequest(message))[0] == "too_large"
