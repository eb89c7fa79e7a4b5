"""Spidermon actions that send the health verdict: e-mail over SMTP, Slack, Telegram, and a
JSON report file. Each is off unless its settings are given (:func:`configured_actions`).

E-mail is sent with the standard library's ``smtplib`` from an action reading Spidermon's own
``SPIDERMON_EMAIL_*`` / ``SPIDERMON_SMTP_*`` settings, rather than Spidermon's
``SendSmtpEmail``: that one needs ``premailer``, insists on a user and a password (a local
relay has none), and hands the message to Twisted without waiting, so a mail sent as the crawl
closes can be lost when the reactor stops. Sending here is synchronous, bounded by
``NEWSCRAWL_ALERT_SMTP_TIMEOUT``, and a failure to send is logged by Spidermon as an action
error without changing the run's health. Slack and Telegram are Spidermon's own actions with
the message replaced by the health verdict.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.parse
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from spidermon.contrib.actions.slack import SendSlackMessage
from spidermon.contrib.actions.telegram import SendTelegramMessage
from spidermon.core.actions import Action

from newscrawl.monitors.message import Alert, compose
from newscrawl.monitors.verdict import failures_of

#: Secrets read from the environment when not given as settings (a setting would be printed in
#: Scrapy's "Overridden settings" log line).
SECRETS = (
    "SPIDERMON_SMTP_PASSWORD",
    "SPIDERMON_SLACK_SENDER_TOKEN",
    "SPIDERMON_TELEGRAM_SENDER_TOKEN",
)


def secret(settings: BaseSettings, name: str) -> str | None:
    """A secret setting, else the environment variable of the same name."""
    return settings.get(name) or os.environ.get(name) or None


class HealthAlertMixin:
    """The verdict of the suite that runs the action, worded as an :class:`Alert`."""

    result: Any
    data: Any

    def alert(self) -> Alert:
        return compose(failures_of(self.result, self.data), self.data.get("summary") or {})


class SmtpEmailAlert(HealthAlertMixin, Action):
    """E-mails the alert through an SMTP server (``SPIDERMON_EMAIL_TO``,
    ``SPIDERMON_SMTP_HOST``)."""

    def __init__(
        self,
        *,
        to: list[str],
        host: str,
        port: int,
        sender: str,
        subject: str | None = None,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = 30.0,
    ) -> None:
        super().__init__()
        self.to, self.host, self.port, self.sender = to, host, port, sender
        self.subject, self.user, self.password = subject, user, password
        self.starttls, self.use_ssl, self.timeout = starttls, use_ssl, timeout

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        settings = crawler.settings
        use_ssl = settings.getbool("SPIDERMON_SMTP_ENFORCE_SSL")
        return {
            "to": [address.strip() for address in settings.getlist("SPIDERMON_EMAIL_TO")],
            "host": settings.get("SPIDERMON_SMTP_HOST"),
            "port": settings.getint("SPIDERMON_SMTP_PORT") or (465 if use_ssl else 25),
            "sender": settings.get("SPIDERMON_EMAIL_SENDER") or "newscrawl@localhost",
            "subject": settings.get("SPIDERMON_EMAIL_SUBJECT") or None,
            "user": settings.get("SPIDERMON_SMTP_USER") or None,
            "password": secret(settings, "SPIDERMON_SMTP_PASSWORD"),
            "starttls": settings.getbool("SPIDERMON_SMTP_ENFORCE_TLS"),
            "use_ssl": use_ssl,
            "timeout": settings.getfloat("NEWSCRAWL_ALERT_SMTP_TIMEOUT", 30.0),
        }

    def message(self) -> EmailMessage:
        alert = self.alert()
        message = EmailMessage()
        message["Subject"] = self.subject or alert.subject
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        message.set_content(alert.text)
        return message

    def run_action(self) -> None:
        message = self.message()
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


class SlackAlert(HealthAlertMixin, SendSlackMessage):
    """Spidermon's Slack action (``SPIDERMON_SLACK_*``) posting the alert text."""

    include_attachments = False

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().from_crawler_kwargs(crawler)
        kwargs["sender_token"] = secret(crawler.settings, "SPIDERMON_SLACK_SENDER_TOKEN")
        return kwargs

    def get_message(self) -> str:
        return self.alert().text

    def get_attachments(self) -> None:
        return None


class TelegramAlert(HealthAlertMixin, SendTelegramMessage):
    """Spidermon's Telegram action (``SPIDERMON_TELEGRAM_*``) sending the alert text.

    Spidermon puts the text into the request URL as it is and asks for Markdown: the text is
    sent as a preformatted block (check names have underscores) and percent-encoded here.
    """

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().from_crawler_kwargs(crawler)
        kwargs["sender_token"] = secret(crawler.settings, "SPIDERMON_TELEGRAM_SENDER_TOKEN")
        return kwargs

    def get_message(self) -> str:
        return urllib.parse.quote(f"```\n{self.alert().text}```", safe="")


class ReportFileAlert(HealthAlertMixin, Action):
    """Writes the verdict as JSON to ``NEWSCRAWL_ALERT_REPORT_FILE`` (``{run_id}`` and
    ``{output_dir}`` are filled in)."""

    def __init__(self, *, path: str, output_dir: str) -> None:
        super().__init__()
        self.path, self.output_dir = path, output_dir

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        return {
            "path": crawler.settings.get("NEWSCRAWL_ALERT_REPORT_FILE"),
            "output_dir": crawler.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output",
        }

    def run_action(self) -> None:
        summary = self.data.get("summary") or {}
        failures = failures_of(self.result, self.data)
        alert = compose(failures, summary)
        path = Path(
            self.path.format(run_id=summary.get("run_id", "run"), output_dir=self.output_dir)
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "run_id": summary.get("run_id"),
            "ok": not failures,
            "subject": alert.subject,
            "failures": [failure.as_dict() for failure in failures],
            "text": alert.text,
        }
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _given(settings: BaseSettings, *names: str) -> bool:
    return all(settings.get(name) not in (None, "", []) for name in names)


def configured_actions(settings: BaseSettings) -> list[type[Action]]:
    """The actions whose settings are given, in the order they run."""
    actions: list[type[Action]] = []
    if _given(settings, "SPIDERMON_EMAIL_TO", "SPIDERMON_SMTP_HOST"):
        actions.append(SmtpEmailAlert)
    fake_slack = settings.getbool("SPIDERMON_SLACK_FAKE")
    if _given(settings, "SPIDERMON_SLACK_RECIPIENTS") and (
        fake_slack or secret(settings, "SPIDERMON_SLACK_SENDER_TOKEN")
    ):
        actions.append(SlackAlert)
    fake_telegram = settings.getbool("SPIDERMON_TELEGRAM_FAKE")
    if _given(settings, "SPIDERMON_TELEGRAM_RECIPIENTS") and (
        fake_telegram or secret(settings, "SPIDERMON_TELEGRAM_SENDER_TOKEN")
    ):
        actions.append(TelegramAlert)
    if _given(settings, "NEWSCRAWL_ALERT_REPORT_FILE"):
        actions.append(ReportFileAlert)
    return actions
