"""The state in PostgreSQL (``NEWSCRAWL_STATE=postgresql://user@host:port/database``, psycopg 3,
``pip install -e '.[postgres]'``): the same tables and SQL as the SQLite state
(:class:`newscrawl.store.StateStore`), shared by the runs of several nodes at once (no file
lock: they share the work through units claimed with ``FOR UPDATE SKIP LOCKED``).

A server that cannot be reached, or a connection cut during the run, is waited on: every
second it is tried again for ``NEWSCRAWL_STATE_RETRY_SECONDS`` (the run pauses meanwhile), and
a statement or a transaction that failed with the connection runs again, whole, once it is
back (every write is idempotent). Beyond the wait the run stops with one line (reason
``state_unreachable``, exit status 75): an open transaction is rolled back by the server, so
nothing is half-written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import psycopg
from psycopg import errors

from newscrawl.store import (
    _SCHEMA,
    _UNITS_AND_MANIFEST,
    LOCK_WAIT_SECONDS,
    SCHEMA_VERSION,
    StateError,
    StateStore,
    StateUnavailable,
    redact,
)

logger = logging.getLogger(__name__)

#: How long a run waits for an unreachable PostgreSQL, by default
#: (``NEWSCRAWL_STATE_RETRY_SECONDS``).
RETRY_SECONDS = 60.0
#: One fixed key of the advisory lock that serialises creating the tables.
_SCHEMA_LOCK = 0x6E657773  # "news"
_T = TypeVar("_T")


def _dialect(sql: str) -> str:
    """SQLite's DDL in PostgreSQL's types (64-bit integers)."""
    return sql.replace("INTEGER", "BIGINT")


class _Reconnected(Exception):
    """The connection was lost and is back: run the statement or transaction again."""


class PostgresStore(StateStore):
    """PostgreSQL-backed state that several runs share (see the module docstring)."""

    GREATEST: ClassVar[str] = "greatest"
    SKIP_LOCKED: ClassVar[str] = " FOR UPDATE SKIP LOCKED"
    SHARE_LOCK: ClassVar[str] = " FOR SHARE"
    ROW_LOCK: ClassVar[str] = " FOR UPDATE"
    NOW: ClassVar[str] = "extract(epoch from clock_timestamp())::double precision"

    def __init__(
        self,
        url: str,
        *,
        lock_wait: float = LOCK_WAIT_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self._setup()
        self.url = url
        self.path = None
        self.name = redact(url)
        self.lock_wait = lock_wait
        self.retry_seconds = retry_seconds
        #: The runs whose advisory locks this connection holds (:meth:`hold_run`).
        self._held: list[str] = []
        try:
            self.connection = self._retrying(self._connect, opening=True)
            self._create()
            if self._check_schema(self.name) is not None:
                raise StateError(
                    self.name, "it has an older schema than PostgreSQL states ever had"
                )
        except StateUnavailable:
            self.close()
            raise
        except psycopg.Error as exc:
            self.close()
            raise StateError(self.name, _first_line(exc), _CHECK_DATABASE) from None
        except StateError:
            self.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        timeout = max(1, int(min(self.retry_seconds, 10) or 1))
        connection = psycopg.connect(
            self.url, autocommit=True, connect_timeout=timeout, application_name="newscrawl"
        )
        milliseconds = max(1, int(self.lock_wait * 1000))
        connection.execute(f"SET lock_timeout = {milliseconds}")
        return connection

    def _create(self) -> None:
        """The tables, created once however many nodes open the state at the same time."""
        with self.connection.transaction():
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for statement in _dialect(_SCHEMA + _UNITS_AND_MANIFEST).split(";"):
                if statement.strip():
                    self.connection.execute(statement)  # type: ignore[call-overload]

    # -- errors, waiting, reconnecting --------------------------------------------------------
    def _lost(self) -> bool:
        connection = getattr(self, "connection", None)
        return connection is None or connection.closed or connection.broken

    def _retrying(self, attempt: Callable[[], _T], *, opening: bool = False) -> _T:
        """``attempt()``; while the server cannot be reached, tried again every second for
        :attr:`retry_seconds`; then :class:`StateUnavailable` (``state_unreachable``)."""
        deadline = time.monotonic() + self.retry_seconds
        said = False
        while True:
            try:
                return attempt()
            except psycopg.OperationalError as exc:
                if not opening and not self._lost():
                    raise
                if time.monotonic() >= deadline:
                    raise self._unreachable(exc) from None
                if not said:
                    logger.warning(
                        "state %s is out of reach (%s); trying again every second for %g s "
                        "(NEWSCRAWL_STATE_RETRY_SECONDS)",
                        self.name,
                        _first_line(exc),
                        self.retry_seconds,
                    )
                    said = True
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
                if not opening:
                    try:
                        self.connection = self._connect()
                        for run_id in self._held:  # a new session: the run's lock again
                            self._hold(run_id)
                    except psycopg.OperationalError:
                        continue
                    logger.warning("state %s reached again; the run goes on", self.name)
                    raise _Reconnected from None

    def _unreachable(self, error: BaseException) -> StateUnavailable:
        return StateUnavailable(
            f"state {self.name} cannot be reached: {_first_line(error)} (waited "
            f"{self.retry_seconds:g} s, NEWSCRAWL_STATE_RETRY_SECONDS); the run stops, nothing "
            "half-written is kept, and the next run catches up (check the server runs and the "
            'URL is right: docs/operations.md, "PostgreSQL is down")',
            reason="state_unreachable",
            error=error,
        )

    def _fail(self, fault: StateUnavailable) -> StateUnavailable:
        self.fault = fault
        if self.on_fault is not None:
            self.on_fault(fault)
        return fault

    def _fault_of(self, error: psycopg.Error) -> StateUnavailable:
        if isinstance(error, errors.LockNotAvailable):
            return StateUnavailable(
                f"state {self.name} is locked by another program (waited {self.lock_wait:g} s, "
                "NEWSCRAWL_STATE_LOCK_WAIT_SECONDS); the run stops and the next one catches up",
                reason="state_locked",
                error=error,
            )
        if isinstance(error, errors.DiskFull | errors.OutOfMemory):
            return StateUnavailable(str(error), reason="write_failed", error=error)
        return StateUnavailable(
            f"state {self.name} failed: {_first_line(error)}; the run stops and the next one "
            "catches up",
            reason="state_failed",
            error=error,
        )

    def _statement(self, sql: str, parameters: tuple[Any, ...], limit: int) -> list[Any]:
        cursor = self.connection.execute(sql.replace("?", "%s"), parameters)  # type: ignore[call-overload]
        if cursor.description is None:
            return []
        return list(cursor.fetchmany(limit) if limit else cursor.fetchall())

    def _rows(self, sql: str, parameters: tuple[Any, ...] = (), limit: int = 0) -> list[Any]:
        if self.fault is not None:
            raise self.fault
        while True:
            try:
                if self._depth:  # inside a transaction: its caller runs it again
                    return self._statement(sql, parameters, limit)
                return self._retrying(lambda: self._statement(sql, parameters, limit))
            except _Reconnected:
                if self._depth:
                    raise
                continue
            except StateUnavailable as fault:
                raise self._fail(fault) from None
            except psycopg.OperationalError as exc:
                if self._depth and self._lost():
                    raise  # the transaction's caller waits and runs it again
                raise self._fail(self._fault_of(exc)) from None
            except psycopg.Error as exc:
                if self._depth:
                    raise
                raise self._fail(self._fault_of(exc)) from None

    def _atomic(self, work: Callable[[], _T]) -> _T:
        if self._depth:
            return work()
        while True:
            try:
                return self._retrying(lambda: self._run_transaction(work))
            except _Reconnected:
                continue
            except StateUnavailable as fault:
                if fault is self.fault:
                    raise
                raise self._fail(fault) from None
            except psycopg.Error as exc:
                raise self._fail(self._fault_of(exc)) from None

    def _run_transaction(self, work: Callable[[], _T]) -> _T:
        with self.transaction():
            return work()

    def _begin(self) -> None:
        if self.fault is not None:
            raise self.fault
        self.connection.execute("BEGIN")

    def _rollback(self) -> None:
        if not self._lost():
            self.connection.execute("ROLLBACK")

    def run_alive(self, run_id: str) -> bool:
        """A run's session still holds its advisory lock (:meth:`hold_run`): the run goes on
        (on this node or another); a killed run's session is gone, and its lock with it."""
        row = self._one(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objid = (hashtext(?)::bigint & 4294967295)::oid AND classid = 1",
            (run_id,),
        )
        return bool(row and int(row[0]))

    def hold_run(self, run_id: str) -> None:
        """Hold a session advisory lock named after ``run_id`` while the run goes on (released
        when its connection closes: at the close, or when the process is killed)."""
        self._execute("SELECT pg_advisory_lock(1, hashtext(?))", (run_id,))
        self._held.append(run_id)

    def _hold(self, run_id: str) -> None:
        self.connection.execute("SELECT pg_advisory_lock(1, hashtext(%s))", (run_id,))

    @property
    def persistent(self) -> bool:
        return True

    @property
    def shared(self) -> bool:
        return True

    def close(self) -> None:
        connection = getattr(self, "connection", None)
        if connection is not None:
            connection.close()
        self.closed = True


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


_CHECK_DATABASE = (
    "check the database exists and the user may create tables in it "
    '(docs/operations.md, "Several nodes")'
)
__all__ = ["RETRY_SECONDS", "SCHEMA_VERSION", "PostgresStore", "redact"]
