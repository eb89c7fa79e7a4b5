"""The health suite and how the run summary runs it.

Ordering: the summary extension computes the per-edition figures at ``spider_closed``, then
calls :func:`run_health`, which runs :class:`HealthSuite` through Spidermon's
``SpiderMonitorRunner`` with the figures as ``data["summary"]`` beside the usual ``stats``,
``crawler`` and ``spider``; Spidermon runs the monitors, then the configured actions (on
failure only, unless ``NEWSCRAWL_ALERT_WHEN = "always"``); the verdict comes back to the
summary, which writes it into the stats file. Spidermon's own extension is not needed for this
(and is not enabled: it would run its suites without the summary's figures).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from spidermon import MonitorSuite
from spidermon.contrib.scrapy.monitors import (
    DownloaderExceptionMonitor,
    ErrorCountMonitor,
    FinishReasonMonitor,
    RetryCountMonitor,
    UnwantedHTTPCodesMonitor,
)
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

from newscrawl.monitors.actions import configured_actions
from newscrawl.monitors.edition import EDITION_MONITORS
from newscrawl.monitors.thresholds import HealthFailure
from newscrawl.monitors.verdict import failures_of

#: Spidermon built-ins added when their threshold setting is given (they have no default that
#: fits every run: an incremental run may legitimately log retries or see a few 5xx pages).
OPTIONAL_BUILTINS: tuple[tuple[str, type[Any]], ...] = (
    ("SPIDERMON_MAX_ERRORS", ErrorCountMonitor),
    ("SPIDERMON_UNWANTED_HTTP_CODES", UnwantedHTTPCodesMonitor),
    ("SPIDERMON_UNWANTED_HTTP_CODES_MAX_COUNT", UnwantedHTTPCodesMonitor),
    ("SPIDERMON_MAX_DOWNLOADER_EXCEPTIONS", DownloaderExceptionMonitor),
    ("SPIDERMON_MAX_RETRIES", RetryCountMonitor),
)


class HealthSuite(MonitorSuite):
    """The end-of-run health checks: Spidermon's finish reason monitor
    (``SPIDERMON_EXPECTED_FINISH_REASONS``, default ``finished``), then the per-edition ones."""

    monitors: ClassVar[list[type[Any]]] = [FinishReasonMonitor, *EDITION_MONITORS]


class HealthResult(SpiderMonitorResult):
    """Spidermon's result log, through ``spider.logger`` (``Spider.log`` is deprecated)."""

    def log(self, msg: Any, level: int = logging.DEBUG) -> None:
        # the summary logs one ERROR line per failed check (and a WARNING per warning), so
        # Spidermon's FAIL blocks (a traceback per failed monitor) are for DEBUG; the rest, a
        # monitor that raised or an action that failed included, keeps its level
        failure_block = level >= logging.ERROR and "FAIL:" in str(msg) and "ERROR:" not in str(msg)
        self.spider.logger.log(logging.DEBUG if failure_block else level, "[Spidermon] %s", msg)


class HealthRunner(SpiderMonitorRunner):
    """Spidermon's spider runner with :class:`HealthResult`."""

    def create_result(self) -> HealthResult:
        return HealthResult(self.spider)


def optional_monitors(settings: BaseSettings) -> list[type[Any]]:
    chosen: list[type[Any]] = []
    for name, monitor in OPTIONAL_BUILTINS:
        if settings.get(name) not in (None, "") and monitor not in chosen:
            chosen.append(monitor)
    return chosen


def build_suite(crawler: Crawler) -> HealthSuite:
    """The health suite with the opt-in built-ins and the actions the settings ask for."""
    actions = configured_actions(crawler.settings)
    always = str(crawler.settings.get("NEWSCRAWL_ALERT_WHEN") or "failure").lower() == "always"
    return HealthSuite(
        monitors=optional_monitors(crawler.settings),
        monitors_finished_actions=actions if always else [],
        monitors_failed_actions=[] if always else actions,
        crawler=crawler,
    )


def run_health(
    crawler: Crawler,
    spider: Spider,
    summary: dict[str, Any],
    warnings: list[HealthFailure] | None = None,
) -> list[HealthFailure]:
    """Run the health suite on the run's stats and summary; the failed checks, in order (the
    checks at warn level are added to ``warnings``)."""
    runner = HealthRunner(spider=spider)
    recorded: list[HealthFailure] = []
    noted: list[HealthFailure] = warnings if warnings is not None else []
    result = runner.run(
        build_suite(crawler),
        stats=crawler.stats.get_stats() if crawler.stats else {},
        stats_history=[],
        crawler=crawler,
        spider=spider,
        job=None,
        summary=summary,
        health_failures=recorded,
        health_warnings=noted,
    )
    return failures_of(result, runner.data)
