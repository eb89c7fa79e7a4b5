"""Reading a query's rows a chunk at a time while writing on the same DuckDB connection."""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import duckdb

#: Rows fetched at a time from a streamed query (a row can hold three whole articles).
FETCH = 100
#: The characters of lines ``write_sorted`` sorts in memory at a time (a run).
RUN_CHARS = 4_000_000


class Chunks:
    """The rows of a query, numbered in a temporary table and read back ``size`` at a time,
    so that the connection can write between two chunks (a DuckDB result is invalidated by
    the next statement) and at most ``size`` rows are in Python at once. ``largest`` is the
    most rows one chunk held in this process (what the tests of the bound check)."""

    largest: ClassVar[int] = 0

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        sql: str,
        order: str,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.con, self.name = con, name
        con.execute(
            f"CREATE OR REPLACE TABLE {name} AS"
            f" SELECT row_number() OVER (ORDER BY {order}) AS chunk_row, * FROM ({sql})",
            params or {},
        )
        found = con.execute(f"SELECT count(*) FROM {name}").fetchone()
        self.total = int(found[0]) if found else 0

    def read(self, size: int, drop: bool = True) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in order, ``size`` at a time (``drop``: the table is dropped at the end)."""
        for start in range(0, self.total, size):
            rows = self.con.execute(
                f"SELECT * EXCLUDE (chunk_row) FROM {self.name}"
                " WHERE chunk_row > ? AND chunk_row <= ? ORDER BY chunk_row",
                [start, start + size],
            ).fetchall()
            Chunks.largest = max(Chunks.largest, len(rows))
            yield rows
        if drop:
            self.con.execute(f"DROP TABLE {self.name}")


def stream(cursor: duckdb.DuckDBPyConnection, size: int = FETCH) -> Iterator[tuple[Any, ...]]:
    """The rows of an executed query, fetched ``size`` at a time."""
    while chunk := cursor.fetchmany(size):
        yield from chunk


@contextlib.contextmanager
def sorted_lines(
    con: duckdb.DuckDBPyConnection, sql: str, scratch: Path, params: dict[str, Any] | None = None
) -> Iterator[Iterator[str]]:
    """The lines chosen by ``sql`` (a query of ``(sort key, line)``: the sort key a string
    without NUL characters), each ending in a newline, in the order of their sort keys. The
    query is streamed unsorted (DuckDB's sort cannot spill rows of whole articles under a
    small memory limit) and read whole before the lines are given (the connection is free
    again); the lines are sorted outside it: runs of ``RUN_CHARS`` characters sorted in memory
    and written to temporary files in ``scratch``, then merged. Memory: one run, whatever
    the number of lines."""
    with tempfile.TemporaryDirectory(prefix=".sort-", dir=scratch) as folder:
        runs: list[Path] = []
        run: list[tuple[str, str]] = []
        chars = 0
        cursor = con.execute(sql, params or {})
        while chunk := cursor.fetchmany(FETCH):
            for key, line in chunk:
                run.append((str(key), str(line)))
                chars += len(line)
            if chars >= RUN_CHARS:
                runs.append(_spill(run, Path(folder) / f"run-{len(runs)}"))
                run, chars = [], 0
        if not runs:  # one run: no temporary file
            run.sort()
            yield (line + "\n" for _, line in run)
            return
        runs.append(_spill(run, Path(folder) / f"run-{len(runs)}"))
        run = []
        files = [path.open(encoding="utf-8", newline="\n") for path in runs]
        try:  # merged by the sort key: it comes first, then NUL
            yield (line.partition("\0")[2] for line in heapq.merge(*files))
        finally:
            for file in files:
                file.close()


def write_sorted(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    target: Path,
    params: dict[str, Any] | None = None,
    append: bool = False,
) -> None:
    """Write the lines of ``sorted_lines`` to ``target``, appended or rewritten (through a
    temporary file)."""
    path = target if append else target.with_suffix(target.suffix + ".tmp")
    with (
        sorted_lines(con, sql, target.parent, params) as lines,
        path.open("a" if append else "w", encoding="utf-8", newline="\n") as stream,
    ):
        stream.writelines(lines)
    if not append:
        os.replace(path, target)


_DECODER = json.JSONDecoder()
_ID = b'{"id": "'


def line_id(line: bytes) -> str:
    """The ``id`` of a corpus row, read from the start of its JSON line (where ``row`` puts
    it) without decoding the rest; "" if it is not there."""
    if not line.startswith(_ID):
        return ""
    end = line.find(b'"', len(_ID))
    if end < 0:
        return ""
    value = line[len(_ID) : end]
    if b"\\" not in value:
        return value.decode("utf-8")
    try:  # an escape in the id: decode the string properly
        decoded, _ = _DECODER.raw_decode(line.decode("utf-8"), len(_ID) - 1)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    return str(decoded)


def merge_into(
    target: Path,
    order: Iterator[tuple[Any, ...]],
    new_lines: Iterator[str],
    dropped: set[str],
    id_of: Callable[[bytes], str] = line_id,
    start: int = 0,
) -> bool:
    """Rewrite ``target`` from byte ``start`` on as its lines but those whose ``id_of`` is in
    ``dropped``, merged with ``new_lines``, in the order ``order`` gives: per entry ``(id,
    new, lines)``, the next ``lines`` lines of the id come from ``new_lines`` or from the
    file. The lines before ``start`` (the rows that sort before anything changed: where a
    run's revisions land, near the end) stay in place: the tail is merged into a temporary
    file, the file cut at ``start`` and the tail appended, so a rewrite costs a copy of the
    tail, not of the file. One pass, nothing sorted again, the old lines copied as bytes.
    False, and ``target`` untouched, when the file does not hold what ``order`` says.

    From ``start`` > 0 the file is changed in place: a crash in between leaves it short of the
    size the caller notes after the merge, so the next export writes it again whole."""
    tmp = target.with_suffix(target.suffix + ".tmp")
    matched = True
    added = (line.encode("utf-8") for line in new_lines)
    with target.open("rb") as old, tmp.open("wb") as out:
        if start:  # the prefix must end where a line ends
            old.seek(start - 1)
            matched = old.read(1) == b"\n"
        kept = (line for line in old if id_of(line) not in dropped)
        for id_, new, count in order if matched else ():
            source = added if new else kept
            for _ in range(int(count)):
                line = next(source, None)
                if line is None or id_of(line) != id_:
                    matched = False
                    break
                out.write(line)
            if not matched:
                break
        matched = matched and next(kept, None) is None and next(added, None) is None
    if not matched:
        tmp.unlink()
        return False
    if not start:
        os.replace(tmp, target)
        return True
    with target.open("r+b") as file, tmp.open("rb") as tail:
        file.truncate(start)
        file.seek(start)
        shutil.copyfileobj(tail, file)
    tmp.unlink()
    return True


def _spill(run: list[tuple[str, str]], path: Path) -> Path:
    run.sort()
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.writelines(f"{key}\0{line}\n" for key, line in run)
    return path
