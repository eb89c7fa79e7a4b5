"""The generated health checks, fed synthetic stats through a real crawler and Spidermon's own
runner: each check passes, warns and fails on its own figures, names the edition and the
numbers; a small run is judged on the window of scheduled crawls (Spidermon's stats history),
and a window's breach the run did not add to only warns. (The suite, the verdict, the actions
and the stats history: tests/test_monitors.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

from newscrawl import settings as project_settings
from newscrawl.middlewares import challenge_marker
from newscrawl.monitors import HealthSuite, table
from newscrawl.run import EXIT_CODE_STAT

HEALTH_SETTINGS = ("NEWSCRAWL_", "SPIDERMON_")
NOW = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)
FIELDS = {"url": 100, "title": 100, "body": 100, "published_at": 100, "category": 100}
FIELDS |= {"images": 90, "tags": 80}


def edition(code: str, **changes: Any) -> dict[str, Any]:
    """Healthy stats of one edition (``changes`` by stat name under ``newscrawl/<code>/``)."""
    values: dict[str, Any] = {"found": 100, "exported": 100, "new": 100, "requests": 110}
    values |= {"feed_pages": 5, **{f"filled/{k}": v for k, v in FIELDS.items()}}
    values.update(changes)
    return {f"newscrawl/{code}/{key}": value for key, value in values.items()}


def figures(**changes: Any) -> dict[str, Any]:
    """One edition's figures as the run summary has them (tests/test_history.py)."""
    coverage = {field: filled / 100 for field, filled in FIELDS.items()}
    values = {"found": 100, "exported": 100, "dropped": {}, "coverage": coverage}
    return values | {"requests": 110, "errors": 0, "feed_pages": 5} | changes


def run_stats(
    *editions: dict[str, Any], start: datetime = NOW, scheduled: bool = True, **run: Any
) -> dict[str, Any]:
    stats: dict[str, Any] = {"finish_reason": "finished", "start_time": start}
    stats |= {"newscrawl/scheduled": scheduled, "newscrawl/kind": "crawl", "newscrawl/run_id": "r1"}
    codes = sorted({key.split("/")[1] for one in editions for key in one})
    stats["newscrawl/editions"] = codes or ["az", "en", "ru"]
    for one in editions or [edition("az"), edition("en"), edition("ru")]:
        stats |= one
    return stats | run


def crawler_for(settings: dict[str, Any] | None = None) -> Crawler:
    """A crawler with the project's health and alert settings (and ``settings``)."""
    ours = {k: v for k, v in vars(project_settings).items() if k.startswith(HEALTH_SETTINGS)}
    return get_crawler(Spider, {**ours, **(settings or {})})


def health(
    stats: dict[str, Any],
    settings: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    crawler: Crawler | None = None,
) -> dict[str, Any]:
    """Run the health suite as Spidermon's extension does; ``newscrawl/health`` then."""
    crawler = crawler or crawler_for(settings)
    assert crawler.stats is not None
    crawler.stats.set_stats(dict(stats))
    crawler.spider = spider = Spider(name="report")  # as at spider_closed
    SpiderMonitorRunner(spider=spider).run(
        HealthSuite(crawler=crawler),
        stats=crawler.stats.get_stats(),
        stats_history=history or [],
        crawler=crawler,
        spider=spider,
        job=None,
    )
    verdict: dict[str, Any] = crawler.stats.get_value("newscrawl/health") or {}
    return verdict


def found(verdict: dict[str, Any]) -> set[tuple[str, str, str]]:
    entries = verdict["failures"] + verdict["warnings"]
    return {(e["edition"], e["check"], e["level"]) for e in entries}


def test_a_healthy_run_passes_every_check() -> None:
    verdict = health(run_stats())
    assert verdict == {"checked": True, "ok": True, "failures": [], "warnings": []}


def test_an_incremental_run_with_nothing_new_is_healthy() -> None:
    quiet = edition("az", exported=0, new=0, **{f"filled/{k}": 0 for k in FIELDS})
    assert found(health(run_stats(quiet))) == set()


