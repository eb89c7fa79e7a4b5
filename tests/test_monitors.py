"""The health checks as a Spidermon suite: each monitor fails when it should and passes when it
should, failures come back in the ``health`` shape, the actions are off until configured and
send the edition, the check and the figures; the summary counts rejects from either signal."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl.monitors.actions import configured_actions
from newscrawl.monitors.suites import run_health
from tests.smtp_server import SmtpSink
from tests.test_health import figures


def crawler_with(settings: dict[str, Any] | None = None, **stats: Any) -> Crawler:
    crawler = get_crawler(Spider, settings or {})
    assert crawler.stats is not None
    crawler.stats.set_value("finish_reason", "finished")
    for key, value in stats.items():
        crawler.stats.set_value(key.replace("__", "/"), value)
    return crawler


def summary(**editions: dict[str, Any]) -> dict[str, Any]:
    return {
        "spider": "report",
        "run_id": "2025-10-23T21-00-00",
        "base_url": "https://report.az",
        "mode": "latest",
        "finish_reason": "finished",
        "editions": editions or {"az": figures(), "en": figures(), "ru": figures()},
    }


def checks(crawler: Crawler, run: dict[str, Any]) -> list[tuple[str, str]]:
    failures = run_health(crawler, Spider(name="report"), run)
    return [(f.edition, f.check) for f in failures]


def test_a_healthy_run_passes_every_monitor() -> None:
    assert checks(crawler_with(), summary()) == []


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"found": 0, "exported": 0}, "items"),
        ({"coverage": {**figures()["coverage"], "body": 0.9}}, "coverage:body"),
        ({"errors": 10, "requests": 100}, "error_rate"),
        ({"exported": 90, "dropped": {"no_body": 10}}, "reject_rate"),
    ],
)
def test_each_edition_monitor_fails_for_its_edition_only(
    changes: dict[str, Any], check: str
) -> None:
    run = summary(az=figures(), en=figures(**changes), ru=figures())
    assert checks(crawler_with(), run) == [("en", check)]


def test_finish_reason_and_firewall_come_from_the_stats() -> None:
    crawler = crawler_with(**{"newscrawl__en__firewall__stopped": 1})
    assert crawler.stats is not None
    crawler.stats.set_value("finish_reason", "shutdown")
    failures = run_health(crawler, Spider(name="report"), summary())
    assert [(f.edition, f.check) for f in failures] == [
        ("all", "finish_reason"),
        ("en", "firewall"),
    ]
    assert failures[0].figures == {"finish_reason": "shutdown"}
    assert "shutdown" in failures[0].message


def test_thresholds_are_read_from_the_settings() -> None:
    run = summary(en=figures(coverage={**figures()["coverage"], "tags": 0.8}))
    assert checks(crawler_with(), run) == []
    strict = crawler_with({"NEWSCRAWL_HEALTH_COVERAGE": {"tags": 0.9}})
    assert checks(strict, run) == [("en", "coverage:tags")]


def test_optional_builtin_monitors_run_only_when_configured() -> None:
    errors = {"log_count__ERROR": 3, "downloader__exception_count": 4}
    assert checks(crawler_with(**errors), summary()) == []
    configured = crawler_with(
        {"SPIDERMON_MAX_ERRORS": "1", "SPIDERMON_MAX_DOWNLOADER_EXCEPTIONS": "5"}, **errors
    )
    failures = run_health(configured, Spider(name="report"), summary())
    assert [(f.edition, f.check, f.figures) for f in failures] == [
        ("all", "log_errors", {"log_count/ERROR": 3})
    ]


def test_every_action_is_off_until_its_settings_are_given() -> None:
    assert configured_actions(Settings()) == []
    assert configured_actions(Settings({"SPIDERMON_EMAIL_TO": "a@example.org"})) == []
    names = [
        action.__name__
        for action in configured_actions(
            Settings(
                {
                    "SPIDERMON_EMAIL_TO": "a@example.org",
                    "SPIDERMON_SMTP_HOST": "127.0.0.1",
                    "SPIDERMON_SLACK_SENDER_TOKEN": "xoxb-1",
                    "SPIDERMON_SLACK_RECIPIENTS": "#crawls",
                    "SPIDERMON_TELEGRAM_SENDER_TOKEN": "1:a",
                    "SPIDERMON_TELEGRAM_RECIPIENTS": "42",
                    "NEWSCRAWL_ALERT_REPORT_FILE": "/tmp/x.json",
                }
            )
        )
    ]
    assert names == ["SmtpEmailAlert", "SlackAlert", "TelegramAlert", "ReportFileAlert"]


def test_email_goes_out_on_failure_only(tmp_path: Path) -> None:
    failing = summary(ru=figures(found=0, exported=0, feed_pages=1))
    with SmtpSink() as smtp:
        settings = {
            "SPIDERMON_EMAIL_TO": "ops@example.org",
            "SPIDERMON_EMAIL_SENDER": "crawler@example.org",
            "SPIDERMON_SMTP_HOST": "127.0.0.1",
            "SPIDERMON_SMTP_PORT": smtp.port,
        }
        checks(crawler_with(settings), summary())
        assert smtp.received() == []
        checks(crawler_with(settings), failing)
        (mail,) = smtp.wait_for(1)
    assert mail.rcpt_tos == ["ops@example.org"] and mail.mail_from == "crawler@example.org"
    assert "ru items" in mail.subject
    assert "edition ru, check items: found 0 articles, expected at least 1" in mail.text
    assert 'figures: {"feed_pages": 1, "found": 0}' in mail.text


def test_always_also_reports_a_healthy_run(tmp_path: Path) -> None:
    report = tmp_path / "alerts" / "health-{run_id}.json"
    settings = {"NEWSCRAWL_ALERT_REPORT_FILE": str(report), "NEWSCRAWL_ALERT_WHEN": "always"}
    checks(crawler_with(settings), summary())
    written = json.loads((tmp_path / "alerts" / "health-2025-10-23T21-00-00.json").read_text())
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
    run = summary(az=figures(errors=30, requests=100))
    with caplog.at_level(logging.INFO):
        assert checks(crawler_with(settings), run) == [("az", "error_rate")]
    report = json.loads((tmp_path / "alerts" / "2025-10-23T21-00-00.json").read_text())
    assert report["ok"] is False
    assert report["failures"][0]["figures"] == {"errors": 30, "requests": 100}
    line = 'edition az, check error_rate: 30 of 100 requests failed (30.0%, limit 5%); figures: {"errors": 30, "requests": 100}'
    assert line in report["text"]
    fake_messages = [
        r.getMessage() for r in caplog.records if "spidermon.contrib.actions" in r.name
    ]
    assert any(line in message for message in fake_messages)  # Slack, as it is
    assert any("edition%20az%2C%20check%20error_rate" in message for message in fake_messages)


def test_secrets_come_from_the_environment_not_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newscrawl.monitors.actions import SmtpEmailAlert, secret

    monkeypatch.setenv("SPIDERMON_SMTP_PASSWORD", "from-env")
    monkeypatch.setenv("SPIDERMON_SLACK_SENDER_TOKEN", "xoxb-env")
    settings = Settings({"SPIDERMON_SLACK_RECIPIENTS": "#crawls"})
    assert secret(settings, "SPIDERMON_SMTP_PASSWORD") == "from-env"
    assert [a.__name__ for a in configured_actions(settings)] == ["SlackAlert"]
    crawler = crawler_with({"SPIDERMON_EMAIL_TO": "a@example.org", "SPIDERMON_SMTP_HOST": "h"})
    assert SmtpEmailAlert.from_crawler_kwargs(crawler)["password"] == "from-env"
