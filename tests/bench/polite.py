"""Politeness efficiency: how much of the request rate a polite configuration allows a crawl uses.

The crawls run at a polite configuration on the replica (:data:`POLITE_SETTINGS`); the replica
logs every request it serves (``--request-log``), and the rate the site saw is read from those
times, not from the crawler's own account.

The rate a download delay allows. Scrapy keeps one download slot per host name
(``Downloader.get_slot_key``: ``urlparse_cached(request).hostname``); the three editions are
paths of one host, so they share one slot. A slot with a delay sends one request, then waits
``penalty = delay - (now - lastseen)`` before the next one
(``Downloader._process_queue``), whatever ``CONCURRENT_REQUESTS_PER_DOMAIN`` says (with a delay
the loop sends one request and breaks). So the allowed rate is::

    allowed = slots / DOWNLOAD_DELAY            (here 1 / 0.25 s = 4 requests/s)

the formula the targets use; with ``DOWNLOAD_DELAY_JITTER`` (Scrapy's default 0.5, the old
``RANDOMIZE_DOWNLOAD_DELAY = True``) each delay is drawn from ``[0.5, 1.5] x DOWNLOAD_DELAY``,
mean ``DOWNLOAD_DELAY``, so the documented mean rate is the same. Scrapy's source, though, draws
a new delay each time its timer fires (``_latercall`` calls ``_process_queue``, which calls
``slot.download_delay()`` again) and waits again when the new draw is longer than the time
already waited. With a queue that never empties, the wait is then the last of a run of
increasing draws, of mean (for draws uniform in ``[d(1-j), d(1+j)]``)::

    d x (1 + j x (2e - 5))                     (j = 0.5: 1.218 d, so 0.82 of slots / d)

:func:`scrapy_ceiling` gives that rate (checked by simulation in ``tests/bench/test_bench.py``);
the report shows efficiencies against both, and a baseline spider crawled the same way shows
what Scrapy itself reaches.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.bench.measure import Measurement
from tests.site.requestlog import read_log

#: The polite configuration of the measurement (DOWNLOAD_DELAY_JITTER: Scrapy's default).
POLITE_DELAY = 0.25
POLITE_PER_DOMAIN = 4
POLITE_SETTINGS: dict[str, str] = {
    "DOWNLOAD_DELAY": str(POLITE_DELAY),
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(POLITE_PER_DOMAIN),
    "AUTOTHROTTLE_ENABLED": "0",
    "LOG_LEVEL": "INFO",
}
#: Scrapy's default DOWNLOAD_DELAY_JITTER (the ±50 % of RANDOMIZE_DOWNLOAD_DELAY = True).
SCRAPY_DEFAULT_JITTER = 0.5
#: Download slots the crawl uses: the editions are paths of one host.
SLOTS = 1


def allowed_rate(delay: float = POLITE_DELAY, slots: int = SLOTS) -> float:
    """Requests per second a per-slot download delay allows: ``slots / delay``."""
    return slots / delay


def scrapy_ceiling(
    delay: float = POLITE_DELAY, jitter: float = SCRAPY_DEFAULT_JITTER, slots: int = SLOTS
) -> float:
    """The rate Scrapy's slot timer reaches with a full queue, its delay drawn again on wake-up.

    Mean wait ``d (1 + j (2e - 5))`` for ``0 <= j <= 1`` (see the module docstring).
    """
    return slots / (delay * (1 + min(max(jitter, 0.0), 1.0) * (2 * math.e - 5)))


#: A wait longer than the longest delay the jitter draws, plus this, is a gap: the crawl had
#: nothing queued for the site (it was waiting for a page to be parsed, or starting, or ending).
GAP_SLACK_SECONDS = 0.05


@dataclass
class RequestWindow:
    """The requests one crawl made, as the replica logged them."""

    paths: list[str]
    #: Seconds since the first request, one per request, in order.
    offsets: list[float]

    @property
    def requests(self) -> int:
        return len(self.paths)

    @property
    def span_seconds(self) -> float:
        return self.offsets[-1] - self.offsets[0] if len(self.offsets) > 1 else 0.0

    @property
    def intervals(self) -> list[float]:
        return [b - a for a, b in zip(self.offsets, self.offsets[1:], strict=False)]

    @property
    def rate(self) -> float:
        """Requests per second between the first and the last request (n - 1 intervals)."""
        return (self.requests - 1) / self.span_seconds if self.span_seconds else math.nan

    def gaps(self, delay: float, jitter: float = SCRAPY_DEFAULT_JITTER) -> list[float]:
        """Intervals longer than the longest drawn delay: time the slot sat idle."""
        limit = delay * (1 + jitter) + GAP_SLACK_SECONDS
        return [interval for interval in self.intervals if interval > limit]


def window_from_log(path: Path, skip: int = 0) -> RequestWindow:
    """The requests of the replica's log after its first ``skip`` records (earlier crawls).

    The benchmark's own requests to the replica's control endpoints (``/__clock__``,
    ``/__truth__.json``) are left out.
    """
    records = [r for r in read_log(path)[skip:] if not str(r["path"]).startswith("/__")]
    if not records:
        return RequestWindow([], [])
    times = [datetime.fromisoformat(str(record["time"])) for record in records]
    start = times[0]
    return RequestWindow(
        [str(record["path"]) for record in records],
        [(moment - start).total_seconds() for moment in times],
    )


def log_length(path: Path) -> int:
    """Records in the replica's log so far (where the next crawl's requests start)."""
    return len(read_log(path)) if path.exists() else 0


@dataclass
class PoliteRun:
    """One crawl at the polite configuration."""

    crawler: str  # "report" or "baseline"
    mode: str  # "latest" or "archive"
    measurement: Measurement
    window: RequestWindow
    delay: float = POLITE_DELAY
    jitter: float = SCRAPY_DEFAULT_JITTER
    arguments: dict[str, str] = field(default_factory=dict)

    @property
    def allowed(self) -> float:
        return allowed_rate(self.delay)

    @property
    def ceiling(self) -> float:
        return scrapy_ceiling(self.delay, self.jitter)

    @property
    def efficiency(self) -> float:
        """Requests per second the site saw / requests per second the delay allows."""
        return self.window.rate / self.allowed

    @property
    def efficiency_vs_ceiling(self) -> float:
        return self.window.rate / self.ceiling

    @property
    def whole_run_rate(self) -> float:
        """Requests per wall-clock second of the whole process (start-up and close included)."""
        wall = self.measurement.wall_seconds
        return self.window.requests / wall if wall else math.nan

    @property
    def mean_interval(self) -> float:
        intervals = self.window.intervals
        return statistics.fmean(intervals) if intervals else math.nan

    @property
    def gap_seconds(self) -> float:
        """Idle time beyond the longest drawn delay, summed over the gaps."""
        limit = self.delay * (1 + self.jitter)
        return sum(gap - limit for gap in self.window.gaps(self.delay, self.jitter))
