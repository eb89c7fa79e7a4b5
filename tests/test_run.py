"""The run extension (newscrawl/run.py) without an engine: what it counts from each item, the
reject file, the exit status, and the stats file it writes from the stats."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.items import Article, Reject
from newscrawl.pipelines import Rejected
from newscrawl.run import EXIT_CODE_STAT, Run, exit_status, part_path, reason_kind, set_exit_code


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
