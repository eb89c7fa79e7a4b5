"""The run's life, as one Scrapy extension (:class:`Run`): the lock, the state, recovery of a
killed run and the planner when the spider opens (with a shared state, the work units it
claims); each article's line, then its state row (with a shared state, committed together); the
walked ranges, files and retention at the close; the stats file once the engine stopped. The
files themselves are :mod:`newscrawl.output`'s, the stats file's figures
:mod:`newscrawl.summary`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from newscrawl.archive import archive_dir
from newscrawl.archive import expire as expire_archive
from newscrawl.extract.article import LAYOUTS
from newscrawl.items import ARTICLE_FIELDS, COVERAGE_FIELDS, REJECT_FIELDS, Article, Reject
from newscrawl.output import (
    OPEN_RUN_KEY,
    OpenFiles,
    manifest_entries,
    node_name,
    output_path,
    output_problem,
    part_path,
    previous_run,
    publish_run,
    record_line,
    recover_node_runs,
    recover_unfinished_run,
    remove_old_files,
    retention_days,
    validators,
)
from newscrawl.planner import Limits, Planner
from newscrawl.site import LANGUAGES
from newscrawl.sqlitestore import StateLock, StateLockedError
from newscrawl.store import (
    LOCK_WAIT_SECONDS,
    AlreadyRecorded,
    LeaseLost,
    ManifestEntry,
    StateError,
    StateStore,
    StateUnavailable,
    is_database_url,
    redact,
)
from newscrawl.summary import code_version, edition_figures, format_summary
from newscrawl.units import BACKFILL, UnitWork

logger = logging.getLogger(__name__)

#: The crawler stat ``scrapy crawl`` takes its exit status from.
EXIT_CODE_STAT = "newscrawl/exit_code"
EXIT_BAD_RUN, EXIT_HEALTH_FAILED, EXIT_STATE_LOCKED = 1, 3, 75
#: The output folder cannot take the run's files (sysexits ``EX_CANTCREAT``); a write failed
#: during the run: disk full, file too large, I/O error (``EX_IOERR``); the run was cut by a
#: forced shutdown (a second Ctrl-C or SIGTERM) before it closed (as a shell reports Ctrl-C).
EXIT_OUTPUT, EXIT_WRITE_FAILED, EXIT_FORCED = 73, 74, 130
#: Set when the spider opened, and when the engine stopped: a run with the one and not the
#: other was cut before it closed.
OPENED_STAT, CLOSED_STAT = "newscrawl/opened", "newscrawl/closed"
#: The finish reason of a run that ends before any request because its output folder cannot be
#: written, and of one that stopped because a write failed.
OUTPUT_UNWRITABLE, WRITE_FAILED = "output_unwritable", "write_failed"
#: The exit status of a state fault during the run, by its reason.
STATE_FAULT_EXITS = {
    "state_locked": EXIT_STATE_LOCKED,
    WRITE_FAILED: EXIT_WRITE_FAILED,
    "state_failed": EXIT_BAD_RUN,
    # PostgreSQL out of reach beyond NEWSCRAWL_STATE_RETRY_SECONDS: an outage to be seen
    "state_unreachable": EXIT_BAD_RUN,
}
#: The finish reason of a run whose work unit another node took (its lease ran out).
LEASE_LOST = "lease_lost"
#: The layouts written for the site's markup; any other (JSON-LD, generic) is a fallback.
KNOWN_LAYOUTS = frozenset(layout.name for layout in LAYOUTS)
#: ``health`` in the stats file of a run Spidermon did not check.
NO_HEALTH: dict[str, Any] = {"checked": False, "ok": None, "failures": [], "warnings": []}


def set_exit_code(crawler: Crawler, code: int) -> None:
    """Set the run's exit status unless an earlier cause already set one."""
    if crawler.stats is not None and not crawler.stats.get_value(EXIT_CODE_STAT):
        crawler.stats.set_value(EXIT_CODE_STAT, code)


def exit_status(stats: StatsCollector | None) -> int:
    """0 finished and healthy; 1 the state could not be read, or the run did not finish
    (Ctrl-C, a crash: any finish reason but ``finished``); 3 a health check failed; 73 the
    output folder cannot be written; 74 a write failed (disk full); 75 another run holds the
    state lock; 130 a forced shutdown cut the run before it closed (docs/operations.md)."""
    if stats is None:
        return EXIT_BAD_RUN
    if stats.get_value(OPENED_STAT) and not stats.get_value(CLOSED_STAT):
        return EXIT_FORCED
    code = int(stats.get_value(EXIT_CODE_STAT, 0) or 0)
    if code in (EXIT_BAD_RUN, EXIT_OUTPUT, EXIT_WRITE_FAILED, EXIT_STATE_LOCKED):
        return code
    if stats.get_value("finish_reason") != "finished":
        return EXIT_BAD_RUN
    return code


