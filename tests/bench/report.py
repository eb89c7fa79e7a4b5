"""The measurements at one size (:class:`BenchResult`) and their tables, in plain text for the
terminal or Markdown for ``docs/benchmarks.md`` (the whole document: ``tests/bench/render.py``)."""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.bench.extractor import ExtractorComparison, Timing
from tests.bench.measure import Measurement
from tests.bench.profile import ProfileResult
from tests.bench.replica_load import LoadResult
from tests.crawl import ROOT


@dataclass
class BenchResult:
    """The measurements at one N."""

    articles: int
    max_pages: int
    baseline: Measurement
    report: Measurement
    incremental: Measurement | None
    new_articles: int
    advanced_minutes: float
    load: LoadResult | None
    load_concurrency: int
    work_dir: Path
    #: The baseline that also parses each article page and writes one small item per page.
    floor: Measurement | None = None
    #: Rounds of baseline, floor and report crawls; each figure is the fastest round's.
    repeat: int = 1

    def ratio(self, attribute: str, against: str = "baseline", of: str = "report") -> float:
        """``attribute`` of the crawl ``of`` divided by that of the crawl ``against``."""
        crawl, reference = getattr(self, of), getattr(self, against)
        if crawl is None or reference is None:
            return math.nan
        ours = float(getattr(crawl, attribute))
        theirs = float(getattr(reference, attribute))
        return ours / theirs if theirs else math.nan

    @property
    def incremental_cpu_ratio(self) -> float:
        if self.incremental is None or not self.report.cpu_seconds:
            return math.nan
        return self.incremental.cpu_seconds / self.report.cpu_seconds


@dataclass
class Target:
    name: str
    wanted: str
    measured: str
    met: bool | None  # None: not measured


# -- formatting -----------------------------------------------------------------------------


