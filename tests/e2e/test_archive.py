"""The raw-page archive of real crawls of the replica: every kind of page is in it, the state
points at each article's page, and a crawl killed with SIGKILL leaves files that warcio reads
up to the last complete record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newscrawl.archive import archive_files, read_response
from tests.archive import scan
from tests.crawl import CrawlResult, start_crawl
from tests.e2e.test_crash import SLOW, _kill, _run_until
from tests.site.harness import ReplicaServer


def test_every_page_the_crawl_read_is_archived(full_crawl: CrawlResult) -> None:
    files = archive_files(full_crawl.output_dir / "archive")
    # one file a day (two when the crawl ran over midnight UTC)
    assert 1 <= len(files) <= 2 and files[0].name.startswith("report-")
    urls = [url for path in files for url in scan(path).urls]
    paths = [url.split("/", 3)[3] for url in urls]
    assert "robots.txt" in paths
    assert {"", "en/", "ru/"} <= set(paths)  # home pages
    assert any(p.startswith("en/infinity/index?date=") for p in paths)  # scroll batches
    exported = {a["url"] for a in full_crawl.all_articles()}
    assert exported <= set(urls)


def test_the_state_points_at_each_articles_page(full_crawl: CrawlResult) -> None:
    directory = full_crawl.output_dir / "archive"
    state = full_crawl.output_dir.parent / "state.sqlite"
    with sqlite3.connect(state) as connection:
        rows = list(connection.execute("SELECT url, archive_file, archive_offset FROM articles"))
    assert rows and all(file for _, file, _ in rows)
    by_url = {a["url"]: a for a in full_crawl.all_articles()}
    for url, file, offset in rows:
        record = read_response(directory, {"file": file, "offset": offset})
        assert record.url == url and record.status == 200
        assert by_url[url]["archive"] == {"file": file, "offset": offset}


def test_a_killed_crawl_leaves_a_readable_archive(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(articles=60, seed=5) as replica:
        process = start_crawl(
            replica.base_url, output, arguments={"max_pages": "100"}, settings=SLOW
        )
        try:
            _run_until(process, "Crawled (200) <GET", 40)
        finally:
            _kill(process)
    [path] = archive_files(output / "archive")
    result = scan(path)
    # warcinfo, then a response and a request record per page, each whole
    assert result.responses >= 40 and result.records >= 2 * result.responses
    size = path.stat().st_size
    # a kill in the middle of a write tears at most the last record: cut one to check
    path.write_bytes(path.read_bytes()[: size - 25])
    torn = scan(path)
    assert torn.torn_bytes > 0 and torn.records == result.records - 1
