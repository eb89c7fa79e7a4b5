"""Download failures as stable reject reasons (``timeout``, ``redirect_loop``, ``too_large``...).

Matched by exception class name, so the mapping holds across Scrapy and Twisted versions that
moved or renamed their exception classes.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

_BY_CLASS: dict[str, str] = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "ConnectError": "connection_refused",
    "ResponseDataLossError": "connection_lost",
    "_DataLoss": "connection_lost",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ResponseFailed": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "DownloadFailedError": "connection_lost",
    "DownloadCancelledError": "too_large",
    "CannotResolveHostError": "dns_error",
    "DNSLookupError": "dns_error",
}

_IGNORED: tuple[tuple[str, str], ...] = (
    ("max redirections", "redirect_loop"),
    ("Filtered offsite request", "offsite_redirect"),
    ("Forbidden by robots.txt", "robots_forbidden"),
    ("firewall", "firewall_challenge"),
    ("edition stopped", "edition_stopped"),
)


def classify_failure(error: BaseException | None) -> tuple[str, str]:
    """The reject reason and a one-line detail for a failed request."""
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
    if "larger than download max size" in message or "download max size" in message:
        return "too_large", message
    return _BY_CLASS.get(name, "download_error"), f"{name}: {message}"[:500]


#: Reasons that may clear by themselves: the page is worth asking for again in a later run.
TRANSIENT_REASONS = frozenset(
    {
        "timeout",
        "connection_lost",
        "connection_refused",
        "dns_error",
        "download_error",
        "firewall_challenge",
        "edition_stopped",
        "http_429",
    }
)


def is_transient(reason: str) -> bool:
    """True for failures a later run may not meet again (5xx, timeouts, firewall...)."""
    return reason in TRANSIENT_REASONS or reason.startswith("http_5")
