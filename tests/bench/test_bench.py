"""Fast checks of the benchmark's own parts (no timing asserted): the baseline spider finds the
same links as the report spider; the stats, profile and request-log readers read what they
should; the rate formulas; targets, figures, results files and the doc; and the polite crawls
themselves on a tiny replica with a short delay."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from newscrawl.extract.feed import parse_feed
from newscrawl.site import EDITIONS
from tests.bench.baseline_spider import archive_days, scan_feed
from tests.bench.incremental import IncrementalRequests, classify
from tests.bench.measure import Measurement, scrapy_stats
from tests.bench.polite import (
    PoliteRun,
    RequestWindow,
    allowed_rate,
    log_length,
    scrapy_ceiling,
    window_from_log,
)
from tests.bench.polite_run import PoliteSuite, archive_range, bench_polite
from tests.bench.profile import OTHER, analyse
from tests.bench.render import NOTES_PATH, render_markdown, render_text
from tests.bench.report import BenchResult
from tests.bench.results_io import BenchRun, load, load_figures, save, save_figures
from tests.bench.targets import figures, targets
from tests.crawl import ROOT

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


@pytest.mark.parametrize("name", ["en-feed.html", "en-batch.html", "empty-batch.html"])
def test_baseline_scan_finds_the_cards_the_report_spider_reads(name: str) -> None:
    body = (FEEDS / name).read_bytes()
    feed = parse_feed(body.decode("utf-8"), EDITIONS["en"])
    cards, load_url = scan_feed(body)
    assert [href.decode() for href, _ in cards] == [card.href for card in feed.cards]
    assert [stamp.decode() if stamp else None for _, stamp in cards] == [
        card.timestamp_raw for card in feed.cards
    ]
    assert (load_url.decode() if load_url else None) == feed.load_url


def test_scrapy_stats_reads_the_last_dump() -> None:
    log = (
        "INFO: Dumping Scrapy stats:\n{'downloader/response_count': 3,\n 'x': 1}\n"
        "INFO: Dumping Scrapy stats:\n{'downloader/response_count': 3123,\n"
        " 'elapsed_time_seconds': 10.5,\n 'finish_time': datetime.datetime(2025, 1, 1, 0, 0),\n"
        " 'item_scraped_count': 2960}\nINFO: Spider closed (finished)\n"
    )
    stats = scrapy_stats(log)
    assert stats["downloader/response_count"] == 3123
    assert stats["elapsed_time_seconds"] == 10.5
    assert stats["item_scraped_count"] == 2960
    assert "x" not in stats


def test_profile_charges_each_sample_to_one_component() -> None:
    raw = "\n".join(
        [
            "<module> (a.py:1);_find_and_load (<frozen importlib._bootstrap>:1) 10",
            "AsyncioSelectorReactor.run (twisted/internet/asyncioreactor.py:1);"
            "ReportSpider.parse_article (newscrawl/spiders/report.py:1);"
            "extract_article (newscrawl/extract/article.py:1);xpath (parsel/selector.py:1) 30",
            "AsyncioSelectorReactor.run (twisted/internet/asyncioreactor.py:1);"
            "Scraper._scrape (scrapy/core/scraper.py:1) 60",
        ]
    )
    result = analyse(raw, 1000)
    shares = dict(result.components)
    assert result.samples == 100
    assert shares["article extraction (newscrawl.extract.article)"] == 30
    assert shares["startup and imports (before the reactor runs)"] == 10
    assert shares[OTHER] == 60


# -- the measures of what users feel ------------------------------------------------------


def _simulated_scrapy_interval(delay: float, jitter: float, rounds: int, seed: int) -> float:
    """Mean wait of Scrapy's slot timer with a full queue: a new delay is drawn each time the
    timer fires, and the slot waits again while the draw exceeds the time waited."""
    rng = Random(seed)
    total = 0.0
    for _ in range(rounds):
        waited = 0.0
        while True:
            draw = max(0.0, delay * (1 + rng.uniform(-jitter, jitter)))
            if draw <= waited:
                break
            waited = draw
        total += waited
    return total / rounds


def test_allowed_rate_and_scrapy_ceiling() -> None:
    assert allowed_rate(0.25) == 4.0
    assert allowed_rate(0.25, slots=3) == 12.0
    assert scrapy_ceiling(0.25, jitter=0.0) == pytest.approx(4.0)
    simulated = _simulated_scrapy_interval(0.25, 0.5, 20000, seed=3)
    assert 1 / scrapy_ceiling(0.25, 0.5) == pytest.approx(simulated, rel=0.01)
    assert scrapy_ceiling(0.25, 0.5) == pytest.approx(3.28, abs=0.01)


def _log(path: Path, offsets: list[float], paths: list[str]) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = [
        json.dumps({"time": (start + timedelta(seconds=o)).isoformat(), "path": p})
        for o, p in zip(offsets, paths, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_request_window_rate_and_gaps(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    offsets = [0.0, 0.25, 0.5, 0.75, 2.0, 2.25]  # one gap of 1.25 s
    paths = ["/old", *["/a"] * len(offsets), "/__clock__"]
    _log(log, [100.0, *(10 + o for o in offsets), 20.0], paths)
    assert log_length(log) == 8
    window = window_from_log(log, skip=1)  # the first request belongs to an earlier crawl
    assert window.requests == 6
    assert window.span_seconds == pytest.approx(2.25)
    assert window.rate == pytest.approx(5 / 2.25)
    assert window.gaps(0.25) == [pytest.approx(1.25)]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/robots.txt", "robots"),
        ("/", "home"),
        ("/en/", "home"),
        ("/ru", "home"),
        ("/son-xeberler", "feed"),
        ("/en/news-feed", "feed"),
        ("/ru/infinity/index?date=2025-10-23%2020:00:00&oldest=1", "feed"),
        ("/en/archive/2025/10/22", "feed"),
        ("/en/politics/some-slug", "article"),
        ("/iqtisadiyyat/bir-xeber/", "article"),
    ],
)
def test_requests_are_sorted_by_kind(path: str, kind: str) -> None:
    assert classify(path) == kind


def test_incremental_bound_is_new_articles_plus_feed_pages() -> None:
    paths = ["/robots.txt", "/son-xeberler", "/en/news-feed", "/ru/lenta"] + [
        f"/en/c/a{i}" for i in range(10)
    ]
    result = IncrementalRequests.from_paths(paths, new_articles=10, advanced_minutes=35)
    assert result.requests == 13
    assert result.per_new_article == pytest.approx(1.3)
    assert result.bound == pytest.approx(1.3)
    assert result.met
    extra = IncrementalRequests.from_paths([*paths, "/en/"], 10, 35)
    assert not extra.met  # a home page beyond the bound


def test_baseline_archive_days_newest_first() -> None:
    assert [str(d) for d in archive_days("2025-10-21", "2025-10-23T21:00")] == [
        "2025-10-23",
        "2025-10-22",
        "2025-10-21",
    ]


def test_archive_range_from_truth() -> None:
    truth: list[dict[str, object]] = [
        {"published_at": "2025-10-22T08:00:00+04:00"},
        {"published_at": "2025-10-21T23:59:00+04:00"},
    ]
    assert archive_range(truth, "2025-10-23T21:00:00+04:00") == ("2025-10-21", "2025-10-23")


#: What the lead removes from newscrawl: the benchmark must neither import nor set them.
REMOVED = re.compile(
    r"^\s*(?:from|import)\s+newscrawl\.(?:seen|logformatter|extract\.index)\b"
    r"|^\s*(?:LOG_FORMATTER|WARN_ON_GENERATOR_RETURN_VALUE|CONCURRENT_ITEMS)\s*=",
    re.M,
)


def test_the_benchmark_does_not_use_what_newscrawl_drops() -> None:
    sources = [p for p in Path(__file__).parent.glob("*.py") if p.name != "test_bench.py"]
    offenders = [p.name for p in sources if REMOVED.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    from tests.bench import baseline_settings

    for name in ("LOG_FORMATTER", "WARN_ON_GENERATOR_RETURN_VALUE", "CONCURRENT_ITEMS"):
        assert not hasattr(baseline_settings, name)


def _measurement(name: str, cpu: float, items: int = 0) -> Measurement:
    stats = {"downloader/response_count": 100.0, "item_scraped_count": float(items)}
    return Measurement(name, 10.0, cpu, 0.0, 90_000, 0, stats)


def _run() -> BenchRun:
    window = RequestWindow(["/"] * 5, [0.0, 0.3, 0.6, 0.9, 1.2])
    polite = PoliteSuite(60, "2025-10-21", "2025-10-23", 23)
    polite.runs = [
        PoliteRun("report", "latest", _measurement("r", 1.0, 50), window),
        PoliteRun("baseline", "latest", _measurement("b", 0.5), window),
    ]
    polite.incremental = IncrementalRequests.from_paths(
        ["/robots.txt", "/son-xeberler", "/a/b", "/a/c"], 2, 35
    )
    result = BenchResult(
        articles=1000,
        max_pages=70,
        baseline=_measurement("baseline", 5.0),
        report=_measurement("report", 9.0, 90),
        floor=_measurement("floor", 6.0, 90),
        incremental=None,
        new_articles=0,
        advanced_minutes=0,
        load=None,
        load_concurrency=16,
        work_dir=Path("/tmp"),
    )
    run = BenchRun("before", "abc1234", "2026-01-01 00:00 UTC", "python -m tests.bench", {})
    run.results, run.polite = [result], polite
    run.figures = figures(run.results, None, polite)
    return run


def test_targets_and_figures_of_a_run() -> None:
    run = _run()
    found = {t.name.split(" (")[0]: t for t in targets(run.polite, None)}
    latest = found["Politeness efficiency, latest mode"]
    assert latest.met is False  # 4 requests in 1.2 s: 3.33/s of 4/s
    assert found["Politeness efficiency, archive mode"].met is None
    assert found["Incremental run: requests per new article"].met is True
    assert run.figures["CPU ms/article, report, N = 1,000"] == pytest.approx(100.0)
    assert run.figures["politeness efficiency, latest, report"] == pytest.approx(3.333 / 4, 0.01)


def test_results_round_trip_and_render_before_after(tmp_path: Path) -> None:
    run = _run()
    save(run, tmp_path / "before.json")
    again = load(tmp_path / "before.json")
    assert again.polite is not None and again.polite.runs[0].window.offsets[-1] == 1.2
    assert again.results[0].report.cpu_seconds == 9.0
    assert again.figures == pytest.approx(run.figures)
    save_figures(run, tmp_path / "figures.json")
    reference = load_figures(tmp_path / "figures.json")
    after = load(tmp_path / "before.json")
    after.label, after.revision = "after", "def5678"
    doc = render_markdown(after, [reference])
    assert "| figure | before (commit abc1234) | after (commit def5678) |" in doc
    assert "| target | wanted | result | met? |" in doc
    assert "after (commit def5678)" in render_text(after, [reference])


def test_polite_crawls_on_a_tiny_replica(tmp_path: Path) -> None:
    """The five polite crawls run and are measured (a short delay: no timing is asserted)."""
    suite = bench_polite(
        4, 3, tmp_path, ROOT, max_pages=5, incremental_new=1, delay=0.02, log=lambda _: None
    )
    assert [(r.crawler, r.mode) for r in suite.runs] == [
        ("report", "latest"),
        ("baseline", "latest"),
        ("report", "archive"),
        ("baseline", "archive"),
    ]
    for run in suite.runs:
        assert run.measurement.returncode == 0, run.measurement.log_path
        kinds = IncrementalRequests.from_paths(run.window.paths, 1, 0).kinds
        assert kinds["article"] > 0 and kinds["feed"] > 0
        assert run.efficiency > 0
    latest, archive = suite.run("report", "latest"), suite.run("report", "archive")
    assert latest is not None and archive is not None
    assert latest.measurement.items == archive.measurement.items  # every article, both modes
    incremental = suite.incremental
    assert incremental is not None and incremental.new_articles >= 1
    assert incremental.missed == 0
    assert incremental.kinds["robots"] <= 1


def test_the_benchmarks_document_ends_with_the_notes_the_benchmark_renders() -> None:
    """``make bench`` rewrites docs/benchmarks.md: its figures, then ``tests/bench/notes.md``.
    Prose written in the document alone would be lost at the next run."""
    document = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8").rstrip()
    notes = NOTES_PATH.read_text(encoding="utf-8").rstrip()
    assert document.endswith(notes), "edit tests/bench/notes.md, then copy it to the document"
