"""The README's dataset examples (SQL with DuckDB, pandas, Hugging Face ``datasets``) run as
written, in a directory whose ``output/`` is the one of two real runs and an export."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.crawl import ROOT
from tests.dataset.conftest import TwoRuns


def examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split("<!-- dataset-examples -->")[1].split("<!-- /dataset-examples -->")[0]
    return re.findall(r"```(sql|python)\n(.*?)```", part, flags=re.S)


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
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.strip()
        if "load_dataset" in code:
            assert "az-en pairs;" in done.stdout and "timestamp" in done.stdout
        else:
            assert "language" in done.stdout and "2025-10-23" in done.stdout
