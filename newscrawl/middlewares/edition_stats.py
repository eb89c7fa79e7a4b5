"""Per-edition request accounting: ``newscrawl/<edition>/requests`` (first attempts only),
``.../retried_requests`` (every further attempt of a request: retries after errors, firewall
pages or empty pages), ``.../responses/<status>``."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.http import Request, Response


class EditionStatsMiddleware:
    """Counts requests (a retry apart), responses by status and download errors per edition."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _inc(self, request: Request, key: str) -> None:
        if self.crawler.stats is not None:
            edition = request.meta.get("edition", "site")
            self.crawler.stats.inc_value(f"newscrawl/{edition}/{key}")

    def process_request(self, request: Request, spider: Any = None) -> None:
        retried = request.meta.get("retry_times") or request.meta.get("firewall_retries")
        self._inc(request, "retried_requests" if retried else "requests")

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        self._inc(request, f"responses/{response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        self._inc(request, f"download_exceptions/{type(exception).__name__}")
