"""The whole output of a benchmark run: the summary for the terminal and ``docs/benchmarks.md``
(targets with wanted / result / met, the polite crawls, the incremental run, CPU and memory per
size, the extractor, the profile, and the before/after table of the runs compared)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bench.polite import POLITE_DELAY, POLITE_PER_DOMAIN, PoliteRun, allowed_rate
from tests.bench.polite_run import PoliteSuite
from tests.bench.report import (
    BenchResult,
    crawl_table,
    extractor_table,
    load_line,
    num,
    profile_lines,
    table,
    warnings_for,
)
from tests.bench.results_io import BenchRun
from tests.bench.targets import cpu_ms_per_article, targets, verdict

NOTES_PATH = Path(__file__).with_name("notes.md")


def run_title(run: BenchRun) -> str:
    """``before (commit 1a2b3c4)``: the column of a run in the before/after table."""
    return f"{run.label} (commit {run.revision})"


def targets_table(run: BenchRun, markdown: bool) -> list[str]:
    rows = [[t.name, t.wanted, t.measured, verdict(t)] for t in targets(run.polite, run.comparison)]
    return table(["target", "wanted", "result", "met?"], rows, markdown)


def _polite_row(run: PoliteRun) -> list[str]:
    gaps = run.window.gaps(run.delay, run.jitter)
    m = run.measurement
    return [
        f"{run.crawler}, {run.mode}",
        f"{run.window.requests:,}",
        num(run.window.span_seconds),
        num(run.window.rate, 2),
        num(run.efficiency, 3),
        num(run.efficiency_vs_ceiling, 3),
        num(run.mean_interval, 3),
        f"{len(gaps)} / {run.gap_seconds:.1f}",
        num(m.wall_seconds),
        num(run.whole_run_rate, 2),
        num(m.cpu_seconds),
        f"{m.items:,}",
    ]


def polite_table(suite: PoliteSuite, markdown: bool) -> list[str]:
    header = [
        "crawl, mode",
        "requests",
        "first-last s",
        "requests/s",
        "efficiency",
        "vs Scrapy ceiling",
        "mean interval s",
        "idle gaps n / s",
        "wall s",
        "requests/wall s",
        "CPU s",
        "items",
    ]
    return table(header, [_polite_row(run) for run in suite.runs], markdown)


def incremental_table(suite: PoliteSuite, markdown: bool) -> list[str]:
    inc = suite.incremental
    if inc is None:
        return ["incremental run: not measured"]
    header = [
        "new URLs",
        "edited, fetched",
        "requests (no robots)",
        "articles",
        "feed pages",
        "home pages",
        "robots.txt",
        "per new article",
        "bound 1 + feed/new",
        "per new URL",
        "new missed",
        "wall s",
        "CPU s",
    ]
    m = inc.measurement
    row = [
        str(inc.new_articles),
        str(inc.edited_fetched),
        str(inc.requests),
        str(inc.kinds.get("article", 0)),
        str(inc.feed_pages),
        str(inc.kinds.get("home", 0)),
        str(inc.kinds.get("robots", 0)),
        num(inc.per_new_article, 2),
        num(inc.bound, 2),
        num(inc.per_new_url, 2),
        str(inc.missed),
        num(m.wall_seconds) if m else "n/a",
        num(m.cpu_seconds) if m else "n/a",
    ]
    return table(header, [row], markdown)


def cpu_table(results: list[BenchResult], markdown: bool) -> list[str]:
    """CPU per article and peak RSS of each crawl at each size (no target)."""
    header = ["N per edition", "crawl", "articles", "CPU s", "CPU ms/article", "peak RSS MiB"]
    rows = []
    for result in results:
        articles = result.report.items
        for label, crawl in (
            ("report", result.report),
            ("parse floor", result.floor),
            ("baseline", result.baseline),
        ):
            if crawl is None:
                continue
            rows.append(
                [
                    f"{result.articles:,}",
                    label,
                    f"{articles:,}",
                    num(crawl.cpu_seconds),
                    num(cpu_ms_per_article(crawl, articles), 2),
                    num(crawl.max_rss_mib),
                ]
            )
    return table(header, rows, markdown)


def _figure(value: float | None) -> str:
    if value is None:
        return "n/a"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def before_after_table(runs: list[BenchRun], markdown: bool) -> list[str]:
    """One row per headline figure, one column per run (the compared ones, then this one)."""
    names: list[str] = []
    for run in runs:
        names += [name for name in run.figures if name not in names]
    rows = [[name, *(_figure(run.figures.get(name)) for run in runs)] for name in names]
    return table(["figure", *(run_title(run) for run in runs)], rows, markdown)


def render_text(run: BenchRun, compared: list[BenchRun]) -> str:
    """The summary printed at the end of a run."""
    machine = run.machine
    lines = [
        "",
        f"machine: {machine.get('cores (nproc)')} cores, {machine.get('CPU')}, "
        f"{machine.get('memory')}; Python {machine.get('Python')}, Scrapy {machine.get('Scrapy')}",
    ]
    if run.polite is not None:
        lines += ["", f"polite crawls ({run.polite.articles} articles per edition)"]
        lines += polite_table(run.polite, markdown=False)
        lines += ["", "incremental run", *incremental_table(run.polite, markdown=False)]
    for result in run.results:
        lines += ["", f"N = {result.articles:,} articles per edition (politeness off)"]
        lines += crawl_table(result, markdown=False)
        lines.append(load_line(result))
        lines += [f"WARNING: {w}" for w in warnings_for(result)]
    if run.results:
        lines += ["", "CPU per article and peak RSS", *cpu_table(run.results, markdown=False)]
    if run.comparison is not None:
        lines += ["", f"article extraction on {run.comparison.pages} replica pages"]
        lines += extractor_table(run.comparison, markdown=False)
    lines += ["", "targets", *targets_table(run, markdown=False)]
    lines += ["", "figures", *before_after_table([*compared, run], markdown=False)]
    return "\n".join(lines)


#: The options ``make bench`` passes; a command with others is shown as it was run.
_MAKE_OPTIONS = re.compile(
    r"^python -m tests\.bench(?: --(?:articles(?: \d+)+|repeat \d+|label \S+|profile))*$"
)


def _reproduce(run: BenchRun) -> list[str]:
    sizes = " ".join(str(r.articles) for r in run.results) or "1000"
    repeat = max((r.repeat for r in run.results), default=1)
    lines = ["```sh"]
    if _MAKE_OPTIONS.match(run.command):
        lines.append(
            f'make bench N="{sizes}"'
            + (f" REPEAT={repeat}" if repeat > 1 else "")
            + (f" LABEL={run.label}" if run.label != "current" else "")
        )
        lines.append(f"# which runs: .venv/bin/{run.command}")
    else:
        lines.append(f".venv/bin/{run.command}")
    return [*lines, "```"]


def render_markdown(run: BenchRun, compared: list[BenchRun]) -> str:
    """``docs/benchmarks.md``."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by the benchmark (`python -m tests.bench`); do not edit by hand: the prose",
        "after the figures lives in `tests/bench/notes.md`. This run:",
        "",
        *_reproduce(run),
        "",
        f"Run on {run.started}, code at {run.revision} (copied aside at the start: every crawl of"
        " the run measured the same code). The machine is a shared 2-core VM: figures of CPU"
        " and wall time vary by up to 25 % between runs of the same code.",
        "",
        "## Targets",
        "",
        *targets_table(run, markdown=True),
        "",
    ]
    lines += ["## Before and after", ""]
    if compared:
        lines += [
            "The headline figures of the runs compared (`--compare`), then this run's. Each",
            "column is one benchmark run on this machine; see the commands in the notes below.",
            "",
        ]
    else:
        lines += [
            "This run only (compare with another run: `--compare bench-output/LABEL.json`).",
            "",
        ]
    lines += [*before_after_table([*compared, run], markdown=True), ""]
    if run.polite is not None:
        suite = run.polite
        lines += [
            "## Politeness efficiency",
            "",
            f"The replica with {suite.articles} articles per edition, logging every request it"
            f" serves; crawls at `DOWNLOAD_DELAY={POLITE_DELAY}`,"
            f" `CONCURRENT_REQUESTS_PER_DOMAIN={POLITE_PER_DOMAIN}`, `AUTOTHROTTLE_ENABLED=0`,"
            " Scrapy's default delay jitter (`DOWNLOAD_DELAY_JITTER=0.5`, the old"
            " `RANDOMIZE_DOWNLOAD_DELAY=True`), the project's `CONCURRENT_REQUESTS`;"
            f" `max_pages={suite.max_pages}`; archive mode `-a mode=archive -a since={suite.since}"
            f" -a until={suite.until}`. Allowed rate = slots / DOWNLOAD_DELAY = 1 /"
            f" {POLITE_DELAY} = {allowed_rate():.2f} requests/s (one slot: one host). `requests/s`"
            " = (requests - 1) / (last request - first request), as the replica logged them;"
            " `efficiency` = that / the allowed rate; `vs Scrapy ceiling` = that / the rate"
            " Scrapy's slot timer reaches with the jitter (see the notes); `idle gaps` ="
            " intervals longer than the longest drawn delay (1.5 x DOWNLOAD_DELAY + 50 ms) and"
            " the idle time beyond it; `requests/wall s` counts the process's start-up and close.",
            "",
            *polite_table(suite, markdown=True),
            "",
            "## Incremental run",
            "",
            "The state of the polite latest-mode report crawl above; the replica's clock moved on"
            + (
                f" {suite.incremental.advanced_minutes:g} minutes"
                if suite.incremental is not None
                else ""
            )
            + "; the report crawl again with that state. Requests from the replica's log, by"
            " kind. New = article URLs visible after and not before (republished copies"
            " included) + known articles the replica edited meanwhile that the run fetched again"
            " (`edited, fetched`); `per new URL` leaves the edits out.",
            "",
            *incremental_table(suite, markdown=True),
            "",
        ]
    if run.results:
        lines += [
            "## CPU per article and peak RSS (no target)",
            "",
            "Politeness off (`DOWNLOAD_DELAY=0`, `CONCURRENT_REQUESTS=16`, per domain 16), so"
            " the crawls are bound by CPU. CPU = user + system of the crawler process"
            " (`os.wait4`), peak RSS its `VmHWM`; CPU ms/article divides every crawl's CPU by the"
            " report crawl's articles (all three fetch the same pages). **baseline**:"
            " `tests/bench/baseline_spider.py` (same requests, feed cards read with regular"
            " expressions, article pages not looked at; the project's engine and politeness"
            " settings, Scrapy's defaults otherwise); **parse floor**: the baseline that also"
            " parses each article page with parsel and writes one small item per page.",
            "",
            *cpu_table(run.results, markdown=True),
            "",
        ]
    for result in run.results:
        lines += [f"### N = {result.articles:,} articles per edition, all crawls", ""]
        lines += [
            f"`max_pages={result.max_pages}`; incremental run after {result.advanced_minutes:g}"
            f" minutes ({result.new_articles} new articles)."
            + (
                f" Crawled {result.repeat} times each, in turn; each row is the round with the"
                " least CPU per page."
                if result.repeat > 1
                else ""
            ),
            "",
            *crawl_table(result, markdown=True),
            "",
        ]
        line = load_line(result)
        lines += [line[:1].upper() + line[1:] + ".", ""]
        lines += [f"- **Warning**: {w}" for w in warnings_for(result)]
        lines += [""] if warnings_for(result) else []
    if run.comparison is not None:
        comparison = run.comparison
        lines += [
            "## Article extraction",
            "",
            f"`extract_article` beside `trafilatura.extract` (default options, `url=` given) on"
            f" the same {comparison.pages} article pages of the replica"
            f" ({comparison.bytes_total / max(comparison.pages, 1) / 1024:.0f} KiB on average),"
            " decoded once, in the benchmark's process while no crawl runs; page by page in"
            " turn (the target is judged on these medians), then each extractor over all the"
            " pages in a row. Wall-clock ms per page:",
            "",
            *extractor_table(comparison, markdown=True),
            "",
        ]
    if run.profile is not None:
        lines += ["## Profile of the report crawl", "", *profile_lines(run.profile, True), ""]
    lines += ["## Machine", "", *table(["", ""], [[k, v] for k, v in run.machine.items()], True)]
    lines.append("")
    if NOTES_PATH.exists():
        lines += [NOTES_PATH.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)
