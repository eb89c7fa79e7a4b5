"""The state of earlier runs in SQLite (``NEWSCRAWL_STATE``; empty: in memory for the run),
and the lock that keeps two runs over one state apart: a row per article, written only after
its line reached its file; named marks (walked ranges, feed URLs, the open run) in ``meta``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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


class StateError(RuntimeError):
    """The state file cannot be read; the message names the file, the cause and what to do."""

    def __init__(self, path: Path | None, cause: str) -> None:
        super().__init__(
            f"state {path} cannot be read: {cause}; move it away to start afresh, or restore "
            "it (docs/operations.md)"
        )


def _check_size(path: Path) -> None:
    """A file cut short: smaller than the database size its header declares."""
    try:
        with path.open("rb") as stream:
            header = stream.read(100)
    except FileNotFoundError:
        return
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

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _check_size(self.path)
        self.connection = sqlite3.connect(
            str(self.path) if self.path is not None else ":memory:", isolation_level=None
        )
        self.closed = False
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self.connection.close()
            raise StateError(self.path, str(exc)) from None
        except StateError:
            self.connection.close()
            raise

    def _open(self) -> None:
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(_SCHEMA)
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
                f"it has schema {found}, newer than this newscrawl's {SCHEMA_VERSION} "
                "(upgrade newscrawl)",
            )
        if found < SCHEMA_VERSION:
            self._migrate(found)

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
        row = self.connection.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE url = ?", (url,)
        ).fetchone()
        return StoredArticle(*row) if row else None

    def url_with_content(self, language: str, content_hash: str, other_than: str) -> str | None:
        """The URL of another article of ``language`` on the same site as ``other_than`` with
        exactly this content, if any (a state used against two sites keeps them apart)."""
        site = "/".join(other_than.split("/", 3)[:3]) + "/"  # scheme://host[:port]/
        row = self.connection.execute(
            "SELECT url FROM articles WHERE language = ? AND content_hash = ? AND url != ? "
            "AND substr(url, 1, ?) = ? ORDER BY first_seen LIMIT 1",
            (language, content_hash, other_than, len(site), site),
        ).fetchone()
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
        self.connection.execute(
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
        rows = self.connection.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE language = ? AND substr(url, 1, ?) = ? "
            "AND published_at >= ? "
            "AND url NOT IN (SELECT url FROM failures WHERE gave_up IS NOT NULL)",
            (language, len(prefix), prefix, since),
        ).fetchall()
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
        self.connection.execute(
            "UPDATE articles SET last_seen = max(last_seen, ?), "
            "archive_file = coalesce(?, archive_file), "
            "archive_offset = coalesce(?, archive_offset), "
            "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE url = ?",
            (seen_at, file, offset, etag, modified, url),
        )

    # -- transient failures across runs ---------------------------------------------------
    def note_failure(self, url: str, run_id: str, cause: str) -> int:
        """A transient failure of ``url`` in run ``run_id``; the number of runs it failed in."""
        self.connection.execute(
            "INSERT INTO failures (url, runs, last_run, last_cause) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET runs = runs + (last_run != excluded.last_run), "
            "last_run = excluded.last_run, last_cause = excluded.last_cause",
            (url, run_id, cause),
        )
        row = self.connection.execute("SELECT runs FROM failures WHERE url = ?", (url,)).fetchone()
        return int(row[0])

    def give_up(self, url: str, run_id: str) -> None:
        """``url`` is not asked for again from cards (delete its failures row to retry it)."""
        self.connection.execute("UPDATE failures SET gave_up = ? WHERE url = ?", (run_id, url))

    def given_up(self, url: str) -> bool:
        row = self.connection.execute(
            "SELECT 1 FROM failures WHERE url = ? AND gave_up IS NOT NULL", (url,)
        ).fetchone()
        return row is not None

    def clear_failures(self, url: str) -> None:
        """``url`` answered: its count starts again."""
        self.connection.execute("DELETE FROM failures WHERE url = ?", (url,))

    def get_meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.connection.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def close(self) -> None:
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
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
