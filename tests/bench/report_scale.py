"""The run report at the scale of years (#21): time, peak memory and page size of
``scrapy htmlreport`` after ONE new run, on generated histories of one day, one month and one
year (``tests/bench/history.py``, the export benchmark's generator), for the code of a
checkout (``--code``, default this one; a worktree of an older commit for "before").

    python -m tests.bench.report_scale --work /tmp/export-scale --scales day,month,year
    python -m tests.bench.report_scale --work /tmp/export-scale --code /tmp/orig --label before \\
        --scales day,month

Per scale: the generated history ``<work>/history-<scale>`` (made by
``python -m tests.bench.export_scale`` or here, then reused) is hard-linked into a scratch
copy; the dataset is exported once (``scrapy export --only dataset`` of this checkout: the
first fold of every article and stats file), one run is added, and the report is made
(``scrapy htmlreport`` of ``--code``, a child process: wall time, peak RSS). Results are
appended to ``<work>/report-results.jsonl`` and printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from tests.bench.export_scale import history, scratch_copy
from tests.bench.history import add_run
from tests.bench.measure import run_measured
from tests.crawl import ROOT


def scrapy(code: Path, output: Path, log: Path, *command: str) -> dict[str, Any]:
    """One ``scrapy <command>`` of the checkout ``code`` over ``output``, measured."""
    env = {**os.environ, "PYTHONPATH": str(code), "NEWSCRAWL_OUTPUT_DIR": str(output)}
    measured = run_measured(
        log.stem, [sys.executable, "-m", "scrapy", *command], env, log, cwd=code
    )
    if measured.returncode != 0:
        raise RuntimeError(f"scrapy {' '.join(command)} failed: {log.read_text()[-2000:]}")
    return {
        "seconds": round(measured.wall_seconds, 2),
        "cpu_seconds": round(measured.cpu_seconds, 2),
        "peak_mib": round(measured.max_rss_mib),
    }


def measure(work: Path, code: Path, label: str, scale: str, keep: bool = False) -> dict[str, Any]:
    scratch = scratch_copy(history(work, scale), work / f"report-scratch-{label}-{scale}")
    logs = work / "logs"
    first = scrapy(
        ROOT, scratch, logs / f"report-{label}-{scale}-export.log", "export", "--only", "dataset"
    )
    add_run(scratch)
    made = scrapy(code, scratch, logs / f"report-{label}-{scale}-htmlreport.log", "htmlreport")
    page = scratch / "report.html"
    result = {
        "label": label,
        "code": str(code),
        "scale": scale,
        "runs": sum(1 for _ in (scratch / "stats").glob("*.json")),
        "first_export": first,
        "report_after_one_new_run": made,
        "page_mb": round(page.stat().st_size / 1e6, 2),
    }
    if not keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| code | history | runs | `scrapy htmlreport` after one new run (wall, CPU, peak RSS) | page |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        made = r["report_after_one_new_run"]
        lines.append(
            f"| {r['label']} | {r['scale']} | {r['runs']:,} |"
            f" {made['seconds']:.1f} s, {made['cpu_seconds']:.1f} s CPU, {made['peak_mib']} MiB |"
            f" {r['page_mb']:.2f} MB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose report to run")
    parser.add_argument("--label", default="after")
    parser.add_argument("--scales", default="day,month,year")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = parser.parse_args()
    rows = []
    for scale in args.scales.split(","):
        row = measure(args.work, args.code.resolve(), args.label, scale, args.keep)
        with (args.work / "report-results.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)
        rows.append(row)
    print(table(rows))


if __name__ == "__main__":
    main()
