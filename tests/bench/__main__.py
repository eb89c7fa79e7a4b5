"""``python -m tests.bench --articles 1000 20000``: the performance benchmark (``make bench``).

For each N: start the replica with N articles per edition in its own process; measure the
replica alone; crawl it with the baseline spider, then with ``scrapy crawl report`` (everything
on, politeness off, fresh output directory and state file); advance the replica's clock until
about ten new articles appear and crawl again with the same state (the incremental run).
Once: time the article extractor beside trafilatura on a sample of the replica's pages.
Prints the tables and writes ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import pickle
import re
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.extractor import ExtractorComparison, compare_extractors, fetch_pages, sample_urls
from tests.bench.measure import (
    Measurement,
    crawl_command,
    crawl_env,
    fast_settings,
    machine_description,
    process_cpu_seconds,
    run_measured,
    snapshot_code,
)
from tests.bench.profile import ProfileResult, analyse, profile_report_crawl
from tests.bench.replica import Replica, start_replica
from tests.bench.replica_load import load_replica
from tests.bench.report import BenchResult, git_revision, render_markdown, render_text
from tests.crawl import ROOT

BASELINE_SPIDER = Path("tests") / "bench" / "baseline_spider.py"  # relative to the code root
FEED_PAGE_SIZE = 20  # cards per feed page or scroll batch


def max_pages_for(articles: int) -> int:
    """Enough feed pages to walk the whole feed of one edition, with a margin."""
    return articles // FEED_PAGE_SIZE + max(20, articles // 100)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_baseline(
    replica: Replica,
    work: Path,
    max_pages: int,
    code: Path,
    *,
    parse: bool = False,
    suffix: str = "",
) -> Measurement:
    """The baseline spider; with ``parse`` the parse floor (pages parsed, one item each, -o)."""
    name = "parse-floor" if parse else "baseline"
    spider = ["runspider", str(code / BASELINE_SPIDER)]
    arguments = {"max_pages": str(max_pages)}
    if parse:
        spider += ["-O", str(work / f"parse-floor{suffix}.jsonl")]
        arguments["parse_articles"] = "1"
    command = crawl_command(spider, replica.base_url, arguments, fast_settings())
    env = crawl_env(code, SCRAPY_SETTINGS_MODULE="tests.bench.baseline_settings")
    log_path = work / f"{name}{suffix}.log"
    return run_measured(name, command, env, log_path, replica_pid=replica.pid, cwd=code)


def run_report(
    name: str,
    replica: Replica,
    work: Path,
    max_pages: int,
    state: Path,
    output: Path,
    code: Path,
    suffix: str = "",
) -> Measurement:
    command = crawl_command(
        ["crawl", "report"], replica.base_url, {"max_pages": str(max_pages)}, fast_settings()
    )
    env = crawl_env(code, NEWSCRAWL_OUTPUT_DIR=str(output), NEWSCRAWL_STATE=str(state))
    log_path = work / f"{name}{suffix}.log"
    return run_measured(name, command, env, log_path, replica_pid=replica.pid, cwd=code)


def fastest(runs: list[Measurement]) -> Measurement:
    """The run with the least CPU per page: the one least disturbed by the rest of the machine."""
    return min(runs, key=lambda m: m.cpu_ms_per_page)


def advance_until_new(replica: Replica, wanted: int, step_minutes: float = 5) -> tuple[int, float]:
    """Move the replica's clock on until at least ``wanted`` new articles are visible."""
    before = sum(replica.visible().values())
    advanced = 0.0
    while advanced < 24 * 60:
        replica.advance(step_minutes)
        advanced += step_minutes
        new = sum(replica.visible().values()) - before
        if new >= wanted:
            return new, advanced
    return sum(replica.visible().values()) - before, advanced


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
            baseline = run_baseline(replica, work, max_pages, code, suffix=suffix)
            log(f"N={articles}: baseline {baseline.pages} pages in {baseline.wall_seconds:.1f} s")
            log(f"N={articles}: parse floor (baseline + pages parsed + one item each)")
            floor = run_baseline(replica, work, max_pages, code, parse=True, suffix=suffix)
            log(f"N={articles}: parse floor {floor.pages} pages in {floor.wall_seconds:.1f} s")
            state = work / f"state{suffix}.sqlite"  # fresh state and output every round
            log(f"N={articles}: report crawl")
            output = work / f"output-full{suffix}"
            report = run_report(
                "report", replica, work, max_pages, state, output, code, suffix=suffix
            )
            log(f"N={articles}: report {report.pages} pages in {report.wall_seconds:.1f} s")
            runs["baseline"].append(baseline)
            runs["floor"].append(floor)
            runs["report"].append(report)
        baseline, floor, report = (fastest(runs[kind]) for kind in ("baseline", "floor", "report"))
        new, minutes = advance_until_new(replica, incremental_new)
        log(f"N={articles}: clock advanced {minutes:g} min, {new} new articles; incremental crawl")
        incremental = run_report(
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument(
        "--articles",
        type=int,
        nargs="+",
        default=[1000],
        help="articles per edition, one run each (default 1000; e.g. --articles 1000 20000)",
    )
    parser.add_argument("--seed", type=int, default=7, help="replica content seed (default 7)")
    parser.add_argument(
        "--doc", default=str(ROOT / "docs" / "benchmarks.md"), help="markdown file to (re)write"
    )
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument(
        "--work", default=None, help="directory for logs and outputs (default: temp)"
    )
    parser.add_argument(
        "--extract-sample", type=int, default=600, help="pages for the extractor timing"
    )
    parser.add_argument(
        "--load-sample", type=int, default=3000, help="pages for the replica-alone measurement"
    )
    parser.add_argument(
        "--incremental-new", type=int, default=10, help="new articles before the incremental run"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="crawl the baseline, parse floor and report this many times each, in turn, and "
        "keep the fastest of each (default 1)",
    )
    parser.add_argument(
        "--render-only",
        metavar="RESULTS",
        default=None,
        help="re-render the tables and the doc from a results.pickle of an earlier run",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one report crawl (smallest N) with py-spy and add the breakdown",
    )
    options = parser.parse_args(argv)
    command = "python -m tests.bench " + " ".join(
        shlex.quote(arg) for arg in (argv if argv is not None else sys.argv[1:])
    )
    command = re.sub(r" --work \S+", "", command)  # where the logs went is no part of it
    if options.render_only:
        with open(options.render_only, "rb") as stream:
            saved = pickle.load(stream)
        saved_profile: ProfileResult | None = saved["results"][2]
        raw_path = saved_profile.raw_path if saved_profile is not None else None
        if saved_profile is not None and raw_path is not None and raw_path.exists():
            raw = raw_path.read_text(encoding="utf-8", errors="replace")
            reanalysed = analyse(raw, saved_profile.articles)  # with today's components
            reanalysed.raw_path = raw_path
            saved["results"] = (*saved["results"][:2], reanalysed)
        saved_results, saved_comparison, saved_profile = saved["results"]
        return finish(
            options,
            saved["command"],
            saved["machine"],
            saved["revision"],
            saved_results,
            saved_comparison,
            saved_profile,
            started=saved.get("started"),
        )
    work_root = Path(options.work or tempfile.mkdtemp(prefix="newscrawl-bench-"))
    log(f"logs and outputs under {work_root}")
    revision = git_revision()
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    code = snapshot_code(work_root / "code")
    log(f"crawls run from a copy of the code ({revision}) in {code}")
    machine = machine_description()
    results: list[BenchResult] = []
    comparison: ExtractorComparison | None = None
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
        results.append(result)
        comparison = comparison or compared
        print(render_text([result], None, machine), flush=True)
    profile: ProfileResult | None = None
    if options.profile:
        articles = min(options.articles)
        log(f"profiling a report crawl at N={articles}")
        with start_replica(articles, options.seed) as replica:
            profile = profile_report_crawl(
                replica.base_url, work_root / "profile", max_pages_for(articles), articles, code
            )
    with (work_root / "results.pickle").open("wb") as stream:
        pickle.dump(
            {
                "command": command,
                "machine": machine,
                "revision": revision,
                "started": started,
                "results": (results, comparison, profile),
            },
            stream,
        )
    return finish(options, command, machine, revision, results, comparison, profile, started)


def finish(
    options: argparse.Namespace,
    command: str,
    machine: dict[str, str],
    revision: str,
    results: list[BenchResult],
    comparison: ExtractorComparison | None,
    profile: ProfileResult | None,
    started: str | None = None,
) -> int:
    """Print the summary tables and (re)write the doc."""
    print(render_text(results, comparison, machine, profile=profile, summary_only=True))
    if not options.no_doc:
        doc = Path(options.doc)
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(
            render_markdown(
                results, comparison, machine, command, revision, profile=profile, run_at=started
            ),
            encoding="utf-8",
        )
        log(f"wrote {doc}")
    failed = [r for r in results if r.baseline.returncode or r.report.returncode]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
