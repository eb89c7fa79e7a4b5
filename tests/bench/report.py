"""The benchmark's tables (plain text for the terminal, Markdown for ``docs/benchmarks.md``),
the targets with met/missed, and the notes on what limits each figure."""

from __future__ import annotations

import math
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.extractor import ExtractorComparison, Timing
from tests.bench.measure import Measurement
from tests.bench.profile import ProfileResult
from tests.bench.replica_load import LoadResult
from tests.crawl import ROOT

TARGET_THROUGHPUT = 0.85
TARGET_EXTRACT_SPEEDUP = 10.0
TARGET_RSS_GROWTH = 1.2
TARGET_INCREMENTAL_CPU = 0.02


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


def _num(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
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
        _num(m.wall_seconds),
        _num(m.pages_per_second),
        _num(m.cpu_seconds),
        _num(m.cpu_ms_per_page, 2),
        _num(m.max_rss_mib),
        f"{m.items:,}",
        _num(m.replica_cpu_seconds) if m.replica_cpu_seconds is not None else "n/a",
        _num(m.other_cpu_seconds) if m.other_cpu_seconds is not None else "n/a",
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
        return _num(result.ratio(attribute, against, of), digits)

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
                _num(result.incremental.wall_seconds / result.report.wall_seconds, 3),
                "",
                _num(result.incremental_cpu_ratio, 3),
                "",
                "",
                "",
                "",
                "",
            ]
        )
    return _table(CRAWL_HEADER, rows, markdown)


def extractor_table(comparison: ExtractorComparison, markdown: bool) -> list[str]:
    header = ["extractor", "pages", "median ms", "p99 ms", "mean ms"]
    pages = str(comparison.pages)

    def timing_row(timing: Timing) -> list[str]:
        return [timing.name, pages, *(_num(v, 2) for v in (timing.median, timing.p99, timing.mean))]

    def speedup_row(label: str, ours: Timing, theirs: Timing) -> list[str]:
        ratios = (theirs.median / ours.median, theirs.p99 / ours.p99, theirs.mean / ours.mean)
        return [label, "", *(_num(r, 1) + "x" for r in ratios)]

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
    return _table(header, rows, markdown)


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


# -- targets --------------------------------------------------------------------------------


def targets(results: list[BenchResult], comparison: ExtractorComparison | None) -> list[Target]:
    found: list[Target] = []
    by_n = {r.articles: r for r in results}
    large = by_n.get(20000) or (max(results, key=lambda r: r.articles) if results else None)
    small = by_n.get(1000) or (min(results, key=lambda r: r.articles) if results else None)
    if large is not None:
        ratio = large.ratio("pages_per_second")
        at = f"N = {large.articles:,}" + ("" if large.articles == 20000 else " (not 20,000)")
        found.append(
            Target(
                "Throughput report / baseline at N = 20,000",
                f">= {TARGET_THROUGHPUT}",
                f"{ratio:.2f} at {at} (from CPU per page, as on a quiet machine: "
                f"{1 / large.ratio('cpu_ms_per_page'):.2f})"
                + (
                    f"; the parse floor alone: {large.ratio('pages_per_second', of='floor'):.2f}"
                    if large.floor is not None
                    else ""
                ),
                ratio >= TARGET_THROUGHPUT if large.articles >= 20000 else None,
            )
        )
    if comparison is not None and comparison.trafilatura is not None:
        speedup = comparison.trafilatura.median / comparison.ours.median
        found.append(
            Target(
                "Article extraction vs trafilatura.extract (median ms/page)",
                f">= {TARGET_EXTRACT_SPEEDUP:g}x faster",
                f"{speedup:.1f}x ({comparison.ours.median:.2f} vs "
                f"{comparison.trafilatura.median:.2f} ms)",
                speedup >= TARGET_EXTRACT_SPEEDUP,
            )
        )
    else:
        found.append(Target("Article extraction vs trafilatura", ">= 10x", "not measured", None))
    if large is not None and small is not None and large.articles > small.articles:
        growth = large.report.max_rss_kib / small.report.max_rss_kib
        found.append(
            Target(
                "Peak RSS of the report crawl, N = 20,000 / N = 1,000",
                f"<= {TARGET_RSS_GROWTH}",
                f"{growth:.2f} ({large.report.max_rss_mib:.0f} MiB at {large.articles:,} / "
                f"{small.report.max_rss_mib:.0f} MiB at {small.articles:,})",
                growth <= TARGET_RSS_GROWTH
                if large.articles >= 20000 and small.articles <= 1000
                else None,
            )
        )
    else:
        found.append(
            Target(
                "Peak RSS N = 20,000 / N = 1,000",
                f"<= {TARGET_RSS_GROWTH}",
                "needs two sizes (--articles 1000 20000)",
                None,
            )
        )
    if large is not None and large.incremental is not None:
        share = large.incremental_cpu_ratio
        found.append(
            Target(
                "Incremental run (+~10 new) CPU / full run CPU",
                f"< {TARGET_INCREMENTAL_CPU:.0%}",
                f"{share:.1%} at N = {large.articles:,} "
                f"({large.incremental.cpu_seconds:.1f} s vs {large.report.cpu_seconds:.1f} s)",
                share < TARGET_INCREMENTAL_CPU,
            )
        )
    return found


