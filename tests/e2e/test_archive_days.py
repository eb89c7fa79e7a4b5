"""Two crawls of an unchanged replica on one day: both append to one archive file, the second
stores the pages it fetched again as ``revisit`` records (a fraction of the bytes), and
``scrapy reparse --run`` of the second run extracts its articles from those records. A run
applies the retention of stats, rejects and archive files, each by its own setting."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newscrawl.archive import archive_files, archived_runs, iter_records
from tests.crawl import existing_files, read_output, run_crawl, run_scrapy
from tests.site.harness import ReplicaServer


def test_a_second_run_of_the_day_stores_revisits_and_reparse_reads_them(tmp_path: Path) -> None:
    output = tmp_path / "output"
    arguments = {"max_pages": "100", "editions": "en,ru"}
    with ReplicaServer(articles=15, seed=3) as replica:
        first = run_crawl(replica.base_url, output, arguments=arguments)
        between = sum(p.stat().st_size for p in (output / "archive").iterdir())
        second = run_crawl(replica.base_url, output, arguments=arguments)
        after = sum(p.stat().st_size for p in (output / "archive").iterdir())
    assert first.returncode == second.returncode == 0, second.log[-3000:]
    runs = [first.stats["run_id"], second.stats["run_id"]]
    directory = output / "archive"
    files = archive_files(directory)
    assert 1 <= len(files) <= 2  # (two when the crawls ran over midnight UTC)
    assert archived_runs(directory) == sorted(runs)
    records = [r for path in files for r in iter_records(path) if r is not None]
    by_run = {run: [r for r in records if r.run == run] for run in runs}
    assert {r.kind for r in by_run[runs[0]]} == {"response"}
    again = by_run[runs[1]]
    assert len(again) == len(by_run[runs[0]])  # the same pages, fetched again
    # (an empty body, e.g. the end of a scroll, is a response record: nothing to save)
    same_file = [r for r in again if r.ref["file"] == files[0].name and r.body]
    assert same_file and all(r.kind == "revisit" and r.refers_to for r in same_file)
    # a revisit is its headers: the second run's records cost a fraction of the first's
    if len(files) == 1:
        assert after - between < between / 3
    bodies = {r.url: r.body for r in by_run[runs[0]] if r.status == 200}
    assert all(r.body == bodies[r.url] for r in again if r.status == 200)

    before = existing_files(output)
    reparse = run_scrapy(["reparse", "--run", runs[1]], output)
    assert reparse.returncode == 0, reparse.stdout[-3000:]
    articles = read_output(output, before).all_articles()
    crawled = {a["url"]: a for a in second.all_articles()}
    assert articles and {a["url"] for a in articles} == set(crawled)
    revisits = {(r.ref["file"], r.ref["offset"]) for r in same_file}
    for article in articles:
        assert article["title"] == crawled[article["url"]]["title"]
        assert article["body"] == crawled[article["url"]]["body"]
        assert article["archive"] == crawled[article["url"]]["archive"]
        if article["archive"]["file"] == files[0].name:
            assert (article["archive"]["file"], article["archive"]["offset"]) in revisits


def test_a_run_applies_each_kinds_retention(tmp_path: Path) -> None:
    """Stats, rejects and archive files each by their own setting, at the end of a run."""
    output = tmp_path / "output"
    old = time.time() - 10 * 86400
    made = {
        "stats/report-old.json": "{}\n",
        "rejects/report-old.jsonl": "{}\n",
        "en/report-old.jsonl": "{}\n",
        "archive/report-2020-01-01-n-00000.warc.gz": "",
        "archive/report-2020-01-01-n-00000.warc.gz.idx": "",
        "archive/notes-2020-01-01.warc.gz": "",
    }
    for name, text in made.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text)
        os.utime(output / name, (old, old))
    with ReplicaServer(articles=15, seed=3) as replica:
        result = run_crawl(
            replica.base_url,
            output,
            arguments={"editions": "en", "max_pages": "1"},
            settings={
                "NEWSCRAWL_RETENTION_DAYS": "7",
                "NEWSCRAWL_REJECTS_RETENTION_DAYS": "0",
                "NEWSCRAWL_ARCHIVE_RETENTION_DAYS": "7",
            },
        )
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["retention"] == {
        "days": 7.0,
        "removed": 1,
        "stats_days": 7.0,
        "rejects_days": None,
        "archive_days": 7.0,
        "archive_removed": 1,
    }
    gone = {name for name in made if not (output / name).exists()}
    assert gone == {
        "stats/report-old.json",
        "archive/report-2020-01-01-n-00000.warc.gz",
        "archive/report-2020-01-01-n-00000.warc.gz.idx",
    }
    assert archive_files(output / "archive")  # this run's day file stays
