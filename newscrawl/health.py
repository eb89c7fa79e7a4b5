"""Health checks at the end of a run, per edition, from the run summary.

A failed check is an ERROR in the log naming the edition, the check and the figures, an entry
under ``health`` in ``output/stats/...json``, and exit status 3 from ``scrapy crawl``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scrapy.settings import BaseSettings

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


@dataclass(frozen=True)
class HealthThresholds:
    """Limits a healthy run stays within (settings ``NEWSCRAWL_HEALTH_*``)."""

    min_found: int = 1
    coverage: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_COVERAGE))
    max_error_rate: float = 0.05
    max_reject_rate: float = 0.05

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> HealthThresholds:
        coverage = dict(DEFAULT_COVERAGE)
        coverage.update(
            {k: float(v) for k, v in settings.getdict("NEWSCRAWL_HEALTH_COVERAGE").items()}
        )
        return cls(
            min_found=settings.getint("NEWSCRAWL_HEALTH_MIN_FOUND", 1),
            coverage=coverage,
            max_error_rate=settings.getfloat("NEWSCRAWL_HEALTH_MAX_ERROR_RATE", 0.05),
            max_reject_rate=settings.getfloat("NEWSCRAWL_HEALTH_MAX_REJECT_RATE", 0.05),
        )


@dataclass(frozen=True)
class HealthFailure:
    """One failed check: which edition, which check, what was seen."""

    edition: str
    check: str
    message: str
    figures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rejects_that_count(dropped: dict[str, int]) -> int:
    """Rejects that show a problem (duplicates are the dedup doing its job)."""
    return sum(n for reason, n in dropped.items() if not reason.startswith("duplicate"))


def check_edition(
    code: str, figures: dict[str, Any], limits: HealthThresholds, stopped: bool
) -> list[HealthFailure]:
    """The failed checks of one crawled edition."""
    failures: list[HealthFailure] = []
    if stopped:
        failures.append(
            HealthFailure(code, "firewall", "edition stopped by firewall challenge pages", {})
        )
    if figures["found"] < limits.min_found:
        failures.append(
            HealthFailure(
                code,
                "items",
                f"found {figures['found']} articles, expected at least {limits.min_found}",
                {"found": figures["found"], "feed_pages": figures["feed_pages"]},
            )
        )
    if figures["exported"]:
        for name, minimum in limits.coverage.items():
            share = figures["coverage"].get(name)
            if share is not None and share < minimum:
                failures.append(
                    HealthFailure(
                        code,
                        f"coverage:{name}",
                        f"{name} filled in {share:.1%} of articles, expected {minimum:.0%}",
                        {"coverage": share, "minimum": minimum, "exported": figures["exported"]},
                    )
                )
    requests = figures["requests"]
    if requests and figures["errors"] / requests > limits.max_error_rate:
        failures.append(
            HealthFailure(
                code,
                "error_rate",
                f"{figures['errors']} of {requests} requests failed "
                f"({figures['errors'] / requests:.1%}, limit {limits.max_error_rate:.0%})",
                {"errors": figures["errors"], "requests": requests},
            )
        )
    rejected = _rejects_that_count(figures["dropped"])
    handled = figures["exported"] + rejected
    if handled and rejected / handled > limits.max_reject_rate:
        failures.append(
            HealthFailure(
                code,
                "reject_rate",
                f"{rejected} of {handled} articles rejected "
                f"({rejected / handled:.1%}, limit {limits.max_reject_rate:.0%})",
                {
                    "rejected": rejected,
                    "exported": figures["exported"],
                    "by_reason": figures["dropped"],
                },
            )
        )
    return failures


def check_run(
    summary: dict[str, Any], limits: HealthThresholds, stopped_editions: set[str]
) -> list[HealthFailure]:
    """Every failed check of a run: the finish reason, then each crawled edition's."""
    failures: list[HealthFailure] = []
    if summary["finish_reason"] != "finished":
        failures.append(
            HealthFailure(
                "all",
                "finish_reason",
                f"the run ended with {summary['finish_reason']!r}, not 'finished'",
                {"finish_reason": summary["finish_reason"]},
            )
        )
    for code, figures in summary["editions"].items():
        if code in ("az", "en", "ru"):
            failures += check_edition(code, figures, limits, code in stopped_editions)
    return failures