def num(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        lines = ["| " + " | ".join(header) + " |"]
        lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return lines
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _crawl_row(label: str, m: Measurement) -> list[str]:
    return [
        label,
        f"{m.pages:,}",
        num(m.wall_seconds),
        num(m.pages_per_second),
        num(m.cpu_seconds),
        num(m.cpu_ms_per_page, 2),
        num(m.max_rss_mib),
        f"{m.items:,}",
        num(m.replica_cpu_seconds) if m.replica_cpu_seconds is not None else "n/a",
        num(m.other_cpu_seconds) if m.other_cpu_seconds is not None else "n/a",
    ]


CRAWL_HEADER = [
    "crawl",
    "pages",
    "wall s",
    "pages/s",
    "CPU s",
    "CPU ms/page",
    "peak RSS MiB",
    "items",
    "replica CPU s",
    "other CPU s",
]


def _ratio_row(result: BenchResult, label: str, against: str, of: str = "report") -> list[str]:
    def ratio(attribute: str, digits: int) -> str:
        return num(result.ratio(attribute, against, of), digits)

    return [
        label,
        ratio("pages", 3),
        ratio("wall_seconds", 2),
        ratio("pages_per_second", 2),
        ratio("cpu_seconds", 2),
        ratio("cpu_ms_per_page", 2),
        ratio("max_rss_kib", 2),
        "",
        "",
        "",
    ]


def crawl_table(result: BenchResult, markdown: bool) -> list[str]:
    rows = [_crawl_row("baseline", result.baseline)]
    if result.floor is not None:
        rows.append(_crawl_row("parse floor (baseline + parse + item)", result.floor))
    rows.append(_crawl_row("report", result.report))
    rows.append(_ratio_row(result, "report / baseline", "baseline"))
    if result.floor is not None:
        rows.append(_ratio_row(result, "parse floor / baseline", "baseline", "floor"))
        rows.append(_ratio_row(result, "report / parse floor", "floor"))
    if result.incremental is not None:
        rows.append(_crawl_row(f"incremental (+{result.new_articles} new)", result.incremental))
        rows.append(
            [
                "incremental / report",
                "",
                num(result.incremental.wall_seconds / result.report.wall_seconds, 3),
                "",
                num(result.incremental_cpu_ratio, 3),
                "",
                "",
                "",
                "",
                "",
            ]
        )
    return table(CRAWL_HEADER, rows, markdown)


def extractor_table(comparison: ExtractorComparison, markdown: bool) -> list[str]:
    header = ["extractor", "pages", "median ms", "p99 ms", "mean ms"]
    pages = str(comparison.pages)

    def timing_row(timing: Timing) -> list[str]:
        return [timing.name, pages, *(num(v, 2) for v in (timing.median, timing.p99, timing.mean))]

    def speedup_row(label: str, ours: Timing, theirs: Timing) -> list[str]:
        ratios = (theirs.median / ours.median, theirs.p99 / ours.p99, theirs.mean / ours.mean)
        return [label, "", *(num(r, 1) + "x" for r in ratios)]

    rows = [timing_row(comparison.ours)]
    if comparison.trafilatura is not None:
        rows.append(timing_row(comparison.trafilatura))
        rows.append(
            speedup_row(
                "trafilatura / newscrawl (speed-up)", comparison.ours, comparison.trafilatura
            )
        )
    ours_row, theirs_row = comparison.ours_in_a_row, comparison.trafilatura_in_a_row
    rows += [timing_row(timing) for timing in (ours_row, theirs_row) if timing is not None]
    if ours_row is not None and theirs_row is not None:
        rows.append(speedup_row("trafilatura / newscrawl, pages in a row", ours_row, theirs_row))
    if comparison.parse_only is not None:
        rows.append(timing_row(comparison.parse_only))
    return table(header, rows, markdown)


def load_line(result: BenchResult) -> str:
    load = result.load
    if load is None:
        return "replica alone: not measured"
    cpu = load.replica_cpu_ms_per_page
    cpu_text = f", replica CPU {cpu:.2f} ms/page" if cpu is not None else ""
    return (
        f"replica alone: {load.pages_per_second:,.0f} pages/s ({load.pages:,} article pages, "
        f"{result.load_concurrency} persistent connections, minimal asyncio client, "
        f"{load.errors} errors{cpu_text})"
    )


def warnings_for(result: BenchResult) -> list[str]:
    """What makes a run's figures doubtful: errors, missing pages, a busy machine."""
    found: list[str] = []
    crawls = [result.baseline, result.report]
    if result.floor is not None:
        crawls.append(result.floor)
    if result.incremental is not None:
        crawls.append(result.incremental)
    for crawl in crawls:
        if crawl.returncode != 0:
            found.append(f"{crawl.name}: exited with status {crawl.returncode} ({crawl.log_path})")
        if crawl.errors:
            found.append(f"{crawl.name}: {crawl.errors} errors in its log ({crawl.log_path})")
        other = crawl.other_cpu_seconds
        if other is not None and other > max(1.0, 0.1 * crawl.wall_seconds):
            found.append(
                f"{crawl.name}: other processes used {other:.1f} CPU s of the 2 cores during its "
                f"{crawl.wall_seconds:.0f} s: the machine was not quiet; figures are pessimistic"
            )
    if result.baseline.pages != result.report.pages:
        found.append(
            f"the baseline received {result.baseline.pages:,} pages and the report crawl "
            f"{result.report.pages:,}: they did not walk the same pages"
        )
    return found


# -- profile ----------------------------------------------------------------------------


def profile_lines(profile: ProfileResult, markdown: bool) -> list[str]:
    if profile.error:
        return [f"profile: {profile.error}"]
    lines = [
        f"Where the report crawl's CPU goes (py-spy, N = {profile.articles:,}, "
        f"{profile.samples:,} samples):",
        "",
    ]
    lines += table(
        ["component", "share of samples"],
        [[name, f"{share:.1f} %"] for name, share in profile.components],
        markdown,
    )
    lines += ["", "Project functions, inclusive time (a function's callees included):", ""]
    lines += table(
        ["function", "share"],
        [[f"`{n}`" if markdown else n, f"{s:.1f} %"] for n, s in profile.top_project],
        markdown,
    )
    lines += ["", "Top functions by self time:", ""]
    lines += table(
        ["function", "share"],
        [[f"`{n}`" if markdown else n, f"{s:.1f} %"] for n, s in profile.top_self],
        markdown,
    )
    return lines


def git_revision() -> str:
    """The commit of the working tree, and whether it has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "newscrawl", "scrapy.cfg"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in newscrawl/" if dirty else "")
