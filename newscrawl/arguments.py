"""Checking the spider arguments and the project's settings before a crawl starts.

``scrapy crawl report`` (``newscrawl/commands/crawl.py``) calls
:meth:`newscrawl.spiders.report.ReportSpider.validate_arguments` before it starts Scrapy, so a
bad value ends the command with one line naming the argument, what was given and what is
expected (exit status 1), instead of a traceback from inside the engine. The same parsing
functions run again in the spider's ``__init__`` for any other way of starting it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.dates import DateError, parse_argument_datetime

#: Spider arguments Scrapyd adds to every job (``_job`` is the job id).
SCRAPYD_ARGUMENTS = frozenset({"_job"})


class ArgumentError(ValueError):
    """A spider argument or setting with a value that cannot be used; one line."""

    def __init__(self, name: str, given: Any, expected: str) -> None:
        super().__init__(f"{name}: got {given!r}, expected {expected}")
        self.name, self.given, self.expected = name, given, expected


def parse_datetime_argument(name: str, value: str | None) -> datetime | None:
    """``since``/``until``: an ISO date or datetime (Baku time when no offset), or None."""
    if value is None or str(value).strip() == "":
        return None
    try:
        return parse_argument_datetime(str(value))
    except DateError:
        raise ArgumentError(
            name, value, "an ISO date or datetime, e.g. 2025-10-23 or 2025-10-23T20:00"
        ) from None


def parse_int_argument(name: str, value: Any, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ArgumentError(name, value, f"a whole number of at least {minimum}") from None
    if number < minimum:
        raise ArgumentError(name, value, f"a whole number of at least {minimum}")
    return number


def parse_float_argument(name: str, value: Any, minimum: float = 0.0) -> float:
    try:
        number = float(str(value).strip() or 0)
    except (TypeError, ValueError):
        raise ArgumentError(name, value, f"a number of at least {minimum:g}") from None
    if number != number or number < minimum:  # NaN or too small
        raise ArgumentError(name, value, f"a number of at least {minimum:g}")
    return number


def parse_flag_argument(name: str, value: Any) -> bool:
    text = str(value).strip().lower() if value is not None else "0"
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ArgumentError(name, value, "0 or 1")


def parse_choice_argument(name: str, value: Any, choices: Iterable[str]) -> str:
    options = tuple(choices)
    if value not in options:
        raise ArgumentError(name, value, " or ".join(repr(c) for c in options))
    return str(value)


def check_date_range(
    since: datetime | None, until: datetime | None, mode: str, now: datetime
) -> None:
    """Cross-checks of ``since``, ``until`` and ``mode``."""
    if since is not None and until is not None and until < since:
        raise ArgumentError(
            "until", until.isoformat(), f"a time at or after since ({since.isoformat()})"
        )
    if mode == "archive":
        if since is None:
            raise ArgumentError("since", None, "a date with mode=archive, e.g. since=2025-10-01")
        if since > now:
            raise ArgumentError("since", since.isoformat(), "a date not in the future")


def unknown_arguments(given: Iterable[str], known: Iterable[str]) -> list[str]:
    """One error per argument name the spider does not take."""
    names = sorted(set(known))
    allowed = set(names) | SCRAPYD_ARGUMENTS
    return [
        f"unknown argument {name!r} (-a {name}=...); the report spider takes: {', '.join(names)}"
        for name in given
        if name not in allowed
    ]


# -- settings -----------------------------------------------------------------------------
Check = Callable[[BaseSettings, str], None]


def _number(kind: type[int] | type[float], low: float | None, high: float | None) -> Check:
    bounds = " ".join(
        part
        for part in (
            f"at least {low:g}" if low is not None else "",
            "and" if low is not None and high is not None else "",
            f"at most {high:g}" if high is not None else "",
        )
        if part
    )
    what = ("a whole number" if kind is int else "a number") + (f" {bounds}" if bounds else "")

    def check(settings: BaseSettings, name: str) -> None:
        raw = settings.get(name)
        try:
            value = kind(raw)
        except (TypeError, ValueError):
            raise ArgumentError(name, raw, what) from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise ArgumentError(name, raw, what)

    return check


def _flag(settings: BaseSettings, name: str) -> None:
    try:
        settings.getbool(name)
    except ValueError:
        raise ArgumentError(name, settings.get(name), "True or False (1 or 0)") from None


def _choice(*choices: str) -> Check:
    def check(settings: BaseSettings, name: str) -> None:
        value = str(settings.get(name) or "").strip()
        if value.lower() not in {c.lower() for c in choices}:
            raise ArgumentError(name, settings.get(name), " or ".join(choices))

    return check


def _text(settings: BaseSettings, name: str) -> None:
    if not isinstance(settings.get(name), str):
        raise ArgumentError(name, settings.get(name), "a text")


def _share_dict(known: Iterable[str]) -> Check:
    names = tuple(known)

    def check(settings: BaseSettings, name: str) -> None:
        raw = settings.get(name)
        try:
            value = settings.getdict(name)
        except (TypeError, ValueError, json.JSONDecodeError):
            raise ArgumentError(name, raw, 'a JSON object, e.g. {"tags": 0.8}') from None
        for key, share in value.items():
            if key not in names:
                raise ArgumentError(f"{name} key", key, f"one of {', '.join(names)}")
            try:
                number = float(share)
            except (TypeError, ValueError):
                raise ArgumentError(f"{name}[{key!r}]", share, "a share from 0 to 1") from None
            if not 0 <= number <= 1:
                raise ArgumentError(f"{name}[{key!r}]", share, "a share from 0 to 1")

    return check


def setting_checks(coverage_fields: Iterable[str]) -> dict[str, Check]:
    """Every setting of the project, with its check (docs/arguments.md lists them)."""
    share = _number(float, 0, 1)
    return {
        "NEWSCRAWL_OUTPUT_DIR": _text,
        "NEWSCRAWL_STATE": _text,
        "NEWSCRAWL_CONTACT": _text,
        "NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES": _number(float, 0, None),
        "NEWSCRAWL_EDIT_HORIZON_HOURS": _number(float, 0, None),
        "NEWSCRAWL_RECHECK_PER_RUN": _number(int, 0, None),
        "NEWSCRAWL_HOLE_PAGES": _number(int, 0, None),
        "NEWSCRAWL_RUN_DEADLINE_SECONDS": _number(float, 0, None),
        "NEWSCRAWL_MIN_BODY_WORDS": _number(int, 0, None),
        "NEWSCRAWL_ARCHIVE": _text,
        "NEWSCRAWL_ARCHIVE_MAX_BYTES": _number(int, 1, None),
        "NEWSCRAWL_ALERT_REPORT_FILE": _text,
        "NEWSCRAWL_RETRY_BASE_DELAY": _number(float, 0, None),
        "NEWSCRAWL_RETRY_MAX_DELAY": _number(float, 0, None),
        "NEWSCRAWL_FIREWALL_RETRIES": _number(int, 0, None),
        "NEWSCRAWL_FIREWALL_MAX_IN_ROW": _number(int, 1, None),
        "NEWSCRAWL_RUN_STATS": _flag,
        "NEWSCRAWL_HEALTH_ENABLED": _flag,
        "NEWSCRAWL_HEALTH_MIN_FOUND": _number(int, 0, None),
        "NEWSCRAWL_HEALTH_MIN_ARTICLES": _number(int, 0, None),
        "NEWSCRAWL_HEALTH_MIN_REQUESTS": _number(int, 0, None),
        "NEWSCRAWL_HEALTH_WINDOW_HOURS": _number(float, 0, None),
        "NEWSCRAWL_HEALTH_COVERAGE": _share_dict(coverage_fields),
        "NEWSCRAWL_HEALTH_MAX_ERROR_RATE": share,
        "NEWSCRAWL_HEALTH_WARN_ERROR_RATE": share,
        "NEWSCRAWL_HEALTH_MAX_REJECT_RATE": share,
        "NEWSCRAWL_HEALTH_WARN_REJECT_RATE": share,
        "NEWSCRAWL_HEALTH_MAX_GENERIC_SHARE": share,
        "NEWSCRAWL_HEALTH_TREND_MIN_SHARE": share,
        "NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN": _number(float, 0, None),
        "NEWSCRAWL_HOLE_MAX_AGE_HOURS": _number(float, 0, None),
        "NEWSCRAWL_RETENTION_DAYS": _number(float, 0, None),
        "NEWSCRAWL_ALERT_WHEN": _choice("failure", "always"),
        "NEWSCRAWL_ALERT_SMTP_TIMEOUT": _number(float, 0, None),
        "LOG_LEVEL": _choice("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
    }


def settings_errors(settings: BaseSettings, checks: Mapping[str, Check]) -> list[str]:
    """One line per setting whose value the project cannot use."""
    errors: list[str] = []
    for name, check in checks.items():
        if settings.get(name) is None:
            continue
        try:
            check(settings, name)
        except ArgumentError as exc:
            errors.append(str(exc))
    return errors
