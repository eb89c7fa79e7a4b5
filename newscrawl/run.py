"""The run's life, as one Scrapy extension (:class:`Run`): the lock, the state, recovery of a
killed run and the planner when the spider opens; each article's line, then its state row; the
walked ranges, files and retention at the close; the stats file once the engine stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import socket
import sqlite3
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Self

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
from newscrawl.planner import Limits, Planner
from newscrawl.site import LANGUAGES
from newscrawl.store import (
    LOCK_WAIT_SECONDS,
    AlreadyRecorded,
    LeaseLost,
    ManifestEntry,
    StateError,
    StateLock,
    StateLockedError,
    StateStore,
    StateUnavailable,
    Validators,
    is_database_url,
    record_hash,
    redact,
)
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
#: The kinds of JSON Lines file a run writes, each in its own directory.
KINDS = (*LANGUAGES, "rejects")
OPEN_RUN_KEY = "open_run"
#: What the last recovery found: ``{"finished": bool, "run_id": ..., "recovered_articles": n}``
PREVIOUS_RUN_KEY = "previous_run"
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


def output_problem(output_dir: Path) -> str | None:
    """Why ``output_dir`` cannot take a run's files (read-only, a file in its place, a parent
    that cannot be created), or None; a missing folder is created with its parents."""
    cause = None
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for folder in (output_dir, *(output_dir / kind for kind in (*KINDS, "stats"))):
            if folder.exists() or folder == output_dir:
                probe = folder / f".probe-{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
    except FileExistsError as exc:
        cause = f"a file is in its place ({exc.filename})"
    except OSError as exc:
        cause = f"{exc.strerror or exc} ({exc.filename})"
    if cause is None:
        return None
    return (
        f"output folder {output_dir} cannot be written: {cause}; nothing crawled, fix the "
        "folder or NEWSCRAWL_OUTPUT_DIR"
    )


def output_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """Where a run's finished file of one kind (a language or ``rejects``) lives."""
    return Path(output_dir) / kind / f"report-{run_id}.jsonl"


def part_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """The temporary name of that file while its run writes it."""
    return Path(output_dir) / kind / f".report-{run_id}.jsonl.part"


