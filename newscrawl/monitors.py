"""The run's health (README, "Health checks"): a Spidermon suite that Spidermon's own extension
runs at ``spider_closed``, per-edition monitors generated from one table (:func:`table`) that read
the stats and Spidermon's stats history; the first action, :class:`HealthVerdict`, writes the
verdict, the alert actions follow."""

from __future__ import annotations

import itertools
import json
import logging
import smtplib
import ssl
import statistics
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Spider
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import BaseSettings
from spidermon import MonitorSuite, monitors
from spidermon.contrib.actions.slack import SendSlackMessage
from spidermon.contrib.actions.telegram import SendTelegramMessage
from spidermon.contrib.scrapy import monitors as stock
from spidermon.contrib.stats.statscollectors import local_storage
from spidermon.core.actions import Action
from spidermon.exceptions import SkipAction

from newscrawl.run import EXIT_HEALTH_FAILED, KNOWN_LAYOUTS, set_exit_code
from newscrawl.site import LANGUAGES as EDITIONS

# Spidermon's runner logs through Spider.log(), deprecated since Scrapy 2.13: its warning would
# be the one line a healthy run prints at LOG_LEVEL=WARNING
warnings.filterwarnings("ignore", r"Spider\.log\(\)", ScrapyDeprecationWarning, "spidermon")
HEALTH_STAT = "newscrawl/health"
FAIL, WARN = "fail", "warn"
COVERAGE = {"url": 1.0, "title": 1.0, "body": 1.0, "published_at": 1.0, "category": 0.9}
COVERAGE |= {"images": 0.5, "tags": 0.5}
DAY = timedelta(days=1)
Figures = dict[str, Any]


def started(stats: Mapping[str, Any]) -> datetime:
    moment = stats.get("start_time") or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def scheduled(stats: Mapping[str, Any]) -> bool:
    """Whether a run counts in the windows and the trend: a scheduled crawl."""
    return bool(stats.get("newscrawl/scheduled")) and stats.get("newscrawl/kind") == "crawl"


