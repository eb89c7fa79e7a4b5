"""The alerts of the health verdict: its wording, an e-mail over SMTP, a JSON report file, and
which of those and of Spidermon's own Slack and Telegram actions the settings turn on.

Slack and Telegram are Spidermon's ``SendSlackMessage`` and ``SendTelegramMessage`` as they
are, with their ``SPIDERMON_SLACK_MESSAGE`` / ``SPIDERMON_TELEGRAM_MESSAGE`` templates set in
``settings.py`` to the text the verdict action hands on in ``data.meta``. E-mail is this
project's small action over the standard library's ``smtplib`` rather than Spidermon's
``SendSmtpEmail``, which insists on a user and a password (a local relay has none) and hands
the message to Twisted's mail sender without waiting, so a mail sent as the crawl closes can be
lost when the reactor stops (its other e-mail action needs Amazon SES). Sending here is
synchronous and bounded by ``NEWSCRAWL_ALERT_SMTP_TIMEOUT``; a failure to send is logged by
Spidermon as an action error and changes nothing in the run's health.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings
from spidermon.contrib.actions.slack import SendSlackMessage
from spidermon.contrib.actions.telegram import SendTelegramMessage
from spidermon.core.actions import Action

HEALTH_STAT = "newscrawl/health"


def alert(stats: dict[str, Any], spider: str) -> dict[str, str]:
    """The subject and text of one run's alert, from its stats (the verdict included)."""
    health = stats.get(HEALTH_STAT) or {}
    failures = health.get("failures") or []
    run_id = stats.get("newscrawl/run_id", "?")
    checks = ", ".join(f"{f['edition']} {f['check']}" for f in failures)
    verdict = f"health check failed ({checks})" if failures else "healthy"
    subject = f"newscrawl {spider} run {run_id}: {verdict}"
    lines = [
        f"Run {run_id} (mode {stats.get('newscrawl/mode') or '-'}, finish reason "
        f"{stats.get('finish_reason', '?')}).",
        "",
    ]
    if failures:
        lines.append(f"{len(failures)} failed health check(s):")
    else:
        lines.append("Every health check passed.")
    for failure in failures:
        figures = json.dumps(failure["figures"], sort_keys=True, ensure_ascii=False, default=str)
        lines.append(
            f"- edition {failure['edition']}, check {failure['check']}: "
            f"{failure['message']}; figures: {figures}"
        )
    lines += ["", "Per edition: found / exported / requests"]
    for code in stats.get("newscrawl/editions") or ():
        got = [stats.get(f"newscrawl/{code}/{key}", 0) for key in ("found", "exported", "requests")]
        lines.append(f"  {code}: {' / '.join(map(str, got))}")
    return {"health_subject": subject, "health_text": subject + "\n\n" + "\n".join(lines) + "\n"}


class SmtpEmailAlert(Action):
    """E-mails the alert through an SMTP server (``SPIDERMON_EMAIL_TO``,
    ``SPIDERMON_SMTP_HOST``; see the module docstring)."""

    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.smtp = options

    @classmethod
    def from_crawler_kwargs(cls, crawler: Any) -> dict[str, Any]:
        settings = crawler.settings
        use_ssl = settings.getbool("SPIDERMON_SMTP_ENFORCE_SSL")
        return {
            "to": [address.strip() for address in settings.getlist("SPIDERMON_EMAIL_TO")],
            "host": settings.get("SPIDERMON_SMTP_HOST"),
            "port": settings.getint("SPIDERMON_SMTP_PORT") or (465 if use_ssl else 25),
            "sender": settings.get("SPIDERMON_EMAIL_SENDER") or "newscrawl@localhost",
            "subject": settings.get("SPIDERMON_EMAIL_SUBJECT") or None,
            "user": settings.get("SPIDERMON_SMTP_USER") or None,
            "password": settings.get("SPIDERMON_SMTP_PASSWORD") or None,
            "starttls": settings.getbool("SPIDERMON_SMTP_ENFORCE_TLS"),
            "use_ssl": use_ssl,
            "timeout": settings.getfloat("NEWSCRAWL_ALERT_SMTP_TIMEOUT", 30.0),
        }

    def run_action(self) -> None:
        o, text = self.smtp, self.data.meta
        message = EmailMessage()
        message["Subject"] = o["subject"] or text["health_subject"]
        message["From"], message["To"] = o["sender"], ", ".join(o["to"])
        message.set_content(text["health_text"])
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if o["use_ssl"]:
            smtp = smtplib.SMTP_SSL(o["host"], o["port"], timeout=o["timeout"], context=context)
        else:
            smtp = smtplib.SMTP(o["host"], o["port"], timeout=o["timeout"])
        with smtp:
            if o["starttls"] and not o["use_ssl"]:
                smtp.starttls(context=context)
            if o["user"]:
                smtp.login(o["user"], o["password"] or "")
            smtp.send_message(message)


class ReportFileAlert(Action):
    """Writes the verdict as JSON to ``NEWSCRAWL_ALERT_REPORT_FILE`` (``{run_id}`` and
    ``{output_dir}`` are filled in)."""

    def __init__(self, *, path: str, output_dir: str) -> None:
        super().__init__()
        self.path, self.output_dir = path, output_dir

    @classmethod
    def from_crawler_kwargs(cls, crawler: Any) -> dict[str, Any]:
        return {
            "path": crawler.settings.get("NEWSCRAWL_ALERT_REPORT_FILE"),
            "output_dir": crawler.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output",
        }

    def run_action(self) -> None:
        stats = self.data.crawler.stats.get_stats()
        run_id = stats.get("newscrawl/run_id", "run")
        health = stats.get(HEALTH_STAT) or {}
        report = {
            "run_id": run_id,
            "ok": health.get("ok"),
            "subject": self.data.meta["health_subject"],
            "failures": health.get("failures", []),
            "text": self.data.meta["health_text"],
        }
        path = Path(self.path.format(run_id=run_id, output_dir=self.output_dir))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _given(settings: BaseSettings, *names: str) -> bool:
    return all(settings.get(name) not in (None, "", []) for name in names)


def configured_actions(settings: BaseSettings) -> list[type[Action]]:
    """The alert actions whose settings are given, in the order they run."""
    chosen: list[tuple[bool, type[Action]]] = [
        (_given(settings, "SPIDERMON_EMAIL_TO", "SPIDERMON_SMTP_HOST"), SmtpEmailAlert),
        (
            _given(settings, "SPIDERMON_SLACK_RECIPIENTS", "SPIDERMON_SLACK_SENDER_TOKEN"),
            SendSlackMessage,
        ),
        (
            _given(settings, "SPIDERMON_TELEGRAM_RECIPIENTS", "SPIDERMON_TELEGRAM_SENDER_TOKEN"),
            SendTelegramMessage,
        ),
        (_given(settings, "NEWSCRAWL_ALERT_REPORT_FILE"), ReportFileAlert),
    ]
    return [action for given, action in chosen if given]