@pytest.mark.parametrize(
    ("changes", "check", "level"),
    [
        ({"firewall_stopped": 1}, "firewall", "fail"),
        ({"found": 0, "exported": 0}, "items", "fail"),
        ({"filled/body": 90}, "coverage:body", "fail"),
        ({"filled/tags": 20}, "coverage:tags", "fail"),
        ({"errors/http_500": 6, "requests": 100}, "error_rate", "fail"),
        ({"errors/http_500": 3, "requests": 100}, "error_rate", "warn"),
        ({"exported": 90, "dropped/no_body": 10}, "reject_rate", "fail"),
        ({"exported": 97, "dropped/no_body": 3}, "reject_rate", "warn"),
        ({"layout/generic": 30, "layout/jsonld": 30}, "fallback_share", "warn"),
        ({"holes": 2, "holes/oldest_hours": 3.0}, "holes", "warn"),
        ({"holes": 1, "holes/oldest_hours": 30.0}, "holes", "fail"),
    ],
)
def test_each_check_fires_for_its_edition_only(
    changes: dict[str, Any], check: str, level: str
) -> None:
    verdict = health(run_stats(edition("az"), edition("en", **changes), edition("ru")))
    assert found(verdict) == {("en", check, level)}
    assert verdict["ok"] is (level == "warn")


def test_each_check_passes_at_its_limit() -> None:
    limits = {"errors/timeout": 2, "dropped/no_body": 2, "filled/category": 90}
    limits |= {"filled/images": 49, "filled/tags": 49, "layout/generic": 49}
    at_limits = edition("az", found=1, exported=98, requests=100, **limits)
    assert found(health(run_stats(at_limits))) == set()


def test_duplicates_and_transient_sub_totals_are_not_counted_twice() -> None:
    stats = edition("en", **{"dropped/duplicate_of": 50, "errors/timeout": 1})
    stats |= edition("en", **{"errors/transient": 1})
    assert found(health(run_stats(stats))) == set()


def test_each_failure_names_the_edition_the_check_and_the_figures() -> None:
    stats = edition("ru", requests=23, **{"errors/timeout": 4})
    (failure,) = health(run_stats(stats))["failures"]
    assert failure == {
        "edition": "ru",
        "check": "error_rate",
        "level": "fail",
        "message": "4 of 23 requests failed (17.4%, limit 5%)",
        "figures": {"errors": 4, "requests": 23},
    }
    (items,) = health(run_stats(edition("ru", found=0, exported=0, feed_pages=2)))["failures"]
    assert items["message"] == "found 0 articles, expected at least 1"
    assert items["figures"] == {"found": 0, "feed_pages": 2}


def test_thresholds_are_settings() -> None:
    run = run_stats(edition("en", **{"filled/tags": 80}))
    assert found(health(run)) == set()
    strict = {"NEWSCRAWL_HEALTH_COVERAGE": {"tags": 0.9}, "NEWSCRAWL_HEALTH_MIN_FOUND": 200}
    assert found(health(run, strict)) == {("en", "coverage:tags", "fail"), ("en", "items", "fail")}
    checks = [check.name for check in table(crawler_for(strict).settings)]
    assert "coverage:tags" in checks and "coverage:lead" not in checks


def test_a_run_with_two_articles_is_not_judged_on_so_small_a_sample() -> None:
    small = edition("en", exported=2, requests=3, **{"errors/timeout": 1, "dropped/no_body": 1})
    small |= {f"newscrawl/en/filled/{k}": 2 for k in FIELDS} | {"newscrawl/en/filled/tags": 0}
    assert found(health(run_stats(small))) == set()


def earlier(hours: float, *editions: dict[str, Any], **run: Any) -> dict[str, Any]:
    return run_stats(*editions, start=NOW - timedelta(hours=hours), **run)


def test_a_small_run_is_judged_on_the_window_of_scheduled_crawls() -> None:
    small = edition("en", exported=2, requests=3, **{"errors/timeout": 1})
    small |= {f"newscrawl/en/filled/{k}": 2 for k in FIELDS}
    figures = {"errors/timeout": 4, **{f"filled/{k}": 30 for k in FIELDS}, "filled/tags": 10}
    before = [earlier(1, edition("en", exported=30, requests=40, **figures))]
    verdict = health(run_stats(small), history=before)
    assert found(verdict) == {("en", "error_rate", "fail"), ("en", "coverage:tags", "warn")}
    (failure,) = verdict["failures"]
    assert failure["figures"] == {"errors": 5, "requests": 43, "scope": "last 24 h, 2 runs"}
    assert failure["message"].endswith("(last 24 h, 2 runs)")


