"""From Spidermon's result to the run's ``health`` failures.

The per-edition monitors record their failures themselves; a failed built-in monitor (finish
reason, and the opt-in ones of ``suites.OPTIONAL_BUILTINS``) becomes a run-wide failure
(edition ``all``) named after its check, with the stats it judged as figures.
"""

from __future__ import annotations

from typing import Any

from spidermon.contrib.scrapy.monitors import (
    DownloaderExceptionMonitor,
    ErrorCountMonitor,
    FinishReasonMonitor,
    RetryCountMonitor,
    UnwantedHTTPCodesMonitor,
)

from newscrawl.monitors.edition import CHECKED_EDITIONS
from newscrawl.monitors.thresholds import HealthFailure

#: Built-in monitor -> (check name, stats shown as figures; a key ending in "/" is a prefix).
BUILTIN_CHECKS: tuple[tuple[type[Any], str, tuple[str, ...]], ...] = (
    (FinishReasonMonitor, "finish_reason", ("finish_reason",)),
    (ErrorCountMonitor, "log_errors", ("log_count/ERROR",)),
    (UnwantedHTTPCodesMonitor, "http_codes", ("downloader/response_status_count/",)),
    (DownloaderExceptionMonitor, "downloader_exceptions", ("downloader/exception_count",)),
    (RetryCountMonitor, "retries", ("retry/max_reached",)),
)


def _figures(stats: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for key in keys:
        if key.endswith("/"):
            figures.update({k: v for k, v in sorted(stats.items()) if k.startswith(key)})
        else:
            figures[key] = stats.get(key)
    return figures


def builtin_failure(
    monitor: Any, reason: str | None, error: str | None, stats: Any
) -> HealthFailure:
    """The run-wide failure of one failed built-in (or any other not recording) monitor."""
    lines = (error or "").strip().splitlines()
    message = reason or (lines[-1] if lines else "monitor failed")
    for monitor_class, check, keys in BUILTIN_CHECKS:
        if isinstance(monitor, monitor_class):
            return HealthFailure("all", check, str(message), _figures(stats, keys))
    return HealthFailure("all", str(monitor.monitor_name), str(message), {})


def _edition_rank(failure: HealthFailure) -> int:
    order = ("all", *CHECKED_EDITIONS)
    return order.index(failure.edition) if failure.edition in order else len(order)


def failures_of(result: Any, data: Any) -> list[HealthFailure]:
    """Every failed check of a suite's run: run-wide ones first, then edition by edition."""
    failures: list[HealthFailure] = []
    for item in result.monitors_failed_results:
        if not getattr(item.item, "records_failures", False):
            failures.append(
                builtin_failure(
                    item.item, getattr(item, "reason", None), item.error, data.get("stats") or {}
                )
            )
    failures += list(data.get("health_failures") or [])
    return sorted(failures, key=_edition_rank)
