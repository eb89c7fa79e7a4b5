"""The raw-page archive: WARC records that warcio reads back, rotation, torn tails, the
middleware's place and switch, and the state's pointer (schema 2, migrated in place)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import (
    ARCHIVE_META,
    ArchiveMiddleware,
    ArchiveWriter,
    archive_dir,
    archive_files,
    read_response,
)
from newscrawl.reparse import ReplayMiddleware
from newscrawl.store import SCHEMA_VERSION, StateStore
from tests.archive import scan
from tests.crawl import ROOT

RUN = "2025-10-23T16-02-00"
AT = datetime(2025, 10, 23, 16, 2, tzinfo=UTC)


def _pair(n: int) -> tuple[Request, HtmlResponse]:
    request = Request(f"http://127.0.0.1:1/en/business/page-{n}", headers={"User-Agent": "t"})
    response = HtmlResponse(
        request.url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked"},
        body=f"<html><p>Страница {n}</p></html>".encode() * 20,
        request=request,
    )
    return request, response


def test_records_read_back_with_warcio(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", RUN, node="crawler-1")
    request, response = _pair(1)
    ref = writer.write(request, response, AT)
    writer.close()
    assert ref["file"] == "report-2025-10-23-crawler-1-00000.warc.gz"
    with (tmp_path / ref["file"]).open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r)
            for r in ArchiveIterator(stream)
        ]
    kinds = [kind for kind, _, _ in records]
    assert kinds == ["warcinfo", "response", "request"]
    assert records[2][2].rec_headers.get_header("WARC-Concurrent-To") == records[1][1]
    back = read_response(tmp_path, ref)
    assert (back.url, back.status, back.body) == (response.url, 200, response.body)
    assert ("Content-Type", "text/html; charset=utf-8") in back.headers
    assert all(name.lower() != "transfer-encoding" for name, _ in back.headers)


def test_files_rotate_by_size_and_a_full_one_is_not_appended_to(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", RUN, max_bytes=1200, node="n")
    refs = [writer.write(*_pair(n), AT) for n in range(6)]
    writer.close()
    names = sorted({ref["file"] for ref in refs})
    assert len(names) >= 3 and names == writer.files
    assert all(name.startswith("report-2025-10-23-n-") for name in names)
    sizes = {path.name: path.stat().st_size for path in archive_files(tmp_path)}
    again = ArchiveWriter(tmp_path, "report", "2025-10-23T17-00-00", max_bytes=1200, node="n")
    ref = again.write(*_pair(9), AT)
    again.close()
    assert ref["file"] not in names  # every earlier file is full: a new one
    assert {name: (tmp_path / name).stat().st_size for name in names} == {
        name: sizes[name] for name in names
    }
    assert archive_files(tmp_path, RUN) == [tmp_path / name for name in names]
    for n, ref in enumerate(refs):
        assert read_response(tmp_path, ref).url.endswith(f"page-{n}")


def test_a_torn_last_record_is_reported_and_the_rest_reads(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "report", RUN)
    for n in range(3):
        writer.write(*_pair(n), AT)
    writer.close()
    path = archive_files(tmp_path)[0]
    whole = scan(path)
    assert (whole.records, whole.responses, whole.torn_bytes) == (7, 3, 0)
    path.write_bytes(path.read_bytes()[:-40])  # a kill in the middle of the last write
    torn = scan(path)
    assert torn.records == 6 and torn.responses == 3 and torn.torn_bytes > 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "out/archive"), ("", None), ("0", None), ("/var/warc", "/var/warc")],
)
def test_archive_setting(value: str | None, expected: str | None) -> None:
    settings = Settings({"NEWSCRAWL_OUTPUT_DIR": "out", "NEWSCRAWL_ARCHIVE": value})
    found = archive_dir(settings)
    assert (str(found) if found else None) == expected


def test_middleware_is_off_when_the_archive_is(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        ArchiveMiddleware(get_crawler(settings_dict={"NEWSCRAWL_ARCHIVE": ""}))


def test_middleware_sits_next_to_the_downloader() -> None:
    from newscrawl import settings

    order = settings.DOWNLOADER_MIDDLEWARES["newscrawl.archive.ArchiveMiddleware"]
    assert order is not None
    others = [v for v in settings.DOWNLOADER_MIDDLEWARES.values() if v is not None and v != order]
    assert order > max(others)
    assert order > 900  # after HttpCacheMiddleware, the last stock one


def test_middleware_writes_and_the_replay_answers_from_the_record(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_ARCHIVE": str(tmp_path)})
    middleware = ArchiveMiddleware(crawler)
    request, response = _pair(7)
    assert middleware.process_response(request, response) is response
    ref = request.meta[ARCHIVE_META]
    middleware.spider_closed()
    replay = ReplayMiddleware.from_crawler(crawler)
    again = Request(request.url, meta={ARCHIVE_META: ref})
    replayed = replay.process_request(again)
    assert isinstance(replayed, HtmlResponse)
    assert replayed.body == response.body and "archive" in replayed.flags


def _schema_1(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE articles (url TEXT PRIMARY KEY, language TEXT NOT NULL,
                article_id INTEGER, content_hash TEXT NOT NULL, title TEXT,
                revision INTEGER NOT NULL, published_at TEXT, first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('schema_version', '1');
            INSERT INTO articles VALUES ('http://x/en/a/b', 'en', 1, 'h', 'T', 3, NULL,
                '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00');
            """
        )


def test_a_schema_1_state_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    _schema_1(path)
    store = StateStore(path)
    old = store.get("http://x/en/a/b")
    assert old is not None and old.revision == 3 and old.archive_file is None
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "5"
    assert store.note_failure("http://x/en/a/b", "run-1", "http_500") == 1  # the new table
    store.touch("http://x/en/a/b", "2025-02-01T00:00:00+00:00", {"file": "f.warc.gz", "offset": 9})
    moved = store.get("http://x/en/a/b")
    assert moved is not None and (moved.archive_file, moved.archive_offset) == ("f.warc.gz", 9)
    store.record(
        url="http://x/en/a/b",
        language="en",
        article_id=1,
        content_hash="h2",
        title="T",
        revision=4,
        published_at=None,
        seen_at="2025-03-01T00:00:00+00:00",
        record_hash="r",
    )
    kept = store.get("http://x/en/a/b")
    assert kept is not None and kept.archive_file == "f.warc.gz" and kept.record_hash == "r"
    store.close()
    StateStore(path).close()  # opening again: nothing left to migrate


def test_scrapy_check_writes_nothing_to_the_archive(tmp_path: Path) -> None:
    """The contracts' fixture pages are not pages of the site: ``scrapy check`` runs with the
    archive off, wherever ``NEWSCRAWL_ARCHIVE`` points."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWL_ARCHIVE"}
    env.update(NEWSCRAWL_OUTPUT_DIR=str(tmp_path / "output"), NEWSCRAWL_STATE="")
    for archive in ({}, {"NEWSCRAWL_ARCHIVE": str(tmp_path / "archive")}):
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "check", "report"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**env, **archive},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Ran 0 contracts" not in result.stderr
        assert not list(tmp_path.rglob("*.warc.gz"))
