"""Failed requests: which request failed, its stable reject reason, and whether the failure
is one of the URL itself (counted against its failure budget across runs) or of the site."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.middlewares import RequestDeferred, SiteUnreachable


def failed_request(failure: Failure) -> Request | None:
    """The request that failed, or None when it was only deferred (sent again after a wait) or
    not sent to a site that never answered (said once per edition by the middleware)."""
    if failure.check(RequestDeferred, SiteUnreachable):
        return None
    return failure.request  # type: ignore[attr-defined,no-any-return]


_CLASSES = {
    "timeout": "DownloadTimeoutError TimeoutError TCPTimedOutError",
    "connection_refused": "DownloadConnectionRefusedError ConnectionRefusedError ConnectError",
    "connection_lost": "ResponseDataLossError _DataLoss ConnectionLost ConnectionDone "
    "ResponseFailed ResponseNeverReceived DownloadFailedError",
    "too_large": "DownloadCancelledError",
    "dns_error": "CannotResolveHostError DNSLookupError",
}
_BY_CLASS = {name: reason for reason, names in _CLASSES.items() for name in names.split()}
_IGNORED = (
    ("max redirections", "redirect_loop"),
    ("Filtered offsite request", "offsite_redirect"),
    ("Forbidden by robots.txt", "robots_forbidden"),
    ("firewall", "firewall_challenge"),
    ("edition stopped", "edition_stopped"),
    ("exceeded DOWNLOAD_MAXSIZE", "too_large"),
)
#: Reasons that may clear by themselves (and 5xx): the page is worth asking for again later.
TRANSIENT_REASONS = frozenset(
    {"timeout", "connection_lost", "connection_refused", "dns_error", "download_error"}
    | {"firewall_challenge", "edition_stopped", "http_429"}
)

#: Transient reasons that say the site (or the edition) failed, not the URL: never counted
#: against a URL's failure budget.
SITE_REASONS = frozenset(
    {"connection_refused", "dns_error", "firewall_challenge", "edition_stopped"}
)


def classify_failure(error: BaseException | None) -> tuple[str, str]:
    """The reject reason and a one-line detail for a failed request (matched by exception
    class name, so it holds across Scrapy and Twisted versions)."""
    if isinstance(error, HttpError):
        status = error.response.status
        return f"http_{status}", f"the site answered HTTP {status}"
    message = str(error) if error is not None else "unknown failure"
    name = type(error).__name__
    if isinstance(error, IgnoreRequest):
        for fragment, reason in _IGNORED:
            if fragment in message:
                return reason, message
        return "ignored", message
    if "download max size" in message:
        return "too_large", message
    return _BY_CLASS.get(name, "download_error"), f"{name}: {message}"[:500]


@dataclass(frozen=True)
class ArticleFailure:
    """A failed article request, as its reject and the URL's failure budget see it."""

    #: The article: the URL first asked for, not the last hop of the site's redirects.
    url: str
    reason: str
    detail: str
    #: The failure may clear by itself: the page is asked for again in a later run.
    transient: bool

    @property
    def counted(self) -> bool:
        """A transient failure of the URL itself (not of the site): it uses up the URL's
        failure budget (``NEWSCRAWL_URL_FAILURE_RUNS``)."""
        return self.transient and self.reason not in SITE_REASONS

    @classmethod
    def of(cls, failure: Failure, request: Request) -> ArticleFailure:
        reason, detail = classify_failure(failure.value)
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        if url != request.url:
            detail = f"{detail} (last hop {request.url})"
        transient = reason in TRANSIENT_REASONS or reason.startswith("http_5")
        return cls(url, reason, detail, transient)
