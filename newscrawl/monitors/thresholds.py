"""The limits of a healthy run and the pure checks of one edition's figures against them.

No Spidermon and no crawler here: each check takes the per-edition figures of the run summary
(``newscrawl/extensions/summary.py``) and returns the :class:`HealthFailure` it finds, so the
threshold logic is tested on plain dicts. The Spidermon monitors of ``edition.py`` call them.
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

    def describe(self) -> str:
        """One line naming the edition, the check, what went wrong and the figures."""
        return f"edition {self.edition}, {self.check}: {self.message} {self.figures}"


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
    """Fields filled in a smaller share of the exported articles than their minimum."""
    if not figures["exported"]:
        return []  # an incremental run with nothing new has no coverage to judge
    failures: list[HealthFailure] = []
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
    return failures


def check_error_rate(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """More of the edition's requests failed than the limit allows."""
    requests, errors = figures["requests"], figures["errors"]
    if not requests or errors / requests <= limits.max_error_rate:
        return []
    return [
        HealthFailure(
            code,
            "error_rate",
            f"{errors} of {requests} requests failed "
            f"({errors / requests:.1%}, limit {limits.max_error_rate:.0%})",
            {"errors": errors, "requests": requests},
        )
    ]


def check_reject_rate(
    code: str, figures: dict[str, Any], limits: HealthThresholds
) -> list[HealthFailure]:
    """More of the edition's articles were rejected (duplicates aside) than the limit allows."""
    rejected = rejects_that_count(figures["dropped"])
    handled = figures["exported"] + rejected
    if not handled or rejected / handled <= limits.max_reject_rate:
        return []
    return [
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
    ]


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
    ]
