"""The runs in the dataset: every stats file (``output/stats/*.json``, keys in
``docs/schemas/stats.schema.json``) folded once into two tables of ``output/newscrawl.duckdb``.

- ``runs``: one row per stats file, its key columns and the whole JSON (``stats``);
- ``run_editions``: one row per run and edition, the figures the run report aggregates.

A stats file is written once, last, atomically (docs/output.md), so it is read once: the
``runs`` row of its path (with its size) says it was. A file that changed size is read again;
a file that is gone (``NEWSCRAWL_RETENTION_DAYS``) keeps its rows: the dataset is the record
of every run, the stats folder only its latest part. DuckDB reads the files itself
(``read_text``) in batches of :data:`BATCH` files, so the memory of a fold is bounded by one
batch, whatever the history. A file that is not a JSON object is left out (and tried again at
the next export).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

STATS_DIR = "stats"
#: Stats files read by one ``read_text`` call (~5 KB each: about 1 MB of JSON per batch;
#: 2,000 at once overran a 256 MB DuckDB memory limit).
BATCH = 200

RUNS_TABLE = """
CREATE TABLE IF NOT EXISTS runs (
    relpath VARCHAR PRIMARY KEY,
    size BIGINT,
    run_id VARCHAR,
    spider VARCHAR,
    kind VARCHAR,
    mode VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    duration_seconds DOUBLE,
    finish_reason VARCHAR,
    exit_code INTEGER,
    site_requests BIGINT,
    health_checked BOOLEAN,
    health_ok BOOLEAN,
    failures INTEGER,
    warnings INTEGER,
    editions VARCHAR[],
    stats JSON
)
"""

RUN_EDITIONS_TABLE = """
CREATE TABLE IF NOT EXISTS run_editions (
    relpath VARCHAR,
    run_id VARCHAR,
    language VARCHAR,
    started_at TIMESTAMPTZ,
    found BIGINT,
    exported BIGINT,
    new BIGINT,
    updated BIGINT,
    unchanged BIGINT,
    dropped_total BIGINT,
    requests BIGINT,
    retries BIGINT,
    errors BIGINT,
    fallback_share DOUBLE,
    stop_reason VARCHAR,
    feed_source VARCHAR,
    holes INTEGER,
    oldest_hole_since TIMESTAMPTZ,
    unreachable VARCHAR,
    failed BOOLEAN,
    warned BOOLEAN
)
"""


def _int(path: str) -> str:
    return f"TRY_CAST(j->>'{path}' AS BIGINT)"


#: One batch of stats files as DuckDB reads them: ``read_text`` rows that are JSON objects,
#: with the editions named by failed and warning health checks.
STAGE_BATCH = f"""
CREATE OR REPLACE TEMP TABLE batch AS
SELECT '{STATS_DIR}/' || regexp_extract(filename, '[^/]+$') AS relpath, size,
    regexp_extract(filename, '([^/]+)\\.json$', 1) AS stem, j,
    CAST(json_extract_string(j, '$.health.failures[*].edition') AS VARCHAR[]) AS failed_named,
    CAST(json_extract_string(j, '$.health.warnings[*].edition') AS VARCHAR[]) AS warned_named
FROM (SELECT filename, size, TRY_CAST(content AS JSON) AS j FROM read_text(?))
WHERE json_type(j) = 'OBJECT'
"""

#: The batch -> ``runs``.
SELECT_RUNS = f"""
SELECT relpath, size, coalesce(j->>'run_id', stem) AS run_id,
    j->>'spider', coalesce(j->>'kind', 'crawl'), j->>'mode',
    TRY_CAST(j->>'started_at' AS TIMESTAMPTZ), TRY_CAST(j->>'finished_at' AS TIMESTAMPTZ),
    TRY_CAST(j->>'duration_seconds' AS DOUBLE), j->>'finish_reason',
    TRY_CAST(j->>'exit_code' AS INTEGER), {_int("site_requests")},
    TRY_CAST(j->'health'->>'checked' AS BOOLEAN), TRY_CAST(j->'health'->>'ok' AS BOOLEAN),
    coalesce(len(failed_named), 0), coalesce(len(warned_named), 0),
    coalesce(json_keys(j->'editions'), []), j
