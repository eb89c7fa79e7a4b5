"""The project's Scrapy commands: `scrapy list` names the spider, `scrapy check` passes its
contracts on stored pages (no network, no replica) and leaves no run stats or state behind,
`scrapy crawl` refuses a bad argument or setting with one line and exit status 1 before it
starts, and `scrapy crawl report -h` lists the arguments and exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawl import ROOT


def _scrapy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_scrapy_list_shows_report() -> None:
    result = _scrapy("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["report"]


def test_scrapy_check_passes() -> None:
    result = _scrapy("check", "report")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "OK" in result.stderr
    assert "Ran 0 contracts" not in result.stderr


def test_scrapy_check_writes_no_stats_and_no_state(tmp_path: Path) -> None:
    env = {
        "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "output"),
        "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite"),
    }
    result = _scrapy("check", "report", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "output" / "stats").exists()
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "output"])
    assert not list(tmp_path.rglob("*.json*")) and not (tmp_path / "state.sqlite").exists()


BAD_ARGUMENTS = [
    (
        ["-a", "max_page=3"],
        "unknown argument 'max_page' (-a max_page=...); the report spider takes: base_url, editions, follow_translations, max_pages, mode, since, until",
    ),
    (["-a", "editions="], "editions: got '', expected a comma list of az, en, ru"),
    (["-a", "editions=az,de"], "editions: unknown edition 'de'"),
    (["-a", "max_pages=ten"], "max_pages: got 'ten', expected a whole number of at least 1"),
    (["-a", "max_pages=0"], "max_pages: got '0', expected a whole number of at least 1"),
    (["-a", "since=yesterday"], "since: got 'yesterday', expected an ISO date or datetime"),
    (
        ["-a", "since=2025-10-10", "-a", "until=2025-10-01"],
        "until: got '2025-10-01T00:00:00+04:00', expected a time at or after since (2025-10-10T00:00:00+04:00)",
    ),
    (["-a", "mode=archive"], "since: got None, expected a date with mode=archive"),
    (["-a", "mode=backfill"], "mode: got 'backfill', expected 'latest' or 'archive'"),
    (
        ["-a", "follow_translations=yes please"],
        "follow_translations: got 'yes please', expected 0 or 1",
    ),
    (["-a", "recheck_hours=1"], "unknown argument 'recheck_hours' (-a recheck_hours=...)"),
    (
        ["-s", "NEWSCRAWL_REVISIT_SHARE=2"],
        "NEWSCRAWL_REVISIT_SHARE: got '2', expected a number at least 0 and at most 1",
    ),
    (["-s", "NEWSCRAWL_NOW=yesterday"], "NEWSCRAWL_NOW: got 'yesterday', expected an ISO datetime"),
    (["-a", "base_url=report.az"], "base_url: got 'report.az', expected an http(s) URL"),
    (
        ["-s", 'NEWSCRAWL_HEALTH_COVERAGE={"tagz": 0.5}'],
        "NEWSCRAWL_HEALTH_COVERAGE key: got 'tagz', expected one of url, title",
    ),
    (
        ["-s", 'NEWSCRAWL_HEALTH_COVERAGE={"tags": 5}'],
        "NEWSCRAWL_HEALTH_COVERAGE['tags']: got 5, expected a share from 0 to 1",
    ),
    (
        ["-s", "NEWSCRAWL_HEALTH_MAX_ERROR_RATE=lots"],
        "NEWSCRAWL_HEALTH_MAX_ERROR_RATE: got 'lots', expected a number at least 0 and at most 1",
    ),
    (
        ["-s", "NEWSCRAWL_ALERT_WHEN=sometimes"],
        "NEWSCRAWL_ALERT_WHEN: got 'sometimes', expected failure or warning or always",
    ),
    (
        ["-s", "NEWSCRAWL_RETENTION_DAYS=-3"],
        "NEWSCRAWL_RETENTION_DAYS: got '-3', expected a number at least 0",
    ),
]


@pytest.mark.parametrize(("arguments", "message"), BAD_ARGUMENTS)
def test_a_bad_argument_is_one_line_and_exit_1(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    env = {"NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "out"), "NEWSCRAWL_STATE": ""}
    result = _scrapy("crawl", "report", *arguments, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Task exception" not in result.stderr
    (line,) = result.stderr.strip().splitlines()  # nothing of Scrapy's start-up either
    assert line.startswith("scrapy crawl report: error: ")
    assert message in line
    assert not (tmp_path / "out").exists()  # not even a stats file


def test_crawl_help_lists_the_arguments_and_exit_statuses() -> None:
    result = _scrapy("crawl", "report", "-h")
    assert result.returncode == 0
    for name in (
        "editions=",
        "base_url=",
        "since=",
        "until=",
        "max_pages=",
        "mode=",
    ):
        assert name in result.stdout
    assert "75  another run holds the state lock" in result.stdout
    for status in ("73  the output folder", "74  a write failed", "130 a forced shutdown"):
        assert status in result.stdout