def node_name(settings: BaseSettings) -> str:
    """This machine's name (``NEWSCRAWL_NODE``, else the host name), safe in a file name."""
    name = str(settings.get("NEWSCRAWL_NODE") or "") or socket.gethostname()
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._-")[:64] or "node"


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
        self._files: dict[str, IO[bytes]] = {}
        #: The first write that failed (disk full...): said once; nothing is written after it.
        self.write_failed: str | None = None
        self._closing: Any = None
        #: The work units this run claims, with a shared state (None: it does every edition).
        self.units: UnitWork | None = None
        #: With a shared state: ``(lines, bytes)`` of each open file committed with the state.
        self._committed: dict[str, tuple[int, int]] = {}
        self._lease_seconds = settings.getfloat("NEWSCRAWL_UNIT_LEASE_SECONDS", 120.0)
        self._rest_seconds = settings.getfloat("NEWSCRAWL_WALK_REST_SECONDS", 60.0)

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
            "walked": spans(self.planner.grown(edition).ranges),
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
        """One line of the kind's file (opened at its first line), in unbuffered writes; a
        line that cannot be written whole is cut off again (:meth:`write_fault`). Where the
        line starts and ends."""
        if kind not in self._files:
            path = part_path(self.output_dir, kind, self.run_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[kind] = path.open("ab", buffering=0)
        fields = REJECT_FIELDS if kind == "rejects" else ARTICLE_FIELDS
        line = json.dumps({name: getattr(item, name) for name in fields}, ensure_ascii=False)
        stream = self._files[kind]
        start, data = stream.tell(), memoryview(line.encode("utf-8") + b"\n")
        try:
            while data:  # a short write (a disk filling up) writes the rest, or fails
                data = data[stream.write(data) or 0 :]
        except OSError:
            with contextlib.suppress(OSError):
                stream.truncate(start)
            raise
        return start, stream.tell()

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
        lines = self._committed.get(kind, (0, 0))[0] + 1
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
            with contextlib.suppress(OSError):
                self._files[kind].truncate(start)
            if isinstance(exc, LeaseLost):
                self._inc("newscrawl/units/refused_lines")
                if self.units is not None:
                    self.units.refused(exc)
            else:
                self._inc(f"newscrawl/{kind}/dropped/recorded_elsewhere")
            return False
        self._committed[kind] = (lines, end)
        return True

    def _cut_uncommitted(self) -> None:
        """With a shared state: cut each article file back to what was committed with the
        state (a line whose commit failed or never came)."""
        for kind in LANGUAGES:
            path = part_path(self.output_dir, kind, self.run_id)
            keep = self._committed.get(kind, (0, 0))[1]
            with contextlib.suppress(OSError):
                if path.exists() and path.stat().st_size > keep:
                    logger.warning(
                        "%s: %d bytes past the last line committed with the state cut off",
                        path,
                        path.stat().st_size - keep,
                    )
                    os.truncate(path, keep)

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
        for stream in self._files.values():
            with contextlib.suppress(OSError):  # said by write_fault
                stream.close()
        self._files.clear()
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
            self._cut_uncommitted()
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
            "editions": {code: self.edition_figures(code, stats) for code in codes},
            "files": self.files,
            "retention": {
                "days": self.crawler.settings.getfloat("NEWSCRAWL_RETENTION_DAYS", 0) or None,
                "removed": self.removed,
                **{f"{kind}_days": value or None for kind, value in retention.items()},
                "archive_removed": self.archive_removed,
            },
            "health": health,
        }

    def edition_figures(self, code: str, stats: dict[str, Any]) -> dict[str, Any]:
        """One edition's figures in the stats file."""
        prefix = f"newscrawl/{code}/"
        own = {key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)}

        def group(name: str) -> dict[str, Any]:
            return dict(
                sorted((k[len(name) + 1 :], v) for k, v in own.items() if k.startswith(name + "/"))
            )

        exported = int(own.get("exported", 0))
        filled = group("filled")
        dropped = group("dropped")
        # errors/transient counts again some of the other errors/ (a sub-total)
        errors = sum(v for k, v in group("errors").items() if k != "transient")
        stop_cursor = _text_or_none(own.get("walk/stop_cursor"))
        return {
            "found": own.get("found", 0),
            "exported": exported,
            "new": own.get("new", 0),
            "updated": own.get("updated", 0),
            "unchanged": own.get("unchanged", 0) + own.get("known_skipped", 0),
            "not_requested_known": own.get("known_skipped", 0),
            "dropped": dropped,
            "dropped_total": sum(dropped.values()),
            "duplicates": group("duplicates"),
            "flagged": own.get("flagged", 0),
            "warnings": group("warning"),
            "layouts": group("layout"),
            "fallback_share": own.get("fallback_share", 0.0),
            "coverage": {
                name: round(filled.get(name, 0) / exported, 4) if exported else 0.0
                for name in COVERAGE_FIELDS
            },
            "feed_pages": own.get("feed_pages", 0),
            "requests": own.get("requests", 0),
            "responses": group("responses"),
            "retries": own.get("retries", 0),
            "errors": errors,
            "transient_errors": own.get("errors/transient", 0),
            "walk": {"stop_reason": own.get("walk/stop_reason"), "stop_cursor": stop_cursor},
            "holes": self.holes.get(code, []),
            "window": own.get("window"),
            "trend": own.get("trend"),
            "cost": {
                "feed_pages": own.get("feed_pages", 0),
                "hole_pages": own.get("hole_pages", 0),
                "edited_cards": own.get("edited_cards", 0),
                "revisits": own.get("revisits", 0),
                "revisits_not_modified": own.get("revisits/not_modified", 0),
                "revisits_changed": own.get("revisits/changed", 0),
                "rss": own.get("cost/rss", 0),
                "sitemap": own.get("cost/sitemap", 0),
            },
            "days": {
                "complete": own.get("days/complete", 0),
                "incomplete": own.get("days/incomplete", 0),
                "by_day": own.get("days") or {},
            },
            "gave_up": own.get("gave_up_urls") or [],
            "feed_source": _text_or_none(own.get("feed_source")),
            "unreachable": _text_or_none(own.get("unreachable")),
            "rss_missed": own.get("rss_missed", 0),
        }


