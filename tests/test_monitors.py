"""The health suite as Spidermon runs it: Spidermon's finish-reason and opt-in built-in monitors
beside the generated ones, the verdict in the stats and the log, a monitor that raises reported
as a failure, a locked or disabled run not checked, the alert actions off until configured and
carrying the edition, the check and the figures, and Spidermon's stats history kept under the
output folder; the summary counts rejects from either signal."""

from __future__ import annotations

import json
import logging
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.settings import Settings
from spidermon.contrib.actions.slack import SendSlackMessage
from spidermon.contrib.actions.telegram import SendTelegramMessage

import newscrawl.monitors
from newscrawl.monitors import (
    Check,
    ReportFileAlert,
    SmtpEmailAlert,
    StatsHistory,
    configured_actions,
)
from newscrawl.site import LANGUAGES as EDITIONS
from tests.smtp_server import SmtpSink
from tests.test_health import crawler_for, edition, found, health, run_stats

FAILING = run_stats(edition("az"), edition("ru", found=0, exported=0, feed_pages=1))


def test_finish_reason_is_spidermons_own_monitor() -> None:
    verdict = health(run_stats(finish_reason="shutdown"))
    (failure,) = verdict["failures"]
    assert (failure["edition"], failure["check"]) == ("all", "finish_reason")
    assert failure["figures"] == {"finish_reason": "shutdown"}
    assert "shutdown" in failure["message"]


def test_optional_builtin_monitors_run_only_when_configured() -> None:
    errors: dict[str, Any] = {"log_count/ERROR": 3, "downloader/exception_count": 4}
    assert found(health(run_stats(**errors))) == set()
    configured = {"SPIDERMON_MAX_ERRORS": "1", "SPIDERMON_MAX_DOWNLOADER_EXCEPTIONS": "5"}
    verdict = health(run_stats(**errors), configured)
    assert [(f["edition"], f["check"], f["figures"]) for f in verdict["failures"]] == [
        ("all", "log_errors", {"log_count/ERROR": 3})
    ]


def test_failures_and_warnings_are_logged_one_line_each(caplog: pytest.LogCaptureFixture) -> None:
    stats = run_stats(edition("en", found=0, exported=0, **{"layout/generic": 0}))
    stats |= {"newscrawl/en/holes": 1, "newscrawl/en/holes/oldest_hours": 2.0}
    with caplog.at_level(logging.WARNING):
        health(stats)
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if "health" in r.getMessage()]
    lines = [(level, message) for level, message in lines if message.startswith("health")]
    assert lines == [
        (
            "ERROR",
            "health check failed: edition en, items: found 0 articles, expected at least "
            "1 {'found': 0, 'feed_pages': 5}",
        ),
        (
            "WARNING",
            "health warning: edition en, holes: 1 feed range(s) not walked yet, the "
            "oldest open for 2.0 h (fails after 24 h) {'holes': 1, 'hole_age': 2.0}",
        ),
    ]


def test_a_site_unreachable_is_the_failure_and_spidermons_tracebacks_are_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cause = "cannot resolve report.az (3 attempts, first at 21:19:06 UTC)"
    stats = run_stats(*(edition(e, found=0, exported=0, unreachable=cause) for e in EDITIONS))
    with caplog.at_level(logging.WARNING):
        verdict = health(stats)
    assert [(f["edition"], f["message"]) for f in verdict["failures"]] == [
        (e, f"site unreachable: {cause}") for e in EDITIONS
    ]
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(",")[0] for r in loud] == ["health check failed: edition az"] + [
        f"health check failed: edition {e}" for e in EDITIONS[1:]
    ]
    assert not any("Traceback" in r.getMessage() for r in loud)


def test_a_check_that_raises_is_a_failure_not_a_healthy_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        newscrawl.monitors.DERIVED, "boom", lambda of: dict[str, int]()["no such figure"]
    )
    real = newscrawl.monitors.table
    broken = Check("broken", "boom", "")
    monkeypatch.setattr(newscrawl.monitors, "table", lambda settings: [broken, *real(settings)])
    verdict = health(run_stats(edition("en")))
    assert verdict["ok"] is False
    (failure,) = verdict["failures"]
    assert (failure["edition"], failure["check"]) == ("en", "broken")
    assert "KeyError" in failure["message"]


