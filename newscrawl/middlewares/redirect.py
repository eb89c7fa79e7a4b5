"""Redirects that never leave the site and never vanish.

Scrapy's RedirectMiddleware sends a redirect's target back through the scheduler, where a loop
back to a URL already fetched is dropped by the duplicate filter without a word, and a target
on another host is left to the offsite filter. Here a redirect to another host is refused at
once (the request's errback records ``offsite_redirect``; the other host is never contacted),
and redirect targets skip the duplicate filter so that a loop ends at ``REDIRECT_MAX_TIMES``
with ``redirect_loop`` instead of silence.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached


class SiteRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware bound to the configured site (see the module docstring)."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if not isinstance(result, Request):
            return result
        site = getattr(self.crawler.spider, "site", None)
        if site is not None and not site.is_on_site(result.url):
            host = urlparse_cached(result).hostname
            if self.crawler.stats is not None:
                edition = request.meta.get("edition", "site")
                self.crawler.stats.inc_value(f"newscrawl/{edition}/offsite_redirects")
            raise IgnoreRequest(
                f"Filtered offsite request to {host!r}: {request.url} redirects off the site"
            )
        result.dont_filter = True
        return result
