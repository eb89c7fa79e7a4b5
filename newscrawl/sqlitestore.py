"""The state in SQLite (``NEWSCRAWL_STATE`` a file path; empty: in memory for the run): the
tables and SQL of :class:`newscrawl.store.StateStore` over one file, safe against crashes
(WAL, one transaction per exported article), with what its errors mean (locked, disk full,
damaged, unwritable) and the lock (:class:`StateLock`) that keeps two runs over one file apart.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from newscrawl.store import (
    _ADDED_COLUMNS,
    _SCHEMA,
    _UNITS_AND_MANIFEST,
    LOCK_WAIT_SECONDS,
    SCHEMA_VERSION,
    StateError,
    StateStore,
    StateUnavailable,
)


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


class SQLiteStore(StateStore):
    """SQLite-backed state, safe against crashes (WAL, one transaction per exported article);
    one run at a time (:class:`StateLock`)."""

    def __init__(self, path: str | Path | None, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self._setup()
        self.path = Path(path) if path else None
        self.lock_wait = lock_wait
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
        self.connection.executescript(_SCHEMA + _UNITS_AND_MANIFEST)
        # a state this run cannot write is refused now, not at its first article
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('write_check', '')")
        self.connection.execute("ROLLBACK")
        found = self._check_schema(self.path)
        if found is not None:
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
        if self.fault is not None:
            raise self.fault
        try:
            cursor = self.connection.execute(sql, parameters)
            return list(cursor.fetchmany(limit) if limit else cursor.fetchall())
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.Error as exc:
            if self.path is None:
                raise
            self.fault = self._unavailable(exc)
            if self.on_fault is not None:
                self.on_fault(self.fault)
            raise self.fault from None

    def _begin(self) -> None:
        self._execute("BEGIN IMMEDIATE")

    def _rollback(self) -> None:
        self.connection.execute("ROLLBACK")

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

    @property
    def shared(self) -> bool:
        return False

    def close(self) -> None:
        if hasattr(self, "connection"):
            self.connection.close()
        self.closed = True


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
