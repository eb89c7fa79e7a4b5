"""The dataset at the scale of years (#21): every Article field in every table, view and
Parquet file; ``revisions`` says what changed and why; ``stories`` links the editions; an
export after one new run reads that run's files only and rewrites only the Parquet files of
the days it changed; and an export folded run by run equals ``--full``, row for row."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newscrawl.items import Article
from newscrawl_data import dataset
from newscrawl_data.dataset import COLUMNS, COMPARED, ListedFile, export_dataset
from tests.bench.history import add_run, generate
from tests.crawl import read_jsonl
from tests.dataset.conftest import TwoRuns, copy_output

QUOTE = '"'
VIEWS = {
    "articles": "url",
    "revisions": "url, revision, content_hash",
    "translations": "url_a, url_b",
    "stories": "story",
}


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def parquet_rows(output: Path, view: str) -> list[tuple[Any, ...]]:
    pattern = str(output / "dataset" / view / "**" / "*.parquet")
    with duckdb.connect() as con:
        return sorted(
            con.execute(
                f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true)"
            ).fetchall(),
            key=repr,
        )


def test_every_article_field_is_a_column_of_the_table_the_views_and_the_parquet(
    two_runs: TwoRuns,
) -> None:
    database = two_runs.output / "newscrawl.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        described = {
            name: {
                r[0]: r[1].replace(QUOTE, "") for r in con.execute(f"DESCRIBE {name}").fetchall()
            }
            for name in ("article_lines", "revisions", "articles")
        }
        for view in ("articles", "revisions"):
            pattern = str(two_runs.output / "dataset" / view / "**" / "*.parquet")
            described[f"{view}.parquet"] = {
                r[0]: r[1].replace(QUOTE, "")
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet('{pattern}', hive_partitioning = true)"
                ).fetchall()
            }
        spelled = {  # each column type as DuckDB spells it back
            kind: con.execute(f"DESCRIBE SELECT NULL::{kind} AS x").fetchall()[0][1]
            for kind in set(COLUMNS.values())
        }
    for name, field in Article.model_fields.items():
        kind = spelled[COLUMNS[name]].replace(QUOTE, "")
        for where, columns in described.items():
            assert name in columns, f"{name} is not a column of {where}"
            if name != "language":  # a Hive partition column is read back from the path
                assert columns[name] == kind, (where, name, field.annotation)
    for name in ("sources", "revision_reason", "archive"):  # missing before #21
        assert all(name in columns for columns in described.values())


def test_revisions_say_which_fields_changed_and_why(two_runs: TwoRuns) -> None:
    lines: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(two_runs.output.glob("[aer][zun]/*.jsonl")):
        for item in read_jsonl(path):
            lines.setdefault(item["url"], []).append(item)
    found = {
        (url, revision): (reason, changed)
        for url, revision, reason, changed in rows(
            two_runs.output / "newscrawl.duckdb",
            "SELECT url, revision, revision_reason, changed_fields FROM revisions",
        )
    }
    edited = 0
    for url, items in lines.items():
        items.sort(key=lambda a: a["revision"])
        assert found[(url, 1)] == (None, None)  # a first revision has no previous one
        for old, new in itertools.pairwise(items):
            expected = [name for name in COMPARED if old.get(name) != new.get(name)]
            assert found[(url, new["revision"])] == (new["revision_reason"], expected), url
            assert expected and new["revision_reason"] == "crawl"
            edited += 1
    assert edited, "the second run should see edited articles"


def _line(url: str, language: str, links: dict[str, str], **changes: Any) -> dict[str, Any]:
    item = {
        name: field.get_default(call_default_factory=True)
        for name, field in Article.model_fields.items()
        if not field.is_required()
    }
    item.update(
        url=url,
        language=language,
        article_id=abs(hash(url)) % 10**7,
        slug=url.rsplit("/", 1)[-1],
        title=f"title {url}",
        lead=None,
        body=f"body {url}",
        published_at="2025-10-23T20:02:00+04:00",
        published_at_raw="23 October, 2025 20:02",
        modified_at=None,
        category=None,
        translations=links,
        crawled_at="2025-10-23T16:10:00+00:00",
        content_hash=f"h-{url}",
        layout="current",
        sources={"title": "selector", "body": "selector"},
        archive={"file": "report-2025-10-23T16-10-00-1-00000.warc.gz", "offset": 0},
    )
    item.update(changes)
    return Article.model_validate(item).model_dump()


def _write(output: Path, run_id: str, items: list[dict[str, Any]]) -> None:
    for language in ("az", "en", "ru"):
        mine = [i for i in items if i["language"] == language]
        if mine:
            (output / language).mkdir(parents=True, exist_ok=True)
            (output / language / f"report-{run_id}.jsonl").write_text(
                "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in mine), encoding="utf-8"
            )


def test_a_reparse_revision_is_told_from_an_edit(tmp_path: Path) -> None:
    output, url = tmp_path / "output", "https://report.az/en/x/story"
    first = _line(url, "en", {})
    _write(output, "2025-10-23T16-10-00-1", [first])
    reparsed = dict(
        first,
        revision=2,
        revision_reason="reparse",
        tags=["energy"],
        sources={"title": "selector", "body": "selector", "tags": "selector"},
        crawled_at="2025-10-24T09:00:00+00:00",
        archive={"file": "report-2025-10-23T16-10-00-1-00000.warc.gz", "offset": 0},
    )
    edited = dict(
        reparsed,
        revision=3,
        revision_reason="crawl",
        body="a new body",
        content_hash="h2",
        crawled_at="2025-10-25T09:00:00+00:00",
    )
    _write(output, "2025-10-24T09-00-00-2", [reparsed])
    _write(output, "2025-10-25T09-00-00-3", [edited])
    result = export_dataset(output)
    found = rows(
        result.database,
        "SELECT revision, revision_reason, changed_fields FROM revisions ORDER BY revision",
    )
    assert found == [
        (1, None, None),
        (2, "reparse", ["tags", "sources"]),
        (3, "crawl", ["body"]),
    ]


def test_stories_link_the_three_editions(tmp_path: Path) -> None:
    output = tmp_path / "output"
    az, en, ru = "https://report.az/x/a1", "https://report.az/en/x/e1", "https://report.az/ru/x/r1"
    en2, ru2 = "https://report.az/en/x/e2", "https://report.az/ru/x/r2"
    az3, en3, en3b = (
        "https://report.az/x/a3",
        "https://report.az/en/x/e3",
        "https://report.az/en/x/e3b",
    )
    _write(
        output,
        "2025-10-23T16-10-00-1",
        [
            _line(az, "az", {"en": en}),  # az links en only,
            _line(en, "en", {"ru": ru}),  # en links ru only: one story through en
            _line(ru, "ru", {}),
            _line(en2, "en", {"ru": ru2}),  # its ru article was not crawled
            _line("https://report.az/x/alone", "az", {}),  # no link: no story
            _line(az3, "az", {"en": en3}),
            _line(en3b, "en", {"az": az3}),  # two en articles for one az: ambiguous
        ],
    )
    result = export_dataset(output)
    found = rows(
        result.database,
        "SELECT az_url, en_url, ru_url, editions, crawled, ambiguous FROM stories ORDER BY story",
    )
    assert sorted(found, key=repr) == sorted(
        [
            (az, en, ru, 3, 3, False),
            (None, en2, ru2, 2, 1, False),
            (az3, en3, None, 2, 2, True),
        ],
        key=repr,
    )
    assert rows(result.database, "SELECT count(*) FROM stories WHERE story IS NULL") == [(0,)]


def _history(root: Path, days: float) -> Path:
    output = root / "output"
    generate(output, days, per_day=40, runs_per_day=24, start=datetime(2025, 1, 30, tzinfo=UTC))
    return output


def test_an_export_after_one_run_reads_that_run_and_rewrites_its_days_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = _history(tmp_path, 3)  # 30 January to 1 February
    export_dataset(output)
    january = sorted(output.glob("dataset/*/*/year=2025/part-01-*.parquet"))
    # a file per day: articles and revisions per edition, the three pairs, 30 and 31 January
    assert len({p.parent for p in january}) == 3 + 3 + 3
    assert {p.name for p in january} == {"part-01-30.parquet", "part-01-31.parquet"}
    before = {p: p.stat().st_mtime_ns for p in output.glob("dataset/**/*.parquet")}
    opened: list[str] = []
    real_combine, real_sha256 = dataset.combine, ListedFile.sha256

    def combine(files: list[ListedFile], target: Path) -> list[dict[str, Any]]:
        opened.extend(f.relpath for f in files)
        return real_combine(files, target)

    def sha256(listed: ListedFile) -> str:
        opened.append(listed.relpath)
        return real_sha256(listed)

    monkeypatch.setattr(dataset, "combine", combine)
    monkeypatch.setattr(ListedFile, "sha256", sha256)
    run_id = add_run(output, per_day=40, runs_per_day=24, start=datetime(2025, 1, 30, tzinfo=UTC))
    result = export_dataset(output)
    new_files = sorted(
        f"{e}/report-{run_id}.jsonl"
        for e in ("az", "en", "ru")
        if (output / e / f"report-{run_id}.jsonl").exists()
    )
    assert new_files and sorted(result.files_read) == new_files
    assert sorted(opened) == new_files  # the files already read are not opened
    after = {p: p.stat().st_mtime_ns for p in output.glob("dataset/**/*.parquet")}
    assert all(after[p] == before[p] for p in january)  # January untouched
    rewritten = {p for p in after if after[p] != before.get(p)}
    # the days of the new run's articles (2 February) and of those it revised (1 February)
    assert rewritten and {p.name for p in rewritten} <= {"part-02-01.parquet", "part-02-02.parquet"}
    manifest = json.loads((output / "dataset/manifest.json").read_text())
    assert manifest["export"]["files_read"] == len(new_files)
    assert manifest["export"]["first_run_id"] == manifest["export"]["last_run_id"] == run_id
    assert len(json.dumps(manifest)) < 2000  # totals, not a line per file of history


def test_an_export_folded_run_by_run_equals_a_full_rebuild(tmp_path: Path) -> None:
    options: dict[str, Any] = {"per_day": 40, "runs_per_day": 24}
    output = tmp_path / "output"
    generate(output, 0.25, **options)
    export_dataset(output)
    for _ in range(3):
        add_run(output, **options)
        export_dataset(output)
    run_files = sorted(output.glob("[aer][zun]/*.jsonl"))
    changed, removed = run_files[2], run_files[-4]
    first = json.loads(changed.read_text(encoding="utf-8").splitlines()[0])
    with changed.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(dict(first, url=first["url"] + "-copy")) + "\n")
    removed.unlink()
    incremental = export_dataset(output)
    assert incremental.files_read == [changed.relative_to(output).as_posix()]
    assert incremental.files_dropped == [removed.relative_to(output).as_posix()]
    full = copy_output(output, tmp_path / "full")
    rebuilt = export_dataset(full, full=True)
    for view, order in VIEWS.items():
        sql = f"SELECT * FROM {view} ORDER BY {order}"
        assert rows(incremental.database, sql) == rows(rebuilt.database, sql), view
        assert rows(incremental.database, sql), view
    for view in ("articles", "revisions", "translations"):
        assert parquet_rows(output, view) == parquet_rows(full, view), view
    assert sorted(p.relative_to(output) for p in output.glob("dataset/**/*.parquet")) == sorted(
        p.relative_to(full) for p in full.glob("dataset/**/*.parquet")
    )
