"""``scrapy export`` at the scale of years (#21): time and peak memory of an export after ONE
new run, and of a full rebuild (``--full``), on generated histories of one day, one month and
one year (``tests/bench/history.py``), for the code of a checkout (``--code``, default this
one; e.g. a worktree of an older commit for the "before" figures).

    python -m tests.bench.export_scale --work /tmp/export-scale --scales day,month,year
    python -m tests.bench.export_scale --work /tmp/export-scale --code /tmp/orig --label before

Per scale: the history is generated once into ``<work>/history-<scale>`` (kept for the next
call), hard-linked into a scratch copy, exported once (the first export, building from
nothing), then one run is added and exported (``after one new run``), then ``--full``. Each is
a real ``scrapy export --only <parts>`` in a child process: wall time, CPU time (user +
system, ``os.wait4``: what the machine's load does not change) and peak RSS from its
``VmHWM`` (``tests.bench.measure.run_measured``). Results are appended to
``<work>/results.jsonl`` and printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.bench.history import add_run, generate
from tests.bench.measure import run_measured
from tests.crawl import ROOT

SCALES = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}


def history(work: Path, scale: str) -> Path:
    """The generated history of ``scale`` (made once, then reused)."""
    base = work / f"history-{scale}"
    done = base / ".complete"
    if not done.exists():
        shutil.rmtree(base, ignore_errors=True)
        started = time.perf_counter()
        made = generate(base, SCALES[scale])
        done.write_text(
            json.dumps({"files": made.files, "lines": made.lines, "bytes": made.bytes}) + "\n"
        )
        print(
            f"generated {scale}: {made.files} files, {made.lines} lines,"
            f" {made.bytes / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return base


def scratch_copy(base: Path, target: Path) -> Path:
    """The run files of ``base`` hard-linked into ``target`` (an export never changes them)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for kind in ("az", "en", "ru", "rejects", "stats"):
        if (base / kind).is_dir():
            subprocess.run(["cp", "-al", str(base / kind), str(target / kind)], check=True)
    return target


def export(code: Path, output: Path, parts: str, log: Path, *extra: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(code), "NEWSCRAWL_OUTPUT_DIR": str(output)}
    command = [sys.executable, "-m", "scrapy", "export", "--only", parts, *extra]
    measured = run_measured(log.stem, command, env, log, cwd=code)
    if measured.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {log.read_text()[-2000:]}")
    return {
        "seconds": round(measured.wall_seconds, 2),
        "cpu_seconds": round(measured.cpu_seconds, 2),
        "peak_mib": round(measured.max_rss_mib),
    }


def measure(work: Path, code: Path, label: str, scale: str, parts: str) -> dict[str, Any]:
    scratch = scratch_copy(history(work, scale), work / f"scratch-{label}-{scale}")
    logs = work / "logs"
    first = export(code, scratch, parts, logs / f"{label}-{scale}-first.log")
    add_run(scratch)
    one_run = export(code, scratch, parts, logs / f"{label}-{scale}-one-run.log")
    full = export(code, scratch, parts, logs / f"{label}-{scale}-full.log", "--full")
    database = scratch / "newscrawl.duckdb"
    result = {
        "label": label,
        "code": str(code),
        "scale": scale,
        "parts": parts,
        "first": first,
        "one_new_run": one_run,
        "full": full,
        "database_mb": round(database.stat().st_size / 1e6) if database.exists() else None,
    }
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| code | history | parts | export after one new run | `--full` | first export |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [
            f"{r[key]['seconds']:.1f} s ({r[key]['cpu_seconds']:.1f} s CPU), {r[key]['peak_mib']} MiB"
            for key in ("one_new_run", "full", "first")
        ]
        lines.append(f"| {r['label']} | {r['scale']} | {r['parts']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/export-scale"))
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="after")
    parser.add_argument("--scales", default="day,month")
    parser.add_argument("--parts", default="dataset", help="--only of scrapy export")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in args.scales.split(","):
        row = measure(args.work, args.code.resolve(), args.label, scale, args.parts)
        rows.append(row)
        with (args.work / "results.jsonl").open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(row) + "\n")
        print(table([row]).splitlines()[-1], flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
