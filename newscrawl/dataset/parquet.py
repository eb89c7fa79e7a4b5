"""Writing the views as Parquet, Hive-partitioned: ``<table>/language=en/year=2025/*.parquet``.

Partition values come from the crawl (the edition) and from a date (the year), never from page
text. The partition columns are kept inside the files too, so a file read on its own (pandas,
Hugging Face ``datasets``) still has them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from newscrawl.dataset.store import scalar

#: view -> (partition columns, sort order of the rows)
TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "articles": (("language", "year"), "language, year, published_at, url"),
    "revisions": (("language", "year"), "language, year, url, revision, crawled_at"),
    "translations": (("pair", "year"), "pair, year, url_a, url_b"),
}


def sql_string(path: Path) -> str:
    """``path`` as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def write_parquet(con: duckdb.DuckDBPyConnection, dataset_dir: Path) -> dict[str, int]:
    """Rewrite every table's Parquet files; returns the rows written per table."""
    written: dict[str, int] = {}
    for table, (partitions, order) in TABLES.items():
        target = dataset_dir / table
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        written[table] = scalar(con, f"SELECT count(*) FROM {table}")
        if not written[table]:
            continue
        con.execute(
            f"COPY (SELECT * FROM {table} ORDER BY {order}) TO {sql_string(target)}"
            f" (FORMAT parquet, PARTITION_BY ({', '.join(partitions)}),"
            " FILENAME_PATTERN 'part-{i}', COMPRESSION zstd)"
        )
    return written
