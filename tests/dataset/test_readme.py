"""The README's dataset examples (SQL with DuckDB, pandas, Hugging Face ``datasets``) run as
written, in a directory whose ``output/`` is the one of two real runs and an export; its
reparse examples (the reparse revisions, the WARC record of a row) on a crawl, a reparse and
an export."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.crawl import ROOT, existing_files, read_output, run_crawl, run_scrapy
from tests.dataset.conftest import TwoRuns, scrapy_export
from tests.e2e.broken_parser import ADDONS_SETTING
from tests.site.harness import ReplicaServer


def examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split("<!-- dataset-examples -->")[1].split("<!-- /dataset-examples -->")[0]
    return re.findall(r"```(sql|python)\n(.*?)```", part, flags=re.S)


def _python(code: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a README snippet with this Python, in ``cwd``; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_there_are_three_examples() -> None:
    assert [kind for kind, _ in examples()] == ["sql", "python", "python"]


def test_every_example_runs(two_runs: TwoRuns, tmp_path: Path) -> None:
    (tmp_path / "output").symlink_to(two_runs.output, target_is_directory=True)
    env = {
        **os.environ,
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "PYTHONPATH": str(ROOT),
    }
    for kind, code in examples():
        if kind == "sql":
            database = tmp_path / "output" / "newscrawl.duckdb"
            with duckdb.connect(str(database), read_only=True) as con:
                rows = con.sql(code).fetchall()
            assert [r[0] for r in rows] == ["az", "en", "ru"]
            assert all(r[1] > 0 and r[2] > 0 and r[3] > 0 for r in rows), rows
            continue
        done = _python(code, tmp_path, env)
        assert done.stdout.strip()
        if "load_dataset" in code:
            assert "az-en pairs;" in done.stdout and "timestamp" in done.stdout
        else:
            assert "language" in done.stdout and "2025-10-23" in done.stdout


def reparse_examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split("<!-- reparse-examples -->")[1].split("<!-- /reparse-examples -->")[0]
    return re.findall(r"```(sql|python)\n(.*?)```", part, flags=re.S)


@pytest.fixture(scope="module")
def reparsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A crawl whose extractor missed the tags, ``scrapy reparse`` with the real one (revision
    2 of the articles it fixed), then ``scrapy export --only dataset``; the reparse's lines."""
    root = tmp_path_factory.mktemp("reparsed")
    output, state = root / "output", root / "state.sqlite"
    with ReplicaServer(articles=20, seed=11) as replica:
        crawl = run_crawl(
            replica.base_url,
            output,
            state=state,
            arguments={"max_pages": "100"},
            settings={"ADDONS": ADDONS_SETTING},
        )
    assert crawl.returncode in (0, 3), crawl.log[-3000:]
    before = existing_files(output)
    reparse = run_scrapy(["reparse"], output, state=state)
    assert reparse.returncode == 0, reparse.stdout[-3000:]
    written = read_output(output, before).all_articles()
    exported = scrapy_export(output, "--only", "dataset")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    return output, written


def test_the_readme_finds_every_reparse_revision_and_its_warc_record(
    reparsed: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    output, written = reparsed
    assert written and all(a["revision_reason"] == "reparse" for a in written)
    (sql, query), (python, code) = reparse_examples()
    assert (sql, python) == ("sql", "python")
    with duckdb.connect(str(output / "newscrawl.duckdb"), read_only=True) as con:
        rows = con.sql(query).fetchall()
    assert [(r[0], r[1]) for r in rows] == sorted((a["url"], a["revision"]) for a in written)
    by_url = {a["url"]: a for a in written}
    for url, _, changed, warc_file, offset in rows:
        assert "tags" in changed  # what the broken extractor missed
        assert {"file": warc_file, "offset": offset} == by_url[url]["archive"]
    (tmp_path / "output").symlink_to(output, target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = _python(code, tmp_path, env)
    first = min(by_url)
    assert done.stdout.splitlines()[0] == f"{first} {first} 200"
    assert int(done.stdout.splitlines()[1].split()[0]) > 1000
