"""The "Reading the output" recipes of docs/output.md (README links them) run as written on a
full crawl of the replica: DuckDB and pandas give the latest revision per URL, the articles per
Baku day, and the stories in all three editions."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl import ROOT, CrawlResult

DOC = ROOT / "docs" / "output.md"


def blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8").split("## Reading the output", 1)[1]
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


@pytest.fixture
def in_crawl_directory(full_crawl: CrawlResult) -> Iterator[CrawlResult]:
    """The recipes' relative ``output/...`` paths point at the full crawl."""
    before = Path.cwd()
    os.chdir(full_crawl.output_dir.parent)
    try:
        yield full_crawl
    finally:
        os.chdir(before)


def test_duckdb_recipes(in_crawl_directory: CrawlResult) -> None:
    duckdb = pytest.importorskip("duckdb")
    (sql,) = blocks("sql")
    connection = duckdb.connect()
    results = []
    for statement in [s for s in sql.split(";") if s.strip()]:
        code = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        relation = connection.sql(code)
        if code.strip().upper().startswith("SELECT"):
            results.append(relation.fetchall())
    per_day, all_three = results
    crawl = in_crawl_directory
    assert sum(row[2] for row in per_day) == len({a["url"] for a in crawl.all_articles()})
    assert {row[1] for row in per_day} == {"az", "en", "ru"}
    assert all_three and all(row[2] and row[3] for row in all_three)
    ((latest,),) = connection.sql("SELECT count(*) FROM latest").fetchall()
    assert latest == len({a["url"] for a in crawl.all_articles()})


def test_pandas_recipe(in_crawl_directory: CrawlResult) -> None:
    pytest.importorskip("pandas")
    (code,) = blocks("python")
    namespace: dict[str, object] = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    crawl = in_crawl_directory
    latest, per_day, in_all_three = (namespace[k] for k in ("latest", "per_day", "in_all_three"))
    assert len(latest) == len({a["url"] for a in crawl.all_articles()})  # type: ignore[arg-type]
    assert int(per_day.sum()) == len(latest)  # type: ignore[attr-defined, arg-type]
    assert len(in_all_three) > 0  # type: ignore[arg-type]
