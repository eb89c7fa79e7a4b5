"""``scrapy reparse``: a crawl archived with an extractor that missed the tags, then the
archive extracted again with the real one, the replica stopped: the tags are there, only the
articles whose record changed are written (revision 2, ``revision_reason: "reparse"``), the
state follows, and nothing was asked of the site. A selection of nothing is one line and exit
0; ``--run`` takes a run's start time (run ids end in ``-<pid or job>``)."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.crawl import ROOT, existing_files, read_output, run_crawl, run_scrapy
from tests.e2e.broken_parser import ADDONS_SETTING
from tests.site.harness import ReplicaServer


def test_reparse_fixes_the_missing_tags_offline(tmp_path: Path) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    log = tmp_path / "requests.jsonl"
    with ReplicaServer(articles=40, seed=11, request_log=log) as replica:
        crawl = run_crawl(
            replica.base_url,
            output,
            state=state,
            arguments={"max_pages": "100"},
            settings={"ADDONS": ADDONS_SETTING},
        )
        truth = {a["url"]: a for a in replica.truth()}
        served = len(replica.requests())
    # the replica is stopped: a request to the site could only fail
    assert crawl.returncode in (0, 3), crawl.log[-3000:]
    crawled = crawl.all_articles()
    assert served > len(crawled)
    with_tags = {a["url"] for a in crawled if a["tags"] != truth[a["url"]]["tags"]}
    without_tags = {a["url"] for a in crawled} - with_tags  # right already
    assert all(a["tags"] == [] for a in crawled if a["url"] in with_tags)
    assert with_tags and without_tags  # both kinds are in the test

    before = existing_files(output)
    reparse = run_scrapy(["reparse", "-s", "LOG_LEVEL=DEBUG"], output, state=state)
    assert reparse.returncode == 0, reparse.stdout[-3000:]
    result = read_output(output, before)
    written = {a["url"]: a for a in result.all_articles()}
    assert set(written) == with_tags  # unchanged articles are not written again
    for url, article in written.items():
        assert article["tags"] == truth[url]["tags"], url
        assert article["revision"] == 2
        assert article["revision_reason"] == "reparse"
        assert article["archive"]["file"].endswith(".warc.gz")
        assert article["badges"] == truth[url]["badges"]  # the feed card, from the archive
    assert result.stats["run_id"] not in {p.stem.removeprefix("report-") for p in before}
    with sqlite3.connect(state) as connection:
        rows = dict(connection.execute("SELECT url, revision FROM articles"))
    assert {url for url, revision in rows.items() if revision == 2} == with_tags
    assert all(rows[url] == 1 for url in without_tags)
    # every page came from the archive (Scrapy logs the response flag), none was refused
    crawled_lines = re.findall(r"Crawled \(\d+\) <GET [^>]+>[^\n]*", reparse.stdout)
    assert len(crawled_lines) == len(crawled)
    assert all("['archive']" in line for line in crawled_lines)
    assert "replay_refused" not in reparse.stdout
    assert "Connection refused" not in reparse.stdout

    again = run_scrapy(["reparse", "--editions", "en"], output, state=state)
    assert again.returncode == 0, again.stdout[-3000:]
    assert read_output(output, existing_files(output)).all_articles() == []
    assert "unchanged" in again.stdout


SEED = ROOT / "tests" / "fixtures" / "articles" / "en-current-seed.html"
SEED_URL = "https://report.az/en/other-countries/zelenskyy-and-macron-discuss-defense-cooperation-and-support-for-ukraine"


def _archive(output: Path, *runs: str) -> None:
    """One archived article page per run, as a crawl of report.az would have left it."""
    (output / "archive").mkdir(parents=True)
    for run in runs:
        with (output / "archive" / f"report-{run}-00000.warc.gz").open("wb") as stream:
            writer = WARCWriter(stream, gzip=True, warc_version="1.1")
            head = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1"
            )
            body = SEED.read_bytes()
            record = writer.create_warc_record(
                SEED_URL,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=head,
                warc_headers_dict={"WARC-Date": "2025-10-23T12:00:00Z"},
            )
            writer.write_record(record)


def test_a_reparse_that_selects_nothing_says_so_in_one_line(tmp_path: Path) -> None:
    output = tmp_path / "output"
    _archive(output, "2025-10-23T16-02-00-4242")
    for arguments in (["--since", "2030-01-01"], ["--run", "2024-01-01"], ["--editions", "ru"]):
        run = run_scrapy(["reparse", *arguments], output)
        assert run.returncode == 0, run.stdout[-3000:]
        (line,) = run.stdout.strip().splitlines()
        assert line.startswith("scrapy reparse: ") and line.endswith("nothing to extract again")
        assert not (output / "stats").exists() and not (output / "en").exists()


def test_reparse_run_matches_the_run_id_by_its_start_time(tmp_path: Path) -> None:
    output = tmp_path / "output"
    _archive(output, "2025-10-23T16-02-00-4242", "2025-10-24T09-00-00-77")
    run = run_scrapy(["reparse", "--run", "2025-10-23T16-02-00"], output)  # as in the README
    assert run.returncode == 0, run.stdout[-3000:]
    [article] = read_output(output).all_articles()
    assert article["url"] == SEED_URL and article["revision_reason"] == "reparse"
    assert article["archive"]["file"] == "report-2025-10-23T16-02-00-4242-00000.warc.gz"

    ambiguous = run_scrapy(["reparse", "--run", "2025-10-2"], output)
    assert ambiguous.returncode == 2
    assert ambiguous.stdout.strip() == (
        "scrapy reparse: --run 2025-10-2 is ambiguous: it matches "
        "2025-10-23T16-02-00-4242, 2025-10-24T09-00-00-77"
    )
