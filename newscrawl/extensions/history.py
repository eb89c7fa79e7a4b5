"""Run history in the state: each run's per-edition counts, a rolling window and a trend.

At ``spider_closed``, before :class:`~newscrawl.extensions.state.CrawlState` closes the store
(this extension's order is lower), the per-edition counts of the run (exported, rejected,
requests, errors, fields filled, generic layouts) go into the state's ``runs`` table. The sum
over the runs of the last ``NEWSCRAWL_HEALTH_WINDOW_HOURS`` (this one included) becomes the
edition's ``window`` figures, and the articles first seen in the last 24 h against the median
day of the 7 before its ``trend``; the run summary adds both to the stats file and the health
checks judge a rate on the window when the run alone is too small a sample.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.editions import LANGUAGES
from newscrawl.extensions.state import CrawlState
from newscrawl.state.store import StateStore

#: Rows of the runs table older than this are deleted.
KEEP_RUNS = timedelta(days=30)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def rejects_that_count(dropped: dict[str, int]) -> int:
    """TEMP for health until core lands (was newscrawl.monitors.thresholds)."""
    return sum(n for reason, n in dropped.items() if not reason.startswith("duplicate"))


def run_counts(figures: dict[str, Any]) -> dict[str, Any]:
    """The counts of one edition's run summary that add up over runs."""
    exported = int(figures.get("exported", 0))
    coverage = figures.get("coverage") or {}
    return {
        "exported": exported,
        "rejected": rejects_that_count(figures.get("dropped") or {}),
        "dropped": dict(figures.get("dropped") or {}),
        "requests": int(figures.get("requests", 0)),
        "errors": int(figures.get("errors", 0)),
        "generic": int((figures.get("layouts") or {}).get("generic", 0)),
        "filled": {name: round(float(share) * exported) for name, share in coverage.items()},
    }


def window_of(runs: list[dict[str, Any]], hours: float) -> dict[str, Any]:
    """The sum of several runs' counts."""
    dropped: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    total = {"exported": 0, "rejected": 0, "requests": 0, "errors": 0, "generic": 0}
    for run in runs:
        for key in total:
            total[key] += int(run.get(key, 0))
        dropped.update({k: int(v) for k, v in (run.get("dropped") or {}).items()})
        filled.update({k: int(v) for k, v in (run.get("filled") or {}).items()})
    return {
        "hours": hours,
        "runs": len(runs),
        **total,
        "dropped": dict(sorted(dropped.items())),
        "filled": dict(sorted(filled.items())),
    }


def trend_of(store: StateStore, language: str, now: datetime) -> dict[str, Any]:
    """Articles first seen in the last 24 h, and per day over the 7 days before."""
    day = timedelta(hours=24)
    last = store.first_seen_between(language, _iso(now - day), _iso(now + timedelta(minutes=1)))
    days = [
        store.first_seen_between(language, _iso(now - day * (n + 1)), _iso(now - day * n))
        for n in range(1, 8)
    ]
    return {"last_24h": last, "median_7d": statistics.median(days), "days": days}


class RunHistory:
    """Keeps the run's counts in the state and computes ``window`` and ``trend`` per edition
    (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.windows: dict[str, dict[str, Any]] = {}
        self.trends: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @classmethod
    def of(cls, crawler: Crawler) -> RunHistory | None:
        try:
            found: RunHistory | None = crawler.get_extension(cls)
        except RuntimeError:
            return None
        return found

    def spider_closed(self, spider: Spider, reason: str) -> None:
        from newscrawl.extensions.summary import RunSummary  # summary reads this one

        settings = self.crawler.settings
        if not settings.getbool("NEWSCRAWL_RUN_STATS", True) or reason == "state_locked":
            return
        store = CrawlState.of(self.crawler).store
        try:
            summary = self.crawler.get_extension(RunSummary)
        except RuntimeError:
            summary = None
        if store.closed or not store.persistent or summary is None:
            return
        self.record(store, summary.editions_summary(spider), spider, datetime.now(UTC))

    def record(
        self,
        store: StateStore,
        editions: dict[str, dict[str, Any]],
        spider: Spider,
        now: datetime,
    ) -> None:
        """Record this run's counts, then read the window and the trend of each edition."""
        hours = self.crawler.settings.getfloat("NEWSCRAWL_HEALTH_WINDOW_HOURS", 24.0)
        since = _iso(now - timedelta(hours=hours))
        run_id = str(getattr(spider, "run_id", ""))
        mode = getattr(spider, "mode", None)
        for code, figures in editions.items():
            if code not in LANGUAGES:
                continue
            counts = run_counts(figures)
            store.record_run(run_id, code, _iso(now), counts, mode)
            self.windows[code] = window_of(store.runs_since(code, since), hours)
            self.trends[code] = trend_of(store, code, now)
        store.forget_runs_before(_iso(now - KEEP_RUNS))