def _verdict(target: Target) -> str:
    return "not measured" if target.met is None else ("met" if target.met else "MISSED")


# -- whole outputs --------------------------------------------------------------------------


def render_text(
    results: list[BenchResult],
    comparison: ExtractorComparison | None,
    machine: dict[str, str],
    *,
    profile: ProfileResult | None = None,
    summary_only: bool = False,
) -> str:
    lines: list[str] = []
    if not summary_only:
        for result in results:
            lines.append("")
            lines.append(
                f"N = {result.articles:,} articles per edition "
                f"(max_pages={result.max_pages}; logs: {result.work_dir})"
            )
            lines += crawl_table(result, markdown=False)
            lines.append(load_line(result))
            lines += [f"WARNING: {w}" for w in warnings_for(result)]
        return "\n".join(lines)
    lines.append("")
    lines.append(
        f"machine: {machine.get('cores (nproc)')} cores, {machine.get('CPU')}, "
        f"{machine.get('memory')}; Python {machine.get('Python')}, Scrapy {machine.get('Scrapy')}"
    )
    for result in results:
        lines.append("")
        lines.append(f"N = {result.articles:,} articles per edition")
        lines += crawl_table(result, markdown=False)
        lines.append(load_line(result))
        lines += [f"WARNING: {w}" for w in warnings_for(result)]
    if comparison is not None:
        lines.append("")
        lines.append(f"article extraction on {comparison.pages} replica pages")
        lines += extractor_table(comparison, markdown=False)
        if comparison.trafilatura_error:
            lines.append(comparison.trafilatura_error)
    lines.append("")
    lines.append("targets")
    lines += _table(
        ["target", "wanted", "measured", "verdict"],
        [[t.name, t.wanted, t.measured, _verdict(t)] for t in targets(results, comparison)],
        markdown=False,
    )
    if profile is not None:
        lines.append("")
        lines += _profile_lines(profile, markdown=False)
    return "\n".join(lines)