# -- recovery after a kill ----------------------------------------------------------------------
def _put_in_place(output_dir: str | Path, kind: str, run_id: str) -> Path | None:
    """Rename a killed run's temporary file of ``kind`` to its final name; the file to read."""
    part, final = part_path(output_dir, kind, run_id), output_path(output_dir, kind, run_id)
    if part.exists():
        if part.stat().st_size == 0:
            part.unlink()
        else:
            os.replace(part, final)
    return final if final.exists() else None


def recover_unfinished_run(store: StateStore, node: str | None = None) -> int:
    """Record what the last unfinished run wrote but did not record, put its files in place,
    cut off a torn last line, note them in the manifest (as of ``node``: by default this
    host); how many articles were recorded."""
    marker = store.get_meta(OPEN_RUN_KEY)
    if not marker:
        store.set_meta(PREVIOUS_RUN_KEY, json.dumps({"finished": True, "recovered_articles": 0}))
        return 0
    run_id, _, output_dir = marker.partition("|")
    recovered = recover_run(store, run_id, output_dir, node or node_name(BaseSettings()))
    note = {"finished": False, "run_id": run_id, "recovered_articles": recovered}
    store.set_meta(PREVIOUS_RUN_KEY, json.dumps(note))
    store.set_meta(OPEN_RUN_KEY, None)
    return recovered


def recover_node_runs(store: StateStore, node: str, run_id: str) -> int:
    """With a shared state: recover every run of ``node`` noted open whose session is gone
    (killed), other than ``run_id`` (this one); how many articles were recorded."""
    recovered, last = 0, None
    for dead, output_dir in store.unfinished_runs(node, other_than=run_id):
        last = recover_run(store, dead, output_dir, node)
        recovered += last
    note = {"finished": last is None, "recovered_articles": recovered}
    store.set_meta(f"{PREVIOUS_RUN_KEY}:{node}", json.dumps(note))
    return recovered


def recover_run(store: StateStore, run_id: str, output_dir: str, node: str) -> int:
    """Record what one unfinished run wrote but did not record, put its files in place, cut
    off a torn last line, note its files complete in the manifest and the run finished."""
    recovered = 0
    for kind in KINDS:
        path = _put_in_place(output_dir, kind, run_id)
        if path is None:
            continue
        data = path.read_bytes()
        end = data.rfind(b"\n") + 1
        if store.shared and kind != "rejects":  # only what was committed with the state
            held = store.committed(node, f"{kind}/{path.name}")
            end = min(end, held[1] if held else 0)
        if end < len(data):
            logger.warning(
                "%s ends in %d bytes not committed with the state or torn; cut off",
                path,
                len(data) - end,
            )
            with path.open("r+b") as stream:
                stream.truncate(end)
        for line in data[:end].splitlines() if kind != "rejects" and not store.shared else []:
            try:
                item = json.loads(line)
            except ValueError:
                logger.warning("%s has an unreadable line; left as it is", path)
                continue
            if not isinstance(item, dict):
                continue
            stored = store.get(str(item.get("url")))
            if stored is None or stored.content_hash != item.get("content_hash"):
                recovered += record_line(store, kind, item)
    if recovered:
        logger.warning(
            "run %s did not finish: %d articles it wrote are now recorded in the state",
            run_id,
            recovered,
        )
    files = publish_run(output_dir, run_id)
    store.add_files(manifest_entries(files, node, run_id, Path(output_dir)))
    store.run_finished(run_id, recovered)
    return recovered


