"""An archive that grows with what is new: one file a day and node appended by each run,
``revisit`` records for a payload already in the file or a 304, read back as the page they
stand for; never two processes on one file; a killed writer's torn tail cut by the next run;
retention that deletes only the project's own old, unlocked day files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrapy.http import HtmlResponse, Request, Response
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import (
    ARCHIVE_META,
    IDENTICAL,
    NOT_MODIFIED,
    ArchiveMiddleware,
    ArchiveWriter,
    archive_files,
    archived_runs,
    expire,
    index_path,
    iter_records,
    payload_digest,
    read_response,
)
from newscrawl.reparse import ReplayMiddleware, select
from newscrawl.site import SiteUrls
from tests.archive import scan
from tests.crawl import ROOT

BASE = "http://127.0.0.1:1"
ARTICLE = f"{BASE}/en/business/some-story"
AT = datetime(2025, 10, 23, 16, 2, tzinfo=UTC)


def _page(url: str, text: str, status: int = 200) -> tuple[Request, Response]:
    request = Request(url, headers={"User-Agent": "t"})
    body = b"" if status == 304 else f"<html><p>{text}</p></html>".encode() * 40
    response = HtmlResponse(
        url,
        status=status,
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"e1"'},
        body=body,
        request=request,
    )
    return request, response


def _records(path: Path) -> list[tuple[str, dict[str, str]]]:
    with path.open("rb") as stream:
        return [
            (r.rec_type, dict(r.rec_headers.headers))
            for r in ArchiveIterator(stream)
            if r.rec_type != "request"
        ]


def test_an_unchanged_payload_is_a_revisit_record_read_back_as_the_page(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", "run-1", node="n")
    first = writer.write(*_page(ARTICLE, "one"), AT)
    size = writer.bytes
    second = writer.write(*_page(ARTICLE, "one"), AT + timedelta(minutes=10))
    changed = writer.write(*_page(ARTICLE, "two"), AT + timedelta(minutes=20))
    writer.close()
    assert first["file"] == second["file"] == changed["file"]
    assert writer.revisits == 1
    # the revisit costs its headers, not the page: well under half the first pair
    assert writer.bytes - size < size * 2
    kinds = _records(tmp_path / first["file"])
    assert [kind for kind, _ in kinds] == ["warcinfo", "response", "revisit", "response"]
    original, revisit = kinds[1][1], kinds[2][1]
    assert revisit["WARC-Profile"] == IDENTICAL
    assert revisit["WARC-Refers-To"] == original["WARC-Record-ID"]
    assert revisit["WARC-Refers-To-Target-URI"] == ARTICLE
    assert revisit["WARC-Refers-To-Date"] == original["WARC-Date"]
    assert revisit["WARC-Payload-Digest"] == original["WARC-Payload-Digest"]
    assert revisit["WARC-Payload-Digest"] == payload_digest(_page(ARTICLE, "one")[1].body)
    # read back at its place: the page it stands for, at its own date
    back = read_response(tmp_path, second)
    assert back.kind == "revisit" and back.status == 200 and back.refers_to == first
    assert back.body == _page(ARTICLE, "one")[1].body
    assert back.date != read_response(tmp_path, first).date
    assert read_response(tmp_path, changed).body == _page(ARTICLE, "two")[1].body
    pages = [r for r in iter_records(tmp_path / first["file"]) if r is not None]
    assert [(r.kind, r.ref, r.body == back.body) for r in pages[:2]] == [
        ("response", first, True),
        ("revisit", second, True),
    ]
    assert {r.run for r in pages} == {"run-1"}


def test_a_304_is_a_server_not_modified_revisit(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", "run-1", node="n")
    first = writer.write(*_page(ARTICLE, "one"), AT)
    ref = writer.write(*_page(ARTICLE, "", status=304), AT + timedelta(hours=1))
    writer.close()
    _, revisit = _records(tmp_path / ref["file"])[2]
    assert revisit["WARC-Type"] == "revisit" and revisit["WARC-Profile"] == NOT_MODIFIED
    assert revisit["WARC-Refers-To-Target-URI"] == ARTICLE
    assert revisit["WARC-Refers-To"] == _records(tmp_path / first["file"])[1][1]["WARC-Record-ID"]
    back = read_response(tmp_path, ref)
    assert (back.status, back.body, back.header("ETag")) == (304, b"", '"e1"')


def test_reparse_selects_a_revisit_and_the_replay_answers_with_its_page(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", "run-1", node="n")
    writer.write(*_page(ARTICLE, "one"), AT)
    writer.close()
    writer = ArchiveWriter(tmp_path, "report", "run-2", node="n")
    later = writer.write(*_page(ARTICLE, "one"), AT + timedelta(hours=2))
    writer.close()
    files = archive_files(tmp_path)
    assert len(files) == 1 and archived_runs(tmp_path) == ["run-1", "run-2"]
    assert archive_files(tmp_path, "run-2") == files
    site = SiteUrls(BASE)
    selection = select(files, site)
    assert selection.articles[ARTICLE][1] == later  # the latest fetch: the revisit
    only = select(archive_files(tmp_path, "run-2"), site, run="run-2")
    assert only.responses == 1 and only.articles[ARTICLE][1] == later
    crawler = get_crawler(settings_dict={"NEWSCRAWL_ARCHIVE": str(tmp_path)})
    replay = ReplayMiddleware.from_crawler(crawler)
    answer = replay.process_request(Request(ARTICLE, meta={ARCHIVE_META: dict(later)}))
    assert answer.status == 200 and answer.body == _page(ARTICLE, "one")[1].body


def test_runs_of_a_day_append_to_one_file_and_a_new_day_starts_another(tmp_path: Path) -> None:
    refs = []
    for n, moment in enumerate((AT, AT + timedelta(hours=1), AT + timedelta(days=1))):
        writer = ArchiveWriter(tmp_path, "report", f"run-{n}", node="crawler.example.org")
        refs.append(writer.write(*_page(f"{BASE}/en/p{n}", str(n)), moment))
        writer.close()
    assert [ref["file"] for ref in refs] == [
        "report-2025-10-23-crawler-example-org-00000.warc.gz",
        "report-2025-10-23-crawler-example-org-00000.warc.gz",
        "report-2025-10-24-crawler-example-org-00000.warc.gz",
    ]
    day = tmp_path / refs[0]["file"]
    assert [kind for kind, _ in _records(day)] == ["warcinfo", "response"] * 2
    assert [r.run for r in iter_records(day) if r is not None] == ["run-0", "run-1"]
    for n, ref in enumerate(refs):
        assert read_response(tmp_path, ref).url == f"{BASE}/en/p{n}"
    assert [json.loads(line)["type"] for line in index_path(day).read_text().splitlines()] == [
        "warcinfo",
        "response",
    ] * 2


def test_two_processes_never_append_to_one_file(tmp_path: Path) -> None:
    """A writer holds an exclusive ``flock`` on its file (per open file: so two writers in
    one process meet it as two processes would)."""
    first = ArchiveWriter(tmp_path, "report", "run-1", node="n")
    second = ArchiveWriter(tmp_path, "report", "run-2", node="n")
    a = first.write(*_page(f"{BASE}/en/a", "a"), AT)
    b = second.write(*_page(f"{BASE}/en/b", "b"), AT)
    a2 = first.write(*_page(f"{BASE}/en/a2", "a"), AT)
    first.close()
    second.close()
    assert a["file"] == a2["file"] != b["file"]
    assert b["file"].endswith("-00001.warc.gz")
    for path in archive_files(tmp_path):
        assert scan(path).torn_bytes == 0
    third = ArchiveWriter(tmp_path, "report", "run-3", node="n")  # both free again
    assert third.write(*_page(f"{BASE}/en/c", "c"), AT)["file"] == a["file"]
    third.close()


WRITER = """
import sys, json
from datetime import UTC, datetime
from pathlib import Path
from tests.archive.test_days import _page, BASE
from newscrawl.archive import ArchiveWriter
writer = ArchiveWriter(Path(sys.argv[1]), "report", "killed", node="n")
n = 0
while True:
    ref = writer.write(*_page(f"{BASE}/en/p{n}", "x" * 2000 + str(n)), datetime.now(UTC))
    print(json.dumps(ref), flush=True)
    n += 1
