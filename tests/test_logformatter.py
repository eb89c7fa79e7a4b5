"""The log formatter skips Scrapy's per-response and per-item lines that LOG_LEVEL discards."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.logformatter import LevelAwareLogFormatter


def _setup(level: str) -> tuple[LevelAwareLogFormatter, Spider, Request, HtmlResponse]:
    crawler = get_crawler(Spider, {"LOG_LEVEL": level, "DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG"})
    spider = Spider.from_crawler(crawler, name="test")
    request = Request("http://127.0.0.1/en/x/y")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    return LevelAwareLogFormatter.from_crawler(crawler), spider, request, response


def test_info_level_builds_no_debug_lines() -> None:
    formatter, spider, request, response = _setup("INFO")
    assert formatter.crawled(request, response, spider) is None
    assert formatter.scraped({"url": request.url}, response, spider) is None
    assert formatter.dropped({}, DropItem("unchanged"), response, spider) is None
    loud = DropItem("bad", log_level="WARNING")
    kept = formatter.dropped({}, loud, response, spider)
    assert kept is not None and kept["level"] == logging.WARNING


@pytest.mark.parametrize("level", ["DEBUG", "debug"])
def test_debug_level_keeps_every_line(level: str) -> None:
    formatter, spider, request, response = _setup(level)
    crawled = formatter.crawled(request, response, spider)
    assert crawled is not None and crawled["args"]["status"] == 200
    scraped = formatter.scraped({"url": request.url}, response, spider)
    assert scraped is not None and scraped["level"] == logging.DEBUG
    assert formatter.dropped({}, DropItem("unchanged"), response, spider) is not None
