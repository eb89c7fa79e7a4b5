"""The run's health as a Spidermon suite run by Spidermon's own extension at ``spider_closed``.

The per-edition monitors are generated from one table, :func:`table`: each row names a check,
the edition stats it reads (``newscrawl/<ed>/...``), its fail and warn levels (settings), the
sample-size rule and the message. A rate judged on too small a run is judged on the rolling
window instead: the same stats summed over the scheduled crawls of the last
``NEWSCRAWL_HEALTH_WINDOW_HOURS`` in Spidermon's stats history (:class:`StatsHistory`), this run
included; a breach of the window that this run is not past the limit itself only warns. The
monitors read nothing but the stats and that history. :class:`HealthVerdict`, the suite's first
``monitors_finished`` action, puts the verdict into the stats (``newscrawl/health``, per edition
``window`` and ``trend``, ``newscrawl/exit_code`` 3 on failure) and logs each failure as an
ERROR and each warning as a WARNING; the alert actions of ``actions.py`` follow it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Spider
from scrapy.settings import BaseSettings
from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import (
    BaseScrapyMonitor,
    DownloaderExceptionMonitor,
    ErrorCountMonitor,
    FinishReasonMonitor,
    RetryCountMonitor,
    UnwantedHTTPCodesMonitor,
)
from spidermon.contrib.stats.statscollectors.local_storage import (
    LocalStorageStatsHistoryCollector,
)
from spidermon.core.actions import Action

from newscrawl.monitors.actions import HEALTH_STAT, alert, configured_actions

EDITIONS = ("az", "en", "ru")
FAIL, WARN = "fail", "warn"
EXIT_CODE_STAT, EXIT_HEALTH_FAILED = "newscrawl/exit_code", 3
DEFAULT_COVERAGE = {
    **dict.fromkeys(("url", "title", "body", "published_at"), 1.0),
    **{"category": 0.9, "images": 0.5, "tags": 0.5},
}
DAY = timedelta(days=1)
Figures = dict[str, Any]
Limit = str | float | Callable[[BaseSettings], float | None] | None


class Of:
    """One edition's stats of one run: ``of["requests"]`` is ``newscrawl/<ed>/requests`` (0 when
    unset), ``of.under("errors/")`` the ``errors/<kind>`` counts."""

    def __init__(self, stats: Mapping[str, Any], edition: str, history: Sequence[Any] = ()) -> None:
        self.stats, self.edition, self.history = stats, edition, history
        self.prefix = f"newscrawl/{edition}/"

    def __getitem__(self, key: str) -> Any:
        return self.stats.get(self.prefix + key) or 0

    def under(self, part: str) -> dict[str, Any]:
        start = self.prefix + part
        return {k[len(start) :]: v for k, v in self.stats.items() if k.startswith(start)}


@dataclass(frozen=True)
class Check:
    """One row of the health table: ``read`` gives the figures of one edition's run (summed
    over runs for a window), ``value`` what is judged (None: nothing to judge), a problem above
    (``below``: under) the ``fail`` / ``warn`` limit; ``sample`` = (minimum setting, size): a
    smaller run is judged on the window (``window``) or not at all; ``message`` is formatted
    with the figures, ``value``, ``limit``, ``word`` and ``fail``."""

    name: str
    read: Callable[[Of], Figures]
    value: Callable[[Figures], float | None]
    message: str
    fail: Limit = None
    warn: Limit = None
    below: bool = False
    sample: tuple[str, Callable[[Figures], float]] | None = None
    window: bool = True


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def rejected(dropped: Mapping[str, int]) -> int:
    """Rejects that show a problem (duplicates are the dedup doing its job)."""
    return sum(n for reason, n in dropped.items() if not reason.startswith("duplicate"))


def errors(of: Of) -> int:
    """Failed requests (``errors/transient`` is a sub-total of the others)."""
    return sum(n for kind, n in of.under("errors/").items() if kind != "transient")


def started(stats: Mapping[str, Any]) -> datetime:
    moment = stats.get("start_time") or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def trend(of: Of) -> Figures:
    """New articles of the scheduled crawls in the last 24 h and per day over the 7 before."""
    now, days = started(of.stats), [0] * 8
    for stats in [of.stats, *of.history]:
        age = (now - started(stats)) // DAY
        if 0 <= age < 8:
            days[age] += Of(stats, of.edition)["new"]
    return {"last_24h": days[0], "median_7d": statistics.median(days[1:]), "days": days[1:]}


def coverage(settings: BaseSettings) -> dict[str, float]:
    return {**DEFAULT_COVERAGE, **settings.getdict("NEWSCRAWL_HEALTH_COVERAGE")}


def filled(field: str) -> Check:
    return Check(
        f"coverage:{field}",
        lambda of: {"filled": of[f"filled/{field}"], "exported": of["exported"]},
        lambda f: ratio(f["filled"], f["exported"]),
        f"{field} filled in {{value:.1%}} of {{exported}} articles, expected {{limit:.0%}}",
        fail=lambda settings: coverage(settings).get(field),
        below=True,
        sample=("NEWSCRAWL_HEALTH_MIN_ARTICLES", lambda f: f["exported"]),
    )


def table(settings: BaseSettings) -> list[Check]:
    """The health checks, in the order they run; coverage for each field with a minimum."""
    dropped = lambda of: {"by_reason": of.under("dropped/"), "exported": of["exported"]}  # noqa: E731
    return [
        Check(
            "firewall",
            lambda of: {"stopped": of["firewall_stopped"]},
            lambda f: f["stopped"],
            "edition stopped by firewall challenge pages",
            fail=0.0,
        ),
        Check(
            "items",
            lambda of: {"found": of["found"], "feed_pages": of["feed_pages"]},
            lambda f: f["found"],
            "found {found} articles, expected at least {limit:g}",
            fail="NEWSCRAWL_HEALTH_MIN_FOUND",
            below=True,
        ),
        *(filled(field) for field in coverage(settings)),
        Check(
            "error_rate",
            lambda of: {"errors": errors(of), "requests": of["requests"]},
            lambda f: ratio(f["errors"], f["requests"]),
            "{errors} of {requests} requests failed ({value:.1%}, {word} {limit:.0%})",
            fail="NEWSCRAWL_HEALTH_MAX_ERROR_RATE",
            warn="NEWSCRAWL_HEALTH_WARN_ERROR_RATE",
            sample=("NEWSCRAWL_HEALTH_MIN_REQUESTS", lambda f: f["requests"]),
        ),
        Check(
            "reject_rate",
            lambda of: (
                (d := dropped(of))
                | {"rejected": (n := rejected(d["by_reason"]))}
                | {"handled": n + d["exported"]}
            ),
            lambda f: ratio(f["rejected"], f["handled"]),
            "{rejected} of {handled} articles rejected ({value:.1%}, {word} {limit:.0%})",
            fail="NEWSCRAWL_HEALTH_MAX_REJECT_RATE",
            warn="NEWSCRAWL_HEALTH_WARN_REJECT_RATE",
            sample=("NEWSCRAWL_HEALTH_MIN_ARTICLES", lambda f: f["handled"]),
        ),
        Check(
            "generic_share",
            lambda of: {"generic": of["layout/generic"], "exported": of["exported"]},
            lambda f: ratio(f["generic"], f["exported"]),
            "{generic} of {exported} articles ({value:.1%}) came from the generic extractor, "
            "{word} {limit:.0%}",
            warn="NEWSCRAWL_HEALTH_MAX_GENERIC_SHARE",
            sample=("NEWSCRAWL_HEALTH_MIN_ARTICLES", lambda f: f["exported"]),
        ),
        Check(
            "trend",
            trend,
            lambda f: ratio(f["last_24h"], f["median_7d"]),
            "{last_24h} new articles in the last 24 h against a median of {median_7d:g} a day "
            "over the 7 days before ({word} {limit:.0%} of it)",
            warn="NEWSCRAWL_HEALTH_TREND_MIN_SHARE",
            below=True,
            sample=("NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN", lambda f: f["median_7d"]),
            window=False,
        ),
        Check(
            "holes",
            lambda of: {"holes": of["holes"], "oldest_hours": of["holes/oldest_hours"]},
            lambda f: f["oldest_hours"] if f["holes"] else None,
            "{holes} feed range(s) not walked yet, the oldest open for {oldest_hours:.1f} h "
            "(fails after {fail:g} h)",
            fail="NEWSCRAWL_HOLE_MAX_AGE_HOURS",
            warn=-1.0,  # any hole
        ),
    ]


def limit_of(limit: Limit, settings: BaseSettings) -> float | None:
    if isinstance(limit, str):
        return settings.getfloat(limit)
    return limit(settings) if callable(limit) else limit


def add(figures: Iterable[Figures]) -> Figures:
    """Figures of several runs summed (a dict figure summed key by key)."""
    total: Figures = {}
    for one in figures:
        for key, value in one.items():
            if isinstance(value, dict):
                total[key] = dict(Counter(total.get(key, {})) + Counter(value))
            else:
                total[key] = total.get(key, 0) + value
    return total


def scheduled(stats: Mapping[str, Any]) -> bool:
    """Whether a run counts in the windows and the trend: a scheduled crawl."""
    return bool(stats.get("newscrawl/scheduled")) and stats.get("newscrawl/kind") == "crawl"


def history_of(stats: Mapping[str, Any], history: Iterable[Any]) -> list[Any]:
    """The scheduled crawls of the 8 days before this run, newest first (the stored history is
    newest first: reading stops at the first older run)."""
    if not scheduled(stats):
        return []
    runs, oldest = [], started(stats) - 8 * DAY
    for earlier in history:
        if started(earlier) < oldest:
            break
        if scheduled(earlier):
            runs.append(earlier)
    return runs


def window(stats: Mapping[str, Any], history: Sequence[Any], hours: float) -> list[Any]:
    """This run and the scheduled crawls of the ``hours`` before it (empty for other runs)."""
    since = started(stats) - timedelta(hours=hours)
    return [stats, *(s for s in history if started(s) > since)] if scheduled(stats) else []


def judge(check: Check, settings: BaseSettings, of: Of) -> list[Figures]:
    """The findings of one check for one edition: none, a warning or a failure."""
    figures, scope, own = check.read(of), "", True
    if check.sample:
        setting, size = check.sample
        minimum = max(settings.getfloat(setting), 1e-9)
        if size(figures) < minimum:
            hours = settings.getfloat("NEWSCRAWL_HEALTH_WINDOW_HOURS", 24.0)
            runs = window(of.stats, of.history, hours) if check.window else []
            summed = add(check.read(Of(stats, of.edition)) for stats in runs)
            if not runs or size(summed) < minimum:
                return []
            run_value, figures = check.value(figures), summed
            scope = f"last {hours:g} h, {len(runs)} runs"
    value = check.value(figures)
    fail, warn = limit_of(check.fail, settings), limit_of(check.warn, settings)

    def past(limit: float | None, value: float | None) -> bool:
        if limit is None or value is None:
            return False
        return value < limit if check.below else value > limit

    if scope:  # a window's breach fails only when this run is past the limit too
        own = past(fail, run_value)
    level = FAIL if past(fail, value) else WARN if past(warn, value) else None
    if level is None:
        return []
    limit = fail if level == FAIL else warn
    word = "limit" if level == FAIL else "warn level"
    message = check.message.format(**figures, value=value, limit=limit, word=word, fail=fail)
    if scope:
        figures = {**figures, "scope": scope}
        message += f" ({scope})"
    level = level if own else WARN
    return [{"check": check.name, "level": level, "message": message, "figures": figures}]


class EditionCheck(BaseScrapyMonitor):
    """Base of the generated monitors: one check (``check``), a test method per edition."""

    check: ClassVar[Check]

    def judge_edition(self, edition: str) -> None:
        self.findings: list[Figures] = []
        if edition not in (self.stats.get("newscrawl/editions") or ()):
            self.skipTest("edition not crawled")
        history = history_of(self.stats, self.data.stats_history)
        found = judge(self.check, self.crawler.settings, Of(self.stats, edition, history))
        self.findings = [{"edition": edition, **finding} for finding in found]
        failed = [f"edition {edition}, check {f['check']}: {f['message']}" for f in found]
        if any(f["level"] == FAIL for f in found):
            self.fail("; ".join(failed))

    @property
    def edition(self) -> str:
        return str(self._testMethodName).removeprefix("test_")


def monitor_for(check: Check) -> type[EditionCheck]:
    """The Spidermon monitor of one row of the table."""

    def method(edition: str) -> Callable[[EditionCheck], None]:
        return monitors.name(f"edition {edition}")(lambda self: self.judge_edition(edition))  # type: ignore[no-any-return]

    tests = {f"test_{edition}": method(edition) for edition in EDITIONS}
    monitor = type(f"Check_{check.name}", (EditionCheck,), {"check": check, **tests})
    return monitors.name(f"check {check.name}")(monitor)  # type: ignore[no-any-return]


#: Spidermon's own monitors: (monitor, check name, stats shown, the setting that adds it).
BUILTINS: tuple[tuple[type[Any], str, str, str | None], ...] = (
    (FinishReasonMonitor, "finish_reason", "finish_reason", None),
    (ErrorCountMonitor, "log_errors", "log_count/ERROR", "SPIDERMON_MAX_ERRORS"),
    (
        UnwantedHTTPCodesMonitor,
        "http_codes",
        "downloader/response_status_count/",
        "SPIDERMON_UNWANTED_HTTP_CODES_MAX_COUNT",
    ),
    (
        UnwantedHTTPCodesMonitor,
        "http_codes",
        "downloader/response_status_count/",
        "SPIDERMON_UNWANTED_HTTP_CODES",
    ),
    (
        DownloaderExceptionMonitor,
        "downloader_exceptions",
        "downloader/exception_count",
        "SPIDERMON_MAX_DOWNLOADER_EXCEPTIONS",
    ),
    (RetryCountMonitor, "retries", "retry/max_reached", "SPIDERMON_MAX_RETRIES"),
)


def not_checked(monitor: Any) -> bool:
    """A run that never started (another run holds the state lock) is not judged."""
    return bool(monitor.data.stats.get("finish_reason") == "state_locked")


class HealthSuite(MonitorSuite):
    """The health checks (``SPIDERMON_SPIDER_CLOSE_MONITORS``): Spidermon's finish-reason
    monitor, the opt-in built-ins whose setting is given, the generated per-edition monitors;
    then the verdict and the alert actions (on failure only unless
    ``NEWSCRAWL_ALERT_WHEN = "always"``). Empty when ``NEWSCRAWL_HEALTH_ENABLED`` or
    ``NEWSCRAWL_RUN_STATS`` is off."""

    def __init__(self, *args: Any, crawler: Any = None, **kwargs: Any) -> None:
        settings = crawler.settings
        checks: list[type[Any]] = []
        alerts: list[type[Action]] = []
        if settings.getbool("NEWSCRAWL_HEALTH_ENABLED") and settings.getbool("NEWSCRAWL_RUN_STATS"):
            for monitor, _, _, setting in BUILTINS:
                if (setting is None or settings.get(setting)) and monitor not in checks:
                    checks.append(monitor)
            checks += [monitor_for(check) for check in table(settings)]
            alerts = configured_actions(settings)
        always = str(settings.get("NEWSCRAWL_ALERT_WHEN") or "").lower() == "always"
        super().__init__(
            *args,
            monitors=checks,
            monitors_finished_actions=[HealthVerdict, *alerts] if always else [HealthVerdict],
            monitors_failed_actions=[] if always else alerts,
            crawler=crawler,
            **kwargs,
        )
        for monitor in self.all_monitors:
            monitor.skip_rules = {monitor.monitor_name: [not_checked]}


def builtin_finding(item: Any, stats: Mapping[str, Any]) -> Figures:
    """The run-wide failure of a failed Spidermon built-in."""
    lines = (item.error or "").strip().splitlines()
    message = getattr(item, "reason", None) or (lines[-1] if lines else "monitor failed")
    for monitor, check, key, _ in BUILTINS:
        if isinstance(item.item, monitor):
            shown = {k: v for k, v in sorted(stats.items()) if k.startswith(key)}
            return {
                "edition": "all",
                "check": check,
                "level": FAIL,
                "message": str(message),
                "figures": shown,
            }
    return {
        "edition": "all",
        "check": str(item.item.monitor_name),
        "level": FAIL,
        "message": str(message),
        "figures": {},
    }


class HealthVerdict(Action):
    """Puts the verdict into the stats, logs it, sets the exit status (see the module
    docstring); hands the alert text to the next actions as ``data.meta``."""

    def run_action(self) -> None:
        stats, spider = self.data.crawler.stats, self.data.spider
        self.alert: dict[str, str] = {}
        if not self.result.monitor_results:
            return
        findings: list[Figures] = []
        for item in self.result.monitor_results:
            if isinstance(item.item, EditionCheck):
                findings += getattr(item.item, "findings", [])
                if item.status == "ERROR":
                    message = f"the check raised {item.error.strip().splitlines()[-1]}"
                    findings.append(
                        {
                            "edition": item.item.edition,
                            "check": item.item.check.name,
                            "level": FAIL,
                            "message": message,
                            "figures": {},
                        }
                    )
            elif item.status in ("FAIL", "ERROR"):
                findings.append(builtin_finding(item, self.data.stats))
        order = ("all", *EDITIONS)
        findings.sort(key=lambda f: order.index(f["edition"]) if f["edition"] in order else 9)
        failures = [f for f in findings if f["level"] == FAIL]
        warnings = [f for f in findings if f["level"] != FAIL]
        health = {"checked": True, "ok": not failures, "failures": failures, "warnings": warnings}
        stats.set_value(HEALTH_STAT, health)
        self.put_windows(stats)
        for entry in findings:
            log = spider.logger.error if entry["level"] == FAIL else spider.logger.warning
            title = "health check failed" if entry["level"] == FAIL else "health warning"
            log(
                "%s: edition %s, %s: %s %s",
                title,
                entry["edition"],
                entry["check"],
                entry["message"],
                entry["figures"],
            )
        if failures and not stats.get_value(EXIT_CODE_STAT):
            stats.set_value(EXIT_CODE_STAT, EXIT_HEALTH_FAILED)
        self.alert = alert(stats.get_stats(), spider.name)

    def put_windows(self, stats: Any) -> None:
        """Each crawled edition's ``window`` and ``trend`` (None unless a scheduled crawl)."""
        now = self.data.stats
        history = history_of(now, self.data.stats_history)
        hours = self.data.crawler.settings.getfloat("NEWSCRAWL_HEALTH_WINDOW_HOURS", 24.0)
        for edition in now.get("newscrawl/editions") or ():
            runs = window(now, history, hours)
            summed = add(counts(Of(run, edition)) for run in runs)
            shown = {"hours": hours, "runs": len(runs), **summed} if runs else None
            stats.set_value(f"newscrawl/{edition}/window", shown)
            judged = trend(Of(now, edition, history)) if runs else None
            stats.set_value(f"newscrawl/{edition}/trend", judged)

    def get_meta(self) -> dict[str, str]:
        return getattr(self, "alert", {})