"""


def test_a_killed_writer_leaves_its_records_and_the_next_run_cuts_the_torn_tail(
    tmp_path: Path,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    refs = [json.loads(process.stdout.readline()) for _ in range(30)]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    [path] = {tmp_path / ref["file"] for ref in refs}
    # however far the kill came, tear the last record as a kill mid-write would
    torn_at = path.stat().st_size - 25
    with path.open("r+b") as stream:
        stream.truncate(torn_at)
    with index_path(path).open("a") as index:
        index.write('{"type": "response", "url": "')  # and the index line of the next
    assert scan(path).torn_bytes > 0
    kept = [ref for ref in refs if ref["offset"] < torn_at - 200]
    writer = ArchiveWriter(tmp_path, "report", "next", node="n")
    now = datetime.now(UTC)
    after = writer.write(*_page(f"{BASE}/en/after", "after"), now)
    writer.close()
    assert writer.cut > 0
    if after["file"] == path.name:  # the same day: appended after the cut
        assert scan(path).torn_bytes == 0
        assert json.loads(index_path(path).read_text().splitlines()[-1])["url"].endswith("after")
    for ref in kept:
        assert read_response(tmp_path, ref).url.startswith(f"{BASE}/en/p")
    assert read_response(tmp_path, after).url == f"{BASE}/en/after"


def test_retention_deletes_only_old_unlocked_day_files_the_project_named(tmp_path: Path) -> None:
    now = datetime(2025, 11, 1, 12, tzinfo=UTC)
    for day in (AT, AT + timedelta(days=1), now):
        writer = ArchiveWriter(tmp_path, "report", f"run-{day.day}", node="n")
        writer.write(*_page(f"{BASE}/en/p", str(day.day)), day)
        writer.close()
    old_run = tmp_path / "report-2025-10-20T10-00-00-123-00000.warc.gz"  # a file of one run
    old_run.write_bytes(b"")
    os.utime(old_run, (now.timestamp() - 30 * 86400,) * 2)
    foreign = tmp_path / "notes-2025-10-20.warc.gz"
    foreign.write_bytes(b"")
    os.utime(foreign, (0, 0))
    elsewhere = tmp_path.parent / f"{tmp_path.name}-keep"
    elsewhere.mkdir()
    (elsewhere / "x").write_text("x")
    link = tmp_path / "report-2025-10-01-n-00000.warc.gz"
    link.symlink_to(elsewhere / "x")
    busy = ArchiveWriter(tmp_path, "report", "busy", node="m")
    busy.write(*_page(f"{BASE}/en/b", "b"), AT)  # still appending (locked)
    assert expire(tmp_path, 0, now.timestamp()) == []
    removed = expire(tmp_path, 8, now.timestamp())
    busy.close()
    assert sorted(removed) == [
        "report-2025-10-20T10-00-00-123-00000.warc.gz",
        "report-2025-10-23-n-00000.warc.gz",
    ]
    assert not index_path(tmp_path / "report-2025-10-23-n-00000.warc.gz").exists()
    left = {p.name for p in tmp_path.iterdir()}
    assert {
        "report-2025-10-24-n-00000.warc.gz",  # its whole day is not yet 8 days old
        "report-2025-11-01-n-00000.warc.gz",
        "report-2025-10-23-m-00000.warc.gz",  # locked by a writer
        "notes-2025-10-20.warc.gz",  # not a name of this project
        link.name,  # a link is never followed nor removed
    } <= left
    assert (elsewhere / "x").exists()
    time.sleep(0)  # (no clock is read: ``now`` is given)


def test_rss_feeds_and_sitemaps_are_left_out_unless_asked_for(tmp_path: Path) -> None:
    request = Request(f"{BASE}/en/rss/")
    rss = Response(
        request.url,
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        body=b"<rss><channel><item><link>x</link></item></channel></rss>",
        request=request,
    )
    page = _page(f"{BASE}/en/xhtml", "x")[1].replace(
        headers={"Content-Type": "application/xhtml+xml"}
    )
    for listings, archived in ((False, [page.url]), (True, [rss.url, page.url])):
        folder = tmp_path / str(listings)
        settings = {"NEWSCRAWL_ARCHIVE": str(folder), "NEWSCRAWL_ARCHIVE_LISTINGS": listings}
        crawler = get_crawler(settings_dict=settings)
        crawler.stats = MemoryStatsCollector(crawler)  # (a crawler not started has none)
        middleware = ArchiveMiddleware(crawler)
        for response in (rss, page):
            assert response.request is not None
            assert middleware.process_response(response.request, response) is response
        middleware.spider_closed()
        urls = [r.url for path in archive_files(folder) for r in iter_records(path) if r]
        assert urls == archived
        left_out = crawler.stats.get_value("newscrawl/archive/listings_left_out")
        assert left_out == (None if listings else 1)


def test_a_run_over_midnight_starts_the_next_days_file_with_full_records(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", "run-1", node="n")
    late = writer.write(*_page(ARTICLE, "one"), AT.replace(hour=23, minute=59))
    early = writer.write(*_page(ARTICLE, "one"), AT.replace(hour=0) + timedelta(days=1))
    writer.close()
    assert writer.files == [late["file"], early["file"]] and late["file"] != early["file"]
    assert writer.revisits == 0  # a revisit never refers to another file
    assert read_response(tmp_path, early).kind == "response"
