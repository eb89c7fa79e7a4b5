"""The state of earlier runs (``NEWSCRAWL_STATE``): the interface every part of the crawl
uses (:class:`StateStore`) and the SQL its two backends share: the SQLite one (a file; empty:
in memory for the run; ``newscrawl/sqlitestore.py``, with the lock that keeps two runs over
one file apart) and the PostgreSQL one (``newscrawl/pgstore.py``) that several nodes share.
A row per article, written only after its line reached its file; named marks (walked ranges,
feed URLs, the open run) in ``meta``; work units with leases; the output manifest; the runs
history.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from scrapy.exceptions import CloseSpider, DropItem

from newscrawl.items import ARTICLE_FIELDS

#: 4: the runs table is gone (health keeps its history in Spidermon's stats history).
#: 5: each article's validators (``etag``, ``last_modified``) for conditional revisits, and
#: the failures table (transient failures of a URL counted across runs; an older file gets it
#: from ``_SCHEMA``'s CREATE TABLE IF NOT EXISTS).
SCHEMA_VERSION = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url          TEXT PRIMARY KEY,
    language     TEXT NOT NULL,
    article_id   INTEGER,
    content_hash TEXT NOT NULL,
    title        TEXT,
    revision     INTEGER NOT NULL,
    published_at TEXT,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    archive_file TEXT,
    archive_offset INTEGER,
    record_hash  TEXT,
    etag         TEXT,
    last_modified TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_content ON articles (language, content_hash);
CREATE INDEX IF NOT EXISTS articles_by_published ON articles (language, published_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    url        TEXT PRIMARY KEY,
    runs       INTEGER NOT NULL,
    last_run   TEXT NOT NULL,
    last_cause TEXT NOT NULL,
    gave_up    TEXT
);
"""

#: Columns added since schema 1, added in place (ALTER TABLE) to an older state file.
_ADDED_COLUMNS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("archive_file", "TEXT"), ("archive_offset", "INTEGER"), ("record_hash", "TEXT")),
    5: (("etag", "TEXT"), ("last_modified", "TEXT")),
}
_COLUMNS = (
    "url, language, article_id, content_hash, title, revision, published_at, first_seen, "
    "last_seen, archive_file, archive_offset, record_hash, etag, last_modified"
)


#: How long a state call waits for a lock another program holds on the database, by default
#: (``NEWSCRAWL_STATE_LOCK_WAIT_SECONDS``).
LOCK_WAIT_SECONDS = 30.0
#: What to do about a damaged state (the tail of :class:`StateError`'s line).
RESTORE = (
    "move it away (with its -wal and -shm) and rebuild it from the output files with "
    "`scrapy rebuild_state`, or restore it from a backup (docs/operations.md, "
    '"The state is damaged")'
)


class StateError(RuntimeError):
    """The state file cannot be used; the message names the file, the cause and what to do
    (``advice``: by default, how to rebuild or restore it)."""

    def __init__(self, path: str | Path | None, cause: str, advice: str = RESTORE) -> None:
        super().__init__(f"state {path} cannot be used: {cause}; {advice}")


class StateUnavailable(CloseSpider, DropItem):
    """A state call failed while the run was going (the database locked by another program
    beyond the wait, the disk full, or another SQLite error): the run closes (from a callback:
    a :class:`CloseSpider`; from a pipeline: a :class:`DropItem` logged at DEBUG, the article
    not written) and every later call fails at once. The next run's recovery records what this
    run wrote but could not record. ``reason``: ``state_locked``, ``write_failed`` (a full
    disk or an I/O error: a failed write like any other), ``state_unreachable`` (PostgreSQL
    down or cut off beyond ``NEWSCRAWL_STATE_RETRY_SECONDS``) or ``state_failed``."""

    def __init__(self, message: str, *, reason: str, error: BaseException | None = None) -> None:
        Exception.__init__(self, message)
        self.reason = reason
        self.locked = reason == "state_locked"
        #: The SQLite error behind it.
        self.error = error
        self.log_level = "DEBUG"


#: ``(ETag, Last-Modified)`` as the site sent them (either may be None).
Validators = tuple[str | None, str | None]


