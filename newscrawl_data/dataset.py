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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

import duckdb
from pydantic import BaseModel

from newscrawl.items import Article
from newscrawl.site import EDITIONS
from newscrawl_data.runs import fold_step

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


#: The Article's fields as columns.
COLUMNS: dict[str, str] = columns_of(Article)
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


@dataclass(frozen=True)
class ListedFile:
    """One article file as a directory listing shows it (no content read): its edition, run
    id, size and modification time."""

    path: Path
    relpath: str
    language: str
    run_id: str
    size: int
    mtime_ns: int

    def sha256(self) -> str:
        with self.path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()


def run_id_of(path: Path) -> str:
    """``report-2025-10-23T16-02-00-123.jsonl`` -> ``2025-10-23T16-02-00-123`` (the stem when
    there is no prefix; anything else a naming scheme adds stays part of the id)."""
    stem = path.name.removesuffix(".jsonl")
    return stem.removeprefix(PREFIX)


def _article_entries(output_dir: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``(language, entry)`` of every article file (``<output>/{az,en,ru}/*.jsonl``), as the
    folders list them (nothing is read)."""
    for language in EDITIONS:
        folder = output_dir / language
        if not folder.is_dir():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".jsonl") and entry.is_file():
                    yield language, entry


def list_run_files(output_dir: Path) -> list[ListedFile]:
    """Every article file with its size and modification time, sorted by run id, then
    language: a listing, nothing is read."""
    found = []
    for language, entry in _article_entries(output_dir):
        stat, path = entry.stat(), Path(entry.path)
        relpath = f"{language}/{entry.name}"
        found.append(
            ListedFile(path, relpath, language, run_id_of(path), stat.st_size, stat.st_mtime_ns)
        )
    return sorted(found, key=lambda f: (f.run_id, f.language, f.relpath))


def find_run_files(output_dir: Path) -> list[RunFile]:
    """Every article file, sorted by run id, then language, with its SHA-256 (reads them all:
    for tools and tests; the export itself hashes only files new or changed since it read them)."""
    return [
        RunFile(f.path, f.relpath, f.language, f.run_id, f.size, f.sha256())
        for f in list_run_files(output_dir)
    ]


def sql_string(path: Path) -> str:
    """``path`` as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


# -- the database -------------------------------------------------------------------------

#: The bounds of one export's memory: DuckDB's own (it spills to ``<database>.tmp`` past it)
#: and the JSON Lines read in one batch (one transaction).
MEMORY_LIMIT = "256MB"
BATCH_BYTES = 32 * 1024 * 1024
BATCH_FILES = 2000

#: Fields that always differ between two revisions (bookkeeping), so not in ``changed_fields``.
BOOKKEEPING = (
    "url",
    "language",
    "crawled_at",
    "content_hash",
    "revision",
    "revision_reason",
    "archive",
)
#: Fields compared with the previous revision of the URL for ``changed_fields``.
COMPARED = tuple(name for name in COLUMNS if name not in BOOKKEEPING)

#: The columns of ``article_lines``: the Article's, where the line came from, then what the
#: fold keeps up to date for every line of a URL whose lines changed (``first_line``: the first
#: line of its revision, the ``revisions`` row; ``latest``: the ``articles`` row).
TABLE_COLUMNS: dict[str, str] = {
    **COLUMNS,
    "year": "INTEGER",
    "day": "DATE",
    "run_id": "VARCHAR",
    "source_file": "VARCHAR",
    "line_no": "BIGINT",
    "first_line": "BOOLEAN",
    "last_run_id": "VARCHAR",
    "times_written": "BIGINT",
    "changed_fields": "VARCHAR",  # comma-separated (a list column is updated as a new row)
    "latest": "BOOLEAN",
    "first_run_id": "VARCHAR",
    "revisions": "BIGINT",
}
MAINTAINED = tuple(TABLE_COLUMNS)[tuple(TABLE_COLUMNS).index("first_line") :]
FILES_COLUMNS: dict[str, str] = {
    "relpath": "VARCHAR PRIMARY KEY",
    "language": "VARCHAR",
    "run_id": "VARCHAR",
    "size": "BIGINT",
    "sha256": "VARCHAR",
    "lines": "BIGINT",
    "rows": "BIGINT",
    "mtime_ns": "BIGINT",
}
LINKS_COLUMNS = {"src": "VARCHAR", "src_lang": "VARCHAR", "dst_lang": "VARCHAR", "dst": "VARCHAR"}
TRANSLATION_COLUMNS: dict[str, str] = {
    "pair": "VARCHAR",
    "language_a": "VARCHAR",
    "url_a": "VARCHAR",
    "article_id_a": "BIGINT",
    "language_b": "VARCHAR",
    "url_b": "VARCHAR",
    "article_id_b": "BIGINT",
    "a_links_b": "BOOLEAN",
    "b_links_a": "BOOLEAN",
    "link": "VARCHAR",
    "both_crawled": "BOOLEAN",
    "published_at_a": "TIMESTAMPTZ",
    "published_at_b": "TIMESTAMPTZ",
    "year": "INTEGER",
    "day": "DATE",
}
TABLES: dict[str, dict[str, str]] = {
    "article_lines": TABLE_COLUMNS,
    "files": FILES_COLUMNS,
    "links": LINKS_COLUMNS,
    "translation_rows": TRANSLATION_COLUMNS,
}

_ITEMS = ", ".join(COLUMNS)
#: The URLs a fold step recomputes, passed as the list parameter ``$urls``: a constant list,
#: so DuckDB looks each up in the index on ``article_lines.url`` instead of scanning.
AFFECTED = "(SELECT unnest($urls::VARCHAR[]))"

VIEWS: dict[str, str] = {
    "revisions": f"""
        SELECT {_ITEMS}, year, day, run_id, last_run_id, times_written,
            CASE WHEN changed_fields = '' THEN []::VARCHAR[]
                 ELSE string_split(changed_fields, ',') END AS changed_fields
        FROM article_lines WHERE first_line""",
    "articles": f"""
        SELECT {_ITEMS}, year, day, run_id, first_run_id, revisions
        FROM article_lines WHERE latest""",
    "translations": "SELECT * FROM translation_rows",
    # a story: the articles joined by translation links (each page's links, either way), as
    # connected groups: the label of a URL is the smallest URL within three links of it, which
    # is the smallest of its group for any group of up to four articles
    "stories": f"""
        WITH edges AS (SELECT src AS u, dst AS v FROM links UNION SELECT dst, src FROM links),
        nodes AS (SELECT src AS url, any_value(src_lang) AS language FROM links GROUP BY ALL
                  UNION SELECT dst, any_value(dst_lang) FROM links GROUP BY ALL),
        l1 AS (SELECT u AS url, least(u, min(v)) AS label FROM edges GROUP BY u),
        l2 AS (SELECT e.u AS url, least(min(a.label), min(b.label)) AS label
               FROM edges e JOIN l1 a ON a.url = e.u JOIN l1 b ON b.url = e.v GROUP BY e.u),
        l3 AS (SELECT e.u AS url, least(min(a.label), min(b.label)) AS label
               FROM edges e JOIN l2 a ON a.url = e.u JOIN l2 b ON b.url = e.v GROUP BY e.u),
        members AS (
            SELECT l3.label AS story, n.url, n.language, a.url IS NOT NULL AS crawled,
                a.article_id, a.published_at, a.year
            FROM l3 JOIN (SELECT url, min(language) AS language FROM nodes GROUP BY url) n
                ON n.url = l3.url
            LEFT JOIN (SELECT url, article_id, published_at, year FROM article_lines
                       WHERE latest) a ON a.url = n.url
        )
        SELECT story,
            {", ".join(f"min(url) FILTER (WHERE language = '{c}') AS {c}_url" for c in EDITIONS)},
            {
        ", ".join(
            f"min(article_id) FILTER (WHERE language = '{c}') AS {c}_article_id" for c in EDITIONS
        )
    },
            count(DISTINCT language) AS editions,
            count(*) FILTER (WHERE crawled) AS crawled,
            count(*) > count(DISTINCT language) AS ambiguous,
            min(published_at) AS published_at,
            min(year) AS year
        FROM members GROUP BY story""",
}

#: Parquet files: view -> (the partition folder's column, the rows kept, the rows' order).
#: One file per day of each partition (``language=en/year=2025/part-03-14.parquet``): an
#: export rewrites only the days it changed.
PARQUET: dict[str, tuple[str, str, str]] = {
    "articles": ("language", "article_lines WHERE latest", "published_at, url"),
    "revisions": ("language", "article_lines WHERE first_line", "url, revision, crawled_at"),
    "translations": ("pair", "translation_rows WHERE true", "url_a, url_b"),
}
#: (view, partition value, year, day) of one Parquet file.
Partition = tuple[str, str, int | None, date | None]


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database file with its tables and views, memory bounded by
    ``MEMORY_LIMIT``. A database made with other columns (the model or this module changed)
    is emptied, so every run file is read again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": MEMORY_LIMIT})
    con.execute("SET enable_progress_bar = false")
    stored: dict[str, list[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'main' AND table_name IN (SELECT table_name FROM"
        " information_schema.tables WHERE table_type = 'BASE TABLE')"
        " ORDER BY table_name, ordinal_position"
    ).fetchall():
        stored.setdefault(str(table), []).append(str(column))
    if stored and any(stored.get(name) != list(columns) for name, columns in TABLES.items()):
        for view in VIEWS:
            con.execute(f"DROP VIEW IF EXISTS {view}")
        for table in stored:
            if table in TABLES:
                con.execute(f"DROP TABLE {table}")
    for name, columns in TABLES.items():
        listed = ", ".join(f"{column} {kind}" for column, kind in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({listed})")
    con.execute("CREATE INDEX IF NOT EXISTS article_lines_url ON article_lines (url)")
    for view, sql in VIEWS.items():
        con.execute(f"CREATE OR REPLACE VIEW {view} AS {sql}")
    return con


def scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any] | None = None
) -> int:
    """The single integer ``sql`` answers (fetching every row, so no result stays open)."""
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


#: The two keys :func:`combine` puts first in each line: which file of the batch, which line.
FILE_KEY, LINE_KEY = "__newscrawl_file", "__newscrawl_line"


def _select_lines() -> str:
    """The SELECT that turns the batch's combined JSON Lines file (``$combined``, see
    :func:`combine`) and the temporary table ``batch`` (one row per file) into
    ``article_lines`` rows."""
    casts = [
        f"TRY_CAST(j.{name} AS TIMESTAMPTZ) AS {name}" if name in TIMESTAMPS else f"j.{name}"
        for name in COLUMNS
    ]
    casts[list(COLUMNS).index("language")] = "b.language"  # the crawl's, from the path
    local = (
        "coalesce(TRY_CAST(j.published_at AS TIMESTAMPTZ), TRY_CAST(j.crawled_at AS TIMESTAMPTZ))"
    )
    local = f"({local} AT TIME ZONE '{BAKU}')"
    maintained = ", ".join(
        "false" if TABLE_COLUMNS[name] == "BOOLEAN" else "NULL" for name in MAINTAINED
    )
    return f"""
        SELECT {", ".join(casts)},
            CAST(extract(year FROM {local}) AS INTEGER) AS year,
            CAST({local} AS DATE) AS day,
            b.run_id, b.relpath AS source_file, j.{LINE_KEY} AS line_no,
            {maintained}
        FROM read_json($combined, format = 'newline_delimited', columns = $columns,
                       ignore_errors = true, maximum_object_size = 67108864) j
        JOIN batch b ON b.number = j.{FILE_KEY}
    """


def combine(files: list[ListedFile], target: Path) -> list[dict[str, Any]]:
    """Write the lines of ``files`` into one JSON Lines file (DuckDB reads one file of many
    lines far faster than many files of few), each object given two keys first: the file's
    number in the batch and the line's number in the file. A line that is not a JSON object
    is copied as it is (DuckDB skips it, it is counted). Returns one row per file for the
    ``batch`` table: its number, names, size, SHA-256, non-empty lines and mtime."""
    rows = []
    with target.open("wb") as out:
        for number, listed in enumerate(files):
            data = listed.path.read_bytes()
            lines = 0
            for line_no, line in enumerate(data.splitlines(), start=1):
                stripped = line.strip()
                if not stripped:
                    continue
                lines += 1
                if stripped.startswith(b"{"):
                    rest = stripped[1:].lstrip()
                    keys = f'{{"{FILE_KEY}": {number}, "{LINE_KEY}": {line_no}'.encode()
                    stripped = keys + (b" " if rest.startswith(b"}") else b", ") + rest
                out.write(stripped + b"\n")
            rows.append(
                {
                    "number": number,
                    "relpath": listed.relpath,
                    "language": listed.language,
                    "run_id": listed.run_id,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "lines": lines,
                    "mtime_ns": listed.mtime_ns,
                }
            )
    return rows


def _changed_fields() -> str:
    compared = ", ".join(
        f"CASE WHEN lag({name}) OVER r IS DISTINCT FROM {name} THEN '{name}' END"
        for name in COMPARED
    )
    return f"array_to_string(list_filter([{compared}], lambda f: f IS NOT NULL), ',')"


#: What the fold keeps up to date, recomputed for every line of some URLs (``$rows``: the row
#: ids of all their lines, :func:`rows_of`): the same windows a full rebuild runs over every
#: line.
RECOMPUTE = f"""
UPDATE article_lines SET
    first_line = w.first_line, last_run_id = w.last_run_id, times_written = w.times_written,
    changed_fields = w.changed_fields, latest = w.latest, first_run_id = w.first_run_id,
    revisions = w.revisions
FROM (
    WITH lines AS (
        SELECT rowid AS rid, *,
            row_number() OVER (PARTITION BY url, revision, content_hash
                               ORDER BY crawled_at, run_id, source_file, line_no) = 1 AS is_first,
            max(run_id) OVER k AS last_run, count(*) OVER k AS written
        FROM article_lines
        WHERE rowid = ANY($rows)
        WINDOW k AS (PARTITION BY url, revision, content_hash)
    ),
    revs AS (
        SELECT rid,
            row_number() OVER (PARTITION BY url
                               ORDER BY revision DESC, crawled_at DESC, run_id DESC) = 1
                AS is_latest,
            min(run_id) OVER (PARTITION BY url) AS first_run,
            count(*) OVER (PARTITION BY url) AS n,
            CASE WHEN row_number() OVER r > 1 THEN {_changed_fields()} END AS changed
        FROM lines WHERE is_first
        WINDOW r AS (PARTITION BY url ORDER BY revision, crawled_at, run_id, source_file, line_no)
    )
    SELECT l.rid, l.is_first AS first_line,
        CASE WHEN l.is_first THEN l.last_run END AS last_run_id,
        CASE WHEN l.is_first THEN l.written END AS times_written,
        v.changed AS changed_fields,
        coalesce(v.is_latest, false) AS latest,
        CASE WHEN v.is_latest THEN v.first_run END AS first_run_id,
        CASE WHEN v.is_latest THEN v.n END AS revisions
    FROM lines l LEFT JOIN revs v ON v.rid = l.rid
) w
WHERE article_lines.rowid = w.rid AND article_lines.rowid = ANY($rows)
"""

_LINKS = " UNION ALL ".join(
    f"SELECT url AS src, language AS src_lang, '{code}' AS dst_lang,"
    f" translations.{code} AS dst FROM article_lines"
    f" WHERE rowid = ANY($rows) AND latest"
    f" AND translations.{code} IS NOT NULL AND language <> '{code}'"
    for code in EDITIONS
)

#: The pairs of editions that have an affected URL, from the links either way.
PAIRS = f"""
WITH hit AS (SELECT * FROM links WHERE src IN {AFFECTED} OR dst IN {AFFECTED}),
pairs AS (
    SELECT
        CASE WHEN src_lang < dst_lang THEN src_lang ELSE dst_lang END AS language_a,
        CASE WHEN src_lang < dst_lang THEN src ELSE dst END AS url_a,
        CASE WHEN src_lang < dst_lang THEN dst_lang ELSE src_lang END AS language_b,
        CASE WHEN src_lang < dst_lang THEN dst ELSE src END AS url_b,
        src_lang < dst_lang AS forward
    FROM hit
)
SELECT language_a, url_a, language_b, url_b,
    bool_or(forward) AS a_links_b, bool_or(NOT forward) AS b_links_a
FROM pairs GROUP BY ALL
"""

#: Their rows of ``translation_rows``, from the temporary tables ``grouped`` (:data:`PAIRS`)
#: and ``ends`` (the latest row of each URL of those pairs).
TRANSLATIONS = """
SELECT
    g.language_a || '-' || g.language_b AS pair,
    g.language_a, g.url_a, a.article_id AS article_id_a,
    g.language_b, g.url_b, b.article_id AS article_id_b,
    g.a_links_b, g.b_links_a,
    CASE WHEN g.a_links_b AND g.b_links_a THEN 'confirmed' ELSE 'one_way' END AS link,
    a.url IS NOT NULL AND b.url IS NOT NULL AS both_crawled,
    a.published_at AS published_at_a, b.published_at AS published_at_b,
    coalesce(a.year, b.year) AS year,
    CASE WHEN a.year IS NOT NULL THEN a.day ELSE b.day END AS day
FROM grouped g
LEFT JOIN ends a ON a.url = g.url_a
LEFT JOIN ends b ON b.url = g.url_b
"""


def rows_of(con: duckdb.DuckDBPyConnection, urls: list[str]) -> list[int]:
    """The row ids of every line of ``urls`` (an index lookup each), so that the queries
    after it fetch those rows by id instead of scanning the table."""
    found = con.execute(f"SELECT rowid FROM article_lines WHERE url IN {AFFECTED}", {"urls": urls})
    return [int(row[0]) for row in found.fetchall()]


def partitions_of_affected(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[Partition]:
    """The Parquet files that hold a row of one of ``urls``."""
    found: set[Partition] = set()
    rows = rows_of(con, urls)
    for view, (key, kept, _) in PARQUET.items():
        if view == "translations":
            sql = (
                f"SELECT DISTINCT {key}, year, day FROM translation_rows"
                f" WHERE url_a IN {AFFECTED} OR url_b IN {AFFECTED}"
            )
        else:
            sql = f"SELECT DISTINCT {key}, year, day FROM {kept} AND rowid = ANY($rows)"
        params: dict[str, Any] = {"urls": urls} if view == "translations" else {"rows": rows}
        found.update((view, str(k), y, d) for k, y, d in con.execute(sql, params).fetchall())
    return found


def refresh(con: duckdb.DuckDBPyConnection, urls: list[str], *, pairs: bool = True) -> None:
    """Recompute what the fold keeps for ``urls``: the flags of their lines, their links,
    and (``pairs``) the pairs of editions they are in."""
    con.execute(RECOMPUTE, {"rows": rows_of(con, urls)})
    con.execute(f"DELETE FROM links WHERE src IN {AFFECTED}", {"urls": urls})
    con.execute(f"INSERT INTO links {_LINKS}", {"rows": rows_of(con, urls)})
    if pairs:
        refresh_pairs(con, urls)


def refresh_pairs(con: duckdb.DuckDBPyConnection, urls: list[str]) -> None:
    """Recompute the rows of ``translation_rows`` of every pair with one of ``urls``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE grouped AS {PAIRS}", {"urls": urls})
    ends = [
        str(row[0])
        for row in con.execute(
            "SELECT url_a FROM grouped UNION SELECT url_b FROM grouped"
        ).fetchall()
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ends AS SELECT url, article_id, published_at, year, day"
        " FROM article_lines WHERE rowid = ANY($rows) AND latest",
        {"rows": rows_of(con, ends)},
    )
    con.execute(
        f"DELETE FROM translation_rows WHERE url_a IN {AFFECTED} OR url_b IN {AFFECTED}",
        {"urls": urls},
    )
    con.execute(f"INSERT INTO translation_rows {TRANSLATIONS}")
    con.execute("DROP TABLE grouped; DROP TABLE ends")


def fold_batch(
    con: duckdb.DuckDBPyConnection,
    read: list[ListedFile],
    dropped: list[str],
    scratch: Path,
    *,
    deferred: bool = False,
) -> tuple[set[Partition], list[tuple[str, int, int]]]:
    """Fold one batch in one transaction: the lines of the files in ``dropped`` (gone or
    changed) out, those of ``read`` in (through the combined file ``scratch``), then every
    line, link and pair of the URLs they touch recomputed (unless ``deferred``: a rebuild
    recomputes everything once, :func:`refresh_all`). Returns the Parquet files touched and
    (relpath, lines, rows) of each file read, in the order of ``read``."""
    touched: set[Partition] = set()
    con.execute("BEGIN TRANSACTION")
    try:
        if read:
            files = combine(read, scratch)
            con.execute(
                "CREATE OR REPLACE TEMP TABLE batch AS SELECT unnest($files, recursive := true)",
                {"files": files},
            )
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE staged AS {_select_lines()}",
                {
                    "combined": str(scratch),
                    "columns": {**JSON_COLUMNS, FILE_KEY: "BIGINT", LINE_KEY: "BIGINT"},
                },
            )
            scratch.unlink()
        else:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE batch (number BIGINT, relpath VARCHAR,"
                " language VARCHAR, run_id VARCHAR, size BIGINT, sha256 VARCHAR,"
                " lines BIGINT, mtime_ns BIGINT)"
            )
            con.execute("CREATE OR REPLACE TEMP TABLE staged AS FROM article_lines LIMIT 0")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE gone AS SELECT unnest($gone::VARCHAR[]) AS relpath",
            {"gone": dropped},
        )
        urls: list[str] = []
        if not deferred:
            dropped_lines = (
                " UNION SELECT url FROM article_lines"
                " WHERE source_file IN (SELECT relpath FROM gone)"
                if dropped
                else ""
            )
            found = con.execute(f"SELECT DISTINCT url FROM staged{dropped_lines}").fetchall()
            urls = sorted(str(row[0]) for row in found if row[0] is not None)
            touched = partitions_of_affected(con, urls)
        if dropped:
            con.execute("DELETE FROM article_lines WHERE source_file IN (SELECT relpath FROM gone)")
            con.execute("DELETE FROM files WHERE relpath IN (SELECT relpath FROM gone)")
        con.execute("INSERT INTO article_lines SELECT * FROM staged")
        if not deferred:
            refresh(con, urls)
            touched |= partitions_of_affected(con, urls)
        counted = con.execute(
            "INSERT INTO files SELECT b.relpath, b.language, b.run_id, b.size, b.sha256,"
            " b.lines, coalesce(s.n, 0), b.mtime_ns FROM batch b LEFT JOIN"
            " (SELECT source_file, count(*) AS n FROM staged GROUP BY ALL) s"
            " ON s.source_file = b.relpath RETURNING relpath, lines, rows"
        ).fetchall()
        con.execute("DROP TABLE staged; DROP TABLE batch; DROP TABLE gone")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        scratch.unlink(missing_ok=True)
    order = {f.relpath: n for n, f in enumerate(read)}
    return touched, sorted(
        ((str(r), int(lines), int(rows)) for r, lines, rows in counted), key=lambda c: order[c[0]]
    )


def refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    """After a rebuild's batches: what the fold keeps, computed for every URL, in slices of
    URLs (by hash) of about ``BATCH_BYTES`` of lines each, so memory stays bounded; the pairs
    once every link is in."""
    held = scalar(con, "SELECT count(*) FROM files")
    size = scalar(con, "SELECT sum(size) FROM files")
    slices = max(1, -(-size // BATCH_BYTES)) if held else 1
    for pairs in (False, True):
        for number in range(slices):
            found = con.execute(
                "SELECT DISTINCT url FROM article_lines WHERE hash(url) % $slices = $number",
                {"slices": slices, "number": number},
            ).fetchall()
            urls = sorted(str(row[0]) for row in found if row[0] is not None)
            con.execute("BEGIN TRANSACTION")
            try:
                if pairs:
                    refresh_pairs(con, urls)
                else:
                    refresh(con, urls, pairs=False)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise


def batches(files: list[ListedFile]) -> Iterator[list[ListedFile]]:
    """``files`` cut into batches of at most ``BATCH_BYTES`` (or one file) and ``BATCH_FILES``."""
    batch: list[ListedFile] = []
    size = 0
    for item in files:
        if batch and (size + item.size > BATCH_BYTES or len(batch) >= BATCH_FILES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.size
    if batch:
        yield batch


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
    parquet_files: int = 0

    def summary(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.tables.items())
        lines = [
            f"read {len(self.files_read)} new or changed run files ({self.rows_read} lines),"
            f" {self.files_unchanged} already read, {len(self.files_dropped)} gone",
            f"tables: {tables}",
            f"database: {self.database}",
            f"parquet:  {self.dataset_dir}"
            + (
                f" ({self.parquet_files} files rewritten)"
                if self.parquet_written
                else " (unchanged, not rewritten)"
            ),
        ]
        if self.skipped_lines:
            lines.insert(1, f"skipped {self.skipped_lines} unreadable lines")
        return "\n".join(lines)


@dataclass
class Fold:
    """One export's fold: the open database, the output directory, whether it rebuilds from
    nothing, the result the steps fill in, and the Parquet files to rewrite."""

    con: duckdb.DuckDBPyConnection
    output_dir: Path
    full: bool
    result: ExportResult
    partitions: set[Partition] = field(default_factory=set)
    #: With a shared state: the files its manifest notes complete (relpath -> bytes); only
    #: those are read. None: every file in place.
    published: dict[str, int] | None = None


def listing(
    output_dir: Path, published: dict[str, int] | None = None
) -> tuple[list[str], list[int], list[int]]:
    """The article files of ``output_dir`` as three lists (relpath, size, modification time):
    what an export compares with ``files``, kept lean (a year is about 160,000 files). With
    ``published`` (a shared state's manifest), only the files it notes complete, at the size
    it notes."""
    relpaths: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    for language, entry in _article_entries(output_dir):
        stat = entry.stat()
        relpath = f"{language}/{entry.name}"
        if published is not None and published.get(relpath) != stat.st_size:
            continue  # not noted complete (yet): its run is not recovered
        relpaths.append(relpath)
        sizes.append(stat.st_size)
        mtimes.append(stat.st_mtime_ns)
    return relpaths, sizes, mtimes


def listed_file(output_dir: Path, relpath: str, size: int, mtime_ns: int) -> ListedFile:
    path = output_dir / relpath
    return ListedFile(path, relpath, relpath.split("/")[0], run_id_of(path), size, mtime_ns)


def fold_article_files(fold: Fold) -> None:
    """Fold the article files new or changed since the last export into ``article_lines`` and
    drop those gone. A file is known by its ``files`` row: same size and modification time,
    it is not opened; otherwise it is hashed, and read again only when its SHA-256 changed.
    The listing is compared with ``files`` in DuckDB, and the files to look at come back one
    batch at a time (a rebuild does not hold a year's list of files)."""
    con, result = fold.con, fold.result
    relpaths, sizes, mtimes = listing(fold.output_dir, fold.published)
    present = len(relpaths)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE present AS SELECT unnest($relpaths::VARCHAR[]) AS relpath,"
        " unnest($sizes::BIGINT[]) AS size, unnest($mtimes::BIGINT[]) AS mtime_ns",
        {"relpaths": relpaths, "sizes": sizes, "mtimes": mtimes},
    )
    del relpaths, sizes, mtimes
    # the files to look at, in run order (the name after the edition's folder), cut into
    # batches of BATCH_FILES files and about BATCH_BYTES
    con.execute(
        "CREATE OR REPLACE TEMP TABLE todo AS"
        " SELECT *, greatest((n - 1) // $files, (total - size) // $bytes) AS batch FROM ("
        "  SELECT p.relpath, p.size, p.mtime_ns, f.size AS known_size, f.sha256 AS known_sha256,"
        "   row_number() OVER w AS n, sum(p.size) OVER w AS total"
        "  FROM present p LEFT JOIN files f USING (relpath)"
        "  WHERE f.relpath IS NULL OR f.size <> p.size"
        "   OR f.mtime_ns IS DISTINCT FROM p.mtime_ns"
        "  WINDOW w AS (ORDER BY split_part(p.relpath, '/', 2), p.relpath))",
        {"files": BATCH_FILES, "bytes": BATCH_BYTES},
    )
    gone = sorted(
        str(r[0])
        for r in con.execute(
            "SELECT relpath FROM files ANTI JOIN present USING (relpath)"
        ).fetchall()
    )
    con.execute("DROP TABLE present")
    numbers: list[int | None] = [
        int(r[0]) for r in con.execute("SELECT DISTINCT batch FROM todo ORDER BY batch").fetchall()
    ]
    numbers = numbers or [None]  # no file to read: one batch all the same, for the files gone
    scratch = database_path(fold.output_dir).with_suffix(".batch.jsonl")
    read = 0
    for number in numbers:
        rows = (
            con.execute(
                "SELECT relpath, size, mtime_ns, known_size, known_sha256 FROM todo"
                " WHERE batch = $number ORDER BY n",
                {"number": number},
            ).fetchall()
            if number is not None
            else []
        )
        batch: list[ListedFile] = []
        changed: list[str] = []
        for relpath, size, mtime_ns, known_size, known_sha256 in rows:
            listed = listed_file(fold.output_dir, str(relpath), int(size), int(mtime_ns))
            if known_size is None:
                batch.append(listed)
            elif (known_size, known_sha256) == (listed.size, listed.sha256()):  # touched only
                con.execute(
                    "UPDATE files SET mtime_ns = ? WHERE relpath = ?",
                    [listed.mtime_ns, listed.relpath],
                )
            else:
                batch.append(listed)
                changed.append(listed.relpath)
        dropped = (gone if number == numbers[0] else []) + changed
        if not batch and not dropped:
            continue
        read += len(batch)
        touched, counted = fold_batch(con, batch, dropped, scratch, deferred=fold.full)
        fold.partitions |= touched
        for relpath, lines, rows_held in counted:
            result.files_read.append(relpath)
            result.rows_read += rows_held
            result.skipped_lines += lines - rows_held
    con.execute("DROP TABLE todo")
    result.files_unchanged = present - read
    if fold.full:
        refresh_all(con)
    result.files_dropped.extend(gone)


#: The export's fold steps, run in this order in one export, each given the :class:`Fold`.
#: The article files come first; a step that folds other files of the runs (the stats files
#: into a ``runs`` table) goes after it, here.
#: What an export folds in, in order: the runs' JSON Lines, then their stats files.
FOLD_STEPS: list[Callable[[Fold], None]] = [fold_article_files, fold_step]


def all_partitions(con: duckdb.DuckDBPyConnection) -> set[Partition]:
    found: set[Partition] = set()
    for view, (key, rows, _) in PARQUET.items():
        sql = f"SELECT DISTINCT {key}, year, day FROM {rows}"
        found.update((view, str(k), y, d) for k, y, d in con.execute(sql).fetchall())
    return found


def partition_file(dataset_dir: Path, partition: Partition) -> Path:
    """``dataset/articles/language=en/year=2025/part-03-14.parquet``: the edition (or pair)
    and a date, never page text."""
    view, key, year, day = partition
    name = PARQUET[view][0]
    folder = dataset_dir / view / f"{name}={key}" / f"year={'NULL' if year is None else year}"
    return folder / f"part-{'none' if day is None else f'{day:%m-%d}'}.parquet"


def write_partition(
    con: duckdb.DuckDBPyConnection, dataset_dir: Path, partition: Partition
) -> None:
    """Rewrite one Parquet file from its view (atomically: a temporary file renamed over it),
    or remove it when the partition is empty now."""
    view, key, year, day = partition
    name, _, order = PARQUET[view]
    target = partition_file(dataset_dir, partition)
    where = f"{name} = ? AND year IS NOT DISTINCT FROM ? AND day IS NOT DISTINCT FROM ?"
    params = [key, year, day]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    written = scalar(
        con,
        f"COPY (SELECT * EXCLUDE ({name}, year) FROM {view} WHERE {where} ORDER BY {order})"
        f" TO {sql_string(tmp)} (FORMAT parquet, COMPRESSION zstd)",
        params,
    )
    if written:
        os.replace(tmp, target)
    else:
        tmp.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        for folder in (target.parent, target.parent.parent):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def write_manifest(con: duckdb.DuckDBPyConnection, path: Path, summary: dict[str, Any]) -> None:
    """``manifest.json``: what the dataset holds (the totals of the ``files`` table, the
    record the export trusts; the table itself lists every file) and what this export read,
    written atomically (a temporary file renamed over the old one)."""
    cursor = con.execute(
        "SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes,"
        " coalesce(sum(lines), 0) AS lines, coalesce(sum(rows), 0) AS rows,"
        " min(run_id) AS first_run_id, max(run_id) AS last_run_id FROM files"
    )
    names = [d[0] for d in cursor.description]
    totals = dict(zip(names, cursor.fetchall()[0], strict=True))
    document = {"version": 2, **summary, "files": totals}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def database_path(output_dir: Path) -> Path:
    return output_dir / DATABASE_NAME


def export_dataset(
    output_dir: Path, *, full: bool = False, published: dict[str, int] | None = None
) -> ExportResult:
    """Bring ``output/newscrawl.duckdb`` and ``output/dataset/`` up to date with the runs
    (``published``: only the files a shared state's manifest notes complete)."""
    database = database_path(output_dir)
    dataset_dir = output_dir / DATASET_DIR
    manifest = dataset_dir / "manifest.json"
    if full:
        for path in (database, database.with_name(database.name + ".wal"), manifest):
            path.unlink(missing_ok=True)
    result = ExportResult(database=database, dataset_dir=dataset_dir)
    con = connect(database)
    try:
        fresh = not scalar(con, "SELECT count(*) FROM files")
        fold = Fold(con, output_dir, full or fresh, result, published=published)
        for step in FOLD_STEPS:
            step(fold)
        counts = con.execute(
            "SELECT count(*) FILTER (WHERE latest), count(*) FILTER (WHERE first_line)"
            " FROM article_lines"
        ).fetchall()[0]
        result.tables = {
            "articles": int(counts[0]),
            "revisions": int(counts[1]),
            "translations": scalar(con, "SELECT count(*) FROM translation_rows"),
        }
        if result.files_read or result.files_dropped or fold.full or not manifest.exists():
            if fold.full:  # everything from nothing: no file of another layout stays
                for view in PARQUET:
                    shutil.rmtree(dataset_dir / view, ignore_errors=True)
                fold.partitions = all_partitions(con)
            for partition in sorted(fold.partitions, key=str):
                write_partition(con, dataset_dir, partition)
            result.parquet_written = True
            result.parquet_files = len(fold.partitions)
            exported_at = datetime.now(UTC).isoformat(timespec="seconds")
            runs = {run_id_of(Path(f)) for f in result.files_read}
            summary = {
                "exported_at": exported_at,
                "database": database.name,
                "tables": result.tables,
                "export": {
                    "files_read": len(result.files_read),
                    "rows_read": result.rows_read,
                    "files_dropped": len(result.files_dropped),
                    "first_run_id": min(runs, default=None),
                    "last_run_id": max(runs, default=None),
                },
            }
            dataset_dir.mkdir(parents=True, exist_ok=True)
            write_manifest(con, manifest, summary)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result