def counts(of: Of) -> Figures:
    """What the stats file's ``window`` sums over the runs."""
    dropped = of.under("dropped/")
    return {
        "exported": of["exported"],
        "rejected": rejected(dropped),
        "requests": of["requests"],
        "errors": errors(of),
        "generic": of["layout/generic"],
        "dropped": dropped,
        "filled": of.under("filled/"),
    }


class StatsHistory(LocalStorageStatsHistoryCollector):
    """Spidermon's stats history (``spider.stats_history``, ``SPIDERMON_MAX_STORED_STATS``
    runs, newest first) kept in ``<NEWSCRAWL_OUTPUT_DIR>/stats/<spider>_stats_history`` instead
    of a ``.scrapy`` folder found from a ``scrapy.cfg`` (none under Scrapyd); nothing is stored
    when ``NEWSCRAWL_RUN_STATS`` is off (``scrapy check``)."""

    def _stats_location(self, spider: Spider) -> Path:
        output = spider.crawler.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
        return Path(output, "stats", f"{spider.name}_stats_history")

    def _persist_stats(self, stats: Any, spider: Spider | None = None) -> None:
        spider = spider or self._crawler.spider
        if spider.crawler.settings.getbool("NEWSCRAWL_RUN_STATS", True):
            self._stats_location(spider).parent.mkdir(parents=True, exist_ok=True)
            super()._persist_stats(stats, spider)
