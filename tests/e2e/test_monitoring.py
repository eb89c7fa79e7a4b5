"""Alerts end to end: a real ``scrapy crawl report`` of the replica, and a Scrapyd-run one,
with a real SMTP server on loopback. One edition (ru) has a share of its article pages
answering 404, so its reject and error rates fail their health checks while en stays healthy:
exactly one e-mail arrives, naming the edition, the checks and the figures of the stats file,
and the crawl exits 3. A healthy run (en alone, same replica) sends nothing and exits 0. A site
redesigned (every article page re-marked) exits 0 with a ``fallback_share`` warning in the log,
the stats and the run report, mailed only under ``NEWSCRAWL_ALERT_WHEN=warning``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl_data.report import render
from tests.crawl import FAST_SETTINGS, read_output, run_crawl, run_scrapy
from tests.scrapyd_server import ScrapydServer
from tests.site.harness import ReplicaServer
from tests.smtp_server import Received, SmtpSink

#: Every Russian article page (canonical paths: /ru/<category>/<slug>, no query).
RU_ARTICLES = r"^/ru/[a-z-]+/[^/?]+$"
FAULT = f"404,path={RU_ARTICLES},rate=0.3"
ARGUMENTS = {"max_pages": "100"}


@pytest.fixture(scope="module")
def faulty_replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=25, seed=21, faults=[FAULT]) as replica:
        yield replica


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def mail_settings(smtp: SmtpSink) -> dict[str, str]:
    return {
        "SPIDERMON_EMAIL_TO": "ops@example.org",
        "SPIDERMON_EMAIL_SENDER": "newscrawl@example.org",
        "SPIDERMON_SMTP_HOST": "127.0.0.1",
        "SPIDERMON_SMTP_PORT": str(smtp.port),
    }


def assert_names_the_failures(mail: Received, health: dict[str, object]) -> None:
    failures = health["failures"]
    assert isinstance(failures, list) and failures
    assert {f["edition"] for f in failures} == {"ru"}
    assert "reject_rate" in {f["check"] for f in failures}
    assert mail.rcpt_tos == ["ops@example.org"]
    assert "health check failed" in mail.subject and "ru reject_rate" in mail.subject
    for failure in failures:
        assert f"edition ru, check {failure['check']}: {failure['message']}" in mail.text
    rejects = next(f for f in failures if f["check"] == "reject_rate")
    figures = rejects["figures"]
    assert f'"rejected": {figures["rejected"]}' in mail.text
    assert f'"exported": {figures["exported"]}' in mail.text


def test_one_failing_edition_sends_one_mail_and_exits_3(
    faulty_replica: ReplicaServer, smtp: SmtpSink, tmp_path: Path
) -> None:
    result = run_crawl(
        faulty_replica.base_url,
        tmp_path / "output",
        arguments={**ARGUMENTS, "editions": "en,ru"},
        settings=mail_settings(smtp),
    )
    assert result.returncode == 3, result.log[-3000:]
    (mail,) = smtp.wait_for(1, timeout=5)
    assert len(smtp.wait_for(2, timeout=1)) == 1  # exactly one
    assert result.stats["health"]["ok"] is False
    assert_names_the_failures(mail, result.stats["health"])
    print(f"Subject: {mail.subject}\n\n{mail.text}")


def test_a_healthy_run_sends_no_mail(
    faulty_replica: ReplicaServer, smtp: SmtpSink, tmp_path: Path
) -> None:
    result = run_crawl(
        faulty_replica.base_url,
        tmp_path / "output",
        arguments={**ARGUMENTS, "editions": "en"},
        settings=mail_settings(smtp),
    )
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["health"] == {"checked": True, "ok": True, "failures": [], "warnings": []}
    assert smtp.wait_for(1, timeout=1) == []


def test_a_scrapyd_job_with_a_failing_check_reaches_the_smtp_server(
    faulty_replica: ReplicaServer, smtp: SmtpSink, tmp_path: Path
) -> None:
    """Scrapyd's listjobs.json shows no exit status; the failed check arrives as mail."""
    output = tmp_path / "output"
    with ScrapydServer(tmp_path / "scrapyd") as scrapyd:
        deployed = scrapyd.deploy("monitoring-1")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        job = scrapyd.schedule(
            "newscrawl",
            "report",
            {"base_url": faulty_replica.base_url, "editions": "en,ru", **ARGUMENTS},
            {
                "NEWSCRAWL_OUTPUT_DIR": str(output),
                "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite"),
                **FAST_SETTINGS,
                **mail_settings(smtp),
            },
        )
        scrapyd.wait_finished("newscrawl", {job}, timeout=180)
        daemon = scrapyd.log_tail(chars=10**7)
        log = scrapyd.job_log("newscrawl", "report", job)
    assert f"Process died: exitstatus=3 project='newscrawl' spider='report' job='{job}'" in (
        daemon
    ), daemon[-3000:]
    (mail,) = smtp.wait_for(1, timeout=5)
    assert len(smtp.wait_for(2, timeout=1)) == 1
    stats = read_output(output).stats
    assert_names_the_failures(mail, stats["health"])
    assert "SmtpEmailAlert... OK" in log
    print(f"Subject: {mail.subject}\n\n{mail.text}")


