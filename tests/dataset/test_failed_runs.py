"""Bug 2 of issue 17: ``scrapy export`` and ``scrapy htmlreport`` over an output folder where
runs failed their health for az, en and all editions (a Ctrl-C'd crawl) end well, with the
failed runs marked, instead of an ``IndexError`` in the charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.dataset.conftest import TwoRuns, copy_output, scrapy_data

FAILED = "#d62728"


def fail(stats: Path, finish_reason: str, *editions: str) -> None:
    """Rewrite a run's stats file as the crawl writes a failed health check."""
    data = json.loads(stats.read_text(encoding="utf-8"))
    failures = [
        {"edition": code, "check": "found", "message": "too few", "figures": {}, "level": "fail"}
        for code in editions
    ]
    data["finish_reason"] = finish_reason
    data["health"] = {"checked": True, "ok": False, "failures": failures, "warnings": []}
    stats.write_text(json.dumps(data), encoding="utf-8")


def test_export_and_htmlreport_with_runs_failed_for_az_en_and_all(
    two_runs: TwoRuns, tmp_path: Path
) -> None:
    output = copy_output(two_runs.output, tmp_path / "output")
    first, second = sorted((output / "stats").glob("*.json"))
    fail(first, "finished", "az", "en")
    fail(second, "shutdown", "all")  # Ctrl-C: the run-level check names every edition
    data = json.loads(second.read_text(encoding="utf-8"))
    hole = {"from": "2025-10-23T10:00:00+04:00", "to": "2025-10-23T12:00:00+04:00"}
    data["editions"]["en"]["holes"] = [{**hole, "cursor": None, "since": None}]
    second.write_text(json.dumps(data), encoding="utf-8")

    for command in ("htmlreport", "export"):
        done = scrapy_data(output, command)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr
        assert f"run report: {output / 'report.html'}" in done.stdout
        page = (output / "report.html").read_text(encoding="utf-8")
        assert "2 runs, 2 with a failed health check" in page
        assert page.count('<td class="failed">failed</td>') == 3  # the latest run: all three
        assert "health check failed" in page and "finish reason shutdown" in page
        assert page.count(FAILED) > 10  # bands and tick labels of the failed runs
        holes = re.search(r"<tr><td>Open holes</td>(.*?)</tr>", page)
        assert holes and holes.group(1).count("<td>none</td>") == 2  # en: the one hole
        assert "en</b>: " in page and "1 open hole (oldest missing since" in page
