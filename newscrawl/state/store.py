"""The state of earlier runs: what was exported, keyed by canonical URL, in SQLite.

One row per article: language, article id, content hash, revision, publication time, first and
last seen, where the raw archive holds its latest page (file name relative to the archive
directory and the record's byte offset), and the hash of the whole exported record (what
``scrapy reparse`` compares to decide whether re-extraction changed the output). A row is
written only after its item has reached its feed file, so a crash can never mark as done an
article that was not written. An empty path keeps the state in memory for
the run only (deduplication within the run still works the same way).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 3

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
    record_hash  TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_content ON articles (language, content_hash);
CREATE INDEX IF NOT EXISTS articles_by_published ON articles (language, published_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Columns added since schema 1, added in place (ALTER TABLE) to an older state file.
_ADDED_COLUMNS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("archive_file", "TEXT"), ("archive_offset", "INTEGER"), ("record_hash", "TEXT")),
}
_COLUMNS = (
    "url, language, article_id, content_hash, title, revision, published_at, first_seen, "
    "last_seen, archive_file, archive_offset, record_hash"
)

#: Schema 3 (additive): one row per run and edition with the run's counts, for health checks
#: over a rolling window (newscrawl/extensions/history.py).
_RUNS_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT NOT NULL,
    edition     TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    mode        TEXT,
    figures     TEXT NOT NULL,
    PRIMARY KEY (run_id, edition)
);
CREATE INDEX IF NOT EXISTS runs_by_finish ON runs (edition, finished_at);
"""


@dataclass(frozen=True)
class StoredArticle:
    """What the state knows of one article."""

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


class StateStore:
    """SQLite-backed state, safe against crashes (WAL, one transaction per exported article)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(
            str(self.path) if self.path is not None else ":memory:", isolation_level=None
        )
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.closed = False
        self.connection.executescript(_SCHEMA)
        self.connection.executescript(_RUNS_SCHEMA)  # schema 3; additive, so always safe
        version = self.connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if version is None:
            self.connection.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        elif int(version[0]) > SCHEMA_VERSION:
            raise RuntimeError(
                f"state file {self.path} has schema {version[0]}, newer than this newscrawl "
                f"({SCHEMA_VERSION}); upgrade newscrawl or point NEWSCRAWL_STATE elsewhere"
            )
        elif int(version[0]) < SCHEMA_VERSION:
            self._migrate(int(version[0]))

    def _migrate(self, version: int) -> None:
        """Upgrade a state file of an older schema in place, in one transaction."""
        present = {row[1] for row in self.connection.execute("PRAGMA table_info(articles)")}
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for name, kind in _ADDED_COLUMNS.get(step, ()):
                    if name not in present:
                        self.connection.execute(f"ALTER TABLE articles ADD COLUMN {name} {kind}")
            self.connection.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )
            self.connection.execute("COMMIT")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise

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
    ) -> None:
        """Insert or update one article, committed at once. ``archive`` (``{"file", "offset"}``)
        points at the record of its page; without one, a pointer already held is kept."""
        file, offset = _archive_columns(archive)
        self.connection.execute(
            "INSERT INTO articles (url, language, article_id, content_hash, title, revision, "
            "published_at, first_seen, last_seen, archive_file, archive_offset, record_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id, "
            "content_hash = excluded.content_hash, title = excluded.title, "
            "revision = excluded.revision, published_at = excluded.published_at, "
            "last_seen = max(last_seen, excluded.last_seen), "
            "archive_file = coalesce(excluded.archive_file, archive_file), "
            "archive_offset = coalesce(excluded.archive_offset, archive_offset), "
            "record_hash = excluded.record_hash",
            (
                url,
                language,
                article_id,
                content_hash,
                title,
                revision,
                published_at,
                seen_at,
                seen_at,
                file,
                offset,
                record_hash,
            ),
        )

    def least_recently_seen(
        self, language: str, site: str, published_since: str, limit: int
    ) -> list[str]:
        """URLs of ``language`` on ``site`` published since ``published_since`` (ISO, Baku
        offset), the one fetched longest ago first."""
        prefix = site.rstrip("/") + "/"
        rows = self.connection.execute(
            "SELECT url FROM articles WHERE language = ? AND substr(url, 1, ?) = ? "
            "AND published_at >= ? ORDER BY last_seen, url LIMIT ?",
            (language, len(prefix), prefix, published_since, limit),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def touch(self, url: str, seen_at: str, archive: Mapping[str, Any] | None = None) -> None:
        """Note that an unchanged article was seen again (its latest page: ``archive``)."""
        file, offset = _archive_columns(archive)
        self.connection.execute(
            "UPDATE articles SET last_seen = max(last_seen, ?), "
            "archive_file = coalesce(?, archive_file), "
            "archive_offset = coalesce(?, archive_offset) WHERE url = ?",
            (seen_at, file, offset, url),
        )

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

    def count(self, language: str | None = None) -> int:
        if language is None:
            row = self.connection.execute("SELECT COUNT(*) FROM articles").fetchone()
        else:
            row = self.connection.execute(
                "SELECT COUNT(*) FROM articles WHERE language = ?", (language,)
            ).fetchone()
        return int(row[0])

    # -- runs (schema 2) ----------------------------------------------------------------
    def record_run(
        self,
        run_id: str,
        edition: str,
        finished_at: str,
        figures: dict[str, Any],
        mode: str | None = None,
    ) -> None:
        """Keep one run's counts for one edition (replaced if the run is recorded again)."""
        self.connection.execute(
            "INSERT INTO runs (run_id, edition, finished_at, mode, figures) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(run_id, edition) DO UPDATE SET "
            "finished_at = excluded.finished_at, mode = excluded.mode, "
            "figures = excluded.figures",
            (run_id, edition, finished_at, mode, json.dumps(figures, sort_keys=True)),
        )

    def runs_since(self, edition: str, since: str) -> list[dict[str, Any]]:
        """The counts of the edition's runs finished at or after ``since`` (ISO, UTC)."""
        rows = self.connection.execute(
            "SELECT figures FROM runs WHERE edition = ? AND finished_at >= ? ORDER BY finished_at",
            (edition, since),
        ).fetchall()
        result: list[dict[str, Any]] = []
        for (text,) in rows:
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if isinstance(value, dict):
                result.append(value)
        return result

    def forget_runs_before(self, before: str) -> None:
        self.connection.execute("DELETE FROM runs WHERE finished_at < ?", (before,))

    def first_seen_between(self, language: str, start: str, end: str) -> int:
        """Articles of ``language`` first seen in ``[start, end)`` (ISO, UTC)."""
        row = self.connection.execute(
            "SELECT COUNT(*) FROM articles WHERE language = ? AND first_seen >= ? "
            "AND first_seen < ?",
            (language, start, end),
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self.connection.close()
        self.closed = True


def _archive_columns(archive: Mapping[str, Any] | None) -> tuple[str | None, int | None]:
    if not archive or not archive.get("file"):
        return None, None
    return str(archive["file"]), int(archive.get("offset") or 0)
