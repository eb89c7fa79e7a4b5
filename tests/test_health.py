"""Health checks, pure threshold logic: each check fires on its own figures, names the edition
and the numbers, and passes when the figures are within the limits. (The same checks run as
Spidermon monitors: tests/test_monitors.py.)"""

from __future__ import annotations

from typing import Any

from newscrawl.extract.challenge import challenge_marker
from newscrawl.monitors.thresholds import (
    HealthThresholds,
    check_coverage,
    check_edition,
    check_error_rate,
    check_firewall,
    check_items,
    check_reject_rate,
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
    assert check_error_rate("az", at_limits, LIMITS) == []
    assert check_reject_rate("az", at_limits, LIMITS) == []


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