def _profile_lines(profile: ProfileResult, markdown: bool) -> list[str]:
    if profile.error:
        return [f"profile: {profile.error}"]
    lines = [
        f"Where the report crawl's CPU goes (py-spy, N = {profile.articles:,}, "
        f"{profile.samples:,} samples):",
        "",
    ]
    lines += _table(
        ["component", "share of samples"],
        [[name, f"{share:.1f} %"] for name, share in profile.components],
        markdown,
    )
    lines += ["", "Project functions, inclusive time (a function's callees included):", ""]
    lines += _table(
        ["function", "share"],
        [[f"`{n}`" if markdown else n, f"{s:.1f} %"] for n, s in profile.top_project],
        markdown,
    )
    lines += ["", "Top functions by self time:", ""]
    lines += _table(
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


NOTES_PATH = Path(__file__).with_name("notes.md")


def render_markdown(
    results: list[BenchResult],
    comparison: ExtractorComparison | None,
    machine: dict[str, str],
    command: str,
    revision: str,
    *,
    profile: ProfileResult | None = None,
    run_at: str | None = None,
) -> str:
    sizes = " ".join(str(r.articles) for r in results)
    repeat = max((r.repeat for r in results), default=1)
    now = run_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Generated by the benchmark; do not edit by hand (the prose after the figures lives in",
        "`tests/bench/notes.md`). Regenerate with:",
        "",
        "```sh",
        f'make bench N="{sizes}"' + (f" REPEAT={repeat}" if repeat > 1 else ""),
        f"# which runs: {re.sub(r' --work [^ ]+', '', command)}",
        "```",
        "",
        f"Run on {now}, code at {revision} (copied aside at the start: every crawl of the run"
        " measured the same code).",
        "",
        "## Machine",
        "",
    ]
    lines += _table(["", ""], [[k, v] for k, v in machine.items()], markdown=True)
    lines += [
        "",
        "## What is measured",
        "",
        "Each crawler runs as a child process of the benchmark against the local replica",
        "(`python -m tests.site`, its own process, same machine). For each crawl: wall time of",
        "the whole process (start-up included), CPU = user + system seconds of that process",
        "alone (`os.wait4`), peak RSS = its `VmHWM` (polled from `/proc`); pages = responses",
        "received (`downloader/response_count` of the Scrapy stats, robots.txt included).",
        "`replica CPU s` is the CPU the replica process spent during that crawl (from `/proc`);",
        "`other CPU s` is what the rest of the machine used meanwhile (`/proc/stat` less the",
        "crawler, the replica and the benchmark): near 0 on a quiet machine. The crawls run from",
        "a copy of the code taken when the benchmark starts.",
        "",
        "- **baseline**: `tests/bench/baseline_spider.py`, run with `scrapy runspider` and",
        "  `tests/bench/baseline_settings.py` (the project's engine and politeness settings,",
        "  none of its pipelines, middlewares or extensions). It requests the same pages as the",
        "  report spider (home -> feed -> scroll batches -> articles): card links and timestamps",
        "  are found with **regular expressions over the raw bytes of the feed cards** (no HTML",
        "  parser), links made canonical with `SiteUrls` like the report spider; article pages",
        "  are downloaded and not looked at.",
        "- **parse floor**: the baseline spider with `-a parse_articles=1`: each article page",
        "  is also decoded and parsed with the report spider's HTML parser, and one small item",
        "  per page (URL and element count) goes through Scrapy's item path to a JSON Lines",
        "  feed. What any Scrapy crawler that reads the pages and writes a line per article",
        "  costs at least on this machine; nothing is extracted.",
        "- **report**: `scrapy crawl report` with everything on (extraction, cleaning,",
        "  validation, dedup, state in SQLite, JSON Lines feeds, run summary), a fresh output",
        "  directory and state file.",
        "- **incremental**: after the report run, the replica's clock is moved on until about",
        "  ten new articles are visible, then `scrapy crawl report` runs again with the same",
        "  state file.",
        "- All crawls: politeness off for the measurement only: `DOWNLOAD_DELAY=0`,",
        "  `AUTOTHROTTLE_ENABLED=0`, `CONCURRENT_REQUESTS=16`,",
        "  `CONCURRENT_REQUESTS_PER_DOMAIN=16`; robots.txt obeyed;",
        "  `-a max_pages=N/20 + margin` so the whole feed is walked.",
        "",
    ]
    for result in results:
        lines += [f"## N = {result.articles:,} articles per edition", ""]
        lines += [
            f"{3 * result.articles:,} articles in three editions (some republished or special),"
            f" `max_pages={result.max_pages}`. Incremental run after moving the replica's clock"
            f" on {result.advanced_minutes:g} minutes ({result.new_articles} new articles)."
            + (
                f" Baseline, parse floor and report crawled {result.repeat} times each, in"
                " turn; each row is the round with the least CPU per page."
                if result.repeat > 1
                else ""
            ),
            "",
        ]
        lines += crawl_table(result, markdown=True)
        line = load_line(result)
        lines += ["", line[:1].upper() + line[1:] + ".", ""]
        doubts = warnings_for(result)
        if doubts:
            lines += [f"- **Warning**: {w}" for w in doubts] + [""]
    if comparison is not None:
        lines += [
            "## Article extraction",
            "",
            f"`newscrawl.extract.article.extract_article` beside `trafilatura.extract` (default "
            f"options, `url=` given) on the same {comparison.pages} article pages of the replica "
            f"({comparison.bytes_total / comparison.pages / 1024:.0f} KiB on average; a "
            "reproducible sample over the three editions and all layouts), decoded once; each "
            "extractor called once per page after a warm-up pass, in the benchmark's process while "
            "no crawl runs: first page by page in turn (the HTML parse alone, ours, trafilatura: "
            "each call meets caches the other extractor has just used, as between a crawl's "
            "pages; the target is judged on these), then each extractor over all the pages in a "
            "row (ours with its memoised dates emptied first). Wall-clock ms per page:",
            "",
        ]
        lines += extractor_table(comparison, markdown=True)
        if comparison.trafilatura_error:
            lines += ["", comparison.trafilatura_error]
        lines.append("")
    lines += ["## Targets", ""]
    lines += _table(
        ["target", "wanted", "measured", "verdict"],
        [[t.name, t.wanted, t.measured, _verdict(t)] for t in targets(results, comparison)],
        markdown=True,
    )
    lines.append("")
    if profile is not None:
        lines += ["## Profile of the report crawl", ""]
        lines += _profile_lines(profile, markdown=True)
        lines.append("")
    if NOTES_PATH.exists():
        lines += [NOTES_PATH.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)