def reason_kind(reason: str) -> str:
    """A reject reason as a stable code (``duplicate_of:<url>`` of old is ``duplicate_of``)."""
    return "duplicate_of" if reason.startswith("duplicate_of:") else reason


class Run:
    """Lock, state, recovery, output files, tallies, stats file and exit status of one run
    (see the module docstring)."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler
        settings = crawler.settings if crawler is not None else BaseSettings()
        self.output_dir = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
        self.state_path: str | None = settings.get("NEWSCRAWL_STATE") or None
        #: The state as messages and the stats file name it (a URL without its password).
        self.state_name = redact(self.state_path) if self.state_path else None
        #: How long a state call waits on another program's lock on the database.
        self.lock_wait = settings.getfloat("NEWSCRAWL_STATE_LOCK_WAIT_SECONDS", LOCK_WAIT_SECONDS)
        #: How long a PostgreSQL state out of reach is waited on.
        self.retry_seconds = settings.getfloat("NEWSCRAWL_STATE_RETRY_SECONDS", 60.0)
        #: This machine's name: in the run id when the state is shared or the name given.
        self.node = node_name(settings)
        self.node_in_run_id = is_database_url(self.state_path) or bool(
            settings.get("NEWSCRAWL_NODE")
        )
        self.store = StateStore(None)
        self.planner = Planner(self.store)
        #: Why the run ends before any request (the line to log), and its finish reason.
        self.failure: str | None = None
        self.failure_reason = ""
        self.run_id = ""
        self.started = datetime.now(UTC)
        self.previous_run: dict[str, Any] = {"finished": None, "recovered_articles": 0}
        self.files: list[dict[str, Any]] = []
        self.removed = 0
        self.archive_removed = 0
        self.holes: dict[str, list[dict[str, str | None]]] = {}
        self._lock: StateLock | None = None
        self._open_files = OpenFiles(self.output_dir, "")
        #: The first write that failed (disk full...): said once; nothing is written after it.
        self.write_failed: str | None = None
        self._closing: Any = None
        #: The work units this run claims, with a shared state (None: it does every edition).
        self.units: UnitWork | None = None
        self._lease_seconds = settings.getfloat("NEWSCRAWL_UNIT_LEASE_SECONDS", 120.0)
        self._rest_seconds = settings.getfloat("NEWSCRAWL_WALK_REST_SECONDS", 60.0)

    @property
    def open_files(self) -> OpenFiles:
        """The files this run writes (named after its run id, known once the spider opens)."""
        if self._open_files.run_id != self.run_id:
            self._open_files = OpenFiles(self.output_dir, self.run_id)
        return self._open_files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        run = cls(crawler)
        crawler.signals.connect(run.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(run.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(run.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(run.engine_stopped, signal=signals.engine_stopped)
        return run

    @classmethod
    def of(cls, crawler: Crawler | None) -> Run:
        """The crawl's instance, else one in memory (a spider or pipeline under unit test)."""
        with contextlib.suppress(RuntimeError):  # no extension manager yet: not a running crawl
            if crawler is not None and (found := crawler.get_extension(cls)) is not None:
                return found
        run = cls(crawler)
        spider = getattr(crawler, "spider", None)
        site, limits = getattr(spider, "base_url", ""), getattr(spider, "limits", Limits())
        run.planner = Planner(run.store, site=site, limits=limits)
        return run

    def _set(self, key: str, value: Any) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(key, value)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    # -- opening -------------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        mode = str(getattr(spider, "mode", "latest"))
        limits: Limits = getattr(spider, "limits", Limits())
        self.run_id = str(getattr(spider, "run_id", "")) or f"{self.started:%Y-%m-%dT%H-%M-%S}"
        if self.node_in_run_id and not self.run_id.endswith(f"-{self.node}"):
            self.run_id = f"{self.run_id}-{self.node}"
            spider.run_id = self.run_id  # type: ignore[attr-defined]
        self._set("newscrawl/run_id", self.run_id)
        self._set("newscrawl/node", self.node)
        self._set("newscrawl/mode", mode)
        self._set("newscrawl/kind", str(getattr(spider, "kind", "crawl")))
        self._set("newscrawl/editions", [e.code for e in getattr(spider, "editions", [])])
        self._set("newscrawl/scheduled", mode == "latest" and limits.records_walks)
        self._set(OPENED_STAT, True)
        if (problem := output_problem(self.output_dir)) is not None:
            self.failure, self.failure_reason = problem, OUTPUT_UNWRITABLE
            if self.crawler is not None:
                set_exit_code(self.crawler, EXIT_OUTPUT)
        else:
            self.open(site=str(getattr(spider, "base_url", "")), limits=limits)
        kind = str(getattr(spider, "kind", "crawl"))
        works = kind == "crawl" and (mode == "archive" or limits.records_walks)
        if self.failure is None and self.store.shared and works:
            self.units = UnitWork(
                self.store,
                self.run_id,
                lease_seconds=self._lease_seconds,
                rest_seconds=self._rest_seconds,
                checkpoint=self._checkpoint,
                lost=self.lease_lost,
            )
        if self.failure is not None:
            spider.logger.error(self.failure)

    def open(self, *, site: str = "", limits: Limits | None = None) -> None:
        """Take the lock, open and recover the state, note the run open, plan over it. A state
        that cannot be trusted (damaged, unwritable, locked) is never replaced by one in
        memory: the run ends before any request (:attr:`failure`). A state in PostgreSQL has
        no lock (runs of several nodes share it): each run holds a session lock named after it
        and recovers the runs of its node that no session holds any more."""
        if self.state_path:
            shared = is_database_url(self.state_path)
            lock = StateLock(Path(self.state_path)) if not shared else None
            try:
                if lock is not None:
                    lock.acquire()
                    self.store = StateStore(self.state_path, lock_wait=self.lock_wait)
                    recover_unfinished_run(self.store, self.node)
                    self.store.set_meta(OPEN_RUN_KEY, f"{self.run_id}|{self.output_dir.resolve()}")
                else:
                    self.store = StateStore(
                        self.state_path, lock_wait=self.lock_wait, retry_seconds=self.retry_seconds
                    )
                    self.store.hold_run(self.run_id)
                    recover_node_runs(self.store, self.node, self.run_id)
                self.previous_run = previous_run(self.store, self.node if shared else None)
                output = str(self.output_dir.resolve())
                self.store.run_started(self.run_id, self.node, output)
            except (StateLockedError, StateError, StateUnavailable) as exc:
                if self.store.persistent:  # opened, then refused: never used
                    self.store.close()
                    self.store = StateStore(None)
                    self.planner = Planner(self.store)
                if lock is not None:
                    lock.release()  # nothing to release when it was not acquired
                locked = isinstance(exc, StateLockedError) or getattr(exc, "locked", False)
                unreachable = getattr(exc, "reason", "") == "state_unreachable"
                self.failure = str(exc)
                self.failure_reason = (
                    "state_locked"
                    if locked
                    else "state_unreachable"
                    if unreachable
                    else "state_unreadable"
                )
                if self.crawler is not None:
                    set_exit_code(self.crawler, EXIT_STATE_LOCKED if locked else EXIT_BAD_RUN)
                return
            self._lock = lock
            self.store.on_fault = self.state_failed
        self.planner = Planner(self.store, site=site, limits=limits or Limits())

    def state_failed(self, fault: StateUnavailable) -> None:
        """The state failed during the run: locked by another program beyond the wait (exit
        75), the disk full (a failed write: exit 74) or another SQLite error (exit 1). One line,
        the run closes; its state writes stop (the next run's recovery records the lines this
        run wrote) and its walked ranges are not recorded."""
        if fault.reason == WRITE_FAILED:
            self.write_fault(f"the state {self.state_name}", fault.error or fault)
            return
        logger.error(str(fault))
        self.failure_reason = fault.reason
        if self.crawler is None:
            return
        set_exit_code(self.crawler, STATE_FAULT_EXITS[fault.reason])
        try:
            close = self.crawler.engine.close_spider_async
        except (RuntimeError, AttributeError):  # no crawl going (the extension under test)
            return
        call_later(0, lambda: deferred_from_coro(close(reason=fault.reason)))

    def lease_lost(self, error: LeaseLost) -> None:
        """Another node took this run's work unit (its lease ran out: the process stood still,
        or the state was out of reach): one line, nothing more is written, the run closes
        (exit 1, finish reason ``lease_lost``)."""
        logger.error("%s; this run stops (its later lines are not kept)", error)
        self.failure_reason = LEASE_LOST
        self._inc("newscrawl/units/lease_lost")
        if self.crawler is None:
            return
        set_exit_code(self.crawler, EXIT_BAD_RUN)
        with contextlib.suppress(RuntimeError, AttributeError):  # no crawl going
            close = self.crawler.engine.close_spider_async
            call_later(0, lambda: deferred_from_coro(close(reason=LEASE_LOST)))

    def _checkpoint(self, edition: str) -> dict[str, Any]:
        """Record what this run walked of ``edition`` so far; where it got to: its walked
        ranges (newest first) and the periods its backfills walked."""
        self.planner.record(edition=edition)

        def spans(ranges: list[Any]) -> list[list[str]]:
            return [[r.top.isoformat(), r.bottom.isoformat()] for r in ranges]

        return {
            "edition": edition,
            "walked": spans(self.planner.held(edition).ranges),
            "backfilled": spans(self.planner.backfill_ranges(edition).ranges),
        }

    def next_unit(self) -> str | None:
        """With a shared state: end the unit held (its walks are over) and claim the next
        free one; its edition, or None when the run has nothing more to do."""
        units = self.units
        if units is None or self.write_failed is not None or self.store.fault is not None:
            return None
        try:
            self._finish_unit()
            edition = units.claim()
        except StateUnavailable:  # said by state_failed
            return None
        if edition is not None:
            self.planner.reset(edition)
        # the editions this run works are those of its units (what the monitors judge)
        self._set("newscrawl/editions", units.editions)
        return edition

    def _finish_unit(self) -> None:
        units = self.units
        if units is None or units.lease is None or units.edition is None:
            return
        edition, kind = units.edition, units.lease.kind
        units.finish(done=kind == BACKFILL and not self.planner.backfill_left(edition))

    # -- items ---------------------------------------------------------------------------------
    def _write(self, kind: str, item: Article | Reject) -> tuple[int, int]:
        """One line of the kind's file (:class:`OpenFiles`); where it starts and ends."""
        fields = REJECT_FIELDS if kind == "rejects" else ARTICLE_FIELDS
        line = json.dumps({name: getattr(item, name) for name in fields}, ensure_ascii=False)
        return self.open_files.append(kind, line.encode("utf-8") + b"\n")

    def write_fault(self, what: str, exc: BaseException, *, stop: bool = True) -> None:
        """A write that failed (disk full, file too large, I/O error): one ERROR line, exit
        status 74; nothing is written after it, the run stops and leaves its files for the
        next run to recover (as after a kill: lines, then their state rows)."""
        if self.write_failed is not None:
            return
        self.write_failed = f"cannot write {what}: {exc}"
        logger.error(
            "%s; the run stops, the next run records what it wrote and fetches the rest",
            self.write_failed,
        )
        if self.crawler is None:
            return
        set_exit_code(self.crawler, EXIT_WRITE_FAILED)
        with contextlib.suppress(RuntimeError):  # no engine: not a running crawl
            engine = self.crawler.engine
            if stop and engine is not None and engine.spider is not None:
                closing = engine.close_spider_async(reason=WRITE_FAILED)
                self._closing = asyncio.ensure_future(closing)

    def item_scraped(self, item: Any, response: Response | None = None) -> None:
        """The article's line, then its state row (with its page's validators), then its
        tallies."""
        if not isinstance(item, Article) or item.language not in LANGUAGES:
            return
        if self.write_failed is not None:
            return
        try:
            start, end = self._write(item.language, item)
        except OSError as exc:
            self.write_fault(f"{part_path(self.output_dir, item.language, self.run_id)}", exc)
            return
        if self.store.shared:
            if not self._commit(item, response, start, end):
                return
        else:
            # a state that failed (said by state_failed): the next run's recovery records it
            with contextlib.suppress(StateUnavailable):
                record_line(self.store, item.language, item.model_dump(), validators(response))
        prefix = f"newscrawl/{item.language}/"
        if response is not None and response.meta.get("revisit") and item.revision > 1:
            self._inc(prefix + "revisits/changed")
        self._inc(prefix + "exported")
        self._inc(prefix + ("new" if item.revision == 1 else "updated"))
        self._inc(prefix + f"layout/{item.layout}")
        if self.crawler is not None and self.crawler.stats is not None:
            get = self.crawler.stats.get_value
            known = sum(get(prefix + f"layout/{name}", 0) for name in KNOWN_LAYOUTS)
            share = 1 - known / get(prefix + "exported")
            self._set(prefix + "fallback_share", round(share, 4))
        if item.warnings:
            self._inc(prefix + "flagged")
        for warning in item.warnings:
            kind = warning.split(":", 1)[0] if ":" in warning else "other"
            self._inc(prefix + f"warning/{kind}")
        for name in COVERAGE_FIELDS:
            if getattr(item, name) not in (None, "", [], {}):
                self._inc(prefix + f"filled/{name}")

    def _commit(self, item: Article, response: Response | None, start: int, end: int) -> bool:
        """With a shared state: commit the line just written (``start``..``end`` of its file)
        with its article row, under the unit's lease (:meth:`StateStore.commit_line`). A line
        refused (the lease lost, or the article recorded by another run first) is cut off
        again at once; one whose commit failed is cut off when the run closes. Whether it
        stays."""
        kind = item.language
        lines = self.open_files.committed.get(kind, (0, 0))[0] + 1
        entry = ManifestEntry(
            path=f"{kind}/{output_path('', kind, self.run_id).name}",
            node=self.node,
            run_id=self.run_id,
            kind=kind,
            lines=lines,
            bytes=end,
            sha256="",
            complete=False,
            output_dir=str(self.output_dir.resolve()),
            closed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        found = validators(response)

        def write() -> bool:
            return record_line(self.store, kind, item.model_dump(), found, strict=True) == 1

        lease = self.units.lease if self.units is not None else None
        try:
            self.store.commit_line(lease, entry, write)
        except StateUnavailable:  # said by state_failed; cut off at the close
            return False
        except (LeaseLost, AlreadyRecorded) as exc:
            self.open_files.cut(kind, start)
            if isinstance(exc, LeaseLost):
                self._inc("newscrawl/units/refused_lines")
                if self.units is not None:
                    self.units.refused(exc)
            else:
                self._inc(f"newscrawl/{kind}/dropped/recorded_elsewhere")
            return False
        self.open_files.committed[kind] = (lines, end)
        return True

    def item_dropped(
        self, item: Any, exception: BaseException, response: Response | None = None
    ) -> None:
        """A reject's line; a plain drop (an unchanged article, its fetch time noted by the
        dedup pipeline) keeps the validators its page came with."""
        reject = getattr(exception, "reject", None)
        reparse = getattr(getattr(self.crawler, "spider", None), "reparse", False)
        if self.write_failed is not None:
            return
        usable = not self.store.closed and self.store.fault is None
        if isinstance(item, Article) and reject is None and not reparse and usable:
            with contextlib.suppress(StateUnavailable):  # said by state_failed
                self.store.touch(item.url, item.crawled_at, validators=validators(response))
        if isinstance(reject, Reject):
            try:
                self._write("rejects", reject)
            except OSError as exc:
                self.write_fault(f"{part_path(self.output_dir, 'rejects', self.run_id)}", exc)
                return
        if isinstance(reject, Reject):
            self._inc(
                f"newscrawl/{reject.language or 'unknown'}/dropped/{reason_kind(reject.reason)}"
            )

    # -- closing -------------------------------------------------------------------------------
    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.open_files.close()
        self.store.on_fault = None  # the spider is closing already
        if not self.store.closed:
            try:
                # after a failed write or a state fault the run is left open: the next run
                # recovers it
                usable = self.store.fault is None and self.write_failed is None
                if self.store.persistent and usable:
                    if self.units is not None:
                        self._finish_unit()
                    elif self.failure is None:
                        self.planner.record()
                    if not self.store.shared:
                        self.store.set_meta(OPEN_RUN_KEY, None)
                editions = [e.code for e in getattr(spider, "editions", [])]
                self.holes = {
                    code: [hole.as_dict() for hole in self.planner.holes(code)] for code in editions
                }
            except StateUnavailable as fault:  # the run stays open: the next one recovers it
                if fault.reason == WRITE_FAILED:
                    what = f"the state {self.state_name}"
                    self.write_fault(what, fault.error or fault, stop=False)
                else:
                    logger.error(str(fault))
                    if self.crawler is not None:
                        set_exit_code(self.crawler, STATE_FAULT_EXITS[fault.reason])
            except (OSError, sqlite3.Error) as exc:
                self.write_fault(f"the state {self.state_name}", exc, stop=False)
        if self.store.shared:
            self.open_files.cut_uncommitted()
        try:
            self.files = publish_run(self.output_dir, self.run_id)
        except OSError as exc:
            if self.failure_reason != OUTPUT_UNWRITABLE:  # said when the run opened
                self.write_fault(f"{self.output_dir}", exc, stop=False)
        if not self.store.closed:
            try:
                self.note_files()
            except StateUnavailable:  # said by state_failed; the next run notes them
                pass
            except (OSError, sqlite3.Error) as exc:
                self.write_fault(f"the state {self.state_name}", exc, stop=False)
            finally:
                with contextlib.suppress(OSError, sqlite3.Error):  # a full disk: said above
                    self.store.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self.crawler is not None:
            days = retention_days(self.crawler.settings)
            self.removed = remove_old_files(self.output_dir, days["stats"], None, days["rejects"])
            directory = archive_dir(self.crawler.settings)
            if directory is not None:
                self.archive_removed = len(expire_archive(directory, days["archive"]))

    def note_files(self) -> None:
        """The run's files in the output manifest (complete: the run wrote every line whole
        and recorded every article; else the next run of this node recovers and notes them),
        and the run finished in the runs history."""
        usable = self.store.fault is None and self.write_failed is None
        if not self.store.persistent or not usable or not self.run_id:
            return
        if self.files:
            entries = manifest_entries(self.files, self.node, self.run_id, self.output_dir)
            self.store.add_files(entries)
        self.store.run_finished(self.run_id)

    def engine_stopped(self) -> None:
        assert self.crawler is not None and self.crawler.stats is not None
        self._set(CLOSED_STAT, True)
        settings = self.crawler.settings
        if not settings.getbool("NEWSCRAWL_RUN_STATS", True) or not self.run_id:
            return
        if self.failure_reason == OUTPUT_UNWRITABLE:
            return  # said when the run opened
        summary = self.summary(self.crawler.spider)
        path = self.output_dir / "stats" / f"report-{self.run_id}.json"
        temporary = path.with_name(f".tmp-{path.name}")  # then renamed into place
        text = json.dumps(summary, ensure_ascii=False, indent=2, default=str)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text + "\n", encoding="utf-8")
            os.replace(temporary, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            self.write_fault(f"the stats file {path}", exc, stop=False)
        logger.info("Run summary (%s):\n%s", path, format_summary(summary))

    # -- the stats file ------------------------------------------------------------------------
    def summary(self, spider: Spider | None) -> dict[str, Any]:
        """The stats file's content, from the stats."""
        assert self.crawler is not None and self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        finished = datetime.now(UTC)
        started = stats.get("start_time") or self.started  # aware (UTC) since Scrapy 2.19
        health = stats.get("newscrawl/health") or NO_HEALTH
        codes = list(stats.get("newscrawl/editions") or [])
        # and the languages items were written or dropped in (e.g. a translation followed)
        tallied = {
            key.split("/")[1]
            for key in stats
            if key.startswith("newscrawl/") and (key.endswith("/exported") or "/dropped/" in key)
        }
        codes += sorted(tallied - set(codes))
        locked = stats.get(EXIT_CODE_STAT) == EXIT_STATE_LOCKED
        retention = retention_days(self.crawler.settings)
        return {
            "spider": getattr(spider, "name", "report"),
            "kind": stats.get("newscrawl/kind", "crawl"),
            "run_id": self.run_id,
            "job_id": getattr(spider, "job_id", None),
            "version": code_version(),
            "arguments": getattr(spider, "arguments", {}),
            "base_url": getattr(spider, "base_url", None),
            "mode": getattr(spider, "mode", None),
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration_seconds": round((finished - started).total_seconds(), 3),
            "finish_reason": stats.get("finish_reason"),
            "exit_code": exit_status(self.crawler.stats),
            "site_requests": stats.get("downloader/request_count", 0),
            "state": {
                "path": self.state_name,
                "locked": locked,
                # with a shared state: the work units this run claimed, and a lease it lost
                "units": list(self.units.claimed) if self.units is not None else None,
                "lease_lost": self.units is not None and self.units.lost_lease is not None,
            },
            "previous_run": self.previous_run,
            "editions": {
                code: edition_figures(code, stats, self.holes.get(code, [])) for code in codes
            },
            "files": self.files,
            "retention": {
                "days": self.crawler.settings.getfloat("NEWSCRAWL_RETENTION_DAYS", 0) or None,
                "removed": self.removed,
                **{f"{kind}_days": value or None for kind, value in retention.items()},
                "archive_removed": self.archive_removed,
            },
            "health": health,
        }
