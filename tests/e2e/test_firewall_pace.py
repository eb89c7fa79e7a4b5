"""One edition behind a firewall does not slow the others: its back-off waits outside the
downloader, and the download slot all editions share is never slowed. The other two editions
finish in about the time they take without the fault."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer
from tests.site.requestlog import read_log

#: Polite enough that the crawl takes seconds, with the project's real concurrency limits.
SETTINGS = {
    "DOWNLOAD_DELAY": "0.05",
    "CONCURRENT_REQUESTS": "8",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "NEWSCRAWL_RETRY_BASE_DELAY": "0.5",
    "NEWSCRAWL_RETRY_MAX_DELAY": "2",
    "NEWSCRAWL_FIREWALL_RETRIES": "3",
    "NEWSCRAWL_FIREWALL_MAX_IN_ROW": "1000",
}
#: Half of the English article pages answer a challenge twice before they pass.
FIREWALL = r"403,path=^/en/[a-z-]+/[^/?]+$,rate=0.5,count=2"


def _finish_seconds(log: Path, prefix_of: dict[str, str]) -> dict[str, float]:
    """Seconds from the first request to the last one of each edition."""
    records = [
        r for r in read_log(log) if r["path"] != "/robots.txt" and not r["path"].startswith("/__")
    ]
    times = [datetime.fromisoformat(r["time"]) for r in records]
    start = min(times)
    result: dict[str, float] = {}
    for record, moment in zip(records, times, strict=True):
        path = record["path"]
        edition = next((e for e, p in prefix_of.items() if p and path.startswith(p)), "az")
        result[edition] = max(result.get(edition, 0.0), (moment - start).total_seconds())
    return result


def _crawl(tmp_path: Path, faults: list[str]) -> tuple[dict[str, float], dict[str, int]]:
    log = tmp_path / "requests.jsonl"
    with ReplicaServer(articles=30, seed=8, faults=faults, request_log=log) as replica:
        result = run_crawl(
            replica.base_url,
            tmp_path / "output",
            arguments={"max_pages": "100"},
            settings=SETTINGS,
            fast=False,
        )
        expected = {a["language"] for a in replica.truth()}
    assert expected == {"az", "en", "ru"}
    written = {code: len(items) for code, items in result.articles.items()}
    return _finish_seconds(log, {"en": "/en/", "ru": "/ru/"}), written


def test_a_firewalled_edition_does_not_hold_up_the_other_two(tmp_path: Path) -> None:
    calm, calm_written = _crawl(tmp_path / "calm", [])
    stormy, stormy_written = _crawl(tmp_path / "stormy", [FIREWALL])
    print(f"without the fault: {calm}; with en behind the firewall: {stormy}")
    for code in ("az", "ru"):
        assert stormy_written[code] == calm_written[code]
        assert stormy[code] <= calm[code] * 1.5 + 1.0, (code, calm, stormy)
    # the blocked edition still gets everything, later: its back-off only delays it
    assert stormy_written["en"] == calm_written["en"]
    assert stormy["en"] > calm["en"]


def test_firewall_deferrals_are_not_download_exceptions(tmp_path: Path) -> None:
    """Requests put off while an edition backs off are no failed downloads: a run whose only
    trouble is the firewall leaves ``downloader/exception_count`` (what Spidermon's
    ``DownloaderExceptionMonitor`` reads) unset."""
    with ReplicaServer(articles=20, seed=8, faults=[FIREWALL]) as replica:
        result = run_crawl(
            replica.base_url,
            tmp_path / "output",
            arguments={"max_pages": "100", "editions": "en"},
            settings=SETTINGS,
            fast=False,
        )
    assert result.returncode == 0, result.log[-3000:]
    assert "'newscrawl/en/firewall/challenges'" in result.log  # the stats Scrapy dumps
    assert "downloader/exception" not in result.log
    assert "download_exceptions" not in result.log