def validators(response: Response | None) -> Validators:
    """The ``ETag`` and ``Last-Modified`` an answer came with (None where absent)."""
    if response is None:
        return None, None
    values = (response.headers.get(name) for name in (b"ETag", b"Last-Modified"))
    etag, modified = ((v.decode("latin-1").strip() or None) if v else None for v in values)
    return etag, modified


def record_line(
    store: StateStore,
    language: str,
    item: dict[str, Any],
    validators: Validators | None = None,
    strict: bool = False,
) -> int:
    """Write the state row of an article line (1), or nothing (0) if it lacks URL or hash
    (``strict``: or if its revision is recorded already); ``validators``: its page's (a line
    recovered from a file has none)."""
    url, digest = item.get("url"), item.get("content_hash")
    if not isinstance(url, str) or not isinstance(digest, str):
        return 0

    def typed(name: str, kind: type) -> Any:
        value = item.get(name)
        return value if isinstance(value, kind) else None

    written = store.record(
        url=url,
        language=language,
        article_id=typed("article_id", int),
        content_hash=digest,
        title=typed("title", str),
        revision=typed("revision", int) or 1,
        published_at=typed("published_at", str),
        seen_at=str(item.get("crawled_at") or ""),
        archive=typed("archive", dict),
        record_hash=record_hash(item),
        validators=validators,
        strict=strict,
    )
    return 1 if written or not strict else 0


def previous_run(store: StateStore, node: str | None = None) -> dict[str, Any]:
    """``{"finished": bool | None, "recovered_articles": n}`` as the last recovery noted it
    (of ``node``'s runs, with a shared state)."""
    key = f"{PREVIOUS_RUN_KEY}:{node}" if node else PREVIOUS_RUN_KEY
    try:
        note = json.loads(store.get_meta(key) or "{}")
    except ValueError:
        note = {}
    note = note if isinstance(note, dict) else {}
    return {
        "finished": note.get("finished"),
        "recovered_articles": int(note.get("recovered_articles") or 0),
    }


# -- files ----------------------------------------------------------------------------------
def publish_run(output_dir: str | Path, run_id: str) -> list[dict[str, Any]]:
    """Rename the run's temporary files into place; kind, path, lines, bytes, sha256 of each."""
    files = []
    for kind in KINDS:
        final = _put_in_place(output_dir, kind, run_id)
        if final is None:
            continue
        data = final.read_bytes()
        try:
            shown = str(final.resolve().relative_to(Path(output_dir).resolve()))
        except ValueError:
            shown = str(final)
        lines, digest = data.count(b"\n"), hashlib.sha256(data).hexdigest()
        files.append(dict(kind=kind, path=shown, lines=lines, bytes=len(data), sha256=digest))
    return files


def manifest_entries(
    files: list[dict[str, Any]], node: str, run_id: str, output_dir: Path
) -> list[ManifestEntry]:
    """The manifest's rows of files :func:`publish_run` put in place."""
    closed = datetime.now(UTC).isoformat(timespec="seconds")
    folder = str(Path(output_dir).resolve())
    return [
        ManifestEntry(
            path=str(f["path"]),
            node=node,
            run_id=run_id,
            kind=str(f["kind"]),
            lines=int(f["lines"]),
            bytes=int(f["bytes"]),
            sha256=str(f["sha256"]),
            complete=True,
            output_dir=folder,
            closed_at=closed,
        )
        for f in files
    ]


def retention_days(settings: BaseSettings) -> dict[str, float]:
    """Days kept of ``stats``, ``rejects`` (``NEWSCRAWL_RETENTION_DAYS`` unless their own
    setting is given) and ``archive`` files; 0 keeps all."""
    general = settings.getfloat("NEWSCRAWL_RETENTION_DAYS", 0)

    def own(name: str) -> float:
        value = settings.get(name)
        return general if value is None or str(value).strip() == "" else float(value)

    return {
        "stats": own("NEWSCRAWL_STATS_RETENTION_DAYS"),
        "rejects": own("NEWSCRAWL_REJECTS_RETENTION_DAYS"),
        "archive": settings.getfloat("NEWSCRAWL_ARCHIVE_RETENTION_DAYS", 0),
    }


