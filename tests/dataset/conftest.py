"""Two real runs of ``scrapy crawl report`` on the replica with one state file and a two-hour
clock step between them (new and edited articles in the second), exported once by the real
``scrapy export``; the tests copy the output directory when they need to change it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.crawl import ROOT, CrawlResult, run_crawl
from tests.site.harness import ReplicaServer


@dataclass
class TwoRuns:
    """The output directory after two runs and one export, and what each run wrote."""

    output: Path
    first: CrawlResult
    second: CrawlResult
    export_log: str


def scrapy_data(output: Path, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a real data command (``scrapy export``, ``scrapy htmlreport``) over ``output``;
    stdout and stderr apart."""
    env = {**os.environ, "NEWSCRAWL_OUTPUT_DIR": str(output), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def scrapy_export(output: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``scrapy export`` over ``output``."""
    return scrapy_data(output, "export", *args)


def copy_output(source: Path, target: Path, keep: Any = None) -> Path:
    """Copy the run files (``keep(path)`` chooses) of ``source`` to ``target``, nothing built."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if not path.is_file() or relative.parts[0] not in ("az", "en", "ru", "rejects", "stats"):
            continue
        if keep is not None and not keep(path):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
    return target


@pytest.fixture(scope="session")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    root = tmp_path_factory.mktemp("dataset-runs")
    output, state = root / "output", root / "state.sqlite"
    with ReplicaServer(articles=60, seed=11) as replica:
        first = run_crawl(replica.base_url, output, state=state, arguments={"max_pages": "100"})
        assert first.returncode == 0, first.log[-3000:]
        replica.advance(120)
        time.sleep(1.0)  # run ids are start times to the second
        second = run_crawl(
            replica.base_url,
            output,
            state=state,
            arguments={"max_pages": "100"},
            # every known article due (edits of the body alone are seen too)
            settings={"NEWSCRAWL_REVISIT_SHARE": "0", "NEWSCRAWL_EDIT_HORIZON_HOURS": "1000000"},
        )
        assert second.returncode == 0, second.log[-3000:]
    exported = scrapy_export(output)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    return TwoRuns(output=output, first=first, second=second, export_log=exported.stdout)