def test_reparse_runs_do_not_count_in_the_scheduled_crawls_window(tmp_path: Path) -> None:
    """Bug 4: a ``scrapy reparse`` between two scheduled crawls is not summed into the second
    crawl's 24 h window (nor its trend): the window holds the two crawls."""
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    with ReplicaServer(articles=25, seed=21) as replica:
        first = run_crawl(replica.base_url, output, state=state, arguments=ARGUMENTS)
        assert first.returncode == 0, first.log[-3000:]
        reparse = run_scrapy(["reparse"], output, state=state)
        assert "Traceback" not in reparse.stdout, reparse.stdout[-3000:]
        second = run_crawl(replica.base_url, output, state=state, arguments=ARGUMENTS)
    assert second.returncode == 0, second.log[-3000:]
    windows = {code: f["window"] for code, f in second.stats["editions"].items()}
    assert {code: window["runs"] for code, window in windows.items()} == dict.fromkeys(
        ("az", "en", "ru"), 2
    )
    exported = {code: f["exported"] for code, f in first.stats["editions"].items()}
    assert {code: window["exported"] for code, window in windows.items()} == exported


@pytest.fixture(scope="module")
def redesigned_replica() -> Iterator[ReplicaServer]:
    """Every article page re-marked as after a redesign (``--mutate 1.0``): no known layout
    matches, the articles come from JSON-LD and the generic extractor."""
    with ReplicaServer(articles=40, seed=5, extra_args=["--mutate", "1.0"]) as replica:
        yield replica


@pytest.mark.parametrize("when", ["warning", "failure"])
def test_a_redesigned_site_is_a_warning_sent_when_warnings_are_asked_for(
    redesigned_replica: ReplicaServer, smtp: SmtpSink, tmp_path: Path, when: str
) -> None:
    output = tmp_path / "output"
    result = run_crawl(
        redesigned_replica.base_url,
        output,
        arguments={**ARGUMENTS, "editions": "en"},
        settings={**mail_settings(smtp), "NEWSCRAWL_ALERT_WHEN": when},
    )
    assert result.returncode == 0, result.log[-3000:]  # a warning is not a failure
    figures = result.stats["editions"]["en"]
    share = figures["fallback_share"]
    assert share > 0.5 and figures["exported"] >= 10, figures["layouts"]
    print(f"\nredesigned site: {figures['exported']} articles, layouts {figures['layouts']}")
    health = result.stats["health"]
    assert health["ok"] is True and health["failures"] == []
    (warning,) = [w for w in health["warnings"] if w["check"] == "fallback_share"]
    message = f"{share:.0%} of {figures['exported']} articles by fallback layouts (site changed?)"
    assert warning["edition"] == "en" and warning["message"].startswith(message)
    assert f"health warning: edition en, fallback_share: {message}" in result.log
    page = render(output)
    assert "health warning(s)</span>" in page and '<td class="warning">warning</td>' in page
    assert f"en: fallback_share - warning: {message}" in page
    assert '<span class="ok">healthy</span>' not in page
    if when == "failure":
        assert smtp.wait_for(1, timeout=2) == []
        return
    (mail,) = smtp.wait_for(1, timeout=5)
    assert "health warning (en fallback_share)" in mail.subject
    assert f"- edition en, check fallback_share: {message}" in mail.text
