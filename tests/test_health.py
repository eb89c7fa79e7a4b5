"""Health checks, pure threshold logic: each check fires on its own figures, names the edition
and the numbers, and passes when the figures are within the limits. (The same checks run as
Spidermon monitors: tests/test_monitors.py.)"""

from __future__ import annotations

from typing import Any

from newscrawl.extract.challenge import challenge_marker
from newscrawl.monitors.thresholds import (
    FAIL,
    WARN,
    HealthThresholds,
    check_coverage,
    check_edition,
    check_error_rate,
    check_firewall,
    check_generic_share,
    check_holes,
    check_items,
    check_reject_rate,
    check_trend,
)

LIMITS = HealthThresholds()


def figures(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "found": 100,
        "exported": 100,
        "dropped": {},
        "coverage": {
            "url": 1.0,
            "title": 1.0,
            "body": 1.0,
            "published_at": 1.0,
            "category": 1.0,
            "images": 0.9,
            "tags": 0.8,
        },
        "requests": 110,
        "errors": 0,
        "feed_pages": 5,
    }
    values.update(changes)
    return values


def test_a_healthy_edition_passes() -> None:
    assert check_edition("az", figures(), LIMITS, stopped=False) == []


def test_incremental_run_with_nothing_new_is_healthy() -> None:
    assert check_edition("az", figures(exported=0, coverage={}), LIMITS, stopped=False) == []


def test_no_articles_found_fails() -> None:
    (failure,) = check_edition("ru", figures(found=0, exported=0), LIMITS, stopped=False)
    assert (failure.edition, failure.check) == ("ru", "items")


def test_low_coverage_fails_per_field() -> None:
    coverage = {**figures()["coverage"], "body": 0.97, "tags": 0.2}
    failures = check_edition("en", figures(coverage=coverage), LIMITS, stopped=False)
    assert {f.check for f in failures} == {"coverage:body", "coverage:tags"}
    assert all(f.edition == "en" for f in failures)


def test_error_and_reject_rates() -> None:
    failures = check_edition(
        "az",
        figures(errors=20, exported=80, dropped={"no_body": 20, "duplicate_of": 50}),
        LIMITS,
        stopped=False,
    )
    assert {f.check for f in failures} == {"error_rate", "reject_rate"}
    reject = next(f for f in failures if f.check == "reject_rate")
    assert reject.figures["rejected"] == 20  # duplicates do not count


def test_thresholds_are_settings() -> None:
    from scrapy.settings import Settings

    limits = HealthThresholds.from_settings(
        Settings(
            {"NEWSCRAWL_HEALTH_COVERAGE": {"tags": 0.95}, "NEWSCRAWL_HEALTH_MAX_ERROR_RATE": 0.5}
        )
    )
    assert limits.coverage["tags"] == 0.95 and limits.coverage["title"] == 1.0
    assert limits.max_error_rate == 0.5


def test_firewall_stop_fails_only_when_stopped() -> None:
    (failure,) = check_edition("en", figures(), LIMITS, stopped=True)
    assert (failure.edition, failure.check, failure.figures) == ("en", "firewall", {})
    assert check_firewall("en", stopped=False) == []


def test_each_check_passes_at_its_limit() -> None:
    at_limits = figures(errors=5, requests=100, exported=95, dropped={"no_body": 5}, found=1)
    coverage = {**figures()["coverage"], "category": 0.9, "images": 0.5, "tags": 0.5}
    at_limits["coverage"] = coverage
    assert check_items("az", at_limits, LIMITS) == []
    assert check_coverage("az", at_limits, LIMITS) == []
    # at the fail limit a rate is past its warn level: reported, not failed
    assert [f.level for f in check_error_rate("az", at_limits, LIMITS)] == [WARN]
    assert [f.level for f in check_reject_rate("az", at_limits, LIMITS)] == [WARN]


def test_each_failure_names_its_figures() -> None:
    (items,) = check_items("ru", figures(found=0, feed_pages=2), LIMITS)
    assert items.figures == {"found": 0, "feed_pages": 2}
    assert "found 0 articles, expected at least 1" in items.describe()
    (errors,) = check_error_rate("ru", figures(errors=6, requests=100), LIMITS)
    assert errors.figures == {"errors": 6, "requests": 100}
    (coverage,) = check_coverage(
        "ru", figures(coverage={**figures()["coverage"], "tags": 0.25}), LIMITS
    )
    assert coverage.figures == {"coverage": 0.25, "minimum": 0.5, "exported": 100}
    assert coverage.describe().startswith("edition ru, coverage:tags: tags filled in 25.0%")


