"""Per-edition Spidermon monitors: items found, field coverage, error rate, reject rate,
firewall stop, the generic extractor's share, the 7-day trend and the holes of the walk, each
run over every crawled edition.

They read the per-edition figures of the run summary, which the summary extension hands to
the suite as ``data["summary"]`` (see ``suites.run_health``), and the ``newscrawl/<edition>/``
crawler stats. Each failed check is recorded as a :class:`HealthFailure` in
``data["health_failures"]`` (for the stats file and the alerts) and fails the monitor with a
message naming the edition, the check and the figures. A check at warn level goes to
``data["health_warnings"]`` instead and does not fail its monitor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from spidermon import monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from newscrawl.monitors.thresholds import (
    FAIL,
    HealthFailure,
    HealthThresholds,
    check_coverage,
    check_error_rate,
    check_firewall,
    check_generic_share,
    check_holes,
    check_items,
    check_reject_rate,
    check_trend,
)

Method = TypeVar("Method", bound=Callable[..., None])


def named(name: str) -> Callable[[Method], Method]:
    """Spidermon's ``monitors.name`` for a monitor method, typed."""
    return cast(Callable[[Method], Method], monitors.name(name))


#: The editions whose figures are checked (the summary may also hold "unknown" or "site").
CHECKED_EDITIONS = ("az", "en", "ru")


class EditionMonitor(BaseScrapyMonitor):
    """Base of the per-edition monitors: one pure check run over every crawled edition."""

    #: The failures of this monitor are in ``data["health_failures"]`` already.
    records_failures = True

    def editions(self) -> list[tuple[str, dict[str, Any]]]:
        summary = self.data.get("summary") or {}
        return [
            (code, figures)
            for code, figures in summary.get("editions", {}).items()
            if code in CHECKED_EDITIONS
        ]

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        raise NotImplementedError

    def run_check(self) -> None:
        limits = HealthThresholds.from_settings(self.crawler.settings)
        found = [
            failure
            for code, figures in self.editions()
            for failure in self.check(code, figures, limits)
        ]
        failures = [f for f in found if f.level == FAIL]
        warnings = [f for f in found if f.level != FAIL]
        recorded = self.data.get("health_failures")
        if recorded is not None:
            recorded.extend(failures)
        noted = self.data.get("health_warnings")
        if noted is not None:
            noted.extend(warnings)
        if failures:
            self.fail("; ".join(failure.describe() for failure in failures))


@monitors.name("Edition firewall")
class FirewallMonitor(EditionMonitor):
    """No edition was stopped by firewall challenge pages (stat newscrawl/<ed>/firewall/stopped)."""

    @named("no edition stopped by firewall challenge pages")
    def test_no_edition_stopped(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_firewall(code, bool(self.stats.get(f"newscrawl/{code}/firewall/stopped")))


@monitors.name("Edition items")
class ItemsMonitor(EditionMonitor):
    """Every edition's feed gave at least NEWSCRAWL_HEALTH_MIN_FOUND article cards."""

    @named("articles found per edition")
    def test_articles_found(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_items(code, figures, limits)


@monitors.name("Edition field coverage")
class CoverageMonitor(EditionMonitor):
    """Every edition fills each field in at least its NEWSCRAWL_HEALTH_COVERAGE share."""

    @named("field coverage per edition")
    def test_field_coverage(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_coverage(code, figures, limits)


@monitors.name("Edition error rate")
class ErrorRateMonitor(EditionMonitor):
    """No edition's failed requests exceed NEWSCRAWL_HEALTH_MAX_ERROR_RATE of its requests."""

    @named("failed requests per edition")
    def test_error_rate(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_error_rate(code, figures, limits)


@monitors.name("Edition reject rate")
class RejectRateMonitor(EditionMonitor):
    """No edition rejects more than NEWSCRAWL_HEALTH_MAX_REJECT_RATE of its articles."""

    @named("rejected articles per edition")
    def test_reject_rate(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_reject_rate(code, figures, limits)


@monitors.name("Edition generic extractor share")
class GenericShareMonitor(EditionMonitor):
    """Warns when more than NEWSCRAWL_HEALTH_MAX_GENERIC_SHARE of the articles came from the
    generic fallback extractor (never fails)."""

    @named("generic extractor share per edition")
    def test_generic_share(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_generic_share(code, figures, limits)


@monitors.name("Edition trend")
class TrendMonitor(EditionMonitor):
    """Warns when the last 24 h brought far fewer new articles than the median day of the
    week before (never fails)."""

    @named("new articles against the 7-day median per edition")
    def test_trend(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_trend(code, figures, limits)


@monitors.name("Edition holes")
class HolesMonitor(EditionMonitor):
    """Warns about a range of the feed not walked yet; fails once it is older than
    NEWSCRAWL_HOLE_MAX_AGE_HOURS."""

    @named("holes in the walked feed per edition")
    def test_holes(self) -> None:
        self.run_check()

    def check(
        self, code: str, figures: dict[str, Any], limits: HealthThresholds
    ) -> list[HealthFailure]:
        return check_holes(code, figures, limits)


#: In the order they run (and their failures are listed) within one edition.
EDITION_MONITORS = (
    FirewallMonitor,
    ItemsMonitor,
    CoverageMonitor,
    ErrorRateMonitor,
    RejectRateMonitor,
    GenericShareMonitor,
    TrendMonitor,
    HolesMonitor,
)