FROM batch
"""

#: The batch's editions -> ``run_editions``. A failed check names its edition, or ``all``
#: or another word (a run-level check: every edition); a run failed without a named check
#: failed for every edition.
SELECT_RUN_EDITIONS = f"""
WITH editions AS (
    SELECT b.relpath, b.j, b.failed_named, b.warned_named, k.language,
        b.j->'editions'->k.language AS e
    FROM batch b, unnest(coalesce(json_keys(b.j->'editions'), [])) AS k(language)
)
SELECT d.relpath, r.run_id, d.language, r.started_at,
    {
    ", ".join(
        _int(name).replace("j->>", "d.e->>")
        for name in (
            "found",
            "exported",
            "new",
            "updated",
            "unchanged",
            "dropped_total",
            "requests",
            "retries",
            "errors",
        )
    )
},
    TRY_CAST(d.e->>'fallback_share' AS DOUBLE), d.e->'walk'->>'stop_reason',
    d.e->>'feed_source', coalesce(json_array_length(d.e->'holes'), 0),
    list_min(list_transform(
        json_extract_string(d.e, '$.holes[*].since'), lambda s: TRY_CAST(s AS TIMESTAMPTZ))),
    d.e->>'unreachable',
    r.health_ok IS FALSE AND (
        r.failures = 0 OR list_has_any(d.failed_named, [d.language, 'all'])
        OR len(list_filter(d.failed_named, lambda n: NOT list_contains(r.editions, n))) > 0),
    coalesce(list_has_any(d.warned_named, [d.language, 'all']), false)
FROM editions d JOIN runs r ON r.relpath = d.relpath
WHERE json_type(d.e) = 'OBJECT'
"""


@dataclass
class FoldResult:
    """What one fold did: stats files read, left out (not a JSON object), already folded."""

    read: int = 0
    unreadable: int = 0
    known: int = 0

    def summary(self) -> str:
        text = f"runs: read {self.read} new stats files, {self.known} already read"
        return text + (f", {self.unreadable} unreadable" if self.unreadable else "")


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The ``runs`` and ``run_editions`` tables, if missing."""
    con.execute(RUNS_TABLE)
    con.execute(RUN_EDITIONS_TABLE)


def stats_files(output_dir: Path) -> dict[str, tuple[str, int]]:
    """``stats/<name>.json`` -> (path, size) of every stats file under ``output_dir`` (the
    path a string: a year is 52,560 files)."""
    found = {}
    folder = output_dir / STATS_DIR
    if folder.is_dir():
        with os.scandir(folder) as entries:  # the type from the listing: one stat per file
            for entry in entries:
                if entry.name.endswith(".json") and entry.is_file():
                    found[f"{STATS_DIR}/{entry.name}"] = (entry.path, entry.stat().st_size)
    return found


def fold_runs(con: duckdb.DuckDBPyConnection, output_dir: Path) -> FoldResult:
    """Fold the stats files not read yet (or changed in size) into ``runs``/``run_editions``."""
    create_tables(con)
    known = {str(r[0]): int(r[1]) for r in con.execute("SELECT relpath, size FROM runs").fetchall()}
    present = stats_files(output_dir)
    result = FoldResult()
    todo = []
    for relpath, (path, size) in sorted(present.items()):
        if known.get(relpath) == size:
            result.known += 1
        else:
            todo.append((relpath, path))
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        relpaths = [relpath for relpath, _ in batch]
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(STAGE_BATCH, [[str(path) for _, path in batch]])
            con.execute("DELETE FROM runs WHERE relpath IN (SELECT relpath FROM batch)")
            con.execute("DELETE FROM run_editions WHERE relpath IN (SELECT relpath FROM batch)")
            con.execute(f"INSERT INTO runs {SELECT_RUNS}")
            con.execute(f"INSERT INTO run_editions {SELECT_RUN_EDITIONS}")
            rows = con.execute("SELECT count(*) FROM batch").fetchall()
            con.execute("DROP TABLE batch")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        read = int(rows[0][0])
        result.read += read
        result.unreadable += len(relpaths) - read
    return result


class ExportFold(Protocol):
    """What a fold step of the export is given: the open database and the output folder."""

    con: duckdb.DuckDBPyConnection
    output_dir: Path


def fold_step(fold: ExportFold) -> None:
    """:func:`fold_runs` as a step of the export's fold (after the article files)."""
    fold_runs(fold.con, fold.output_dir)
