"""The shared pace (newscrawl/pace.py) without PostgreSQL: when it is on, the interval it
books, and what it does when PostgreSQL does not answer. With PostgreSQL: tests/e2e/test_pace.py."""

from __future__ import annotations

import asyncio
import time

import pytest
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.arguments import ProjectSettings
from newscrawl.pace import Pace, PaceExtension, PaceUnavailable, pace_dsn
from tests.pg_server import free_port

DSN = "postgresql://postgres@127.0.0.1:5/pace"


def closed_dsn() -> str:
    """A PostgreSQL URL nothing listens on (connection refused at once)."""
    return f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"


def extension(**settings: object) -> PaceExtension:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_STATE": "", **settings})
    return PaceExtension.from_crawler(crawler)


def test_the_pace_is_off_with_the_sqlite_state_and_without_a_state() -> None:
    for state in (".newscrawl/state.sqlite", "/var/lib/newscrawl/state.sqlite", ""):
        with pytest.raises(NotConfigured):
            extension(NEWSCRAWL_STATE=state, DOWNLOAD_DELAY=0.5)
    # installed: the extension, and its gate as the http(s) download handler
    assert "newscrawl.pace.PaceExtension" in project_settings.EXTENSIONS
    handler = "newscrawl.pace.PacedHTTPDownloadHandler"
    assert {"http": handler, "https": handler} == project_settings.DOWNLOAD_HANDLERS


def test_the_pace_setting_is_a_postgresql_url_or_empty() -> None:
    assert ProjectSettings.errors(Settings({"NEWSCRAWL_PACE_DSN": DSN})) == []
    assert ProjectSettings.errors(Settings({"NEWSCRAWL_PACE_DSN": ""})) == []
    assert ProjectSettings.errors(Settings({"NEWSCRAWL_PACE_DSN": "state.sqlite"})) == [
        "NEWSCRAWL_PACE_DSN: got 'state.sqlite', expected a postgresql:// URL, "
        "e.g. postgresql://host/db"
    ]


def test_the_pace_database_is_the_postgresql_state_or_its_own_setting() -> None:
    assert pace_dsn({"NEWSCRAWL_STATE": DSN}) == DSN
    assert pace_dsn({"NEWSCRAWL_STATE": "postgres://h/db"}) == "postgres://h/db"
    assert pace_dsn({"NEWSCRAWL_STATE": "state.sqlite", "NEWSCRAWL_PACE_DSN": DSN}) == DSN
    assert pace_dsn({"NEWSCRAWL_STATE": "postgresql://a/x", "NEWSCRAWL_PACE_DSN": DSN}) == DSN
    assert pace_dsn({"NEWSCRAWL_STATE": "state.sqlite", "NEWSCRAWL_PACE_DSN": ""}) is None
    assert extension(NEWSCRAWL_STATE=DSN).pace.dsn == DSN  # nothing connects before a request


def test_the_interval_is_the_delay_or_a_longer_robots_crawl_delay() -> None:
    pace = extension(NEWSCRAWL_PACE_DSN=DSN, DOWNLOAD_DELAY=0.5, USER_AGENT="newscrawl/0.1")
    slow = ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 2\n", None)
    pace.robots_parsed(slow, Request("https://report.az/robots.txt"))
    fast = ProtegoRobotParser(b"User-agent: newscrawl\nCrawl-delay: 0.1\n", None)
    pace.robots_parsed(fast, Request("https://dev.report.az/robots.txt"))
    assert pace.interval("report.az") == 2.0
    assert pace.interval("dev.report.az") == 0.5  # shorter than DOWNLOAD_DELAY: the delay
    assert pace.interval("static.report.az") == 0.5  # no robots.txt read: the delay


def test_without_a_delay_nothing_is_booked() -> None:
    pace = extension(NEWSCRAWL_PACE_DSN=closed_dsn(), DOWNLOAD_DELAY=0)

    async def send() -> None:
        await pace.wait_for_slot(Request("https://report.az/son-xeberler"))

    started = time.monotonic()
    asyncio.run(send())
    assert time.monotonic() - started < 0.5
    assert pace.pace.outages == 0  # PostgreSQL was never asked


def test_an_unreachable_postgresql_holds_the_requests_then_stops_the_run() -> None:
    pace = extension(
        NEWSCRAWL_PACE_DSN=closed_dsn(), DOWNLOAD_DELAY=0.2, NEWSCRAWL_STATE_RETRY_SECONDS=1.0
    )

    async def send() -> None:
        await pace.wait_for_slot(Request("https://report.az/son-xeberler"))

    started = time.monotonic()
    with pytest.raises(IgnoreRequest, match="pace unavailable: PostgreSQL unreachable for 1 s"):
        asyncio.run(send())
    assert 1.0 <= time.monotonic() - started < 3.0  # waited the budget, no request went out
    assert pace.pace.outages == 1
    started = time.monotonic()
    with pytest.raises(IgnoreRequest, match="the run is stopping"):
        asyncio.run(send())  # the requests still queued fail at once: the run is closing
    assert time.monotonic() - started < 0.5


def test_the_outage_budget_counts_from_the_first_failure() -> None:
    async def book_twice() -> tuple[float, float]:
        pace = Pace(closed_dsn(), outage_seconds=0.6)
        times = []
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(PaceUnavailable):
                await pace.book("report.az", 0.2)
            times.append(time.monotonic() - started)
        return times[0], times[1]

    first, second = asyncio.run(book_twice())
    assert first >= 0.6
    assert second < 0.3  # still down: the next request does not wait the budget again
