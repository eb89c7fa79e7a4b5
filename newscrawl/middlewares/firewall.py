"""Firewall challenge pages: recognised, counted, slowed down for, and — when they come many
times in a row for one edition — that edition is stopped with a clear error.

A challenge response is retried after a backoff (``NEWSCRAWL_FIREWALL_RETRIES`` times) while
the site's download slot gets a longer delay; the other editions go on.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse

from newscrawl.extract.challenge import challenge_marker


class FirewallMiddleware:
    """See the module docstring. Stopped editions are listed in ``spider.stopped_editions``."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_in_row = settings.getint("NEWSCRAWL_FIREWALL_MAX_IN_ROW", 5)
        self.retries = settings.getint("NEWSCRAWL_FIREWALL_RETRIES", 2)
        self.base_delay = settings.getfloat("NEWSCRAWL_RETRY_BASE_DELAY", 2.0)
        self.max_delay = settings.getfloat("NEWSCRAWL_RETRY_MAX_DELAY", 120.0)
        self.in_row: Counter[str] = Counter()
        self.stopped: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _inc(self, edition: str, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{edition}/{key}")

    def process_request(self, request: Request, spider: Any = None) -> None:
        edition = request.meta.get("edition", "site")
        if edition in self.stopped:
            raise IgnoreRequest(f"edition stopped: {edition} sent firewall challenges")

    def _slow_down(self, request: Request) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = min(max(slot.delay * 2, self.base_delay), self.max_delay)

    async def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        edition = request.meta.get("edition", "site")
        marker = (
            challenge_marker(response.status, response.body)
            if isinstance(response, TextResponse)
            else None
        )
        if marker is None:
            if response.status < 400:
                self.in_row[edition] = 0
            return response
        self._inc(edition, "firewall/challenges")
        self.in_row[edition] += 1
        self._slow_down(request)
        if self.in_row[edition] >= self.max_in_row and edition not in self.stopped:
            self.stopped.add(edition)
            crawl_spider = self.crawler.spider
            if crawl_spider is not None:
                crawl_spider.logger.error(
                    "%s: %d firewall challenge pages in a row (%r at %s): edition stopped; "
                    "the site is blocking this crawler, slow the schedule down or ask the site",
                    edition,
                    self.in_row[edition],
                    marker,
                    request.url,
                )
                getattr(crawl_spider, "stopped_editions", set()).add(edition)
            self._inc(edition, "firewall/stopped")
        if edition in self.stopped:
            raise IgnoreRequest(f"firewall challenge page ({marker}); edition stopped: {edition}")
        tries = int(request.meta.get("firewall_retries", 0))
        if tries >= self.retries:
            raise IgnoreRequest(f"firewall challenge page ({marker}) after {tries} retries")
        delay = min(self.base_delay * 2**tries, self.max_delay)
        await asyncio.sleep(delay)
        retry = request.replace(dont_filter=True)
        retry.meta["firewall_retries"] = tries + 1
        return retry
