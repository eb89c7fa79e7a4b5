"""The alerts of the health verdict: its wording, an e-mail over SMTP, a JSON report file, and
which of those and of Spidermon's own Slack and Telegram actions the settings turn on (their
``SPIDERMON_*_MESSAGE`` templates in ``settings.py`` send the text handed on in ``data.meta``).

E-mail is this small action over ``smtplib``, not Spidermon's ``SendSmtpEmail``: that one
insists on a user and a password (a local relay has none) and hands the mail to Twisted without
waiting, so a mail sent as the crawl closes can be lost when the reactor stops; Spidermon's
other e-mail action needs Amazon SES. Sending here is synchronous, bounded by
``NEWSCRAWL_ALERT_SMTP_TIMEOUT``; a failure to send is logged by Spidermon as an action error.
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
    failures = (stats.get(HEALTH_STAT) or {}).get("failures") or []
    run_id = stats.get("newscrawl/run_id", "?")
    checks = ", ".join(f"{f['edition']} {f['check']}" for f in failures)
    subject = f"newscrawl {spider} run {run_id}: "
    subject += f"health check failed ({checks})" if failures else "healthy"
    mode, reason = stats.get("newscrawl/mode") or "-", stats.get("finish_reason", "?")
    lines = [f"Run {run_id} (mode {mode}, finish reason {reason}).", ""]
    lines += [f"{len(failures)} failed health check(s):" if failures else "All checks passed."]
    for f in failures:
        figures = json.dumps(f["figures"], sort_keys=True, ensure_ascii=False, default=str)
        lines.append(f"- edition {f['edition']}, check {f['check']}: {f['message']}; "
                     f"figures: {figures}")  # fmt: skip
    lines += ["", "Per edition: found / exported / requests"]
    for code in stats.get("newscrawl/editions") or ():
        got = [
            str(stats.get(f"newscrawl/{code}/{k}", 0)) for k in ("found", "exported", "requests")
        ]
        lines.append(f"  {code}: {' / '.join(got)}")
    return {"health_subject": subject, "health_text": f"{subject}\n\n" + "\n".join(lines) + "\n"}


class SmtpEmailAlert(Action):
    """E-mails the alert through ``SPIDERMON_SMTP_HOST`` to ``SPIDERMON_EMAIL_TO`` (docstring
    of the module; ``SPIDERMON_SMTP_*`` and ``SPIDERMON_EMAIL_*`` as for Spidermon's own)."""

    def run_action(self) -> None:
        self.settings = self.data.crawler.settings
        get, text = self.settings.get, self.data.meta
        use_ssl, timeout = self.settings.getbool("SPIDERMON_SMTP_ENFORCE_SSL"), 30.0
        message = EmailMessage()
        message["Subject"] = get("SPIDERMON_EMAIL_SUBJECT") or text["health_subject"]
        message["From"] = get("SPIDERMON_EMAIL_SENDER") or "newscrawl@localhost"
        message["To"] = ", ".join(a.strip() for a in self.settings.getlist("SPIDERMON_EMAIL_TO"))
        message.set_content(text["health_text"])
        host, port = get("SPIDERMON_SMTP_HOST"), self.settings.getint("SPIDERMON_SMTP_PORT")
        timeout = self.settings.getfloat("NEWSCRAWL_ALERT_SMTP_TIMEOUT", timeout)
        context = ssl.create_default_context()
        with (
            smtplib.SMTP_SSL(host, port or 465, timeout=timeout, context=context)
            if use_ssl
            else smtplib.SMTP(host, port or 25, timeout=timeout)
        ) as smtp:
            if self.settings.getbool("SPIDERMON_SMTP_ENFORCE_TLS") and not use_ssl:
                smtp.starttls(context=context)
            if get("SPIDERMON_SMTP_USER"):
                smtp.login(get("SPIDERMON_SMTP_USER"), get("SPIDERMON_SMTP_PASSWORD") or "")
            smtp.send_message(message)


class ReportFileAlert(Action):
    """Writes the verdict as JSON to ``NEWSCRAWL_ALERT_REPORT_FILE`` (``{run_id}`` and
    ``{output_dir}`` filled in): ``run_id``, ``ok``, ``subject``, ``failures``, ``text``."""

    def run_action(self) -> None:
        self.settings, stats = self.data.crawler.settings, self.data.crawler.stats.get_stats()
        run_id, health = stats.get("newscrawl/run_id", "run"), stats.get(HEALTH_STAT) or {}
        output_dir = self.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"
        path = Path(self.settings["NEWSCRAWL_ALERT_REPORT_FILE"].format(**locals()))
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {"run_id": run_id, "ok": health.get("ok"), "subject": self.data.meta[
            "health_subject"], "failures": health.get("failures", []),
            "text": self.data.meta["health_text"]}  # fmt: skip
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
