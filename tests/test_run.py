"""The run extension (newscrawl/run.py) without an engine: what it counts from each item, the
reject file, the exit status, and the stats file it writes from the stats."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.items import Article, Reject
from newscrawl.output import output_problem, part_path
from newscrawl.pipelines import Rejected
from newscrawl.run import (
    CLOSED_STAT,
    EXIT_CODE_STAT,
    OPENED_STAT,
    Run,
    exit_status,
    reason_kind,
    set_exit_code,
)
from newscrawl.store import StateStore


def _article(language: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "url": f"https://report.az/{language}/a/b",
        "language": language,
        "article_id": 1,
        "slug": "b",
        "title": "t",
        "lead": None,
        "body": "body",
        "published_at": "2025-10-23T21:00:00+04:00",
        "published_at_raw": "",
        "modified_at": None,
        "category": None,
        "category_slug": None,
        "layout": "current",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def _run(tmp_path: Path) -> Run:
    settings = {
        "NEWSCRAWL_OUTPUT_DIR": str(tmp_path),
        "NEWSCRAWL_STATE": "",
        "NEWSCRAWL_HEALTH_ENABLED": False,
    }
    crawler = get_crawler(Spider, settings)
    run = Run(crawler)
    run.run_id = "2025-10-23T21-00-00-1"
    run.open()
    return run


def test_rejects_count_from_rejected_drops_not_dropped_articles(tmp_path: Path) -> None:
    run = _run(tmp_path)
    no_body = Reject(reason="no_body", url="u1", language="en")
    run.item_dropped(no_body, Rejected(no_body))  # the spider's reject, dropped
    duplicate = Reject(reason="duplicate_of", url="u2", language="en", detail="u0")
    run.item_dropped(_article("en"), Rejected(duplicate))  # a pipeline's reject
    # unchanged: dropped on purpose, not a reject
    run.item_dropped(_article("en"), DropItem("unchanged since revision 1"))
    run.item_scraped(_article("en", warnings=["date_disagreement: x"], tags=["a"]))
    assert run.crawler is not None and run.crawler.stats is not None
    stats = run.crawler.stats.get_stats()
    assert stats["newscrawl/en/dropped/no_body"] == stats["newscrawl/en/dropped/duplicate_of"] == 1
    assert (stats["newscrawl/en/exported"], stats["newscrawl/en/new"]) == (1, 1)
    assert stats["newscrawl/en/warning/date_disagreement"] == stats["newscrawl/en/flagged"] == 1
    assert stats["newscrawl/en/filled/tags"] == 1 and "newscrawl/en/filled/lead" not in stats
    assert stats["newscrawl/en/layout/current"] == 1
    rejects = part_path(tmp_path, "rejects", run.run_id).read_text("utf-8").splitlines()
    assert [json.loads(line)["reason"] for line in rejects] == ["no_body", "duplicate_of"]


def test_reason_kind_reads_old_and_new_reasons() -> None:
    assert reason_kind("duplicate_of:https://report.az/en/a/b") == "duplicate_of"
    assert reason_kind("duplicate_of") == "duplicate_of"
    assert reason_kind("http_404") == "http_404"


def test_exit_status() -> None:
    crawler = get_crawler(Spider)
    stats = crawler.stats
    assert stats is not None
    stats.set_value("finish_reason", "finished")
    assert exit_status(stats) == 0
    set_exit_code(crawler, 3)  # health failed
    set_exit_code(crawler, 75)  # an earlier cause wins
    assert exit_status(stats) == 3
    stats.set_value("finish_reason", "shutdown")  # Ctrl-C: not finished, whatever the health
    assert exit_status(stats) == 1
    stats.set_value(EXIT_CODE_STAT, 75)
    assert exit_status(stats) == 75
    stats.set_value(EXIT_CODE_STAT, 0)
    stats.set_value("finish_reason", None)  # a second Ctrl-C: the engine never closed
    assert exit_status(stats) == 1


def test_files_are_put_in_place_at_the_close_and_listed_in_the_stats_file(tmp_path: Path) -> None:
    run = _run(tmp_path)
    spider = Spider(name="report")
    run.item_scraped(_article("az"))
    assert run.crawler is not None and run.crawler.stats is not None
    run.crawler.stats.set_value("finish_reason", "finished")
    run.spider_closed(spider, "finished")
    run.crawler.spider = spider
    run.engine_stopped()
    assert not part_path(tmp_path, "az", run.run_id).exists()
    stats = json.loads((tmp_path / "stats" / f"report-{run.run_id}.json").read_text("utf-8"))
    assert [f["kind"] for f in stats["files"]] == ["az"]
    assert stats["editions"]["az"]["exported"] == 1 and stats["exit_code"] == 0


def test_exit_status_of_environment_faults_and_a_forced_shutdown() -> None:
    crawler = get_crawler(Spider)
    stats = crawler.stats
    assert stats is not None
    stats.set_value(OPENED_STAT, True)
    stats.set_value("finish_reason", "shutdown")  # a second Ctrl-C: the engine never stopped
    assert exit_status(stats) == 130
    stats.set_value("finish_reason", "finished")  # cut while closing a finished run
    assert exit_status(stats) == 130
    stats.set_value(CLOSED_STAT, True)
    assert exit_status(stats) == 0
    for code in (73, 74):  # output folder, failed write: whatever the finish reason
        stats.set_value(EXIT_CODE_STAT, code)
        stats.set_value("finish_reason", "write_failed")
        assert exit_status(stats) == code


def test_output_problem_names_the_folder_and_the_cause(tmp_path: Path) -> None:
    missing = tmp_path / "a" / "b" / "out"
    assert output_problem(missing) is None and missing.is_dir()  # created with its parents
    (tmp_path / "file").write_text("x")
    problem = output_problem(tmp_path / "file")
    assert problem is not None and "output folder" in problem and "nothing crawled" in problem
    (missing / "en").write_text("not a folder")  # a kind's folder taken by a file
    assert output_problem(missing) is not None
    assert output_problem(tmp_path / "file" / "below") is not None
    assert sorted(p.name for p in missing.iterdir()) == ["en"]  # no probe left behind


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_is_said_once_and_no_state_row_claims_a_line_not_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run = _run(tmp_path)
    run.store = StateStore(str(tmp_path / "state.sqlite"))
    part = part_path(tmp_path, "en", run.run_id)
    part.parent.mkdir(parents=True)
    part.symlink_to("/dev/full")  # every write: ENOSPC, from the kernel
    run.item_scraped(_article("en"))
    run.item_scraped(_article("en", url="https://report.az/en/a/c", article_id=2))
    run.item_dropped(_article("en"), Rejected(Reject(reason="no_body", url="u", language="en")))
    assert run.store.get("https://report.az/en/a/b") is None  # the next run fetches it
    assert run.write_failed is not None and "No space left on device" in run.write_failed
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "the run stops" in errors[0].getMessage()
    assert run.crawler is not None and run.crawler.stats is not None
    assert exit_status(run.crawler.stats) == 74
    assert "newscrawl/en/exported" not in run.crawler.stats.get_stats()
    run.store.close()


def test_a_short_write_is_finished_or_cut_off(tmp_path: Path) -> None:
    run = _run(tmp_path)

    class Short:  # a disk filling up: part of the bytes, then an error
        def __init__(self) -> None:
            self.data, self.calls = bytearray(), 0

        def tell(self) -> int:
            return len(self.data)

        def write(self, view: memoryview) -> int:
            self.calls += 1
            if self.calls > 2:
                raise OSError(28, "No space left on device")
            self.data += bytes(view[:10])
            return 10

        def truncate(self, size: int) -> None:
            del self.data[size:]

    stream = Short()
    run.open_files._files["en"] = stream  # type: ignore[assignment]
    run.item_scraped(_article("en"))
    assert stream.data == b"" and run.write_failed is not None  # no torn line left
