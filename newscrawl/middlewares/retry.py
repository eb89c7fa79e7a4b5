"""Retries with exponential backoff that honour ``Retry-After``.

Scrapy's own RetryMiddleware re-queues a failed request at once. Against a site behind a
firewall that answers 429/503 to impatient clients, this one waits first: the larger of
``NEWSCRAWL_RETRY_BASE_DELAY * 2**attempt`` and the response's ``Retry-After`` (seconds or an
HTTP date), capped at ``NEWSCRAWL_RETRY_MAX_DELAY``. The retry itself is Scrapy's public
``get_retry_request`` (retry counts, ``RETRY_TIMES``, priority and stats as Scrapy keeps them).
The wait holds no download slot: the retry goes back to the scheduler when it is over
(:mod:`newscrawl.extensions.later`).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

from newscrawl.extensions.later import DeferredRequests


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value, or None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
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
    """RetryMiddleware that waits before each retry (see the module docstring)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base_delay: float = settings.getfloat("NEWSCRAWL_RETRY_BASE_DELAY", 2.0)
        self.max_delay: float = settings.getfloat("NEWSCRAWL_RETRY_MAX_DELAY", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    def delay_for(self, request: Request, response: Response | None) -> float:
        """How long to wait before retrying ``request``."""
        attempt = int(request.meta.get("retry_times", 0))
        delay = float(self.base_delay * (2**attempt))
        if response is not None:
            retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
            if retry_after is not None:
                delay = max(delay, retry_after)
        return float(min(delay, self.max_delay))

    async def _after_wait(self, request: Request, retry: Request, seconds: float) -> Request:
        """``retry`` once ``seconds`` have passed: deferred through the scheduler (raises
        :class:`RequestDeferred`), so that the wait holds no download slot."""
        if self.crawler.stats is not None:
            edition = request.meta.get("edition", "unknown")
            self.crawler.stats.inc_value(f"newscrawl/{edition}/retries")
            self.crawler.stats.inc_value("newscrawl/retry_wait_ms", round(seconds * 1000))
        if seconds <= 0:
            return retry
        later = DeferredRequests.of(self.crawler)
        if later is None:  # not a running crawl (a unit test): wait in place
            await asyncio.sleep(seconds)
            return retry
        raise later.defer(retry, seconds, f"retry {retry.meta.get('retry_times')}")

    def _retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        assert self.crawler.spider is not None
        # RETRY_TIMES / RETRY_PRIORITY_ADJUST and their request.meta overrides are read there
        return get_retry_request(request, spider=self.crawler.spider, reason=reason)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        return await self._after_wait(request, retry, self.delay_for(request, response))

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry_request(request, exception)
        if retry is None:
            return None
        return await self._after_wait(request, retry, self.delay_for(request, None))
