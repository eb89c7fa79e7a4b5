"""One polite rate across nodes: every request to a host waits for a time slot that one row
per host in PostgreSQL hands out to all the nodes sharing it (GCRA).

The row holds the host's *theoretical arrival time* ``tat``. A node books a slot with one
statement, ``tat = greatest(tat, now) + interval ... RETURNING``: its slot is the old ``tat``
(or now, when the host was idle), and the next booking, by whichever node, lands at least one
interval later. The node sleeps until its slot (``asyncio.sleep``: the reactor goes on) and the
request goes to the network. The wait is the last step before it, in the download handler
(:class:`PacedHTTPDownloadHandler`), after Scrapy's download slot, whose ``DOWNLOAD_DELAY``
and AutoThrottle stay each node's ceiling underneath: a request its node's own delay held back
books its slot only then, and never lands in another node's. N nodes together are never
faster than one polite crawler.

- The interval is the configured delay: ``DOWNLOAD_DELAY`` (or the spider's
  ``download_delay``), or the host's robots.txt ``Crawl-delay`` for our user agent when larger.
  0 (the tests' fast crawls): nothing is booked.
- Each node keeps at most one booked slot per host (the other requests wait for it locally):
  no node books far ahead, the nodes take turns, and a node that dies wastes one slot at most.
  A request that wakes well after its slot (a starved CPU) gives the slot up and books again.
- The clock is PostgreSQL's (``clock_timestamp()``): the wait is computed there, so the
  nodes' clocks need not agree.
- PostgreSQL unreachable: the booking waits and tries again (0.25 s, doubling to 5 s), nothing
  is sent meanwhile (never unpaced), for up to ``NEWSCRAWL_STATE_RETRY_SECONDS``; after that
  the run stops (finish reason ``pace_unavailable``, exit status 1) with one ERROR line.
- Off, at no cost, unless a PostgreSQL URL is given: ``NEWSCRAWL_PACE_DSN``, else
  ``NEWSCRAWL_STATE`` when it is a ``postgresql://`` URL. The SQLite state (one node) has no
  pace: Scrapy's delay alone spaces its requests.

Crawler stats: ``newscrawl/pace/booked`` (slots taken), ``newscrawl/pace/wait_seconds`` (time
requests waited for their slot, summed), ``newscrawl/pace/max_wait_seconds``,
``newscrawl/pace/max_late_seconds`` (how long after its slot a request woke: the node's event
loop was busy), ``newscrawl/pace/missed`` (slots given up: a request woken more than a tenth
of the interval late books another rather than land in the next node's slot),
``newscrawl/pace/interval_seconds`` (the largest interval used), ``newscrawl/pace/outages``
and ``newscrawl/pace/outage_seconds`` (PostgreSQL unreachable).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any, Self

from scrapy import Spider, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:  # PostgreSQL's driver comes with the extra: pip install -e '.[postgres]'
    import psycopg

logger = logging.getLogger(__name__)

#: URL schemes of a PostgreSQL DSN (libpq accepts both).
SCHEMES = ("postgresql://", "postgres://")
#: The table of the shared budget: one row per host.
TABLE = "pace"
CREATE = f"CREATE TABLE IF NOT EXISTS {TABLE} (host text PRIMARY KEY, tat timestamptz NOT NULL)"
#: Book the host's next slot; returns the seconds from now to the slot, and the slot (seconds
#: since the epoch), both on PostgreSQL's clock.
BOOK = f"""
WITH clock AS (SELECT clock_timestamp() AS now)
INSERT INTO {TABLE} AS p (host, tat)
SELECT %(host)s, clock.now + %(interval)s * interval '1 second' FROM clock
ON CONFLICT (host) DO UPDATE
    SET tat = greatest(p.tat, (SELECT now FROM clock)) + %(interval)s * interval '1 second'
RETURNING extract(epoch FROM p.tat - (SELECT now FROM clock))::float8 - %(interval)s,
    extract(epoch FROM p.tat)::float8 - %(interval)s
