"""The benchmark's targets (what a user of the crawler feels) and its headline figures.

Targets: politeness efficiency in latest and archive mode, requests per new article in an
incremental run, extraction speed beside trafilatura. Figures with no target: CPU per article
and peak RSS at each size, beside the parse floor. :func:`figures` flattens them all into one
``name -> value`` mapping, the rows of the before/after table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.bench.extractor import ExtractorComparison
from tests.bench.measure import Measurement
from tests.bench.polite_run import PoliteSuite
from tests.bench.report import BenchResult

TARGET_POLITE_EFFICIENCY = 0.95
TARGET_EXTRACT_SPEEDUP = 3.0


@dataclass
class Target:
    name: str
    wanted: str
    measured: str
    met: bool | None  # None: not measured


def verdict(target: Target) -> str:
    return "not measured" if target.met is None else ("met" if target.met else "MISSED")


def cpu_ms_per_article(crawl: Measurement | None, articles: int) -> float:
    """CPU of a crawl per article page it fetched (the report crawl's item count for all)."""
    if crawl is None or not articles:
        return math.nan
    return 1000 * crawl.cpu_seconds / articles


def targets(polite: PoliteSuite | None, comparison: ExtractorComparison | None) -> list[Target]:
    found: list[Target] = []
    for mode in ("latest", "archive"):
        run = polite.run("report", mode) if polite is not None else None
        name = f"Politeness efficiency, {mode} mode (requests/s ÷ 1/DOWNLOAD_DELAY)"
        wanted = f">= {TARGET_POLITE_EFFICIENCY}"
        if run is None:
            found.append(Target(name, wanted, "not measured", None))
            continue
        baseline = polite.run("baseline", mode) if polite is not None else None
        beside = f"; baseline {baseline.efficiency:.2f}" if baseline is not None else ""
        found.append(
            Target(
                name,
                wanted,
                f"{run.efficiency:.2f} ({run.window.rate:.2f} of {run.allowed:.2f} requests/s; "
                f"{run.efficiency_vs_ceiling:.2f} of Scrapy's ceiling {run.ceiling:.2f}/s{beside})",
                run.efficiency >= TARGET_POLITE_EFFICIENCY,
            )
        )
    incremental = polite.incremental if polite is not None else None
    name = "Incremental run: requests per new article (robots.txt aside)"
    if incremental is None or not incremental.changed:
        found.append(Target(name, "<= 1 + feed pages / new", "not measured", None))
    else:
        kinds = incremental.kinds
        found.append(
            Target(
                name,
                f"<= {incremental.bound:.2f} (1 + {incremental.feed_pages} feed pages / "
                f"{incremental.changed} new)",
                f"{incremental.per_new_article:.2f} ({incremental.requests} requests: "
                f"{kinds.get('article', 0)} articles, {kinds.get('feed', 0)} feed pages, "
                f"{kinds.get('home', 0)} home pages, for {incremental.new_articles} new URLs "
                f"and {incremental.edited_fetched} edited articles; "
                f"{incremental.missed} new missed)",
                incremental.met and not incremental.missed,
            )
        )
    name = "Article extraction vs trafilatura.extract (median ms/page)"
    if comparison is None or comparison.trafilatura is None:
        found.append(Target(name, f">= {TARGET_EXTRACT_SPEEDUP:g}x faster", "not measured", None))
    else:
        speedup = comparison.trafilatura.median / comparison.ours.median
        found.append(
            Target(
                name,
                f">= {TARGET_EXTRACT_SPEEDUP:g}x faster",
                f"{speedup:.1f}x ({comparison.ours.median:.2f} vs "
                f"{comparison.trafilatura.median:.2f} ms)",
                speedup >= TARGET_EXTRACT_SPEEDUP,
            )
        )
    return found


def figures(
    results: list[BenchResult],
    comparison: ExtractorComparison | None,
    polite: PoliteSuite | None,
) -> dict[str, float | None]:
    """The headline figures of a run, by name (the rows of the before/after table)."""
    found: dict[str, float | None] = {}
    if polite is not None:
        for mode in ("latest", "archive"):
            for crawler in ("report", "baseline"):
                run = polite.run(crawler, mode)
                if run is not None:
                    found[f"politeness efficiency, {mode}, {crawler}"] = run.efficiency
                    found[f"requests/s, {mode}, {crawler}"] = run.window.rate
        incremental = polite.incremental
        if incremental is not None:
            found["incremental: new article URLs"] = incremental.new_articles
            found["incremental: edited articles fetched"] = incremental.edited_fetched
            found["incremental: requests (robots.txt aside)"] = incremental.requests
            found["incremental: feed pages walked"] = incremental.feed_pages
            found["incremental: requests per new article"] = incremental.per_new_article
    for result in results:
        n = f"N = {result.articles:,}"
        articles = result.report.items
        for label, crawl in (
            ("report", result.report),
            ("parse floor", result.floor),
            ("baseline", result.baseline),
        ):
            found[f"CPU ms/article, {label}, {n}"] = cpu_ms_per_article(crawl, articles)
        for label, crawl in (("report", result.report), ("parse floor", result.floor)):
            found[f"peak RSS MiB, {label}, {n}"] = crawl.max_rss_mib if crawl else None
    if comparison is not None:
        found["extraction median ms, newscrawl"] = comparison.ours.median
        if comparison.trafilatura is not None:
            found["extraction median ms, trafilatura"] = comparison.trafilatura.median
            found["extraction speed-up vs trafilatura"] = (
                comparison.trafilatura.median / comparison.ours.median
            )
    return {
        key: (None if isinstance(v, float) and math.isnan(v) else v) for key, v in found.items()
    }