def remove_old_files(
    output_dir: str | Path, days: float, now: float | None = None, rejects_days: float | None = None
) -> int:
    """Delete stats files older than ``days`` and rejects files older than ``rejects_days``
    (default ``days``; 0 keeps all); how many. Article files are never removed."""
    removed = 0
    for kind, pattern, kept in (
        ("stats", "report-*.json", days),
        ("rejects", "report-*.jsonl", days if rejects_days is None else rejects_days),
    ):
        if kept <= 0:
            continue
        limit = (now if now is not None else time.time()) - kept * 86400
        for path in (Path(output_dir) / kind).glob(pattern):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed


def code_version() -> dict[str, str | None]:
    """The package version, ``git describe`` of a checkout, the Scrapyd egg version."""
    try:
        package: str | None = metadata.version("newscrawl")
    except metadata.PackageNotFoundError:
        package = None
    git = None
    root = Path(__file__).resolve().parent.parent
    if (root / ".git").exists():
        command = ["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"]
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(command, capture_output=True, text=True, timeout=5)
            git = (done.stdout.strip() or None) if done.returncode == 0 else None
    return {"package": package, "git": git, "egg": os.environ.get("SCRAPYD_EGG_VERSION") or None}


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def format_summary(summary: dict[str, Any]) -> str:
    """A plain-text table of the per-edition figures."""
    row = "{:<8}{:>7}{:>7}{:>9}{:>11}{:>9}{:>10}{:>8}".format
    header = row("edition", "found", "new", "updated", "unchanged", "dropped", "requests", "errors")
    lines = [header, "-" * len(header)]
    columns = ("found", "new", "updated", "unchanged", "dropped_total", "requests", "errors")
    for code, f in summary["editions"].items():
        lines.append(row(code, *(f[name] for name in columns)))
        if f["dropped"]:
            reasons = ", ".join(f"{reason}={count}" for reason, count in f["dropped"].items())
            lines.append(f"{'':<8}dropped: {reasons}")
        walk, cost = f.get("walk") or {}, f.get("cost") or {}
        if f.get("feed_source"):
            lines.append(
                f"{'':<8}feed source: {f['feed_source']}; RSS cross-check: "
                f"{f.get('rss_missed', 0)} missed by the walk"
            )
        if walk.get("stop_reason"):
            lines.append(
                f"{'':<8}walk stopped: {walk['stop_reason']}; requests: "
                f"{cost.get('feed_pages', 0)} feed pages, {cost.get('hole_pages', 0)} hole "
                f"pages, {cost.get('edited_cards', 0)} edited headlines, "
                f"{cost.get('revisits', 0)} revisits "
                f"({cost.get('revisits_not_modified', 0)} not modified)"
            )
        if f.get("unreachable"):
            lines.append(f"{'':<8}SITE UNREACHABLE: {f['unreachable']}")
        for hole in f.get("holes") or []:
            lines.append(
                f"{'':<8}HOLE in the feed from {hole['from']} to {hole['to']} "
                f"(since {hole['since']}): later runs walk it"
            )
    lines.append(
        f"finish reason: {summary['finish_reason']}; duration {summary['duration_seconds']} s"
    )
    health = summary.get("health")
    if health is not None and health.get("checked", True):
        failed = [f"{f['edition']} {f['check']}" for f in health["failures"]]
        warned = [f"{f['edition']} {f['check']}" for f in health.get("warnings") or []]
        lines.append("health: ok" if health["ok"] else f"health: FAILED ({', '.join(failed)})")
        if warned:
            lines.append(f"health warnings: {', '.join(warned)}")
    return "\n".join(lines)
