"""``scrapy export``'s dataset: the runs' JSON Lines folded into one DuckDB file
(``output/newscrawl.duckdb``) and Parquet (``output/dataset/``), with ``manifest.json``.

The columns are generated from :class:`newscrawl.items.Article` (``COLUMNS``). The database
keeps every line read (``article_lines``) and the files read (``files``); the views users
query are ``revisions``, ``articles`` and ``translations``. Incremental: only files not read
yet, or changed since (size or checksum), are read, each replaced as a whole in one
transaction with its ``files`` row; a file gone from the output directory is dropped. So the
result is always the one a full rebuild (``full=True``) gives from the files present.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

import duckdb
from pydantic import BaseModel

from newscrawl.items import Article
from newscrawl.site import EDITIONS
from newscrawl_data.runs import fold_runs

DATABASE_NAME = "newscrawl.duckdb"
DATASET_DIR = "dataset"
PREFIX = "report-"
BAKU = "Asia/Baku"

# -- columns: the Article model's annotations as DuckDB (hence Parquet) types ---------------

#: A field's annotation (None stripped from optionals) -> its DuckDB type.
BY_ANNOTATION: dict[Any, str] = {
    str: "VARCHAR",
    int: "BIGINT",
    float: "DOUBLE",
    bool: "BOOLEAN",
    list[str]: "VARCHAR[]",
}


def _struct(fields: dict[str, str]) -> str:
    return "STRUCT(" + ", ".join(f'"{name}" {kind}' for name, kind in fields.items()) + ")"


#: Fields whose values are narrower than their annotation says (the model's descriptions):
#: dates are ISO 8601 text (read as text, stored as instants), dicts have known keys (a
#: struct, not a map: Hugging Face ``datasets`` cannot read Parquet maps).
NARROWER: dict[str, str] = {
    "published_at": "TIMESTAMPTZ",
    "modified_at": "TIMESTAMPTZ",
    "crawled_at": "TIMESTAMPTZ",
    "revision": "INTEGER",
    "images": _struct({"url": "VARCHAR", "caption": "VARCHAR"}) + "[]",
    "translations": _struct(dict.fromkeys(EDITIONS, "VARCHAR")),
    "sources": _struct(dict.fromkeys(Article.model_fields, "VARCHAR")),  # field -> its source
    "archive": _struct({"file": "VARCHAR", "offset": "BIGINT"}),  # the record it came from
}


def duckdb_type(name: str, annotation: Any) -> str:
    """The column type of the model field ``name`` annotated ``annotation``."""
    if name in NARROWER:
        return NARROWER[name]
    if get_origin(annotation) in (Union, UnionType):  # X | None: the type of X
        args = [arg for arg in get_args(annotation) if arg is not NoneType]
        annotation = args[0] if len(args) == 1 else annotation
    if get_origin(annotation) is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        return "VARCHAR"
    if annotation in BY_ANNOTATION:
        return BY_ANNOTATION[annotation]
    raise TypeError(f"{name}: no DuckDB type for {annotation!r} (BY_ANNOTATION, NARROWER)")


def columns_of(model: type[BaseModel]) -> dict[str, str]:
    """The model's fields in their order, with their DuckDB types."""
    return {name: duckdb_type(name, f.annotation) for name, f in model.model_fields.items()}


#: The stored columns of one article line: the Article's, then where the line came from.
COLUMNS: dict[str, str] = columns_of(Article)
TABLE_COLUMNS: dict[str, str] = {
    **COLUMNS,
    "year": "INTEGER",
    "run_id": "VARCHAR",
    "source_file": "VARCHAR",
    "line_no": "BIGINT",
}
#: How each field is read from JSON: dates as text, cast with TRY_CAST (a bad date costs that
#: field, not the line).
TIMESTAMPS = tuple(name for name, kind in COLUMNS.items() if kind == "TIMESTAMPTZ")
JSON_COLUMNS = {name: "VARCHAR" if name in TIMESTAMPS else kind for name, kind in COLUMNS.items()}

# -- the run files ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunFile:
    """One article file of one run: where it is, its edition and run id, size and checksum."""

    path: Path
    relpath: str
    language: str
    run_id: str
    size: int
    sha256: str