def test_challenge_pages_are_recognised() -> None:
    cloudflare = b"<html><title>Attention Required! | Cloudflare</title><div class='cf-challenge'>"
    assert challenge_marker(403, cloudflare) is not None
    assert challenge_marker(200, b"<html><body>Checking your browser before accessing</body>")
    article = b"<div class='news-detail__desc'><p>Google drops captcha for Android</p></div>"
    assert challenge_marker(200, article) is None
    assert challenge_marker(404, b"<html>Not found</html>") is None


# -- sample sizes, warn levels, rolling window, trend, generic share, holes ---------------
def test_a_run_with_two_articles_does_not_fail_on_coverage_or_rejects() -> None:
    small = figures(exported=2, coverage={"url": 1.0, "title": 1.0, "body": 1.0, "tags": 0.0})
    small.update(dropped={"no_body": 1}, requests=3, errors=1)
    assert check_edition("en", small, LIMITS, stopped=False) == []


def test_a_small_run_is_judged_on_the_rolling_window() -> None:
    small = figures(exported=2, requests=3, errors=1, coverage={"tags": 0.0})
    small["window"] = {
        "hours": 24,
        "runs": 30,
        "exported": 60,
        "rejected": 0,
        "requests": 70,
        "errors": 7,
        "generic": 0,
        "dropped": {},
        "filled": {"tags": 6},
    }
    found = {(f.check, f.level) for f in check_edition("en", small, LIMITS, stopped=False)}
    assert found == {("coverage:tags", FAIL), ("error_rate", FAIL)}
    (coverage,) = check_coverage("en", small, LIMITS)
    assert coverage.figures["scope"] == "last 24 h (30 runs)"


def test_error_rate_between_warn_and_fail_levels_warns() -> None:
    (warning,) = check_error_rate("az", figures(errors=3, requests=100), LIMITS)
    assert (warning.check, warning.level) == ("error_rate", WARN)
    assert check_error_rate("az", figures(errors=1, requests=100), LIMITS) == []
    (failure,) = check_error_rate("az", figures(errors=6, requests=100), LIMITS)
    assert failure.level == FAIL


def test_error_rate_needs_enough_requests() -> None:
    assert check_error_rate("az", figures(errors=3, requests=5), LIMITS) == []


def test_generic_share_warns_only() -> None:
    many = figures(exported=100, layouts={"current": 70, "generic": 30})
    (warning,) = check_generic_share("ru", many, LIMITS)
    assert (warning.check, warning.level, warning.figures["generic"]) == ("generic_share", WARN, 30)
    assert check_generic_share("ru", figures(layouts={"generic": 20}), LIMITS) == []
    assert check_generic_share("ru", figures(exported=3, layouts={"generic": 3}), LIMITS) == []


def test_trend_below_the_weekly_median_warns() -> None:
    low = figures(trend={"last_24h": 10, "median_7d": 100, "days": [100] * 7})
    (warning,) = check_trend("az", low, LIMITS)
    assert (warning.check, warning.level) == ("trend", WARN)
    assert check_trend("az", figures(trend={"last_24h": 60, "median_7d": 100}), LIMITS) == []
    # a young state (median of mostly empty days) says nothing
    assert check_trend("az", figures(trend={"last_24h": 0, "median_7d": 0}), LIMITS) == []
    assert check_trend("az", figures(), LIMITS) == []


def test_a_young_hole_warns_and_an_old_one_fails() -> None:
    from datetime import UTC, datetime

    now = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)
    young = {"from": "a", "to": "b", "cursor": "c", "since": "2025-10-24T06:00:00+00:00"}
    old = {**young, "since": "2025-10-23T06:00:00+00:00"}
    (warning,) = check_holes("en", figures(holes=[young]), LIMITS, now)
    assert (warning.check, warning.level) == ("hole", WARN)
    (failure,) = check_holes("en", figures(holes=[old]), LIMITS, now)
    assert failure.level == FAIL and "open for 30.0 h" in failure.message
    assert check_holes("en", figures(), LIMITS, now) == []  # the walk publishes no holes


def test_a_clean_run_after_a_bad_one_only_warns_on_the_window() -> None:
    clean = figures(exported=5, requests=6, errors=0, dropped={})
    clean["window"] = {
        "hours": 24,
        "runs": 2,
        "exported": 22,
        "rejected": 5,
        "requests": 34,
        "errors": 5,
        "generic": 0,
        "dropped": {"timeout": 5},
        "filled": {},
    }
    found = {(f.check, f.level) for f in check_edition("en", clean, LIMITS, stopped=False)}
    assert ("error_rate", WARN) in found and ("reject_rate", WARN) in found
    assert all(level == WARN for _, level in found)
