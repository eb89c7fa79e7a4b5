"""The state of earlier runs in SQLite (``NEWSCRAWL_STATE``; empty: in memory for the run),
and the lock that keeps two runs over one state apart: a row per article, written only after
its line reached its file; named marks (walked ranges, feed URLs, the open run) in ``meta``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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

    def __init__(self, path: Path | None, cause: str, advice: str = RESTORE) -> None:
        super().__init__(f"state {path} cannot be used: {cause}; {advice}")


class StateUnavailable(CloseSpider, DropItem):
    """A state call failed while the run was going (the database locked by another program
    beyond the wait, the disk full, or another SQLite error): the run closes (from a callback:
    a :class:`CloseSpider`; from a pipeline: a :class:`DropItem` logged at DEBUG, the article
    not written) and every later call fails at once. The next run's recovery records what this
    run wrote but could not record. ``reason``: ``state_locked``, ``write_failed`` (a full
    disk or an I/O error: a failed write like any other) or ``state_failed``."""

    def __init__(self, message: str, *, reason: str, error: BaseException | None = None) -> None:
        Exception.__init__(self, message)
        self.reason = reason
        self.locked = reason == "state_locked"
        #: The SQLite error behind it.
        self.error = error
        self.log_level = "DEBUG"


def _is_full(error: sqlite3.Error) -> bool:
    """A full disk, a file size limit or an I/O error under SQLite."""
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or any(
        words in str(error) for words in ("disk is full", "disk I/O error")
    )


def _is_locked(error: sqlite3.Error) -> bool:
    return getattr(error, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED") or (
        "locked" in str(error)
    )


def _unwritable(path: Path) -> str | None:
    """Why the state at ``path`` cannot be written (its folder or the file read-only), or None.
    SQLite writes its ``-wal`` and ``-shm`` files, and the run its ``.lock``, beside the file."""
    folder = path.parent
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileNotFoundError:
        return None
    except OSError as exc:
        return (
            f"its folder {folder} is not writable ({exc.strerror}; SQLite writes its -wal and "
            "-shm files and the run its .lock beside the state)"
        )
    try:
        os.close(os.open(path, os.O_RDWR))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"the file is not writable ({exc.strerror})"
    return None


#: What to do about a state that cannot be written.
MAKE_WRITABLE = (
    "give the user running the crawl write access to the file and its folder, or point "
    'NEWSCRAWL_STATE at a writable place (docs/operations.md, "The state is damaged")'
)


def _check_file(path: Path) -> None:
    """Refuse a path that is no state file: a directory, a file that is not a database or is
    cut short (smaller than the database size its header declares)."""
    if path.is_dir():
        raise StateError(
            path,
            "it is a directory",
            f"NEWSCRAWL_STATE names the state file itself, e.g. {path / 'state.sqlite'}",
        )
    try:
        with path.open("rb") as stream:
            header = stream.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(
            path, f"the file cannot be opened ({exc.strerror})", MAKE_WRITABLE
        ) from None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        if header:
            raise StateError(path, "file is not a database")
        return
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]
    size, declared = path.stat().st_size, pages * page_size
    if valid and pages and size < declared:
        raise StateError(path, f"file is cut short ({size} of {declared} bytes)")


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


class StateStore:
    """SQLite-backed state, safe against crashes (WAL, one transaction per exported article)."""

    def __init__(self, path: str | Path | None, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = Path(path) if path else None
        self.lock_wait = lock_wait
        self.closed = False
        #: The failure that made the state unavailable during the run (then every call fails).
        self.fault: StateUnavailable | None = None
        #: Called once with that failure (the run logs it and closes).
        self.on_fault: Callable[[StateUnavailable], None] | None = None
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                cause = f"its folder cannot be created ({exc.strerror})"
                raise StateError(self.path, cause, MAKE_WRITABLE) from None
            _check_file(self.path)
        target = str(self.path) if self.path is not None else ":memory:"
        try:
            self.connection = sqlite3.connect(target, isolation_level=None, timeout=lock_wait)
            self._open()
        except (StateError, StateUnavailable):
            self.close()
            raise
        except sqlite3.Error as exc:
            self.close()
            if _is_locked(exc):
                raise self._unavailable(exc) from None
            unwritable = _unwritable(self.path) if self.path is not None else None
            if unwritable is not None:
                raise StateError(self.path, unwritable, MAKE_WRITABLE) from None
            raise StateError(self.path, str(exc)) from None

    def _open(self) -> None:
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(_SCHEMA)
        # a state this run cannot write is refused now, not at its first article
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('write_check', '')")
        self.connection.execute("ROLLBACK")
        version = self.get_meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
            return
        try:
            found = int(version)
        except ValueError:
            raise StateError(self.path, f"schema version {version!r} is not a number") from None
        if found > SCHEMA_VERSION:
            raise StateError(
                self.path,
                f"it has schema {found}, newer than this newscrawl's {SCHEMA_VERSION}",
                f"upgrade newscrawl, or {RESTORE}",
            )
        if found < SCHEMA_VERSION:
            self._migrate(found)

    def _unavailable(self, error: sqlite3.Error) -> StateUnavailable:
        if _is_locked(error):
            return StateUnavailable(
                f"state {self.path} is locked by another program (waited {self.lock_wait:g} s, "
                "NEWSCRAWL_STATE_LOCK_WAIT_SECONDS); the run stops and the next one catches up. "
                f"If it stays locked, find the holder: fuser {self.path}",
                reason="state_locked",
                error=error,
            )
        if _is_full(error):
            return StateUnavailable(str(error), reason="write_failed", error=error)
        return StateUnavailable(
            f"state {self.path} failed: {error}; the run stops and the next one catches up "
            f'(if this repeats: docs/operations.md, "The state is damaged")',
            reason="state_failed",
            error=error,
        )

    def _rows(self, sql: str, parameters: tuple[Any, ...] = (), limit: int = 0) -> list[Any]:
        """Run one statement (within the lock wait) and fetch its rows (``limit``: at most)."""
        if self.fault is not None:
            raise self.fault
        try:
            cursor = self.connection.execute(sql, parameters)
            return cursor.fetchmany(limit) if limit else cursor.fetchall()
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.Error as exc:
            if self.path is None:
                raise
            self.fault = self._unavailable(exc)
            if self.on_fault is not None:
                self.on_fault(self.fault)
            raise self.fault from None

    def _one(self, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
        rows = self._rows(sql, parameters, 1)
        return rows[0] if rows else None

    def _execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> None:
        self._rows(sql, parameters)

    def _migrate(self, version: int) -> None:
        """Upgrade a state file of an older schema in place, in one transaction."""
        present = {row[1] for row in self.connection.execute("PRAGMA table_info(articles)")}
        self.connection.execute("BEGIN IMMEDIATE")
        with self.connection:  # commits, or rolls back on any error
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for name, kind in _ADDED_COLUMNS.get(step, ()):
                    if name not in present:
                        self.connection.execute(f"ALTER TABLE articles ADD COLUMN {name} {kind}")
            self.connection.execute("DROP TABLE IF EXISTS runs")  # schema 4
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    @property
    def persistent(self) -> bool:
        return self.path is not None

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
    ) -> None:
        """Insert or update one article, committed at once. ``archive`` (``{"file", "offset"}``)
        points at the record of its page; without one, a pointer already held is kept.
        ``validators`` are the ones its page came with (none: none are kept)."""
        file, offset = _archive_columns(archive)
        row = (url, language, article_id, content_hash, title, revision, published_at)
        etag, modified = validators or (None, None)
        self._execute(
            f"INSERT INTO articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id, "
            "content_hash = excluded.content_hash, title = excluded.title, "
            "revision = excluded.revision, published_at = excluded.published_at, "
            "last_seen = max(last_seen, excluded.last_seen), "
            "archive_file = coalesce(excluded.archive_file, archive_file), "
            "archive_offset = coalesce(excluded.archive_offset, archive_offset), "
            "record_hash = excluded.record_hash, "
            "etag = excluded.etag, last_modified = excluded.last_modified",
            (*row, seen_at, seen_at, file, offset, record_hash, etag, modified),
        )

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
            "UPDATE articles SET last_seen = max(last_seen, ?), "
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
            "ON CONFLICT(url) DO UPDATE SET runs = runs + (last_run != excluded.last_run), "
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

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around many writes (a rebuild), committed at the end."""
        self._execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self._execute("COMMIT")

    def count(self) -> int:
        """How many articles the state holds."""
        return int(self._one("SELECT count(*) FROM articles")[0])

    def close(self) -> None:
        if hasattr(self, "connection"):
            self.connection.close()
        self.closed = True


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


class StateLockedError(RuntimeError):
    """Another process holds the lock; the message names it."""


class StateLock:
    """An exclusive, non-blocking lock on ``<state path>.lock``."""

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        state = self.path.with_name(self.path.name.removesuffix(".lock"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            cause = _unwritable(state) or f"its lock file {self.path}: {exc.strerror}"
            raise StateError(state, cause, MAKE_WRITABLE) from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise StateLockedError(
                f"another crawl is using the state {self.path.with_suffix('')} ({holder}); "
                "this run exits without crawling. Runs over one state must not overlap: "
                "widen the schedule interval, or give each job its own NEWSCRAWL_STATE."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
