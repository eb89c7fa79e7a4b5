"""The DuckDB file: every article line read (``article_lines``), the files read (``files``),
and the three views users query: ``revisions``, ``articles``, ``translations``.

Each file's lines are replaced as a whole inside one transaction together with its ``files``
row, so the database never holds half a file, and reading a file again (it grew, or the
manifest was lost) never doubles its lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from newscrawl.dataset.runs import RunFile
from newscrawl.dataset.schema import ITEM_FIELDS, JSON_COLUMNS, TABLE_COLUMNS, TIMESTAMP_COLUMNS
from newscrawl.editions import EDITIONS

BAKU = "Asia/Baku"

_ITEMS = ", ".join(ITEM_FIELDS)

REVISIONS_VIEW = f"""
CREATE OR REPLACE VIEW revisions AS
SELECT {_ITEMS}, year, run_id, last_run_id, times_written
FROM (
    SELECT *,
        row_number() OVER w AS nth,
        max(run_id) OVER (PARTITION BY url, revision, content_hash) AS last_run_id,
        count(*) OVER (PARTITION BY url, revision, content_hash) AS times_written
    FROM article_lines
    WINDOW w AS (PARTITION BY url, revision, content_hash
                 ORDER BY crawled_at, run_id, source_file, line_no)
)
WHERE nth = 1
"""

ARTICLES_VIEW = f"""
CREATE OR REPLACE VIEW articles AS
SELECT {_ITEMS}, year, run_id, first_run_id, revisions
FROM (
    SELECT *,
        row_number() OVER (PARTITION BY url
                           ORDER BY revision DESC, crawled_at DESC, run_id DESC) AS nth,
        min(run_id) OVER (PARTITION BY url) AS first_run_id,
        count(*) OVER (PARTITION BY url) AS revisions
    FROM revisions
)
WHERE nth = 1
"""


def _translations_view() -> str:
    links = " UNION ALL ".join(
        f"SELECT url AS src, language AS src_lang, '{code}' AS dst_lang,"
        f" translations.{code} AS dst FROM articles"
        f" WHERE translations.{code} IS NOT NULL AND language <> '{code}'"
        for code in EDITIONS
    )
    return f"""
CREATE OR REPLACE VIEW translations AS
WITH links AS ({links}),
pairs AS (
    SELECT
        CASE WHEN src_lang < dst_lang THEN src_lang ELSE dst_lang END AS language_a,
        CASE WHEN src_lang < dst_lang THEN src ELSE dst END AS url_a,
        CASE WHEN src_lang < dst_lang THEN dst_lang ELSE src_lang END AS language_b,
        CASE WHEN src_lang < dst_lang THEN dst ELSE src END AS url_b,
        src_lang < dst_lang AS forward
    FROM links
),
grouped AS (
    SELECT language_a, url_a, language_b, url_b,
        bool_or(forward) AS a_links_b, bool_or(NOT forward) AS b_links_a
    FROM pairs GROUP BY ALL
)
SELECT
    g.language_a || '-' || g.language_b AS pair,
    g.language_a, g.url_a, a.article_id AS article_id_a,
    g.language_b, g.url_b, b.article_id AS article_id_b,
    g.a_links_b, g.b_links_a,
    CASE WHEN g.a_links_b AND g.b_links_a THEN 'confirmed' ELSE 'one_way' END AS link,
    a.url IS NOT NULL AND b.url IS NOT NULL AS both_crawled,
    a.published_at AS published_at_a, b.published_at AS published_at_b,
    coalesce(a.year, b.year) AS year
FROM grouped g
LEFT JOIN articles a ON a.url = g.url_a
LEFT JOIN articles b ON b.url = g.url_b
"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database file and make sure the tables and views exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    columns = ", ".join(f"{name} {kind}" for name, kind in TABLE_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS article_lines ({columns})")
    con.execute(
        "CREATE TABLE IF NOT EXISTS files (relpath VARCHAR PRIMARY KEY, language VARCHAR,"
        " run_id VARCHAR, size BIGINT, sha256 VARCHAR, lines BIGINT, rows BIGINT)"
    )
    con.execute(REVISIONS_VIEW)
    con.execute(ARTICLES_VIEW)
    con.execute(_translations_view())
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    """The single integer ``sql`` answers (fetching every row, so no result stays open)."""
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """``relpath -> (size, sha256)`` of every file already read."""
    rows = con.execute("SELECT relpath, size, sha256 FROM files").fetchall()
    return {str(r[0]): (int(r[1]), str(r[2])) for r in rows}


def _select_lines(run: RunFile) -> tuple[str, list[Any]]:
    """The SELECT that turns one JSON Lines file into ``article_lines`` rows."""
    casts = []
    for name in ITEM_FIELDS:
        if name in TIMESTAMP_COLUMNS:
            casts.append(f"TRY_CAST({name} AS TIMESTAMPTZ) AS {name}")
        elif name == "language":
            casts.append("?::VARCHAR AS language")  # the edition of the crawl, from the path
        else:
            casts.append(name)
    sql = f"""
        SELECT {", ".join(casts)},
            CAST(coalesce(
                extract(year FROM TRY_CAST(published_at AS TIMESTAMPTZ) AT TIME ZONE '{BAKU}'),
                extract(year FROM TRY_CAST(crawled_at AS TIMESTAMPTZ) AT TIME ZONE '{BAKU}'))
                AS INTEGER) AS year,
            ?::VARCHAR AS run_id, ?::VARCHAR AS source_file,
            row_number() OVER () AS line_no
        FROM read_json(?, format = 'newline_delimited', columns = ?, ignore_errors = true,
                       maximum_object_size = 67108864)
    """
    return sql, [run.language, run.run_id, run.relpath, str(run.path), JSON_COLUMNS]


def count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for line in stream if line.strip())


def load_file(con: duckdb.DuckDBPyConnection, run: RunFile) -> int:
    """Replace the lines of ``run`` in the database; returns the rows it holds now."""
    sql, params = _select_lines(run)
    lines = count_lines(run.path)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM article_lines WHERE source_file = ?", [run.relpath])
        con.execute("DELETE FROM files WHERE relpath = ?", [run.relpath])
        rows = 0
        if lines:
            con.execute(f"INSERT INTO article_lines {sql}", params)
            rows = scalar(
                con, "SELECT count(*) FROM article_lines WHERE source_file = ?", [run.relpath]
            )
        con.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run.relpath, run.language, run.run_id, run.size, run.sha256, lines, rows],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return rows


def forget_file(con: duckdb.DuckDBPyConnection, relpath: str) -> None:
    """Drop the lines of a file that is no longer in the output directory."""
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM article_lines WHERE source_file = ?", [relpath])
    con.execute("DELETE FROM files WHERE relpath = ?", [relpath])
    con.execute("COMMIT")


def files_table(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The ``files`` table as dicts, in run order."""
    cursor = con.execute("SELECT * FROM files ORDER BY run_id, language, relpath")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
