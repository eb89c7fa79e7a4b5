"""The limits of a healthy run and the pure checks of one edition's figures against them.

No Spidermon and no crawler here: each check takes the per-edition figures of the run summary
(``newscrawl/extensions/summary.py``) and returns the :class:`HealthFailure` it finds, so the
threshold logic is tested on plain dicts. The Spidermon monitors of ``edition.py`` call them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.dates import parse_iso_or_none

EXIT_HEALTH_FAILED = 3

DEFAULT_COVERAGE: dict[str, float] = {
    "url": 1.0,
    "title": 1.0,
    "body": 1.0,
    "published_at": 1.0,
    "category": 0.9,
    "images": 0.5,
    "tags": 0.5,
}


#: The setting of each threshold (``coverage`` is merged over DEFAULT_COVERAGE apart).
THRESHOLD_SETTINGS = {
    "min_found": "NEWSCRAWL_HEALTH_MIN_FOUND",
    "max_error_rate": "NEWSCRAWL_HEALTH_MAX_ERROR_RATE",
    "max_reject_rate": "NEWSCRAWL_HEALTH_MAX_REJECT_RATE",
    "warn_error_rate": "NEWSCRAWL_HEALTH_WARN_ERROR_RATE",
    "warn_reject_rate": "NEWSCRAWL_HEALTH_WARN_REJECT_RATE",
    "max_generic_share": "NEWSCRAWL_HEALTH_MAX_GENERIC_SHARE",
    "min_articles": "NEWSCRAWL_HEALTH_MIN_ARTICLES",
    "min_requests": "NEWSCRAWL_HEALTH_MIN_REQUESTS",
    "window_hours": "NEWSCRAWL_HEALTH_WINDOW_HOURS",
    "trend_min_share": "NEWSCRAWL_HEALTH_TREND_MIN_SHARE",
    "trend_min_median": "NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN",
    "hole_max_age_hours": "NEWSCRAWL_HOLE_MAX_AGE_HOURS",
}


@dataclass(frozen=True)
class HealthThresholds:
    """Limits a healthy run stays within (settings ``NEWSCRAWL_HEALTH_*``)."""

    min_found: int = 1
    coverage: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_COVERAGE))
    max_error_rate: float = 0.05
    max_reject_rate: float = 0.05
    warn_error_rate: float = 0.02
    warn_reject_rate: float = 0.02
    max_generic_share: float = 0.2
    #: Rates are judged on at least this many articles / requests (this run, else the window).
    min_articles: int = 20
    min_requests: int = 20
    window_hours: float = 24.0
    trend_min_share: float = 0.5
    trend_min_median: float = 20.0
    hole_max_age_hours: float = 24.0

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> HealthThresholds:
        coverage = dict(DEFAULT_COVERAGE)
        coverage.update(
            {k: float(v) for k, v in settings.getdict("NEWSCRAWL_HEALTH_COVERAGE").items()}
        )
        defaults = cls()
        values: dict[str, Any] = {"coverage": coverage}
        for name, setting in THRESHOLD_SETTINGS.items():
            default = getattr(defaults, name)
            read = settings.getint if isinstance(default, int) else settings.getfloat
            values[name] = read(setting, default)
        return cls(**values)


#: A check that fails the run (exit status 3) and one that is only reported.
FAIL, WARN = "fail", "warn"


@dataclass(frozen=True)
class HealthFailure:
    """One failed check: which edition, which check, what was seen; ``level`` ``fail`` (the
    run's exit status becomes 3) or ``warn`` (logged and listed under ``health.warnings``)."""

    edition: str
    check: str
    message: str
    figures: dict[str, Any]
    level: str = FAIL

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line naming the edition, the check, what went wrong and the figures."""
        return f"edition {self.edition}, {self.check}: {self.message} {self.figures}"


@dataclass(frozen=True)
class Sample:
    """The figures a rate is judged on: this run's, or the rolling window's."""

    scope: str  # "run" or "last 24 h (5 runs)"
    exported: int
    rejected: int
    dropped: dict[str, int]
    requests: int
    errors: int
    filled: dict[str, float]  # field -> share of exported articles
    generic: int


def run_sample(figures: dict[str, Any]) -> Sample:
    return Sample(
        scope="run",
        exported=int(figures.get("exported", 0)),
        rejected=rejects_that_count(figures.get("dropped") or {}),
        dropped=dict(figures.get("dropped") or {}),
        requests=int(figures.get("requests", 0)),
        errors=int(figures.get("errors", 0)),
        filled=dict(figures.get("coverage") or {}),
        generic=int((figures.get("layouts") or {}).get("generic", 0)),
    )


def window_sample(figures: dict[str, Any]) -> Sample | None:
    """The rolling window of ``figures["window"]`` (this run included), if the state has one."""
    window = figures.get("window")
    if not isinstance(window, dict):
        return None
    exported = int(window.get("exported", 0))
    filled = window.get("filled") or {}
    return Sample(
        scope=f"last {window.get('hours', 24):g} h ({window.get('runs', 0)} runs)",
        exported=exported,
        rejected=int(window.get("rejected", 0)),
        dropped=dict(window.get("dropped") or {}),
        requests=int(window.get("requests", 0)),
        errors=int(window.get("errors", 0)),
        filled={k: (v / exported if exported else 0.0) for k, v in filled.items()},
        generic=int(window.get("generic", 0)),
    )


def choose_sample(
    figures: dict[str, Any], size: Callable[[Sample], int], minimum: int
) -> Sample | None:
    """This run's figures when they are enough to judge, else the window's, else None."""
    run = run_sample(figures)
    if size(run) >= minimum and size(run) > 0:
        return run
    window = window_sample(figures)
    if window is not None and size(window) >= minimum and size(window) > 0:
        return window
    return None


def rejects_that_count(dropped: dict[str, int]) -> int:
    """Rejects that show a problem (duplicates are the dedup doing its job)."""
    return sum(n for reason, n in dropped.items() if not reason.startswith("duplicate"))


def check_firewall(code: str, stopped: bool) -> list[HealthFailure]:
    """The edition was stopped by firewall challenge pages."""
    if not stopped:
        return []
    return [HealthFailure(code, "firewall", "edition stopped by firewall challenge pages", {})]


def check_items(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """Too few article cards found in the edition's feed."""
    if figures["found"] >= limits.min_found:
        return []
    return [
        HealthFailure(
            code,
            "items",
            f"found {figures['found']} articles, expected at least {limits.min_found}",
            {"found": figures["found"], "feed_pages": figures["feed_pages"]},
        )
    ]


def check_coverage(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """Fields filled in a smaller share of the exported articles than their minimum (judged
    on at least ``min_articles`` articles: an incremental run with 2 new ones is not)."""
    sample = choose_sample(figures, lambda s: s.exported, limits.min_articles)
    if sample is None:
        return []
    failures: list[HealthFailure] = []
    for name, minimum in limits.coverage.items():
        share = sample.filled.get(name)
        if share is not None and share < minimum:
            run_share = (figures.get("coverage") or {}).get(name)
            own = sample.scope == "run" or (
                bool(figures.get("exported")) and run_share is not None and run_share < minimum
            )
            figures_seen: dict[str, Any] = {
                "coverage": round(share, 4),
                "minimum": minimum,
                "exported": sample.exported,
            }
            if sample.scope != "run":
                figures_seen["scope"] = sample.scope
            failures.append(
                HealthFailure(
                    code,
                    f"coverage:{name}",
                    f"{name} filled in {share:.1%} of articles, expected {minimum:.0%}"
                    + ("" if sample.scope == "run" else f" ({sample.scope})"),
                    figures_seen,
                    FAIL if own else WARN,
                )
            )
    return failures


def _level(rate: float, fail_above: float, warn_above: float, own_part: bool = True) -> str | None:
    """``fail`` above the limit, ``warn`` above the warn level. A window's rate fails only when
    this run added to the problem (``own_part``): a clean run after a bad one only warns."""
    if rate > fail_above:
        return FAIL if own_part else WARN
    if rate > warn_above:
        return WARN
    return None


def check_error_rate(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """More of the edition's requests failed than the limit allows (a warning above the warn
    level; judged on at least ``min_requests`` requests)."""
    sample = choose_sample(figures, lambda s: s.requests, limits.min_requests)
    if sample is None:
        return []
    requests, errors = sample.requests, sample.errors
    own = sample.scope == "run" or int(figures.get("errors", 0)) > 0
    level = _level(errors / requests, limits.max_error_rate, limits.warn_error_rate, own)
    if level is None:
        return []
    limit = limits.max_error_rate if level == FAIL else limits.warn_error_rate
    seen: dict[str, Any] = {"errors": errors, "requests": requests}
    if sample.scope != "run":
        seen["scope"] = sample.scope
    return [
        HealthFailure(
            code,
            "error_rate",
            f"{errors} of {requests} requests failed "
            f"({errors / requests:.1%}, {'limit' if level == FAIL else 'warn level'} {limit:.0%})"
            + ("" if sample.scope == "run" else f" ({sample.scope})"),
            seen,
            level,
        )
    ]


def check_reject_rate(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """More of the edition's articles were rejected (duplicates aside) than the limit allows
    (a warning above the warn level; judged on at least ``min_articles`` articles)."""
    sample = choose_sample(figures, lambda s: s.exported + s.rejected, limits.min_articles)
    if sample is None:
        return []
    rejected = sample.rejected
    handled = sample.exported + rejected
    own = sample.scope == "run" or rejects_that_count(figures.get("dropped") or {}) > 0
    level = _level(rejected / handled, limits.max_reject_rate, limits.warn_reject_rate, own)
    if level is None:
        return []
    limit = limits.max_reject_rate if level == FAIL else limits.warn_reject_rate
    seen: dict[str, Any] = {
        "rejected": rejected,
        "exported": sample.exported,
        "by_reason": sample.dropped,
    }
    if sample.scope != "run":
        seen["scope"] = sample.scope
    return [
        HealthFailure(
            code,
            "reject_rate",
            f"{rejected} of {handled} articles rejected "
            f"({rejected / handled:.1%}, {'limit' if level == FAIL else 'warn level'} {limit:.0%})"
            + ("" if sample.scope == "run" else f" ({sample.scope})"),
            seen,
            level,
        )
    ]


def check_generic_share(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """A warning when too many articles came from the generic fallback extractor (the site's
    markup may have changed)."""
    sample = choose_sample(figures, lambda s: s.exported, limits.min_articles)
    if sample is None:
        return []
    share = sample.generic / sample.exported
    if share <= limits.max_generic_share:
        return []
    return [
        HealthFailure(
            code,
            "generic_share",
            f"{sample.generic} of {sample.exported} articles ({share:.1%}) came from the generic "
            f"extractor, warn level {limits.max_generic_share:.0%}"
            + ("" if sample.scope == "run" else f" ({sample.scope})"),
            {"generic": sample.generic, "exported": sample.exported, "scope": sample.scope},
            WARN,
        )
    ]


def check_trend(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """A warning when the edition's new articles of the last 24 h fall below
    ``trend_min_share`` of the median day of the 7 before (``figures["trend"]``, from the
    state; judged only when that median is at least ``trend_min_median``)."""
    trend = figures.get("trend")
    if not isinstance(trend, dict):
        return []
    last, median = float(trend.get("last_24h", 0)), float(trend.get("median_7d", 0))
    if median < max(limits.trend_min_median, 1e-9) or last >= limits.trend_min_share * median:
        return []
    return [
        HealthFailure(
            code,
            "trend",
            f"{last:g} new articles in the last 24 h against a median of {median:g} a day over "
            f"the 7 days before (warn below {limits.trend_min_share:.0%})",
            {"last_24h": last, "median_7d": median, "days": trend.get("days", [])},
            WARN,
        )
    ]


def check_holes(
    code: str, figures: dict[str, Any], limits: HealthThresholds, now: datetime | None = None
) -> list[HealthFailure]:
    """Ranges of the feed no run has walked yet (``figures["holes"]``, each ``{"from", "to",
    "cursor", "since"}``): a warning while younger than ``hole_max_age_hours``, a failure
    once older."""
    holes = figures.get("holes")
    if not isinstance(holes, list):
        return []
    moment = now or datetime.now(UTC)
    found: list[HealthFailure] = []
    for hole in holes:
        if not isinstance(hole, dict):
            continue
        opened = parse_iso_or_none(hole.get("since"))
        age = (moment - opened).total_seconds() / 3600 if opened else None
        old = age is not None and age > limits.hole_max_age_hours
        found.append(
            HealthFailure(
                code,
                "hole",
                f"feed range {hole.get('from')} .. {hole.get('to')} not walked yet"
                + (f", open for {age:.1f} h" if age is not None else "")
                + f" (fails after {limits.hole_max_age_hours:g} h)",
                {key: hole.get(key) for key in ("from", "to", "cursor", "since")},
                FAIL if old else WARN,
            )
        )
    return found


def check_edition(
    code: str, figures: dict[str, Any], limits: HealthThresholds, stopped: bool
) -> list[HealthFailure]:
    """Every failed check of one edition, in the order the monitors run them."""
    return [
        *check_firewall(code, stopped),
        *check_items(code, figures, limits),
        *check_coverage(code, figures, limits),
        *check_error_rate(code, figures, limits),
        *check_reject_rate(code, figures, limits),
        *check_generic_share(code, figures, limits),
        *check_trend(code, figures, limits),
        *check_holes(code, figures, limits),
    ]