@dataclass(frozen=True)
class StoredArticle:
    """What the state knows of one article. ``last_seen``: when its page was last fetched
    (answered 200, or 304 to a revisit); ``etag``/``last_modified``: the validators the site
    sent with it (None: none)."""

    url: str
    language: str
    article_id: int | None
    content_hash: str
    title: str | None
    revision: int
    published_at: str | None
    first_seen: str
    last_seen: str
    archive_file: str | None = None
    archive_offset: int | None = None
    record_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None


_T = TypeVar("_T")


def redact(url: str) -> str:
    """A state's name for log lines, messages and the stats file: a URL without its
    password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def is_database_url(target: str | Path | None) -> bool:
    """``NEWSCRAWL_STATE`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class AlreadyRecorded(RuntimeError):
    """Another run recorded the article's revision first (two nodes fetched one article at
    once): the line is not committed, and not kept."""

    def __init__(self, path: str) -> None:
        super().__init__(f"a line of {path} holds an article another run recorded first")


class LeaseLost(RuntimeError):
    """A write carried a stale lease of a work unit: another node claimed the unit since (its
    fencing token is newer), or the lease ran out unrenewed. Nothing of the write was kept; the
    holder stops working on the unit (the new holder resumes it from its checkpoint)."""

    def __init__(self, unit: str, token: int) -> None:
        super().__init__(
            f"lease of work unit {unit} (token {token}) is lost: another node took the unit "
            "or the lease ran out; the write is refused"
        )
        self.unit = unit
        self.token = token


@dataclass(frozen=True)
class Lease:
    """A claimed work unit. ``unit``: its key (e.g. ``walk:en``); ``kind``: ``walk`` or
    ``backfill`` (``newscrawl/units.py``); ``spec``: what to do (the JSON given to
    :meth:`add_units`);
    ``checkpoint``: where its last holder got to (None: from the start); ``token``: the fencing
    token, one more at each claim, carried by every write of the unit; ``until``: the lease's
    end (seconds since the epoch, by the database's clock)."""

    unit: str
    kind: str
    spec: dict[str, Any]
    token: int
    until: float
    checkpoint: dict[str, Any] | None = None


@dataclass(frozen=True)
class UnitRow:
    """A work unit as the store holds it (:meth:`StateStore.units`)."""

    unit: str
    kind: str
    done: bool
    holder: str | None
    token: int
    lease_until: float
    checkpoint: dict[str, Any] | None
    claims: int


@dataclass(frozen=True)
class ManifestEntry:
    """One output file a run closed: ``path`` relative to its node's output folder
    (``<kind>/report-<run_id>.jsonl``), the ``node`` and ``run_id`` that wrote it, its size in
    lines and bytes, its SHA-256, and ``complete``: every line whole and every article of it
    recorded in the state (a file of a run that stopped on a fault is complete once the next
    run of that node recovered it)."""

    path: str
    node: str
    run_id: str
    kind: str
    lines: int
    bytes: int
    sha256: str
    complete: bool
    output_dir: str
    closed_at: str


#: The order units are claimed in, by kind (then by key).
UNIT_PRIORITY = {"walk": 0, "backfill": 1}

_UNITS_AND_MANIFEST = """
CREATE TABLE IF NOT EXISTS units (
    unit        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    spec        TEXT NOT NULL,
    priority    INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    holder      TEXT,
    lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
    token       INTEGER NOT NULL DEFAULT 0,
    checkpoint  TEXT,
    claims      INTEGER NOT NULL DEFAULT 0,
    done_at     TEXT
);
CREATE INDEX IF NOT EXISTS units_ready ON units (done, priority, unit);
CREATE TABLE IF NOT EXISTS manifest (
    node       TEXT NOT NULL,
    path       TEXT NOT NULL,
    run_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    lines      INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    complete   INTEGER NOT NULL,
    output_dir TEXT NOT NULL,
    closed_at  TEXT NOT NULL,
    PRIMARY KEY (node, path)
);
CREATE TABLE IF NOT EXISTS run_history (
    run_id      TEXT PRIMARY KEY,
    node        TEXT NOT NULL,
    output_dir  TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    recovered   INTEGER
);
"""
_MANIFEST_COLUMNS = (
    "path, node, run_id, kind, lines, bytes, sha256, complete, output_dir, closed_at"
)


class StateStore:
    """The state of earlier runs, as every part of the crawl sees it: articles, failures,
    named marks (``meta``: walked ranges, feed URLs, the open run), work units with leases,
    the output manifest and the runs history. The SQL is shared; a backend gives the
    connection, its transactions and what its errors mean.

    ``StateStore(target)`` opens the backend ``target`` names: a file path (or None: in memory
    for the run): :class:`newscrawl.sqlitestore.SQLiteStore`; a ``postgresql://`` URL:
    :class:`newscrawl.pgstore.PostgresStore`. Every write is idempotent (an article keyed by
    URL and revision, a failure by URL and run, a unit by key and fencing token), so a unit
    replayed after its node died writes nothing twice."""

    #: The dialect's two-argument maximum, its row locks for a claim and for a fenced write,
    #: and the database clock in seconds since the epoch.
    GREATEST: ClassVar[str] = "max"
    SKIP_LOCKED: ClassVar[str] = ""
    SHARE_LOCK: ClassVar[str] = ""
    ROW_LOCK: ClassVar[str] = ""
    NOW: ClassVar[str] = "((julianday('now') - 2440587.5) * 86400.0)"

    #: The database connection (``sqlite3.Connection`` or ``psycopg.Connection``).
    connection: Any

    def __new__(cls, path: str | Path | None = None, **options: Any) -> StateStore:
        if cls is StateStore:
            if is_database_url(path):
                try:
                    from newscrawl.pgstore import PostgresStore
                except ImportError as exc:  # psycopg missing: the extra not installed
                    raise StateError(
                        redact(str(path)),
                        f"the PostgreSQL driver is not installed ({exc})",
                        "install it with pip install -e '.[postgres]' (psycopg 3)",
                    ) from None
                cls = PostgresStore
            else:
                from newscrawl.sqlitestore import SQLiteStore

                cls = SQLiteStore
        return super().__new__(cls)

    def _setup(self) -> None:
        self.closed = False
        #: The failure that made the state unavailable during the run (then every call fails).
        self.fault: StateUnavailable | None = None
        #: Called once with that failure (the run logs it and closes).
        self.on_fault: Callable[[StateUnavailable], None] | None = None
        self._depth = 0

    # -- what a backend gives ---------------------------------------------------------------
    @property
    def persistent(self) -> bool:
        """The state outlives the run (False: in memory)."""
        raise NotImplementedError

    @property
    def shared(self) -> bool:
        """Several runs may use the state at once (PostgreSQL: no file lock; they share the
        work through units)."""
        raise NotImplementedError

    def _rows(self, sql: str, parameters: tuple[Any, ...] = (), limit: int = 0) -> list[Any]:
        """Run one statement (within the lock wait) and fetch its rows (``limit``: at most);
        a failure becomes :class:`StateUnavailable` (:attr:`fault`)."""
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _atomic(self, work: Callable[[], _T]) -> _T:
        """``work`` in one transaction (a backend may run it again, whole, after a lost
        connection)."""
        with self.transaction():
            return work()

    # -- the shared SQL ---------------------------------------------------------------------
    def _one(self, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
        rows = self._rows(sql, parameters, 1)
        return rows[0] if rows else None

    def _execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> None:
        self._rows(sql, parameters)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around many writes (a rebuild), committed at the end; inside
        another, part of it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
            self._execute("COMMIT")  # a commit that fails fails the transaction
        except BaseException:
            with contextlib.suppress(Exception):
                self._rollback()
            raise
        finally:
            self._depth = 0

    def _check_schema(self, name: str | Path | None) -> int | None:
        """Note the schema version in a new state; the version of an older one (None: current)."""
        version = self.get_meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
            return None
        try:
            found = int(version)
        except ValueError:
            raise StateError(name, f"schema version {version!r} is not a number") from None
        if found > SCHEMA_VERSION:
            raise StateError(
                name,
                f"it has schema {found}, newer than this newscrawl's {SCHEMA_VERSION}",
                f"upgrade newscrawl, or {RESTORE}",
            )
        return found if found < SCHEMA_VERSION else None

    def get(self, url: str) -> StoredArticle | None:
        row = self._one(f"SELECT {_COLUMNS} FROM articles WHERE url = ?", (url,))
        return StoredArticle(*row) if row else None

    def url_with_content(self, language: str, content_hash: str, other_than: str) -> str | None:
        """The URL of another article of ``language`` on the same site as ``other_than`` with
        exactly this content, if any (a state used against two sites keeps them apart)."""
        site = "/".join(other_than.split("/", 3)[:3]) + "/"  # scheme://host[:port]/
        row = self._one(
            "SELECT url FROM articles WHERE language = ? AND content_hash = ? AND url != ? "
            "AND substr(url, 1, ?) = ? ORDER BY first_seen LIMIT 1",
            (language, content_hash, other_than, len(site), site),
        )
        return str(row[0]) if row else None

    def record(
        self,
        *,
        url: str,
        language: str,
        article_id: int | None,
        content_hash: str,
        title: str | None,
        revision: int,
        published_at: str | None,
        seen_at: str,
        archive: Mapping[str, Any] | None = None,
        record_hash: str | None = None,
        validators: Validators | None = None,
        strict: bool = False,
    ) -> bool:
        """Insert or update one article, committed at once. ``archive`` (``{"file", "offset"}``)
        points at the record of its page; without one, a pointer already held is kept.
        ``validators`` are the ones its page came with (none: none are kept). Keyed by URL and
        revision: a write of an older revision than the one held (a replayed unit) changes
        nothing; ``strict``: nor does one of the revision held (another run recorded it
        first). Whether the row was written."""
        file, offset = _archive_columns(archive)
        row = (url, language, article_id, content_hash, title, revision, published_at)
        etag, modified = validators or (None, None)
        newer = ">" if strict else ">="
        written = self._rows(
            f"INSERT INTO articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id, "
            "content_hash = excluded.content_hash, title = excluded.title, "
            "revision = excluded.revision, published_at = excluded.published_at, "
            f"last_seen = {self.GREATEST}(articles.last_seen, excluded.last_seen), "
            "archive_file = coalesce(excluded.archive_file, articles.archive_file), "
            "archive_offset = coalesce(excluded.archive_offset, articles.archive_offset), "
            "record_hash = excluded.record_hash, "
            "etag = excluded.etag, last_modified = excluded.last_modified "
            f"WHERE excluded.revision {newer} articles.revision RETURNING url",
            (*row, seen_at, seen_at, file, offset, record_hash, etag, modified),
        )
        return bool(written)

    def published_since(self, language: str, site: str, since: str) -> list[StoredArticle]:
        """The articles of ``language`` on ``site`` published at or after ``since`` (ISO, Baku
        offset, as stored) and not given up: the candidates of the revisit schedule."""
        prefix = site.rstrip("/") + "/"
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM articles WHERE language = ? AND substr(url, 1, ?) = ? "
            "AND published_at >= ? "
            "AND url NOT IN (SELECT url FROM failures WHERE gave_up IS NOT NULL)",
            (language, len(prefix), prefix, since),
        )
        return [StoredArticle(*row) for row in rows]

    def touch(
        self,
        url: str,
        seen_at: str,
        archive: Mapping[str, Any] | None = None,
        validators: Validators | None = None,
    ) -> None:
        """Note that an unchanged article was fetched again (answered 200 with the same
        content, its page ``archive``; or 304): its fetch time, and new ``validators``."""
        file, offset = _archive_columns(archive)
        etag, modified = validators or (None, None)
        self._execute(
            f"UPDATE articles SET last_seen = {self.GREATEST}(last_seen, ?), "
            "archive_file = coalesce(?, archive_file), "
            "archive_offset = coalesce(?, archive_offset), "
            "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE url = ?",
            (seen_at, file, offset, etag, modified, url),
        )

    # -- transient failures across runs ---------------------------------------------------
    def note_failure(self, url: str, run_id: str, cause: str) -> int:
        """A transient failure of ``url`` in run ``run_id``; the number of runs it failed in."""
        self._execute(
            "INSERT INTO failures (url, runs, last_run, last_cause) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET runs = failures.runs + "
            "(CASE WHEN failures.last_run != excluded.last_run THEN 1 ELSE 0 END), "
            "last_run = excluded.last_run, last_cause = excluded.last_cause",
            (url, run_id, cause),
        )
        row = self._one("SELECT runs FROM failures WHERE url = ?", (url,))
        return int(row[0]) if row else 0

    def give_up(self, url: str, run_id: str) -> None:
        """``url`` is not asked for again from cards (delete its failures row to retry it)."""
        self._execute("UPDATE failures SET gave_up = ? WHERE url = ?", (run_id, url))

    def given_up(self, url: str) -> bool:
        row = self._one("SELECT 1 FROM failures WHERE url = ? AND gave_up IS NOT NULL", (url,))
        return row is not None

    def clear_failures(self, url: str) -> None:
        """``url`` answered: its count starts again."""
        self._execute("DELETE FROM failures WHERE url = ?", (url,))

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def count(self) -> int:
        """How many articles the state holds."""
        return int(self._one("SELECT count(*) FROM articles")[0])

    # -- work units with leases -------------------------------------------------------------
    def add_units(self, units: Iterable[tuple[str, str, Mapping[str, Any]]]) -> int:
        """Offer work units ``(key, kind, spec)``; a key already there (pending, held or done)
        is left as it is. How many were added."""
        added = 0

        def work() -> int:
            count = 0
            for key, kind, spec in units:
                text = json.dumps(dict(spec), sort_keys=True)
                priority = UNIT_PRIORITY.get(kind, len(UNIT_PRIORITY))
                rows = self._rows(
                    "INSERT INTO units (unit, kind, spec, priority) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(unit) DO NOTHING RETURNING unit",
                    (key, kind, text, priority),
                )
                count += len(rows)
            return count

        added = self._atomic(work)
        return added

    def claim(
        self, holder: str, lease_seconds: float, keys: Iterable[str] | None = None
    ) -> Lease | None:
        """Take the first pending unit (of ``keys``; None: of any) no lease holds, for
        ``lease_seconds`` (by the database's clock); None when there is none. Its fencing token
        goes up by one: the previous holder's writes are refused from now on. In PostgreSQL two
        claimers never wait on each other nor get the same unit (``FOR UPDATE SKIP LOCKED``)."""
        named = sorted(set(keys)) if keys is not None else []
        if keys is not None and not named:
            return None
        only = f" AND unit IN ({', '.join('?' for _ in named)})" if named else ""
        row = self._one(
            f"UPDATE units SET holder = ?, lease_until = {self.NOW} + ?, token = token + 1, "
            "claims = claims + 1 WHERE unit = (SELECT unit FROM units WHERE done = 0 "
            f"AND lease_until < {self.NOW}{only} ORDER BY priority, unit LIMIT 1"
            f"{self.SKIP_LOCKED}) RETURNING unit, kind, spec, token, lease_until, checkpoint",
            (holder, lease_seconds, *named),
        )
        if row is None:
            return None
        unit, kind, spec, token, until, checkpoint = row
        return Lease(unit, kind, json.loads(spec), int(token), float(until), _json(checkpoint))

    def heartbeat(
        self,
        lease: Lease,
        lease_seconds: float,
        checkpoint: Mapping[str, Any] | None = None,
    ) -> Lease:
        """Extend a held lease by ``lease_seconds`` from now, saving ``checkpoint`` (where the
        unit got to: a cursor, a range position) with it; the renewed lease.
        :class:`LeaseLost` when the lease ran out or another node took the unit."""
        text = json.dumps(dict(checkpoint), sort_keys=True) if checkpoint is not None else None
        row = self._one(
            f"UPDATE units SET lease_until = {self.NOW} + ?, "
            "checkpoint = coalesce(?, checkpoint) "
            f"WHERE unit = ? AND token = ? AND done = 0 AND lease_until >= {self.NOW} "
            "RETURNING lease_until, checkpoint",
            (lease_seconds, text, lease.unit, lease.token),
        )
        if row is None:
            raise LeaseLost(lease.unit, lease.token)
        return replace(lease, until=float(row[0]), checkpoint=_json(row[1]))

    def complete(self, lease: Lease, checkpoint: Mapping[str, Any] | None = None) -> None:
        """The unit is done (never claimed again; done again by the same lease: nothing
        more); :class:`LeaseLost` when the lease is lost."""
        text = json.dumps(dict(checkpoint), sort_keys=True) if checkpoint is not None else None
        row = self._one(
            "UPDATE units SET done = 1, holder = NULL, done_at = ?, "
            "checkpoint = coalesce(?, checkpoint) "
            f"WHERE unit = ? AND token = ? AND done = 0 AND lease_until >= {self.NOW} "
            "RETURNING unit",
            (_now_text(), text, lease.unit, lease.token),
        )
        if row is None and not self._one(  # completed already by this lease: nothing to do
            "SELECT 1 FROM units WHERE unit = ? AND token = ? AND done = 1",
            (lease.unit, lease.token),
        ):
            raise LeaseLost(lease.unit, lease.token)

    def release(
        self,
        lease: Lease,
        checkpoint: Mapping[str, Any] | None = None,
        rest_seconds: float = 0.0,
    ) -> None:
        """Give a unit back unfinished (a run that closes early, or a recurring unit such as
        an edition's top walk): claimable again after ``rest_seconds`` (0: at once), from
        ``checkpoint`` (or the last one saved); the lease's later writes are refused (the
        token moves on). A lost lease is nothing to give back."""
        text = json.dumps(dict(checkpoint), sort_keys=True) if checkpoint is not None else None
        rest = f"{self.NOW} + ?" if rest_seconds > 0 else "0"
        self._execute(
            f"UPDATE units SET holder = NULL, lease_until = {rest}, token = token + 1, "
            "checkpoint = coalesce(?, checkpoint) "
            f"WHERE unit = ? AND token = ? AND done = 0 AND lease_until >= {self.NOW}",
            (*([rest_seconds] if rest_seconds > 0 else []), text, lease.unit, lease.token),
        )

    def fenced(self, lease: Lease, work: Callable[[], _T]) -> _T:
        """Run ``work`` (this store's writes of the unit) in one transaction that first checks
        ``lease``: its token still the unit's and its time not run out (in PostgreSQL the unit's
        row is share-locked, so no claim slips in before the commit). :class:`LeaseLost`, and
        nothing written, when not."""

        def checked() -> _T:
            self._check_lease(lease)
            return work()

        return self._atomic(checked)

    def _check_lease(self, lease: Lease) -> None:
        row = self._one(
            f"SELECT token, lease_until >= {self.NOW} FROM units "
            f"WHERE unit = ? AND done = 0{self.SHARE_LOCK}",
            (lease.unit,),
        )
        if row is None or int(row[0]) != lease.token or not row[1]:
            raise LeaseLost(lease.unit, lease.token)

    def commit_line(
        self, lease: Lease | None, entry: ManifestEntry, write: Callable[[], bool]
    ) -> None:
        """Commit one line of an open output file with the state (a shared state): in one
        transaction, ``lease`` checked (when given), ``write()`` (the line's article row,
        False when another run recorded that revision first: :class:`AlreadyRecorded`), and
        the file's committed size in the manifest advanced to ``entry`` (``complete`` false:
        the file is still open). What lies past the committed size when the run ends (a line
        whose commit failed or was refused) is never published. The same line committed
        again (the answer to a commit lost with the connection) is nothing more."""

        def work() -> None:
            if lease is not None:
                self._check_lease(lease)
            held = self._one(
                "SELECT bytes FROM manifest WHERE node = ? AND path = ?", (entry.node, entry.path)
            )
            if held is not None and int(held[0]) >= entry.bytes:
                return  # this line's commit went through before the connection was lost
            if not write():
                raise AlreadyRecorded(entry.path)
            self._note_file(entry)

        self._atomic(work)

    def committed(self, node: str, path: str) -> tuple[int, int] | None:
        """``(lines, bytes)`` of ``node``'s file ``path`` committed in the manifest."""
        row = self._one(
            "SELECT lines, bytes FROM manifest WHERE node = ? AND path = ?", (node, path)
        )
        return (int(row[0]), int(row[1])) if row else None

    def update_meta(self, key: str, merge: Callable[[str | None], str | None]) -> None:
        """Set the mark ``key`` to ``merge(value held)`` under the row's lock: two runs
        that merge into one mark (walked periods) never lose each other's update."""

        def work() -> None:
            self._execute(
                "INSERT INTO meta (key, value) VALUES (?, '') ON CONFLICT(key) DO NOTHING", (key,)
            )
            row = self._one(f"SELECT value FROM meta WHERE key = ?{self.ROW_LOCK}", (key,))
            self.set_meta(key, merge(str(row[0]) if row and row[0] else None) or "")

        self._atomic(work)

    def units(self, kind: str | None = None) -> list[UnitRow]:
        """The work units (of ``kind``), by key: what is pending, held, done."""
        where, parameters = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        rows = self._rows(
            "SELECT unit, kind, done, holder, token, lease_until, checkpoint, claims FROM units "
            f"{where} ORDER BY unit",
            parameters,
        )
        return [
            UnitRow(u, k, bool(d), h, int(t), float(lu), _json(c), int(n))
            for u, k, d, h, t, lu, c, n in rows
        ]

    # -- the output manifest and the runs history -------------------------------------------
    def add_files(self, entries: Iterable[ManifestEntry]) -> None:
        """Note files a run closed (again: the newer entry wins), in one transaction."""

        def work() -> None:
            for entry in entries:
                self._note_file(entry)

        self._atomic(work)

    def _note_file(self, entry: ManifestEntry) -> None:
        self._execute(
            f"INSERT INTO manifest ({_MANIFEST_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(node, path) DO UPDATE SET "
            "run_id = excluded.run_id, kind = excluded.kind, lines = excluded.lines, "
            "bytes = excluded.bytes, sha256 = excluded.sha256, "
            "complete = excluded.complete, output_dir = excluded.output_dir, "
            "closed_at = excluded.closed_at",
            (
                entry.path,
                entry.node,
                entry.run_id,
                entry.kind,
                entry.lines,
                entry.bytes,
                entry.sha256,
                int(entry.complete),
                entry.output_dir,
                entry.closed_at,
            ),
        )

    def manifest(
        self, *, complete: bool | None = True, node: str | None = None
    ) -> list[ManifestEntry]:
        """The output files runs closed (``complete``: only complete ones, the default; None:
        all), of one ``node`` or every node, by node and path. What an export reads."""
        clauses: list[str] = []
        parameters: list[Any] = []
        if complete is not None:
            clauses.append("complete = ?")
            parameters.append(int(complete))
        if node is not None:
            clauses.append("node = ?")
            parameters.append(node)
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        rows = self._rows(
            f"SELECT {_MANIFEST_COLUMNS} FROM manifest {where}ORDER BY node, path",
            tuple(parameters),
        )
        return [
            ManifestEntry(p, n, r, k, int(li), int(b), s, bool(c), o, t)
            for p, n, r, k, li, b, s, c, o, t in rows
        ]

    def run_started(self, run_id: str, node: str, output_dir: str) -> None:
        """Note a run open in the runs history (until :meth:`run_finished`)."""
        self._execute(
            "INSERT INTO run_history (run_id, node, output_dir, started_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(run_id) DO NOTHING",
            (run_id, node, output_dir, _now_text()),
        )

    def run_finished(self, run_id: str, recovered: int | None = None) -> None:
        """Note a run closed (``recovered``: by a later run's recovery, that many articles)."""
        self._execute(
            "UPDATE run_history SET finished_at = ?, recovered = ? WHERE run_id = ?",
            (_now_text(), recovered, run_id),
        )

    def unfinished_runs(self, node: str, other_than: str) -> list[tuple[str, str]]:
        """``(run_id, output_dir)`` of the runs of ``node`` noted open and not going on any
        more (their files to recover), oldest first."""
        rows = self._rows(
            "SELECT run_id, output_dir FROM run_history WHERE node = ? AND finished_at IS NULL "
            "AND run_id != ? ORDER BY started_at, run_id",
            (node, other_than),
        )
        return [(str(r), str(o)) for r, o in rows if not self.run_alive(str(r))]

    def run_alive(self, run_id: str) -> bool:
        """Another process still runs ``run_id`` (SQLite: never: the file lock keeps runs
        apart)."""
        return False

    def hold_run(self, run_id: str) -> None:
        """Mark ``run_id`` as going on while this store is open (:meth:`run_alive`; SQLite:
        nothing: the file lock keeps runs apart)."""
        return None


def _json(text: Any) -> Any:
    return json.loads(text) if text else None


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _archive_columns(archive: Mapping[str, Any] | None) -> tuple[str | None, int | None]:
    if not archive or not archive.get("file"):
        return None, None
    return str(archive["file"]), int(archive.get("offset") or 0)


#: Fields left out of :func:`record_hash`: what differs between two runs over the same page.
RUN_FIELDS = frozenset({"crawled_at", "revision", "revision_reason", "archive"})
#: The warning :class:`~newscrawl.pipelines.DedupPipeline` adds to a new revision.
REVISED_WARNING = "revised:"


def record_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 of an exported article's fields, run-specific ones left out (``RUN_FIELDS``
    and the ``revised:`` warning): two extractions of one page give the same hash exactly when
    they would write the same record. ``scrapy reparse`` decides "changed" by it."""
    kept = {
        name: value
        for name, value in values.items()
        if name in ARTICLE_FIELDS and name not in RUN_FIELDS
    }
    kept["warnings"] = [
        w for w in kept.get("warnings") or [] if not str(w).startswith(REVISED_WARNING)
    ]
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
