"""The run's life over the state of earlier runs, as one Scrapy extension.

When the spider opens: take the lock beside the state file, open the store, fold in what a
killed run wrote (recovery), note this run as open, and set up the incremental policy. During
the run it keeps the progress of the feed walks (:mod:`newscrawl.walk`). When the spider
closes: grow the walked ranges by what the walks covered for good (leaving holes where a walk
was cut short), note the run as finished, close the store and release the lock.

The spider and the pipelines reach it through the crawler (``crawler.get_extension``); the
spider provides ``run_id``, ``base_url``, ``recheck_hours`` and ``records_walks``.
With ``NEWSCRAWL_STATE`` empty the store lives in memory for the run (in-run deduplication
still works, nothing is skipped and no mark is kept).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.state.incremental import IncrementalPolicy
from newscrawl.state.lock import StateLock, StateLockedError
from newscrawl.state.recovery import mark_run_finished, mark_run_open, recover_unfinished_run
from newscrawl.state.store import StateStore
from newscrawl.walk import TOP, WalkProgress

#: Exit status when another run holds the state lock (EX_TEMPFAIL: try again later).
EXIT_STATE_LOCKED = 75
#: The crawler stat ``scrapy crawl`` takes its exit status from (see commands/crawl.py).
EXIT_CODE_STAT = "newscrawl/exit_code"


def set_exit_code(crawler: Crawler, code: int) -> None:
    """Set the run's exit status unless an earlier cause already set one."""
    if crawler.stats is not None and not crawler.stats.get_value(EXIT_CODE_STAT):
        crawler.stats.set_value(EXIT_CODE_STAT, code)


class CrawlState:
    """Lock, store, crash recovery and walk marks of one run (see the module docstring)."""

    def __init__(self, crawler: Crawler | None = None, path: str | None = None) -> None:
        self.crawler = crawler
        self.path = path
        self.output_dir = (
            (crawler.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output") if crawler else "output"
        )
        overlap = (
            crawler.settings.getfloat("NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES", 30)
            if (crawler)
            else 30.0
        )
        self.overlap = timedelta(minutes=overlap)
        self.store = StateStore(None)
        self.policy = IncrementalPolicy(self.store)
        #: Why the state could not be taken (another run holds the lock), or None.
        self.locked_error: str | None = None
        #: Articles a killed earlier run wrote that were folded into the store at the start.
        self.recovered = 0
        self._lock: StateLock | None = None
        #: The feed walks of this run, page by page.
        self.progress = WalkProgress()
        self._holes_at_close: dict[str, list[dict[str, str | None]]] = {}
        settings = crawler.settings if crawler is not None else None
        horizon = settings.getfloat("NEWSCRAWL_EDIT_HORIZON_HOURS", 24) if settings else 0.0
        self.horizon = timedelta(hours=horizon) if horizon > 0 else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler, crawler.settings.get("NEWSCRAWL_STATE") or None)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @classmethod
    def of(cls, crawler: Crawler | None) -> CrawlState:
        """The crawl's instance; an in-memory one when the extension is not running (a
        spider or pipeline under unit test, or the extension switched off)."""
        if crawler is not None:
            try:
                found = crawler.get_extension(cls)
            except RuntimeError:  # no extension manager yet: not a running crawl
                found = None
            if found is not None:
                return found
        return cls(crawler, None)

    # -- opening -------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        self.open(
            run_id=str(getattr(spider, "run_id", "")),
            site=str(getattr(spider, "base_url", "")),
            recheck_hours=float(getattr(spider, "recheck_hours", 0) or 0),
        )

    def open(self, *, run_id: str, site: str, recheck_hours: float = 0) -> None:
        """Take the lock, open and recover the store, and set up the policy."""
        if self.path:
            self._lock = StateLock(Path(self.path))
            try:
                self._lock.acquire()
            except StateLockedError as exc:
                self._lock, self.locked_error = None, str(exc)
                if self.crawler is not None:
                    set_exit_code(self.crawler, EXIT_STATE_LOCKED)
                return
            self.store = StateStore(self.path)
            self.recovered = recover_unfinished_run(self.store)
            mark_run_open(self.store, run_id, self.output_dir)
        recheck = timedelta(hours=recheck_hours) if recheck_hours > 0 else None
        self.policy = IncrementalPolicy(
            self.store, site=site, overlap=self.overlap, recheck=recheck, horizon=self.horizon
        )

    # -- closing -------------------------------------------------------------------------
    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.close(record_walks=bool(getattr(spider, "records_walks", False)))

    def record_walks(self, now: datetime | None = None) -> None:
        """Grow each edition's walked ranges by what this run's walks covered for good."""
        moment = now or datetime.now(UTC)
        editions = {edition for edition, _ in self.progress.walks}
        for edition in sorted(editions):
            walks = self.policy.walks(edition)
            # hole walks first: their indexes refer to the ranges as they were at the start
            ordered = sorted(
                self.progress.of_edition(edition),
                key=lambda walk: -walk.hole.index if walk.hole is not None else 1,
            )
            for walk in ordered:
                covered = walk.covered()
                if covered is None:
                    continue
                newest, oldest, cursor, reached = covered
                if walk.key == TOP:
                    walks.record_top_walk(newest, oldest, cursor, reached, moment)
                elif walk.hole is not None:
                    walks.record_hole_walk(walk.hole, oldest, cursor, reached)
            self.policy.save_walks(edition)
        self._holes_at_close = {
            edition: self.holes(edition) for edition in self.policy.known_walks()
        }

    def holes(self, edition: str) -> list[dict[str, str | None]]:
        """The holes of ``edition``'s feed as the state holds them (oldest last); after the
        close, as they were recorded."""
        if self.store.closed:
            return self._holes_at_close.get(edition, [])
        return [hole.as_dict() for hole in self.policy.walks(edition).holes()]

    def close(self, record_walks: bool = False) -> None:
        """Record the walks, note the run finished, close the store, let go of the lock."""
        if self.store.closed:
            return
        if self.store.persistent:
            if record_walks:
                self.record_walks()
            mark_run_finished(self.store)
        self.store.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __repr__(self) -> str:
        return f"CrawlState(path={self.path!r}, persistent={self.store.persistent})"

    def summary(self) -> dict[str, Any]:
        """What the run summary reports of the state."""
        return {"path": self.path, "recovered_articles": self.recovered}