def run_id_of(path: Path) -> str:
    """``report-2025-10-23T16-02-00-123.jsonl`` -> ``2025-10-23T16-02-00-123`` (the stem when
    there is no prefix; anything else a naming scheme adds stays part of the id)."""
    stem = path.name.removesuffix(".jsonl")
    return stem.removeprefix(PREFIX)


def find_run_files(output_dir: Path) -> list[RunFile]:
    """Every article file (``<output>/{az,en,ru}/*.jsonl``), sorted by run id, then language."""
    found = []
    for language in EDITIONS:
        for path in sorted((output_dir / language).glob("*.jsonl")):
            if path.is_file():
                with path.open("rb") as stream:
                    sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
                relpath, size = f"{language}/{path.name}", path.stat().st_size
                found.append(RunFile(path, relpath, language, run_id_of(path), size, sha256))
    return sorted(found, key=lambda f: (f.run_id, f.language, f.relpath))


def sql_string(path: Path) -> str:
    """``path`` as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


# -- the database -------------------------------------------------------------------------

_ITEMS = ", ".join(COLUMNS)

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

_LINKS = " UNION ALL ".join(
    f"SELECT url AS src, language AS src_lang, '{code}' AS dst_lang,"
    f" translations.{code} AS dst FROM articles"
    f" WHERE translations.{code} IS NOT NULL AND language <> '{code}'"
    for code in EDITIONS
)

TRANSLATIONS_VIEW = f"""
CREATE OR REPLACE VIEW translations AS
WITH links AS ({_LINKS}),
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