def test_a_window_breach_the_run_did_not_add_to_only_warns() -> None:
    clean = edition("en", exported=5, requests=6)
    bad = edition("en", exported=17, requests=28, **{"errors/timeout": 5, "dropped/http_404": 5})
    verdict = health(run_stats(clean), history=[earlier(2, bad)])
    assert found(verdict) == {("en", "error_rate", "warn"), ("en", "reject_rate", "warn")}
    assert verdict["ok"] is True


def test_the_window_counts_only_scheduled_crawls_of_the_last_24_hours() -> None:
    small = edition("en", exported=2, requests=3, **{"errors/timeout": 1})
    bad = edition("en", requests=40, **{"errors/timeout": 20})
    history = [
        earlier(1, bad, **{"newscrawl/kind": "reparse"}),
        earlier(2, bad, scheduled=False),  # an archive backfill or a since/until run
        earlier(30, bad),  # older than the window
    ]
    assert found(health(run_stats(small), history=history)) == set()
    crawler = crawler_for()
    health(run_stats(small), history=history, crawler=crawler)
    assert crawler.stats is not None
    window = crawler.stats.get_value("newscrawl/en/window")
    assert (window["runs"], window["requests"], window["errors"]) == (1, 3, 1)


def test_a_run_that_is_not_a_scheduled_crawl_is_not_judged_on_the_window() -> None:
    small = edition("en", exported=2, requests=3, **{"errors/timeout": 1})
    before = [earlier(1, edition("en", requests=40, **{"errors/timeout": 20}))]
    crawler = crawler_for()
    assert (
        found(health(run_stats(small, scheduled=False), history=before, crawler=crawler)) == set()
    )
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/en/window") is None
    assert crawler.stats.get_value("newscrawl/en/trend") is None


def test_trend_below_the_weekly_median_warns() -> None:
    week = [earlier(24 * day + 1, edition("az", new=100)) for day in range(1, 8)]
    crawler = crawler_for()
    low = health(run_stats(edition("az", new=10)), history=week, crawler=crawler)
    assert found(low) == {("az", "trend", "warn")}
    assert crawler.stats is not None
    trend = crawler.stats.get_value("newscrawl/az/trend")
    assert trend == {"last_24h": 10, "median_7d": 100, "days": [100] * 7}
    assert found(health(run_stats(edition("az", new=60)), history=week)) == set()
    # a history younger than a week (a median of mostly empty days) says nothing
    assert found(health(run_stats(edition("az", new=0)), history=week[:3])) == set()


def test_trend_counts_no_backfill() -> None:
    week = [earlier(24 * day + 1, edition("az", new=100)) for day in range(1, 8)]
    backfills = [earlier(24 * day + 2, edition("az", new=5000), scheduled=False) for day in (1, 2)]
    verdict = health(run_stats(edition("az", new=60)), history=backfills + week)
    assert found(verdict) == set()


def test_a_failed_check_sets_the_exit_status_unless_already_set() -> None:
    crawler = crawler_for()
    health(run_stats(edition("ru", found=0)), crawler=crawler)
    assert crawler.stats is not None and crawler.stats.get_value(EXIT_CODE_STAT) == 3
    earlier_cause = run_stats(edition("ru", found=0)) | {EXIT_CODE_STAT: 1}
    health(earlier_cause, crawler=crawler)
    assert crawler.stats.get_value(EXIT_CODE_STAT) == 1
    healthy = crawler_for()
    health(run_stats(), crawler=healthy)
    assert healthy.stats is not None and healthy.stats.get_value(EXIT_CODE_STAT) is None


def test_challenge_pages_are_recognised() -> None:
    cloudflare = b"<html><title>Attention Required! | Cloudflare</title><div class='cf-challenge'>"
    assert challenge_marker(403, cloudflare) is not None
    assert challenge_marker(200, b"<html><body>Checking your browser before accessing</body>")
    article = b"<div class='news-detail__desc'><p>Google drops captcha for Android</p></div>"
    assert challenge_marker(200, article) is None
    assert challenge_marker(404, b"<html>Not found</html>") is None