def test_a_locked_or_disabled_run_is_not_checked() -> None:
    locked = run_stats(edition("en", found=0), finish_reason="state_locked")
    crawler = crawler_for()
    assert health(locked, crawler=crawler) == {}
    assert crawler.stats is not None and crawler.stats.get_value("newscrawl/exit_code") is None
    assert health(FAILING, {"NEWSCRAWL_HEALTH_ENABLED": False}) == {}
    assert health(FAILING, {"NEWSCRAWL_RUN_STATS": False}) == {}


def test_every_action_is_off_until_its_settings_are_given() -> None:
    assert configured_actions(Settings()) == []
    assert configured_actions(Settings({"SPIDERMON_EMAIL_TO": "a@example.org"})) == []
    everything = {
        "SPIDERMON_EMAIL_TO": "a@example.org",
        "SPIDERMON_SMTP_HOST": "127.0.0.1",
        "SPIDERMON_SLACK_SENDER_TOKEN": "xoxb-1",
        "SPIDERMON_SLACK_RECIPIENTS": "#crawls",
        "SPIDERMON_TELEGRAM_SENDER_TOKEN": "1:a",
        "SPIDERMON_TELEGRAM_RECIPIENTS": "42",
        "NEWSCRAWL_ALERT_REPORT_FILE": "/tmp/x.json",
    }
    assert configured_actions(Settings(everything)) == [
        SmtpEmailAlert,
        SendSlackMessage,
        SendTelegramMessage,
        ReportFileAlert,
    ]


def test_email_goes_out_on_failure_only() -> None:
    with SmtpSink() as smtp:
        settings = {
            "SPIDERMON_EMAIL_TO": "ops@example.org",
            "SPIDERMON_EMAIL_SENDER": "crawler@example.org",
            "SPIDERMON_SMTP_HOST": "127.0.0.1",
            "SPIDERMON_SMTP_PORT": smtp.port,
        }
        health(run_stats(), settings)
        assert smtp.received() == []
        health(FAILING, settings)
        (mail,) = smtp.wait_for(1)
    assert mail.rcpt_tos == ["ops@example.org"] and mail.mail_from == "crawler@example.org"
    assert "health check failed (ru items)" in mail.subject
    line = "- edition ru, check items: found 0 articles, expected at least 1; figures: "
    assert line + '{"feed_pages": 1, "found": 0}' in mail.text


#: en came mostly from fallback layouts (a redesign of its pages): a warning, not a failure.
WARNED = run_stats(edition("az"), edition("en", **{"layout/jsonld": 50, "layout/generic": 30}))


def test_a_warning_mail_goes_out_only_when_warning_alerts_are_on() -> None:
    with SmtpSink() as smtp:
        settings = {
            "SPIDERMON_EMAIL_TO": "ops@example.org",
            "SPIDERMON_SMTP_HOST": "127.0.0.1",
            "SPIDERMON_SMTP_PORT": smtp.port,
        }
        assert found(health(WARNED, settings)) == {("en", "fallback_share", "warn")}
        assert smtp.received() == []  # the default: failures only
        warning = {**settings, "NEWSCRAWL_ALERT_WHEN": "warning"}
        health(run_stats(), warning)
        assert smtp.received() == []  # a healthy run without warnings: nothing
        health(WARNED, warning)
        (mail,) = smtp.wait_for(1)
        health(FAILING, warning)
        assert len(smtp.wait_for(2)) == 2  # a failure still goes out
    assert "health warning (en fallback_share)" in mail.subject
    text = mail.text.replace("\r\n", "\n")
    assert "All checks passed.\n1 health warning(s):\n- edition en, check fallback_share: " in text
    assert "80% of 100 articles by fallback layouts (site changed?)" in mail.text


def test_always_also_reports_a_healthy_run(tmp_path: Path) -> None:
    report = tmp_path / "alerts" / "health-{run_id}.json"
    settings = {"NEWSCRAWL_ALERT_REPORT_FILE": str(report), "NEWSCRAWL_ALERT_WHEN": "always"}
    health(run_stats(), settings)
    written = json.loads((tmp_path / "alerts" / "health-r1.json").read_text())
    assert written["ok"] is True and written["failures"] == []