#: view -> (partition columns, sort order of the rows) of its Parquet files
PARQUET: dict[str, tuple[str, str]] = {
    "articles": ("language, year", "language, year, published_at, url"),
    "revisions": ("language, year", "language, year, url, revision, crawled_at"),
    "translations": ("pair, year", "pair, year, url_a, url_b"),
}


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database file with its tables and views. A database made with
    other columns (the model changed) is emptied, so every run file is read again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    stored = con.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'article_lines' ORDER BY ordinal_position"
    ).fetchall()
    if stored and [row[0] for row in stored] != list(TABLE_COLUMNS):
        con.execute("DROP TABLE article_lines; DROP TABLE IF EXISTS files")
    columns = ", ".join(f"{name} {kind}" for name, kind in TABLE_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS article_lines ({columns})")
    con.execute(
        "CREATE TABLE IF NOT EXISTS files (relpath VARCHAR PRIMARY KEY, language VARCHAR,"
        " run_id VARCHAR, size BIGINT, sha256 VARCHAR, lines BIGINT, rows BIGINT)"
    )
    for view in (REVISIONS_VIEW, ARTICLES_VIEW, TRANSLATIONS_VIEW):
        con.execute(view)
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    """The single integer ``sql`` answers (fetching every row, so no result stays open)."""
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _select_lines(run: RunFile) -> tuple[str, list[Any]]:
    """The SELECT that turns one JSON Lines file into ``article_lines`` rows."""
    casts = [
        f"TRY_CAST({name} AS TIMESTAMPTZ) AS {name}" if name in TIMESTAMPS else name
        for name in COLUMNS
    ]
    casts[list(COLUMNS).index("language")] = "?::VARCHAR AS language"  # the crawl's, from the path
    year = ", ".join(
        f"extract(year FROM TRY_CAST({name} AS TIMESTAMPTZ) AT TIME ZONE '{BAKU}')"
        for name in ("published_at", "crawled_at")
    )
    sql = f"""
        SELECT {", ".join(casts)}, CAST(coalesce({year}) AS INTEGER) AS year,
            ?::VARCHAR AS run_id, ?::VARCHAR AS source_file, row_number() OVER () AS line_no
        FROM read_json(?, format = 'newline_delimited', columns = ?, ignore_errors = true,
                       maximum_object_size = 67108864)
    """
    return sql, [run.language, run.run_id, run.relpath, str(run.path), JSON_COLUMNS]


def load_file(con: duckdb.DuckDBPyConnection, run: RunFile) -> tuple[int, int]:
    """Replace the lines of ``run`` in the database; returns (lines in the file, rows held)."""
    with run.path.open("rb") as stream:
        lines = sum(1 for line in stream if line.strip())
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM article_lines WHERE source_file = ?", [run.relpath])
        con.execute("DELETE FROM files WHERE relpath = ?", [run.relpath])
        rows = 0
        if lines:
            sql, params = _select_lines(run)
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
    return lines, rows


def forget_file(con: duckdb.DuckDBPyConnection, relpath: str) -> None:
    """Drop the lines of a file that is no longer in the output directory."""
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM article_lines WHERE source_file = ?", [relpath])
    con.execute("DELETE FROM files WHERE relpath = ?", [relpath])
    con.execute("COMMIT")


def write_parquet(con: duckdb.DuckDBPyConnection, dataset_dir: Path) -> None:
    """Rewrite every view's Parquet files, Hive-partitioned (``language=en/year=2025/``); the
    partition values come from the crawl (the edition) and a date, never from page text."""
    for table, (partitions, order) in PARQUET.items():
        target = dataset_dir / table
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        if scalar(con, f"SELECT count(*) FROM {table}"):
            con.execute(
                f"COPY (SELECT * FROM {table} ORDER BY {order}) TO {sql_string(target)}"
                f" (FORMAT parquet, PARTITION_BY ({partitions}),"
                " FILENAME_PATTERN 'part-{i}', COMPRESSION zstd)"
            )


def write_manifest(con: duckdb.DuckDBPyConnection, path: Path, summary: dict[str, Any]) -> None:
    """``manifest.json``: the ``files`` table (the record the export trusts) for people and
    other tools, written atomically (a temporary file renamed over the old one)."""
    cursor = con.execute("SELECT * FROM files ORDER BY run_id, language, relpath")
    names = [d[0] for d in cursor.description]
    files = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    document = {
        "version": 1,
        **summary,
        "files": {f.pop("relpath"): f for f in files},
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# -- the export ---------------------------------------------------------------------------


@dataclass
class ExportResult:
    """What one export did: files read, rows added, and the size of each view afterwards."""

    database: Path
    dataset_dir: Path
    files_read: list[str] = field(default_factory=list)
    files_dropped: list[str] = field(default_factory=list)
    files_unchanged: int = 0
    rows_read: int = 0
    skipped_lines: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    parquet_written: bool = False

    def summary(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.tables.items())
        lines = [
            f"read {len(self.files_read)} new or changed run files ({self.rows_read} lines),"
            f" {self.files_unchanged} already read, {len(self.files_dropped)} gone",
            f"tables: {tables}",
            f"database: {self.database}",
            f"parquet:  {self.dataset_dir}"
            + ("" if self.parquet_written else " (unchanged, not rewritten)"),
        ]
        if self.skipped_lines:
            lines.insert(1, f"skipped {self.skipped_lines} unreadable lines")
        return "\n".join(lines)


def database_path(output_dir: Path) -> Path:
    return output_dir / DATABASE_NAME


def export_dataset(output_dir: Path, *, full: bool = False) -> ExportResult:
    """Bring ``output/newscrawl.duckdb`` and ``output/dataset/`` up to date with the runs."""
    database = database_path(output_dir)
    dataset_dir = output_dir / DATASET_DIR
    manifest = dataset_dir / "manifest.json"
    if full:
        for path in (database, database.with_name(database.name + ".wal"), manifest):
            path.unlink(missing_ok=True)
    result = ExportResult(database=database, dataset_dir=dataset_dir)
    con = connect(database)
    try:
        known = {
            str(r[0]): (int(r[1]), str(r[2]))
            for r in con.execute("SELECT relpath, size, sha256 FROM files").fetchall()
        }
        present = find_run_files(output_dir)
        for run in present:
            if known.get(run.relpath) == (run.size, run.sha256):
                result.files_unchanged += 1
                continue
            lines, rows = load_file(con, run)
            result.files_read.append(run.relpath)
            result.rows_read += rows
            result.skipped_lines += lines - rows
        for relpath in sorted(set(known) - {run.relpath for run in present}):
            forget_file(con, relpath)
            result.files_dropped.append(relpath)
        fold_runs(con, output_dir)  # the stats files: runs, run_editions (runs.py)
        for table in PARQUET:
            result.tables[table] = scalar(con, f"SELECT count(*) FROM {table}")
        if result.files_read or result.files_dropped or full or not manifest.exists():
            write_parquet(con, dataset_dir)
            result.parquet_written = True
            exported_at = datetime.now(UTC).isoformat(timespec="seconds")
            summary = {"exported_at": exported_at, "database": database.name}
            write_manifest(con, manifest, {**summary, "tables": result.tables})
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result
