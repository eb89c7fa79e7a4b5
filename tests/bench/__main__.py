"""``python -m tests.bench --articles 1000 20000``: the performance benchmark (``make bench``).

First the polite crawls (``tests/bench/polite_run.py``): a small replica that logs its
requests, the report crawl and the baseline spider at ``DOWNLOAD_DELAY=0.25`` in latest and
archive mode (politeness efficiency), then an incremental run (requests per new article).
Then for each N: the replica with N articles per edition; the replica alone; the baseline
spider, the parse floor and ``scrapy crawl report`` with politeness off (CPU per article, peak
RSS); an incremental run. Once: the article extractor beside trafilatura. Prints the tables,
saves the run as ``bench-output/<label>.json`` and writes ``docs/benchmarks.md`` with the
targets and a before/after table of the runs given with ``--compare``.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.crawls import run_baseline, run_report
from tests.bench.extractor import ExtractorComparison, compare_extractors, fetch_pages, sample_urls
from tests.bench.measure import (
    Measurement,
    fast_settings,
    machine_description,
    process_cpu_seconds,
    snapshot_code,
)
from tests.bench.polite_run import POLITE_ARTICLES, bench_polite
from tests.bench.profile import analyse, profile_report_crawl
from tests.bench.render import render_markdown, render_text
from tests.bench.replica import Replica, start_replica
from tests.bench.replica_load import load_replica
from tests.bench.report import BenchResult, git_revision
from tests.bench.results_io import BenchRun, load, load_figures, save, save_figures
from tests.bench.targets import figures
from tests.crawl import ROOT

FEED_PAGE_SIZE = 20  # cards per feed page or scroll batch


def max_pages_for(articles: int) -> int:
    """Enough feed pages to walk the whole feed of one edition, with a margin."""
    return articles // FEED_PAGE_SIZE + max(20, articles // 100)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_fast_baseline(
    replica: Replica,
    work: Path,
    max_pages: int,
    code: Path,
    *,
    parse: bool = False,
    suffix: str = "",
) -> Measurement:
    """The baseline spider, politeness off; with ``parse`` the parse floor."""
    name = "parse-floor" if parse else "baseline"
    return run_baseline(
        replica,
        work / f"{name}{suffix}.log",
        code,
        {"max_pages": str(max_pages)},
        fast_settings(),
        parse_to=work / f"parse-floor{suffix}.jsonl" if parse else None,
    )


def run_fast_report(
    name: str,
    replica: Replica,
    work: Path,
    max_pages: int,
    state: Path,
    output: Path,
    code: Path,
    suffix: str = "",
) -> Measurement:
    """``scrapy crawl report``, politeness off."""
    return run_report(
        name,
        replica,
        work / f"{name}{suffix}.log",
        code,
        {"max_pages": str(max_pages)},
        fast_settings(),
        state=state,
        output=output,
    )


def fastest(runs: list[Measurement]) -> Measurement:
    """The run with the least CPU per page: the one least disturbed by the rest of the machine."""
    return min(runs, key=lambda m: m.cpu_ms_per_page)


def bench_one(
    articles: int,
    seed: int,
    work: Path,
    *,
    load_sample: int,
    extract_sample: int,
    incremental_new: int,
    code: Path,
    repeat: int = 1,
) -> tuple[BenchResult, ExtractorComparison | None]:
    work.mkdir(parents=True, exist_ok=True)
    max_pages = max_pages_for(articles)
    log(f"N={articles}: starting the replica")
    with start_replica(articles, seed) as replica:
        log(f"N={articles}: replica at {replica.base_url} (pid {replica.pid})")
        truth_urls = [item["url"] for item in replica.truth() if not item.get("republished_from")]
        comparison = None
        if extract_sample:
            log(f"N={articles}: timing the extractor and trafilatura on {extract_sample} pages")
            pages = fetch_pages(sample_urls(truth_urls, extract_sample, seed))
            comparison = compare_extractors(pages, replica.base_url)
        log(f"N={articles}: the replica alone, {load_sample} article pages, 16 connections")
        load_urls = sample_urls(truth_urls, load_sample, seed + 1)
        cpu_before = process_cpu_seconds(replica.pid) if replica.pid else None
        load = load_replica(load_urls, concurrency=16)
        cpu_after = process_cpu_seconds(replica.pid) if replica.pid else None
        if cpu_before is not None and cpu_after is not None:
            load.replica_cpu_seconds = cpu_after - cpu_before
        runs: dict[str, list[Measurement]] = {"baseline": [], "floor": [], "report": []}
        for attempt in range(1, repeat + 1):
            suffix = f"-{attempt}" if repeat > 1 else ""
            round_note = f" (round {attempt} of {repeat})" if repeat > 1 else ""
            log(f"N={articles}: baseline crawl (max_pages={max_pages}){round_note}")
            baseline = run_fast_baseline(replica, work, max_pages, code, suffix=suffix)
            log(f"N={articles}: baseline {baseline.pages} pages in {baseline.wall_seconds:.1f} s")
            log(f"N={articles}: parse floor (baseline + pages parsed + one item each)")
            floor = run_fast_baseline(replica, work, max_pages, code, parse=True, suffix=suffix)
            log(f"N={articles}: parse floor {floor.pages} pages in {floor.wall_seconds:.1f} s")
            state = work / f"state{suffix}.sqlite"  # fresh state and output every round
            log(f"N={articles}: report crawl")
            output = work / f"output-full{suffix}"
            report = run_fast_report(
                "report", replica, work, max_pages, state, output, code, suffix=suffix
            )
            log(f"N={articles}: report {report.pages} pages in {report.wall_seconds:.1f} s")
            runs["baseline"].append(baseline)
            runs["floor"].append(floor)
            runs["report"].append(report)
        baseline, floor, report = (fastest(runs[kind]) for kind in ("baseline", "floor", "report"))
        new, minutes = replica.advance_until_new(incremental_new)
        log(f"N={articles}: clock advanced {minutes:g} min, {new} new articles; incremental crawl")
        incremental = run_fast_report(
            "incremental", replica, work, max_pages, state, work / "output-incremental", code
        )
        log(
            f"N={articles}: incremental {incremental.pages} pages in {incremental.wall_seconds:.1f} s"
        )
    result = BenchResult(
        articles=articles,
        max_pages=max_pages,
        baseline=baseline,
        report=report,
        floor=floor,
        incremental=incremental,
        new_articles=new,
        advanced_minutes=minutes,
        load=load,
        load_concurrency=16,
        work_dir=work,
        repeat=repeat,
    )
    return result, comparison


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    add = parser.add_argument
    add(
        "--articles",
        type=int,
        nargs="+",
        default=[1000],
        help="articles per edition of the CPU crawls, one run each (default 1000; 1000 20000)",
    )
    add(
        "--polite-articles",
        type=int,
        default=POLITE_ARTICLES,
        help=f"articles per edition of the polite crawls (default {POLITE_ARTICLES}; 0: none)",
    )
    add("--seed", type=int, default=7, help="replica content seed (default 7)")
    add(
        "--label",
        default="current",
        help="name of this run in the before/after table and of bench-output/LABEL.json",
    )
    add(
        "--revision",
        default=None,
        help="the commit to name the run by (default: git HEAD, and whether newscrawl/ differs)",
    )
    add("--results", default=None, help="where to save the run (default bench-output/LABEL.json)")
    add(
        "--figures-out",
        default=None,
        help="also write this run's headline figures alone to this JSON file (a reference)",
    )
    add(
        "--compare",
        nargs="*",
        default=None,
        metavar="JSON",
        help="runs to set beside this one in the before/after table (results or figures "
        "files; default: docs/benchmarks-before.json unless this run is labelled before)",
    )
    add("--doc", default=str(ROOT / "docs" / "benchmarks.md"), help="markdown file to (re)write")
    add("--no-doc", action="store_true", help="print only; leave the doc alone")
    add("--work", default=None, help="directory for logs and outputs (default: temp)")
    add("--extract-sample", type=int, default=600, help="pages for the extractor timing")
    add("--load-sample", type=int, default=3000, help="pages for the replica-alone measurement")
    add("--incremental-new", type=int, default=10, help="new articles before the incremental runs")
    add(
        "--repeat",
        type=int,
        default=1,
        help="crawl the baseline, parse floor and report this many times each, in turn, and "
        "keep the fastest of each (default 1)",
    )
    add(
        "--render-only",
        metavar="RESULTS",
        default=None,
        help="re-render the tables and the doc from the results JSON of an earlier run",
    )
    add(
        "--profile",
        action="store_true",
        help="also profile one report crawl (smallest N) with py-spy and add the breakdown",
    )
    return parser.parse_args(argv)


REFERENCE = ROOT / "docs" / "benchmarks-before.json"


def compared_runs(options: argparse.Namespace, label: str) -> list[BenchRun]:
    """The runs named by ``--compare`` (default: the committed "before" figures)."""
    paths = options.compare
    if paths is None:
        paths = [str(REFERENCE)] if REFERENCE.exists() and label != "before" else []
    return [load_figures(Path(path)) for path in paths]


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.render_only:
        run = load(Path(options.render_only))
        profile = run.profile
        if profile is not None and profile.raw_path is not None and profile.raw_path.exists():
            raw = profile.raw_path.read_text(encoding="utf-8", errors="replace")
            run.profile = analyse(raw, profile.articles)  # with today's components
            run.profile.raw_path = profile.raw_path
        run.figures = figures(run.results, run.comparison, run.polite)
        return finish(options, run)
    arguments = argv if argv is not None else sys.argv[1:]
    command = "python -m tests.bench " + " ".join(shlex.quote(arg) for arg in arguments)
    command = re.sub(r" --work \S+", "", command)  # where the logs went is no part of it
    work_root = Path(options.work or tempfile.mkdtemp(prefix="newscrawl-bench-"))
    log(f"logs and outputs under {work_root}")
    revision = options.revision or git_revision()
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    code = snapshot_code(work_root / "code")
    log(f"crawls run from a copy of the code ({revision}) in {code}")
    run = BenchRun(options.label, revision, started, command, machine_description())
    if options.polite_articles > 0:
        run.polite = bench_polite(
            options.polite_articles,
            options.seed,
            work_root / "polite",
            code,
            max_pages=max_pages_for(options.polite_articles),
            incremental_new=options.incremental_new,
            log=log,
        )
    for index, articles in enumerate(sorted(set(options.articles))):
        result, compared = bench_one(
            articles,
            options.seed,
            work_root / f"n{articles}",
            load_sample=options.load_sample,
            extract_sample=options.extract_sample if index == 0 else 0,
            incremental_new=options.incremental_new,
            code=code,
            repeat=max(1, options.repeat),
        )
        run.results.append(result)
        run.comparison = run.comparison or compared
    if options.profile and options.articles:
        articles = min(options.articles)
        log(f"profiling a report crawl at N={articles}")
        with start_replica(articles, options.seed) as replica:
            run.profile = profile_report_crawl(
                replica.base_url, work_root / "profile", max_pages_for(articles), articles, code
            )
    run.figures = figures(run.results, run.comparison, run.polite)
    results = Path(options.results or ROOT / "bench-output" / f"{options.label}.json")
    save(run, results)
    log(f"saved the run to {results} (re-render: python -m tests.bench --render-only {results})")
    return finish(options, run)


def finish(options: argparse.Namespace, run: BenchRun) -> int:
    """Print the summary, write the figures and (re)write the doc."""
    compared = compared_runs(options, run.label)
    print(render_text(run, compared))
    if options.figures_out:
        save_figures(run, Path(options.figures_out))
        log(f"wrote the figures to {options.figures_out}")
    if not options.no_doc:
        doc = Path(options.doc)
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(render_markdown(run, compared), encoding="utf-8")
        log(f"wrote {doc}")
    crawls = [c for r in run.results for c in (r.baseline, r.report)]
    if run.polite is not None:
        crawls += [p.measurement for p in run.polite.runs]
    return 1 if any(c.returncode for c in crawls) else 0


if __name__ == "__main__":
    raise SystemExit(main())