def test_report_file_slack_and_telegram_carry_the_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = {
        "NEWSCRAWL_ALERT_REPORT_FILE": "{output_dir}/alerts/{run_id}.json",
        "NEWSCRAWL_OUTPUT_DIR": str(tmp_path),
        "SPIDERMON_SLACK_FAKE": True,
        "SPIDERMON_SLACK_SENDER_TOKEN": "xoxb-test",
        "SPIDERMON_SLACK_SENDER_NAME": "newscrawl",
        "SPIDERMON_SLACK_RECIPIENTS": "#crawls",
        "SPIDERMON_TELEGRAM_FAKE": True,
        "SPIDERMON_TELEGRAM_SENDER_TOKEN": "1:test",
        "SPIDERMON_TELEGRAM_RECIPIENTS": "42",
    }
    with caplog.at_level(logging.INFO):
        verdict = health(
            run_stats(edition("az", requests=100, **{"errors/http_500": 30})), settings
        )
    assert found(verdict) == {("az", "error_rate", "fail")}
    report = json.loads((tmp_path / "alerts" / "r1.json").read_text())
    assert report["ok"] is False
    assert report["failures"][0]["figures"] == {"errors": 30, "requests": 100}
    line = "- edition az, check error_rate: 30 of 100 requests failed (30.0%, limit 5%); figures: "
    line += '{"errors": 30, "requests": 100}'
    assert line in report["text"]
    sent = [r.getMessage() for r in caplog.records if "spidermon.contrib.actions" in r.name]
    assert any(line in message for message in sent)  # Slack, as it is
    assert any("edition%20az%2C%20check%20error_rate" in message for message in sent)


def test_secrets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import newscrawl.settings

    monkeypatch.setenv("SPIDERMON_SMTP_PASSWORD", "from-env")
    monkeypatch.setenv("SPIDERMON_SLACK_SENDER_TOKEN", "xoxb-env")
    try:
        reloaded = importlib.reload(newscrawl.settings)
        assert reloaded.SPIDERMON_SMTP_PASSWORD == "from-env"  # type: ignore[attr-defined]
        settings = Settings({"SPIDERMON_SLACK_RECIPIENTS": "#crawls"})
        settings.setmodule(reloaded)
        assert configured_actions(settings) == [SendSlackMessage]
    finally:
        monkeypatch.delenv("SPIDERMON_SMTP_PASSWORD")
        monkeypatch.delenv("SPIDERMON_SLACK_SENDER_TOKEN")
        importlib.reload(newscrawl.settings)


def test_the_stats_history_keeps_scheduled_crawls_under_the_output_folder(tmp_path: Path) -> None:
    crawler = crawler_for({"NEWSCRAWL_OUTPUT_DIR": str(tmp_path), "SPIDERMON_MAX_STORED_STATS": 2})
    spider = Spider.from_crawler(crawler, name="report")
    crawler.spider = spider
    runs = [("crawl", "finished"), ("crawl", "finished"), ("reparse", "finished")]
    runs += [("crawl", "state_locked"), ("crawl", "shutdown")]
    for run, (kind, reason) in enumerate(runs):
        collector = StatsHistory(crawler)
        collector.open_spider()
        collector.set_stats({"run": run, "newscrawl/scheduled": True, "newscrawl/kind": kind})
        collector.set_value("finish_reason", reason)
        collector.close_spider(reason=reason)
    history = spider.stats_history  # type: ignore[attr-defined]
    assert isinstance(history, deque)
    assert [stats["run"] for stats in history] == [4, 1]  # no reparse, no locked run
    assert (tmp_path / "stats" / "report_stats_history").is_file()
    check = crawler_for({"NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "c"), "NEWSCRAWL_RUN_STATS": False})
    spider = Spider.from_crawler(check, name="report")
    check.spider = spider
    collector = StatsHistory(check)
    collector.open_spider()
    collector.close_spider(reason="finished")
    assert not (tmp_path / "c").exists()
