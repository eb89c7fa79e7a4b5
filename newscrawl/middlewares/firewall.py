"""Firewall challenge pages: recognised, counted, backed off from per edition, and — when
they come many times in a row for one edition — that edition is stopped with a clear error.

A challenged edition backs off on its own: its delay doubles with each challenge (from
``NEWSCRAWL_RETRY_BASE_DELAY`` up to ``NEWSCRAWL_RETRY_MAX_DELAY``) and halves with each page it
gets through, so the slow-down is bounded and recovers. While an edition backs off, its
requests wait outside the downloader (:mod:`newscrawl.extensions.later`) and the challenged
request is retried after the delay (``NEWSCRAWL_FIREWALL_RETRIES`` times); the download slot,
which all editions share, is never slowed, so the other editions go on at their pace.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse

from newscrawl.extensions.later import DeferredRequests
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
        #: Per edition: the current back-off delay, and until when (loop time) it holds.
        self.delay: dict[str, float] = {}
        self.until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _inc(self, edition: str, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{edition}/{key}")

    def process_request(self, request: Request, spider: Any = None) -> None:
        edition = request.meta.get("edition")
        if edition is None:  # robots.txt and other requests of no edition
            return
        if edition in self.stopped:
            raise IgnoreRequest(f"edition stopped: {edition} sent firewall challenges")
        wait = self.until.get(edition, 0.0) - self._now()
        if wait > 0 and (later := DeferredRequests.of(self.crawler)) is not None:
            raise later.defer(request, wait, f"{edition} backs off from the firewall")

    @staticmethod
    def _now() -> float:
        return asyncio.get_event_loop().time()

    def _back_off(self, edition: str) -> float:
        """A challenge: the edition's delay doubles (bounded); returns it."""
        delay = min(max(self.delay.get(edition, 0.0) * 2, self.base_delay), self.max_delay)
        self.delay[edition] = delay
        self.until[edition] = self._now() + delay
        if self.crawler.stats is not None:
            self.crawler.stats.max_value(f"newscrawl/{edition}/firewall/max_delay_s", delay)
        return delay

    def _recover(self, edition: str) -> None:
        """A page got through: the edition's delay halves (gone below a tenth of the base)."""
        delay = self.delay.get(edition, 0.0) / 2
        if delay < self.base_delay / 10:
            self.delay.pop(edition, None)
            self.until.pop(edition, None)
        else:
            self.delay[edition] = delay

    async def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        edition = request.meta.get("edition")
        if edition is None:
            return response
        marker = (
            challenge_marker(response.status, response.body)
            if isinstance(response, TextResponse)
            else None
        )
        if marker is None:
            if response.status < 400:
                self.in_row[edition] = 0
                self._recover(edition)
            return response
        self._inc(edition, "firewall/challenges")
        self.in_row[edition] += 1
        delay = self._back_off(edition)
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
        retry = request.replace(dont_filter=True)
        retry.meta["firewall_retries"] = tries + 1
        later = DeferredRequests.of(self.crawler)
        if later is None:  # not a running crawl (a unit test): wait in place
            await asyncio.sleep(delay)
            return retry
        raise later.defer(retry, delay, f"firewall challenge ({marker})")
