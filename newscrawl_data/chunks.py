"""Reading a query's rows a chunk at a time while writing on the same DuckDB connection."""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterator
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

    def read(self, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in order, ``size`` at a time (the table is dropped at the end)."""
        for start in range(0, self.total, size):
            rows = self.con.execute(
                f"SELECT * EXCLUDE (chunk_row) FROM {self.name}"
                " WHERE chunk_row > ? AND chunk_row <= ? ORDER BY chunk_row",
                [start, start + size],
            ).fetchall()
            Chunks.largest = max(Chunks.largest, len(rows))
            yield rows
        self.con.execute(f"DROP TABLE {self.name}")


def write_sorted(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    target: Path,
    params: dict[str, Any] | None = None,
    append: bool = False,
) -> None:
    """Write the lines chosen by ``sql`` (a query of ``(sort key, line)``: the sort key a
    string without NUL characters) to ``target`` in the order of their sort keys, appended or
    rewritten (through a temporary file). The query is streamed unsorted (DuckDB's sort
    cannot spill rows of whole articles under a small memory limit); the lines are sorted
    outside it: runs of ``RUN_CHARS`` characters sorted in memory and written to temporary
    files, then merged. Memory: one run, whatever the number of lines."""
    with tempfile.TemporaryDirectory(prefix=".sort-", dir=target.parent) as scratch:
        runs: list[Path] = []
        run: list[tuple[str, str]] = []
        chars = 0
        cursor = con.execute(sql, params or {})
        while chunk := cursor.fetchmany(FETCH):
            for key, line in chunk:
                run.append((str(key), str(line)))
                chars += len(line)
            if chars >= RUN_CHARS:
                runs.append(_spill(run, Path(scratch) / f"run-{len(runs)}"))
                run, chars = [], 0
        path = target if append else Path(scratch) / "merged"
        with path.open("a" if append else "w", encoding="utf-8", newline="\n") as stream:
            if not runs:  # one run: no temporary file
                run.sort()
                stream.writelines(line + "\n" for _, line in run)
            else:
                runs.append(_spill(run, Path(scratch) / f"run-{len(runs)}"))
                run = []
                files = [run_path.open(encoding="utf-8", newline="\n") for run_path in runs]
                try:
                    merged = heapq.merge(*files)  # by the sort key: it comes first, then NUL
                    stream.writelines(line.partition("\0")[2] for line in merged)
                finally:
                    for file in files:
                        file.close()
        if not append:
            os.replace(path, target)


def _spill(run: list[tuple[str, str]], path: Path) -> Path:
    run.sort()
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.writelines(f"{key}\0{line}\n" for key, line in run)
    return path
