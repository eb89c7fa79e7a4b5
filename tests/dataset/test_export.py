"""The consolidated dataset built by ``scrapy export`` from two real runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import create_model

from newscrawl.items import Article
from newscrawl_data.dataset import (
    COLUMNS,
    NARROWER,
    columns_of,
    export_dataset,
    find_run_files,
    run_id_of,
)
from tests.crawl import read_jsonl
from tests.dataset.conftest import TwoRuns, copy_output, scrapy_export

QUOTE = '"'  # DuckDB quotes struct fields named like keywords: "language", "offset"
ORDER = {
    "articles": "url",
    "revisions": "url, revision, content_hash",
    "translations": "url_a, url_b",
}


def lines_of(output: Path) -> list[dict[str, Any]]:
    return [item for run in find_run_files(output) for item in read_jsonl(run.path)]


def table(database: Path, name: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"SELECT * FROM {name} ORDER BY {ORDER[name]}").fetchall()


def test_row_counts_equal_the_json_lines(two_runs: TwoRuns) -> None:
    lines = lines_of(two_runs.output)
    assert len(lines) == len(two_runs.first.all_articles()) + len(two_runs.second.all_articles())
    database = two_runs.output / "newscrawl.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        count = {
            name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            for name in ("article_lines", "revisions", "articles")
        }
        parquet = con.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
            [str(two_runs.output / "dataset/revisions/**/*.parquet")],
        ).fetchall()[0]
        files = con.execute("SELECT relpath, size, sha256, rows FROM files").fetchall()
    assert count["article_lines"] == len(lines)
    # with the state on, every line is a new revision: nothing unchanged is written again
    assert count["revisions"] == len({(a["url"], a["revision"], a["content_hash"]) for a in lines})
    assert count["revisions"] == len(lines)
    assert count["articles"] == len({a["url"] for a in lines})
    assert parquet is not None and parquet[0] == len(lines)
    runs = find_run_files(two_runs.output)
    assert {name: (size, sha256) for name, size, sha256, _ in files} == {
        r.relpath: (r.size, r.sha256) for r in runs
    }
    assert sum(rows for *_, rows in files) == len(lines)
    manifest = json.loads((two_runs.output / "dataset/manifest.json").read_text())
    assert manifest["files"]["files"] == len(runs) and manifest["files"]["rows"] == len(lines)
    assert manifest["export"]["files_read"] == len(runs)
    assert manifest["export"]["last_run_id"] == max(r.run_id for r in runs)
    assert manifest["tables"]["revisions"] == len(lines)


def test_an_edited_article_has_two_revisions_and_its_new_text(two_runs: TwoRuns) -> None:
    edited = [a for a in two_runs.second.all_articles() if a["revision"] == 2]
    assert edited, "the second run should see edited articles"
    first_run = run_id_of(two_runs.first.files["en"][0])
    second_run = run_id_of(two_runs.second.files["en"][0])
    database = two_runs.output / "newscrawl.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        for item in edited:
            revisions = con.execute(
                "SELECT revision, run_id, title, body FROM revisions WHERE url = ?"
                " ORDER BY revision",
                [item["url"]],
            ).fetchall()
            assert [(r[0], r[1]) for r in revisions] == [(1, first_run), (2, second_run)]
            latest = con.execute(
                "SELECT revision, title, body, revisions, first_run_id FROM articles WHERE url = ?",
                [item["url"]],
            ).fetchall()[0]
            assert latest == (2, item["title"], item["body"], 2, first_run)
            assert revisions[0][2:] != (item["title"], item["body"])


def test_a_third_export_adds_nothing(two_runs: TwoRuns, tmp_path: Path) -> None:
    output = copy_output(two_runs.output, tmp_path / "output")
    first = export_dataset(output)
    parquet = {p: p.stat().st_mtime_ns for p in (output / "dataset").rglob("*.parquet")}
    before = {name: table(first.database, name) for name in ORDER}
    again = scrapy_export(output, "--only", "dataset")
    assert again.returncode == 0, again.stderr
    assert "read 0 new or changed run files" in again.stdout
    third = export_dataset(output)
    assert third.files_read == [] and third.rows_read == 0 and not third.parquet_written
    assert third.files_unchanged == len(find_run_files(output))
    assert {name: table(third.database, name) for name in ORDER} == before
    assert {p: p.stat().st_mtime_ns for p in (output / "dataset").rglob("*.parquet")} == parquet


def test_incremental_export_equals_a_full_rebuild(two_runs: TwoRuns, tmp_path: Path) -> None:
    second_run = run_id_of(two_runs.second.files["en"][0])
    incremental = copy_output(
        two_runs.output, tmp_path / "inc", keep=lambda p: run_id_of(p) != second_run
    )
    step1 = export_dataset(incremental)
    assert step1.files_read and all(second_run not in f for f in step1.files_read)
    copy_output(two_runs.output, incremental)  # the second run arrives
    step2 = export_dataset(incremental)
    assert sorted(step2.files_read) == sorted(
        r.relpath for r in find_run_files(incremental) if r.run_id == second_run
    )
    full = export_dataset(copy_output(two_runs.output, tmp_path / "full"), full=True)
    for name in ORDER:
        assert table(step2.database, name) == table(full.database, name), name
    # the exported run's own database (made by the command) agrees too
    for name in ORDER:
        assert table(two_runs.output / "newscrawl.duckdb", name) == table(full.database, name)


def test_a_changed_file_is_read_again_and_a_removed_one_dropped(
    two_runs: TwoRuns, tmp_path: Path
) -> None:
    output = copy_output(two_runs.output, tmp_path / "output")
    export_dataset(output)
    runs = find_run_files(output)
    grown, removed = runs[0], runs[-1]
    extra = dict(read_jsonl(grown.path)[0], url=read_jsonl(grown.path)[0]["url"] + "-copy")
    with grown.path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(extra, ensure_ascii=False) + "\n")
    removed.path.unlink()
    result = export_dataset(output)
    assert result.files_read == [grown.relpath]
    assert result.files_dropped == [removed.relpath]
    full = export_dataset(copy_output(output, tmp_path / "full"), full=True)
    for name in ORDER:
        assert table(result.database, name) == table(full.database, name), name


def test_nested_fields_keep_their_types(two_runs: TwoRuns) -> None:
    database = two_runs.output / "newscrawl.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        described = {row[0]: row[1] for row in con.execute("DESCRIBE articles").fetchall()}
        from_parquet = {
            row[0]: row[1]
            for row in con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = true)",
                [str(two_runs.output / "dataset/articles/**/*.parquet")],
            ).fetchall()
        }
        pairs = {row[0]: row[1] for row in con.execute("DESCRIBE translations").fetchall()}
    expected = {
        "article_id": "BIGINT",
        "tags": "VARCHAR[]",
        "badges": "VARCHAR[]",
        "warnings": "VARCHAR[]",
        "images": "STRUCT(url VARCHAR, caption VARCHAR)[]",
        "translations": "STRUCT(az VARCHAR, en VARCHAR, ru VARCHAR)",
        "published_at": "TIMESTAMP WITH TIME ZONE",
        "modified_at": "TIMESTAMP WITH TIME ZONE",
        "crawled_at": "TIMESTAMP WITH TIME ZONE",
        "revision": "INTEGER",
        "year": "INTEGER",
        "revision_reason": "VARCHAR",
        "archive": "STRUCT(file VARCHAR, offset BIGINT)",
        "sources": "STRUCT(" + ", ".join(f"{f} VARCHAR" for f in Article.model_fields) + ")",
    }
    assert list(described)[: len(COLUMNS)] == list(Article.model_fields)
    for name, kind in expected.items():
        assert described[name].replace(QUOTE, "") == kind, name
        if name != "year":  # a Hive partition column comes back as read from the path
            assert from_parquet[name].replace(QUOTE, "") == kind, name
    assert pairs["a_links_b"] == "BOOLEAN" and pairs["published_at_a"] == expected["published_at"]
    languages = {p.name for p in (two_runs.output / "dataset/articles").iterdir()}
    assert languages == {"language=az", "language=en", "language=ru"}


def test_the_model_fields_are_read_into_their_columns(two_runs: TwoRuns) -> None:
    lines = {(a["url"], a["revision"]): a for a in lines_of(two_runs.output)}
    assert all(a["sources"] and a["archive"] for a in lines.values())
    with duckdb.connect(str(two_runs.output / "newscrawl.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT url, revision, sources, archive, revision_reason FROM revisions")
        for url, revision, sources, archive, reason in rows.fetchall():
            line = lines[(url, revision)]
            assert {k: v for k, v in sources.items() if v is not None} == line["sources"]
            assert archive == line["archive"] and reason == line["revision_reason"]


def test_the_columns_follow_the_article_model() -> None:
    """The columns are the model's fields in its order; a field the model gains becomes a
    column, one of a type with no column type fails, and no override outlives its field."""
    assert list(COLUMNS) == list(Article.model_fields)
    assert set(NARROWER) <= set(Article.model_fields)
    grown = create_model("Grown", __base__=Article, note=(str | None, None), score=(float, 0.0))
    assert list(columns_of(grown).items())[-2:] == [("note", "VARCHAR"), ("score", "DOUBLE")]
    odd = create_model("Odd", __base__=Article, seen=(set[int], set()))
    with pytest.raises(TypeError, match="seen: no DuckDB type"):
        columns_of(odd)


def test_a_database_of_other_columns_is_read_again(two_runs: TwoRuns, tmp_path: Path) -> None:
    output = copy_output(two_runs.output, tmp_path / "output")
    export_dataset(output)
    with duckdb.connect(str(output / "newscrawl.duckdb")) as con:  # as an older version made it
        con.execute("DROP INDEX article_lines_url")
        con.execute("ALTER TABLE article_lines DROP COLUMN archive")
    again = export_dataset(output)
    assert sorted(again.files_read) == sorted(r.relpath for r in find_run_files(output))
    full = export_dataset(copy_output(two_runs.output, tmp_path / "full"), full=True)
    for name in ORDER:
        assert table(again.database, name) == table(full.database, name), name


def test_the_run_id_is_read_tolerantly() -> None:
    assert run_id_of(Path("report-2025-10-23T16-02-00.jsonl")) == "2025-10-23T16-02-00"
    assert run_id_of(Path("report-2025-10-23T16-02-00-job7-az.jsonl")) == (
        "2025-10-23T16-02-00-job7-az"
    )
    assert run_id_of(Path("other.jsonl")) == "other"


def test_the_command_on_an_empty_output_and_with_a_bad_part(tmp_path: Path) -> None:
    done = scrapy_export(tmp_path / "output")
    assert done.returncode == 0, done.stderr
    assert "tables: articles 0, revisions 0, translations 0" in done.stdout
    assert (tmp_path / "output/report.html").exists()
    assert (tmp_path / "output/corpus/report.json").exists()
    bad = scrapy_export(tmp_path / "output", "--only", "dataset,everything")
    assert bad.returncode == 2 and "unknown part(s) everything" in bad.stderr


def _item(url: str, language: str, article_id: int, links: dict[str, str]) -> dict[str, Any]:
    return {
        "url": url,
        "language": language,
        "article_id": article_id,
        "slug": url.rsplit("/", 1)[-1],
        "title": f"title {article_id}",
        "lead": None,
        "body": f"body {article_id}",
        "published_at": "2025-10-23T20:02:00+04:00",
        "published_at_raw": "23 October, 2025 20:02",
        "modified_at": None,
        "category": None,
        "category_slug": None,
        "tags": [],
        "images": [],
        "translations": links,
        "badges": [],
        "crawled_at": "2025-10-23T16:10:00+00:00",
        "content_hash": f"h{article_id}",
        "revision": 1,
        "layout": "current",
        "dateline": None,
        "warnings": [],
    }


def test_translation_links_confirmed_one_way_and_uncrawled(tmp_path: Path) -> None:
    output = tmp_path / "output"
    az, en, ru = "https://report.az/x/a", "https://report.az/en/x/e", "https://report.az/ru/x/r"
    rows = {
        "az": [_item(az, "az", 1, {"en": en, "ru": ru})],  # az links both
        "en": [_item(en, "en", 2, {"az": az})],  # en links az back, not ru
        "ru": [],  # ru not crawled in this run
    }
    for language, items in rows.items():
        (output / language).mkdir(parents=True)
        (output / language / "report-2025-10-23T16-10-00.jsonl").write_text(
            "".join(json.dumps(i) + "\n" for i in items), encoding="utf-8"
        )
    result = export_dataset(output)
    with duckdb.connect(str(result.database), read_only=True) as con:
        links = con.execute(
            "SELECT pair, link, a_links_b, b_links_a, both_crawled FROM translations ORDER BY pair"
        ).fetchall()
    assert links == [
        ("az-en", "confirmed", True, True, True),
        ("az-ru", "one_way", True, False, False),
    ]
    (output / "ru" / "report-2025-10-23T16-10-00.jsonl").write_text(
        json.dumps(_item(ru, "ru", 3, {"en": en})) + "\n", encoding="utf-8"
    )
    export_dataset(output)
    with duckdb.connect(str(result.database), read_only=True) as con:
        links = con.execute(
            "SELECT pair, link, a_links_b, b_links_a, both_crawled FROM translations ORDER BY pair"
        ).fetchall()
    assert links == [
        ("az-en", "confirmed", True, True, True),
        ("az-ru", "one_way", True, False, True),
        ("en-ru", "one_way", False, True, True),
    ]
    from newscrawl_data.corpus import build_corpus

    report = build_corpus(output)
    assert report.kinds["az-ru"].one_way == 1 and report.kinds["az-en"].confirmed == 1
    triple = read_jsonl(output / "corpus/az-en-ru.jsonl")
    assert report.kinds["az-en-ru"].candidates == 1
    # the crafted bodies are too short and in no language's script: filtered, and counted
    assert report.kinds["az-en-ru"].dropped["wrong_script"] == 1 and triple == []
