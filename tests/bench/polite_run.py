"""The crawls at a polite rate: latest and archive mode, report and baseline, then an incremental
run; one replica that logs every request it serves.

1. ``scrapy crawl report`` (latest mode) with a fresh state: politeness efficiency, and the
   first run of the incremental pair (it fills the state);
2. the baseline spider, latest mode: what Scrapy itself reaches at this configuration;
3. ``scrapy crawl report -a mode=archive -a since=FIRST_DAY -a until=CLOCK_DAY`` with another
   fresh state, and 4. the baseline spider over the same archive days;
5. the replica's clock moves on until about ten new articles are visible, and the report crawl
   runs again with the state of 1.: requests per new article.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.crawls import run_baseline, run_report
from tests.bench.incremental import IncrementalRequests
from tests.bench.measure import Measurement
from tests.bench.polite import POLITE_DELAY, POLITE_SETTINGS, PoliteRun, log_length, window_from_log
from tests.bench.replica import Replica, start_replica
from tests.crawl import read_output

#: Articles per edition of the polite crawls: about a minute each at 4 requests/s.
POLITE_ARTICLES = 60


@dataclass
class PoliteSuite:
    """The polite crawls of one benchmark run."""

    articles: int
    since: str
    until: str
    max_pages: int
    runs: list[PoliteRun] = field(default_factory=list)
    incremental: IncrementalRequests | None = None

    def run(self, crawler: str, mode: str) -> PoliteRun | None:
        return next((r for r in self.runs if r.crawler == crawler and r.mode == mode), None)


def archive_range(truth: list[dict[str, object]], now: str) -> tuple[str, str]:
    """(first day with a visible article, the clock's day), both in Baku time (YYYY-MM-DD)."""
    days = [str(item["published_at"])[:10] for item in truth if item.get("published_at")]
    return (min(days) if days else now[:10]), now[:10]


def _timed_crawl(
    crawler: str,
    mode: str,
    log_path: Path,
    arguments: dict[str, str],
    crawl: Callable[[], Measurement],
    delay: float,
) -> PoliteRun:
    skip = log_length(log_path)
    measurement = crawl()
    return PoliteRun(
        crawler, mode, measurement, window_from_log(log_path, skip), arguments=arguments
    )


def bench_polite(
    articles: int,
    seed: int,
    work: Path,
    code: Path,
    *,
    max_pages: int,
    incremental_new: int = 10,
    delay: float = POLITE_DELAY,
    log: Callable[[str], None] = print,
) -> PoliteSuite:
    """Run the five polite crawls (module docstring) against one replica.

    ``delay``: another DOWNLOAD_DELAY than the benchmark's (the quick test of this machinery).
    """
    work.mkdir(parents=True, exist_ok=True)
    requests = work / "requests.jsonl"
    settings = {**POLITE_SETTINGS, "DOWNLOAD_DELAY": str(delay)}
    with start_replica(articles, seed, request_log=requests) as replica:
        since, until = archive_range(replica.truth(), replica.now())
        suite = PoliteSuite(articles, since, until, max_pages)
        latest = {"max_pages": str(max_pages)}
        archive = {**latest, "mode": "archive", "since": since, "until": until}
        state = work / "state-latest.sqlite"
        for crawler, mode, arguments in (
            ("report", "latest", latest),
            ("baseline", "latest", latest),
            ("report", "archive", archive),
            ("baseline", "archive", archive),
        ):
            log(f"polite: {crawler} crawl, {mode} mode, {articles} articles per edition")
            name = f"polite-{crawler}-{mode}"

            def crawl(
                crawler: str = crawler,
                mode: str = mode,
                arguments: dict[str, str] = arguments,
                name: str = name,
            ) -> Measurement:
                if crawler == "baseline":
                    return run_baseline(replica, work / f"{name}.log", code, arguments, settings)
                return run_report(
                    name,
                    replica,
                    work / f"{name}.log",
                    code,
                    arguments,
                    settings,
                    state=state if mode == "latest" else work / f"state-{mode}.sqlite",
                    output=work / f"output-{mode}",
                )

            run = _timed_crawl(crawler, mode, requests, arguments, crawl, delay)
            log(
                f"polite: {crawler} {mode}: {run.window.requests} requests, "
                f"{run.window.rate:.2f}/s, efficiency {run.efficiency:.3f}"
            )
            suite.runs.append(run)
        suite.incremental = _incremental(
            replica, requests, work, code, state, latest, settings, incremental_new, log
        )
    return suite


def _content(item: dict[str, object]) -> tuple[object, ...]:
    """What an edit of an article changes, in the replica's ground truth."""
    return item.get("title"), item.get("lead"), item.get("body"), item.get("modified_at")


def _incremental(
    replica: Replica,
    requests: Path,
    work: Path,
    code: Path,
    state: Path,
    arguments: dict[str, str],
    settings: dict[str, str],
    wanted: int,
    log: Callable[[str], None],
) -> IncrementalRequests:
    before = {str(item["url"]): _content(item) for item in replica.truth()}
    new, minutes = replica.advance_until_new(wanted)
    after = {str(item["url"]): _content(item) for item in replica.truth()}
    fresh = set(after) - set(before)
    edited = {url for url in before if url in after and after[url] != before[url]}
    log(f"polite: clock moved on {minutes:g} min, {new} new articles; incremental run")
    output = work / "output-incremental"
    skip = log_length(requests)
    started = time.perf_counter()
    measurement = run_report(
        "polite-incremental",
        replica,
        work / "polite-incremental.log",
        code,
        arguments,
        settings,
        state=state,
        output=output,
    )
    window = window_from_log(requests, skip)
    result = IncrementalRequests.from_paths(window.paths, len(fresh), minutes)
    base = replica.base_url.rstrip("/")
    fetched = {base + path for path in window.paths}
    result.edited_fetched = len(edited & fetched)
    written = read_output(output)
    seen = {str(item["url"]) for item in written.all_articles()} | {
        str(reject["url"]) for reject in written.rejects
    }
    result.found = len(seen & fresh)
    result.missed = len(fresh - seen)
    result.measurement = measurement
    log(
        f"polite: incremental {result.requests} requests (+robots) for {result.new_articles} new "
        f"and {result.edited_fetched} edited "
        f"in {time.perf_counter() - started:.1f} s: {result.kinds}"
    )
    return result