"""
#: Retry waits while PostgreSQL is unreachable: from FIRST_RETRY, doubled up to LONGEST_RETRY.
FIRST_RETRY = 0.25
LONGEST_RETRY = 5.0
CONNECT_TIMEOUT = 5
#: A request that wakes later than this share of the interval after its slot books another.
LATE_SHARE = 0.1


def pace_dsn(settings: Any) -> str | None:
    """The PostgreSQL URL of the shared pace, or None (off)."""
    for name in ("NEWSCRAWL_PACE_DSN", "NEWSCRAWL_STATE"):
        value = str(settings.get(name) or "").strip()
        if value.startswith(SCHEMES):
            return value
    return None


class PaceUnavailable(RuntimeError):
    """PostgreSQL stayed unreachable for longer than the outage budget."""


class Pace:
    """The shared budget of one node: books slots in PostgreSQL's pace table over one
    connection (opened on first use, opened again after a failure)."""

    def __init__(self, dsn: str, outage_seconds: float = 60.0) -> None:
        try:
            import psycopg
        except ImportError as exc:  # a stop, not a crawl without the pace
            raise RuntimeError(
                "the shared pace needs psycopg: pip install 'newscrawl[postgres]'"
            ) from exc
        self.psycopg = psycopg
        self.dsn = dsn
        self.outage_seconds = outage_seconds
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._connecting: asyncio.Lock | None = None
        #: monotonic time PostgreSQL was first found unreachable (None: it answers)
        self.down_since: float | None = None
        self.outages = 0
        self.outage_seconds_total = 0.0

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._connection is None or self._connection.closed:
                connection = await self.psycopg.AsyncConnection.connect(
                    self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT
                )
                async with connection.transaction():  # nodes starting together: one creates
                    await connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
                    await connection.execute(CREATE)
                self._connection = connection
            return self._connection

    async def book(self, host: str, interval: float) -> float:
        """Seconds from now to ``host``'s next slot (0 when it is free), booked for us.
        Waits while PostgreSQL is unreachable; :class:`PaceUnavailable` past the budget."""
        wait, _ = await self.book_slot(host, interval)
        return wait

    async def book_slot(self, host: str, interval: float) -> tuple[float, float]:
        """:meth:`book`, with the slot itself (seconds since the epoch, PostgreSQL's clock)."""
        retry = FIRST_RETRY
        while True:
            try:
                connection = await self._connect()
                cursor = await connection.execute(BOOK, {"host": host, "interval": interval})
                row = await cursor.fetchone()
            except (self.psycopg.OperationalError, self.psycopg.InterfaceError) as exc:
                await self._drop()
                now = time.monotonic()
                if self.down_since is None:
                    self.down_since = now
                    self.outages += 1
                    logger.warning("pace: PostgreSQL unreachable (%s); requests wait", exc)
                if now - self.down_since >= self.outage_seconds:
                    raise PaceUnavailable(
                        f"PostgreSQL unreachable for {now - self.down_since:.0f} s "
                        f"(NEWSCRAWL_STATE_RETRY_SECONDS={self.outage_seconds:g}): {exc}"
                    ) from exc
                await asyncio.sleep(min(retry, self.down_since + self.outage_seconds - now))
                retry = min(retry * 2, LONGEST_RETRY)
                continue
            if self.down_since is not None:
                lasted = time.monotonic() - self.down_since
                self.outage_seconds_total += lasted
                logger.warning("pace: PostgreSQL answers again after %.1f s", lasted)
                self.down_since = None
            assert row is not None
            return max(0.0, float(row[0])), float(row[1])

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.closed:
            with contextlib.suppress(self.psycopg.Error):
                await connection.close()

    async def close(self) -> None:
        await self._drop()


class PaceExtension:
    """The shared pace of this crawl (extension): each host's interval, the node's booked
    slots, the stats; off (``NotConfigured``) without a PostgreSQL URL. Its gate is
    :class:`PacedHTTPDownloadHandler`."""

    def __init__(self, crawler: Crawler, dsn: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.pace = Pace(dsn, settings.getfloat("NEWSCRAWL_STATE_RETRY_SECONDS", 60.0))
        self.delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
        self.user_agent = str(
            settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        )
        #: Per host: its robots.txt Crawl-delay for our user agent (absent: none).
        self.crawl_delays: dict[str, float] = {}
        #: Per host: held while this node has a slot booked and not yet reached.
        self._turns: dict[str, asyncio.Lock] = {}
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        dsn = pace_dsn(crawler.settings)
        if dsn is None:
            raise NotConfigured  # no message: Scrapy would log a warning on every SQLite run
        extension = cls(crawler, dsn)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.delay = float(getattr(spider, "download_delay", self.delay) or 0.0)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if delay:
            host = urlparse_cached(request).netloc
            self.crawl_delays[host] = float(delay)
            logger.info("pace: %s asks for a Crawl-delay of %g s", host, delay)

    def interval(self, host: str) -> float:
        """Seconds between two requests to ``host`` from all nodes together."""
        return max(self.delay, self.crawl_delays.get(host, 0.0))

    async def wait_for_slot(self, request: Request) -> None:
        """Book the next slot of the request's host and wait for it (no wait without an
        interval); ``IgnoreRequest`` when PostgreSQL stayed away past the budget."""
        host = urlparse_cached(request).netloc
        interval = self.interval(host)
        if interval <= 0:
            return
        if self._stopping:  # PostgreSQL stayed away: the run is closing, nothing more is sent
            raise IgnoreRequest("pace unavailable: the run is stopping")
        started = time.monotonic()
        turn = self._turns.setdefault(host, asyncio.Lock())
        stats = self.crawler.stats
        async with turn:  # one booked slot per host and node
            while True:
                try:
                    wait = await self.pace.book(host, interval)
                except PaceUnavailable as exc:
                    self._stop(str(exc))
                    raise IgnoreRequest(f"pace unavailable: {exc}") from exc
                if wait <= 0:
                    break
                due = time.monotonic() + wait
                await asyncio.sleep(wait)
                late = time.monotonic() - due
                if stats is not None:
                    stats.max_value("newscrawl/pace/max_late_seconds", round(late, 3))
                if late <= LATE_SHARE * interval:
                    break
                # woken well after its slot (the node's CPU was busy): sent now, the request
                # would land in the next node's slot; it gives its slot up and books again
                if stats is not None:
                    stats.inc_value("newscrawl/pace/missed")
        if stats is not None:
            waited = time.monotonic() - started
            stats.inc_value("newscrawl/pace/booked")
            stats.inc_value("newscrawl/pace/wait_seconds", waited)  # type: ignore[arg-type]
            stats.max_value("newscrawl/pace/max_wait_seconds", round(waited, 3))
            stats.max_value("newscrawl/pace/interval_seconds", interval)

    def _stop(self, cause: str) -> None:
        if self._stopping:
            return
        self._stopping = True
        logger.error("pace: %s: stopping the run", cause)
        try:
            close = self.crawler.engine.close_spider_async
        except (RuntimeError, AttributeError):  # no crawl going (the extension under test)
            return
        call_later(0, lambda: deferred_from_coro(close(reason="pace_unavailable")))

    async def spider_closed(self) -> None:
        stats = self.crawler.stats
        if stats is not None and self.pace.outages:
            stats.set_value("newscrawl/pace/outages", self.pace.outages)
            lasted = round(self.pace.outage_seconds_total, 3)
            stats.set_value("newscrawl/pace/outage_seconds", lasted)
        await self.pace.close()


class PacedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler (``DOWNLOAD_HANDLERS`` for http and https), each
    request first waiting for its slot of the shared pace: the last step before the network,
    after Scrapy's own download slot (``DOWNLOAD_DELAY``, AutoThrottle), so a node that its
    own delay held back never sends in another node's slot. Without :class:`PaceExtension`
    (no PostgreSQL) it is Scrapy's handler unchanged."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.pace_crawler = crawler
        self._pace: PaceExtension | bool | None = False  # False: not looked up yet

    async def download_request(self, request: Request) -> Response:
        if self._pace is False:
            self._pace = self.pace_crawler.get_extension(PaceExtension)
        if isinstance(self._pace, PaceExtension):
            await self._pace.wait_for_slot(request)
        return await super().download_request(request)
