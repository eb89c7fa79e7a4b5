"""Requests sent again after a wait, without holding a download slot while they wait.

A downloader middleware that sleeps before returning a retry keeps its request among the
downloader's active ones for the whole wait: a few such waits fill ``CONCURRENT_REQUESTS`` and
stall every edition. Instead, the middleware raises what :meth:`DeferredRequests.defer` gives
(:class:`RequestDeferred`, an ``IgnoreRequest``): the response is let go at once, and the
request goes back to the scheduler (``engine.crawl``, a public API) when the wait is over.
While any request waits, the spider is kept open (``spider_idle`` + ``DontCloseSpider``).
The spider's errbacks ignore :class:`RequestDeferred`: it is not a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request


class RequestDeferred(IgnoreRequest):
    """The request will be scheduled again after a wait (see the module docstring)."""


class DeferredRequests:
    """Holds requests for a while, then gives them back to the engine."""

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

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def defer(self, request: Request, seconds: float, why: str) -> RequestDeferred:
        """Schedule ``request`` again in ``seconds``; raise the returned exception."""
        if self._closing:  # the run is ending: the request is let go
            return RequestDeferred(f"{why}; not sent again, the run is ending")
        again = request if request.dont_filter else request.replace(dont_filter=True)
        key = id(again)
        loop = asyncio.get_event_loop()
        self._waiting[key] = loop.call_later(max(0.0, seconds), self._release, key, again)
        return RequestDeferred(f"{why}; sent again in {seconds:.1f} s")

    def _release(self, key: int, request: Request) -> None:
        self._waiting.pop(key, None)
        engine = self.crawler.engine
        if self._closing or engine is None:
            return
        with contextlib.suppress(RuntimeError):  # the spider closed meanwhile
            engine.crawl(request)

    def cancel_all(self) -> int:
        """Drop every waiting request, and any deferred from now on (the run is ending);
        returns how many were waiting."""
        self._closing = True
        count = len(self._waiting)
        for handle in self._waiting.values():
            handle.cancel()
        self._waiting.clear()
        return count

    def spider_idle(self) -> None:
        if self._waiting:
            raise DontCloseSpider