class Of:
    """One edition's figures in one run: ``of["requests"]`` is the stat
    ``newscrawl/<ed>/requests`` (0 when unset), or one of :data:`DERIVED` or of the trend."""

    def __init__(self, stats: Mapping[str, Any], edition: str, history: Sequence[Any] = ()):
        self.stats, self.edition, self.history = stats, edition, history

    def __getitem__(self, key: str) -> Any:
        if key in DERIVED:
            return DERIVED[key](self)
        if key in ("last_24h", "median_7d", "days"):
            return self.trend[key]
        return self.stats.get(f"newscrawl/{self.edition}/{key}") or 0

    def under(self, part: str) -> dict[str, Any]:
        start = f"newscrawl/{self.edition}/{part}"
        return {k[len(start) :]: v for k, v in self.stats.items() if k.startswith(start)}

    @cached_property
    def trend(self) -> Figures:
        """New articles of the scheduled crawls in the last 24 h and per day the 7 days before."""
        days = [0] * 8
        for stats in [self.stats, *self.history]:
            if 0 <= (age := (started(self.stats) - started(stats)) // DAY) < 8:
                days[age] += Of(stats, self.edition)["new"]
        return {"last_24h": days[0], "median_7d": statistics.median(days[1:]), "days": days[1:]}


#: Figures computed from several stats (``errors/transient`` is a sub-total of the others;
#: duplicates are the dedup doing its job, not rejects that show a problem).
DERIVED = {
    "errors": lambda of: sum(n for k, n in of.under("errors/").items() if k != "transient"),
    "by_reason": lambda of: of.under("dropped/"),
    "rejected": lambda of: sum(
        n for reason, n in of["by_reason"].items() if not reason.startswith("duplicate")
    ),
    "handled": lambda of: of["rejected"] + of["exported"],
    "hole_age": lambda of: of["holes/oldest_hours"] if of["holes"] else None,
    "fallbacks": lambda of: sum(
        n for k, n in of.under("layout/").items() if k not in KNOWN_LAYOUTS
    ),
}


@dataclass(frozen=True)
class Check:
    """One row of the health table: the figures read (``stats``, space-separated); the value
    judged, part / whole (``value``, else the figures read); a problem above (``below``: under)
    the ``fail`` / ``warn`` limit (a setting or a number); a run under ``sample`` = (setting,
    figure) is judged on the window (unless ``window`` is off) or not at all; ``message``,
    formatted with the figures, ``value``, ``limit``, ``word`` and ``fail``."""

    name: str
    stats: str
    message: str
    value: str = ""
    fail: str | float | None = None
    warn: str | float | None = None
    below: bool = False
    sample: tuple[str, str] | None = None
    window: bool = True
    #: (figure, message): the message instead when that figure is set (the cause is known).
    instead: tuple[str, str] | None = None

    def read(self, of: Of) -> Figures:
        return {name: of[name] for name in self.stats.split()}

    def judged(self, figures: Figures) -> float | None:
        part, whole = [*(figures[name] for name in (self.value or self.stats).split()), 1][:2]
        return None if part is None or not whole else float(part) / whole


RATE = "({value:.1%}, {word} {limit:.0%})"
MIN_ARTICLES, WINDOW_HOURS = "NEWSCRAWL_HEALTH_MIN_ARTICLES", "NEWSCRAWL_HEALTH_WINDOW_HOURS"


def table(settings: BaseSettings) -> list[Check]:
    """The health checks in the order they run (coverage: each field given a minimum)."""
    minimums = {**COVERAGE, **settings.getdict("NEWSCRAWL_HEALTH_COVERAGE")}
    coverage = "{field} filled in {{value:.1%}} of {{exported}} articles, expected {{limit:.0%}}"
    return [
        Check(
            "firewall", "firewall_stopped", "edition stopped by firewall challenge pages", fail=0.0
        ),
        Check(
            "items",
            "found feed_pages",
            "found {found} articles, expected at least {limit:g}",
            value="found",
            fail="NEWSCRAWL_HEALTH_MIN_FOUND",
            below=True,
            instead=("unreachable", "site unreachable: {unreachable}"),
        ),
        *(
            Check(
                f"coverage:{field}",
                f"filled/{field} exported",
                coverage.format(field=field),
                fail=minimum,
                below=True,
                sample=(MIN_ARTICLES, "exported"),
            )
            for field, minimum in minimums.items()
        ),
        Check(
            "error_rate",
            "errors requests",
            "{errors} of {requests} requests failed " + RATE,
            fail="NEWSCRAWL_HEALTH_MAX_ERROR_RATE",
            warn="NEWSCRAWL_HEALTH_WARN_ERROR_RATE",
            sample=("NEWSCRAWL_HEALTH_MIN_REQUESTS", "requests"),
        ),
        Check(
            "reject_rate",
            "rejected exported handled by_reason",
            "{rejected} of {handled} articles rejected " + RATE,
            value="rejected handled",
            fail="NEWSCRAWL_HEALTH_MAX_REJECT_RATE",
            warn="NEWSCRAWL_HEALTH_WARN_REJECT_RATE",
            sample=(MIN_ARTICLES, "handled"),
        ),
        Check(
            "fallback_share",
            "fallbacks exported",
            "{value:.0%} of {exported} articles by fallback layouts (site changed?): no known "
            "layout matched, warn level {limit:.0%}",
            warn="NEWSCRAWL_HEALTH_MAX_FALLBACK_SHARE",
            sample=("NEWSCRAWL_HEALTH_MIN_FALLBACK_ARTICLES", "exported"),
        ),
        Check(
            "trend",
            "last_24h median_7d days",
            "{last_24h} new articles in the last 24 h against a median of {median_7d:g} a "
            "day over the 7 days before ({word} {limit:.0%} of it)",
            value="last_24h median_7d",
            warn="NEWSCRAWL_HEALTH_TREND_MIN_SHARE",
            below=True,
            sample=("NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN", "median_7d"),
            window=False,
        ),
        Check(
            "gave_up",
            "gave_up",
            "{gave_up} article URL(s) given up in this run after failing in "
            "NEWSCRAWL_URL_FAILURE_RUNS runs (the stats file lists them)",
            warn=0.0,
        ),
        Check(
            "holes",
            "holes hole_age",
            "{holes} feed range(s) not walked yet, the oldest open for {hole_age:.1f} h "
            "(fails after {fail:g} h)",
            value="hole_age",
            fail="NEWSCRAWL_HOLE_MAX_AGE_HOURS",
            warn=-1.0,
        ),
    ]


#: Spidermon's own monitors: check name, stats shown, the settings of which any adds it.
BUILTINS: dict[type[Any], tuple[str, str, tuple[str, ...]]] = {
    stock.FinishReasonMonitor: ("finish_reason", "finish_reason", ()),
    stock.ErrorCountMonitor: ("log_errors", "log_count/ERROR", ("SPIDERMON_MAX_ERRORS",)),
    stock.UnwantedHTTPCodesMonitor: (
        "http_codes",
        "downloader/response_status_count/",
        ("SPIDERMON_UNWANTED_HTTP_CODES_MAX_COUNT", "SPIDERMON_UNWANTED_HTTP_CODES"),
    ),
    stock.DownloaderExceptionMonitor: (
        "downloader_exceptions",
        "downloader/exception_count",
        ("SPIDERMON_MAX_DOWNLOADER_EXCEPTIONS",),
    ),
    stock.RetryCountMonitor: ("retries", "retry/max_reached", ("SPIDERMON_MAX_RETRIES",)),
}


def add(figures: Iterable[Figures]) -> Figures:
    """Figures of several runs summed (a dict figure key by key)."""
    total: Figures = {}
    for one in figures:
        for key, value in one.items():
            if isinstance(value, dict):
                total[key] = dict(Counter(total.get(key, {})) + Counter(value))
            else:
                total[key] = total.get(key, 0) + (value or 0)
    return total


def history_of(stats: Mapping[str, Any], history: Iterable[Any]) -> list[Any]:
    """The scheduled crawls of the 8 days before a scheduled crawl (the history is newest
    first: reading stops at the first older run)."""
    since = started(stats) - 8 * DAY
    recent = itertools.takewhile(lambda earlier: started(earlier) >= since, history)
    return [earlier for earlier in recent if scheduled(earlier)] if scheduled(stats) else []


def window(of: Of, hours: float) -> list[Any]:
    """This run and the scheduled crawls of the ``hours`` before it (none for other runs)."""
    since = started(of.stats) - timedelta(hours=hours)
    earlier = [stats for stats in of.history if started(stats) > since]
    return [of.stats, *earlier] if scheduled(of.stats) else []


def judge(check: Check, settings: BaseSettings, of: Of) -> list[Figures]:
    """The findings of one check for one edition: none, a warning or a failure."""
    figures, scope = check.read(of), ""
    run_value = value = check.judged(figures)
    if check.sample and figures[check.sample[1]] < settings.getfloat(check.sample[0]):
        hours = settings.getfloat(WINDOW_HOURS)
        runs = window(of, hours) if check.window else []
        figures = add(check.read(Of(stats, of.edition)) for stats in runs)
        if not runs or figures[check.sample[1]] < settings.getfloat(check.sample[0]):
            return []
        value, scope = check.judged(figures), f"last {hours:g} h, {len(runs)} runs"
    fail, warn = (
        settings.getfloat(x) if isinstance(x, str) else x for x in (check.fail, check.warn)
    )

    def past(limit: float | None, value: float | None) -> bool:
        if limit is None or value is None:
            return False
        return value < limit if check.below else value > limit

    level = FAIL if past(fail, value) else WARN if past(warn, value) else None
    if level is None:
        return []
    limit, word = (fail, "limit") if level == FAIL else (warn, "warn level")
    message = check.message.format(**figures, value=value, limit=limit, word=word, fail=fail)
    if check.instead is not None and (cause := of[check.instead[0]]):
        message = check.instead[1].format_map({check.instead[0]: cause})
    if scope:  # a window's breach fails only when this run is past the limit too
        figures, message = {**figures, "scope": scope}, f"{message} ({scope})"
        level = level if past(fail, run_value) else WARN
    return [finding(of.edition, check.name, level, message, figures)]


def finding(edition: str, check: str, level: str, message: str, figures: Figures) -> Figures:
    return dict(edition=edition, check=check, level=level, message=message, figures=figures)


class EditionCheck(stock.BaseScrapyMonitor):
    """Base of the generated monitors: one row of the table, a test method per edition."""

    check: ClassVar[Check]

    @property
    def edition(self) -> str:
        return str(self._testMethodName).removeprefix("test_")

    def judge_edition(self) -> None:
        if self.edition not in (self.stats.get("newscrawl/editions") or ()):
            self.skipTest("edition not crawled")
        of = Of(self.stats, self.edition, history_of(self.stats, self.data.stats_history))
        self.findings = found = judge(self.check, self.crawler.settings, of)
        if failed := [f"check {f['check']}: {f['message']}" for f in found if f["level"] == FAIL]:
            self.fail(f"edition {self.edition}, " + "; ".join(failed))


def monitor_for(check: Check) -> type[EditionCheck]:
    """The Spidermon monitor of one row of the table."""
    tests = {
        f"test_{e}": monitors.name(f"edition {e}")(lambda self: self.judge_edition())
        for e in EDITIONS
    }
    generated = type(f"Check_{check.name}", (EditionCheck,), {"check": check, **tests})
    return monitors.name(f"check {check.name}")(generated)  # type: ignore[no-any-return]


class SpidermonDetail(logging.Filter):
    """Spidermon's report of the failed checks (a traceback each) is DEBUG detail: the verdict
    logs one line per failed check (a filter on the spider's logger, which Spidermon logs to)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG and str(record.msg).startswith("[Spidermon] \n"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


SPIDERMON_DETAIL = SpidermonDetail()


class HealthSuite(MonitorSuite):
    """The health checks (``SPIDERMON_SPIDER_CLOSE_MONITORS``): Spidermon's finish-reason
    monitor, the built-ins whose setting is given, the generated ones; then the verdict and the
    alerts (on failure only; ``NEWSCRAWL_ALERT_WHEN = "warning"``: on a warning too, ``"always"``:
    on every run). Empty when ``NEWSCRAWL_HEALTH_ENABLED`` or ``NEWSCRAWL_RUN_STATS`` is off."""

    def __init__(self, *args: Any, crawler: Any = None, **kwargs: Any) -> None:
        settings, checks, alerts = crawler.settings, [], []
        if settings.getbool("NEWSCRAWL_HEALTH_ENABLED") and settings.getbool("NEWSCRAWL_RUN_STATS"):
            checks = [
                monitor
                for monitor, (_, _, names) in BUILTINS.items()
                if not names or any(settings.get(name) for name in names)
            ]
            checks += [monitor_for(check) for check in table(settings)]
            alerts = configured_actions(settings)
        when = str(settings.get("NEWSCRAWL_ALERT_WHEN")).lower()
        if when == "warning":
            alerts = [type(a.__name__, (a,), {"run_action": _when_warned(a)}) for a in alerts]
        always = when in ("always", "warning")
        super().__init__(
            *args,
            monitors=checks,
            monitors_finished_actions=[HealthVerdict, *(alerts if always else [])],
            monitors_failed_actions=[] if always else alerts,
            crawler=crawler,
            **kwargs,
        )
        if name := getattr(crawler.spider, "name", None):  # the spider's logger
            logging.getLogger(name).addFilter(SPIDERMON_DETAIL)
        # a run that found the state locked or unusable is not judged (its one line says why)
        unjudged = [("finish_reason", "==", r) for r in ("state_locked", "state_unreadable")]
        for monitor in self.all_monitors:
            monitor.skip_rules = {monitor.monitor_name: unjudged}


def _when_warned(action: type[Action]) -> Any:
    """``action.run_action`` skipped when the verdict has neither failure nor warning."""

    def run_action(self: Action) -> None:
        health = self.data.crawler.stats.get_value(HEALTH_STAT) or {}
        if health.get("ok", True) and not health.get("warnings"):
            raise SkipAction("healthy, no warnings")
        action.run_action(self)

    return run_action


class HealthVerdict(Action):
    """Puts the verdict into the stats, logs it, sets the exit status (see the module
    docstring); hands the alert's text to the next actions in ``data.meta``."""

    def run_action(self) -> None:
        stats, spider, findings = self.data.crawler.stats, self.data.spider, list[Figures]()
        for item in self.result.monitor_results:
            monitor, lines = item.item, (item.error or "failed").strip().splitlines()
            if isinstance(monitor, EditionCheck):
                findings += getattr(monitor, "findings", [])
                if item.status == "ERROR":
                    raised = f"the check raised {lines[-1]}"
                    findings.append(finding(monitor.edition, monitor.check.name, FAIL, raised, {}))
            elif item.status in ("FAIL", "ERROR"):
                message = str(getattr(item, "reason", None) or lines[-1])
                check, key, _ = BUILTINS.get(type(monitor), (str(monitor.monitor_name), "-", ()))
                shown = {k: v for k, v in sorted(self.data.stats.items()) if k.startswith(key)}
                findings.append(finding("all", check, FAIL, message, shown))
        if not self.result.monitor_results:
            return
        findings.sort(key=lambda f: ("all", *EDITIONS).index(f["edition"]))
        failures = [f for f in findings if f["level"] == FAIL]
        warnings = [f for f in findings if f["level"] != FAIL]
        health = {"checked": True, "ok": not failures, "failures": failures, "warnings": warnings}
        stats.set_value(HEALTH_STAT, health)
        now, hours = self.data.stats, self.data.crawler.settings.getfloat(WINDOW_HOURS)
        for edition in now.get("newscrawl/editions") or ():  # window, trend: None if unscheduled
            this = Of(now, edition, history_of(now, self.data.stats_history))
            runs = [Of(run, edition) for run in window(this, hours)]
            summed = add(
                {key: of[key] for key in ("exported", "rejected", "requests", "errors")}
                | {"generic": of["layout/generic"], "dropped": of["by_reason"]}
                | {"filled": of.under("filled/")}
                for of in runs
            )
            figures = {"hours": hours, "runs": len(runs), **summed} if runs else None
            stats.set_value(f"newscrawl/{edition}/window", figures)
            stats.set_value(f"newscrawl/{edition}/trend", this.trend if runs else None)
        for f in findings:
            failed = f["level"] == FAIL
            log = spider.logger.error if failed else spider.logger.warning
            title = "health check failed" if failed else "health warning"
            values = [f[key] for key in ("edition", "check", "message", "figures")]
            log("%s: edition %s, %s: %s %s", title, *values)
        if failures:
            set_exit_code(self.data.crawler, EXIT_HEALTH_FAILED)
        self.alert = alert(stats.get_stats(), spider.name)

    def get_meta(self) -> dict[str, str]:
        return getattr(self, "alert", {})


class StatsHistory(local_storage.LocalStorageStatsHistoryCollector):
    """Spidermon's stats history (``spider.stats_history``, newest first) of the scheduled
    crawls only, in ``<NEWSCRAWL_OUTPUT_DIR>/stats/<spider>_stats_history`` (not in a
    ``.scrapy`` folder found from a ``scrapy.cfg``: there is none under Scrapyd)."""

    def _stats_location(self, spider: Spider) -> Path:
        output = spider.crawler.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
        return Path(output, "stats", f"{spider.name}_stats_history")

    def _persist_stats(self, stats: Any, spider: Spider | None = None) -> None:
        spider = spider or self._crawler.spider
        # a run that found the state locked, or could not write, is left out
        unwritten = ("state_locked", "output_unwritable", "write_failed")
        wanted = scheduled(self._stats) and self._stats.get("finish_reason") not in unwritten
        if wanted and spider.crawler.settings.getbool("NEWSCRAWL_RUN_STATS"):
            self._stats_location(spider).parent.mkdir(parents=True, exist_ok=True)
            super()._persist_stats(stats, spider)


def alert(stats: dict[str, Any], spider: str) -> dict[str, str]:
    """The subject and text of one run's alert, from its stats (the verdict included)."""
    health = stats.get(HEALTH_STAT) or {}
    failures, warned = health.get("failures") or [], health.get("warnings") or []
    run_id = stats.get("newscrawl/run_id", "?")
    subject = f"newscrawl {spider} run {run_id}: "
    if failures or warned:
        checks = ", ".join(f"{f['edition']} {f['check']}" for f in failures or warned)
        subject += f"health check failed ({checks})" if failures else f"health warning ({checks})"
    else:
        subject += "healthy"
    mode, reason = stats.get("newscrawl/mode") or "-", stats.get("finish_reason", "?")
    lines = [f"Run {run_id} (mode {mode}, finish reason {reason}).", ""]
    lines += [f"{len(failures)} failed health check(s):" if failures else "All checks passed."]
    for title, found in (("", failures), (f"{len(warned)} health warning(s):", warned)):
        lines += [title] if title and found else []
        for f in found:
            figures = json.dumps(f["figures"], sort_keys=True, ensure_ascii=False, default=str)
            where = f"edition {f['edition']}, check {f['check']}"
            lines.append(f"- {where}: {f['message']}; figures: {figures}")
    lines += ["", "Per edition: found / exported / requests"]
    for code in stats.get("newscrawl/editions") or ():
        got = (stats.get(f"newscrawl/{code}/{k}", 0) for k in ("found", "exported", "requests"))
        lines.append(f"  {code}: {' / '.join(map(str, got))}")
    return {"health_subject": subject, "health_text": f"{subject}\n\n" + "\n".join(lines) + "\n"}


class SmtpEmailAlert(Action):
    """E-mails the alert (``SPIDERMON_SMTP_*``, ``SPIDERMON_EMAIL_*``), synchronously: Spidermon's
    ``SendSmtpEmail`` needs a password (a local relay has none) and does not wait for Twisted,
    so a mail sent as the crawl closes can be lost when the reactor stops."""

    def run_action(self) -> None:
        settings, text = self.data.crawler.settings, self.data.meta
        get, use_ssl = settings.get, settings.getbool("SPIDERMON_SMTP_ENFORCE_SSL")
        message = EmailMessage()
        message["Subject"] = get("SPIDERMON_EMAIL_SUBJECT") or text["health_subject"]
        message["From"] = get("SPIDERMON_EMAIL_SENDER") or "newscrawl@localhost"
        message["To"] = ", ".join(a.strip() for a in settings.getlist("SPIDERMON_EMAIL_TO"))
        message.set_content(text["health_text"])
        host, port = get("SPIDERMON_SMTP_HOST"), settings.getint("SPIDERMON_SMTP_PORT")
        timeout = settings.getfloat("NEWSCRAWL_ALERT_SMTP_TIMEOUT", 30.0)
        context = ssl.create_default_context()
        with (
            smtplib.SMTP_SSL(host, port or 465, timeout=timeout, context=context)
            if use_ssl
            else smtplib.SMTP(host, port or 25, timeout=timeout)
        ) as smtp:
            if settings.getbool("SPIDERMON_SMTP_ENFORCE_TLS") and not use_ssl:
                smtp.starttls(context=context)
            if get("SPIDERMON_SMTP_USER"):
                smtp.login(get("SPIDERMON_SMTP_USER"), get("SPIDERMON_SMTP_PASSWORD") or "")
            smtp.send_message(message)


class ReportFileAlert(Action):
    """Writes the verdict as JSON to ``NEWSCRAWL_ALERT_REPORT_FILE`` (``{run_id}`` and
    ``{output_dir}`` filled in): ``run_id``, ``ok``, ``subject``, ``failures``, ``warnings``,
    ``text``."""

    def run_action(self) -> None:
        settings, stats = self.data.crawler.settings, self.data.crawler.stats.get_stats()
        run_id, health = stats.get("newscrawl/run_id", "run"), stats.get(HEALTH_STAT) or {}
        output_dir = settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
        name = settings["NEWSCRAWL_ALERT_REPORT_FILE"]
        path = Path(name.format(run_id=run_id, output_dir=output_dir))
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = self.data.meta
        report = {"run_id": run_id, "ok": health.get("ok"), "subject": meta["health_subject"]}
        report |= {"failures": health.get("failures", []), "warnings": health.get("warnings", [])}
        report |= {"text": meta["health_text"]}
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def configured_actions(settings: BaseSettings) -> list[type[Action]]:
    """The alert actions whose settings are given, in the order they run."""
    needs: dict[type[Action], tuple[str, ...]] = {
        SmtpEmailAlert: ("SPIDERMON_EMAIL_TO", "SPIDERMON_SMTP_HOST"),
        SendSlackMessage: ("SPIDERMON_SLACK_RECIPIENTS", "SPIDERMON_SLACK_SENDER_TOKEN"),
        SendTelegramMessage: ("SPIDERMON_TELEGRAM_RECIPIENTS", "SPIDERMON_TELEGRAM_SENDER_TOKEN"),
        ReportFileAlert: ("NEWSCRAWL_ALERT_REPORT_FILE",),
    }
    return [action for action, names in needs.items() if all(settings.get(n) for n in names)]
