"""Recovery after a kill: complete lines of the killed run are recorded, a torn last line is
cut off so that the article is fetched and written again, whole, by the next run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from newscrawl.output import (
    OPEN_RUN_KEY,
    output_path,
    part_path,
    previous_run,
    recover_unfinished_run,
)
from newscrawl.store import StateStore


def mark_run_open(store: StateStore, run_id: str, output_dir: Path) -> None:
    store.set_meta(OPEN_RUN_KEY, f"{run_id}|{output_dir.resolve()}")


def _line(n: int) -> bytes:
    item = {
        "url": f"https://report.az/en/energy/article-{n}",
        "content_hash": f"{n:064x}",
        "revision": 1,
        "title": f"Article {n}",
        "published_at": "2025-10-23T20:02:00+04:00",
        "crawled_at": "2025-10-23T16:02:00+00:00",
    }
    return json.dumps(item).encode() + b"\n"


def test_written_lines_are_recorded_and_a_torn_line_is_cut(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    mark_run_open(store, "2025-10-23T16-00-00", tmp_path / "output")
    path = output_path(tmp_path / "output", "en", "2025-10-23T16-00-00")
    path.parent.mkdir(parents=True)
    whole = _line(1) + _line(2)
    path.write_bytes(whole + _line(3)[:25])

    assert recover_unfinished_run(store) == 2
    assert path.read_bytes() == whole
    assert store.get("https://report.az/en/energy/article-2") is not None
    assert store.get("https://report.az/en/energy/article-3") is None
    assert recover_unfinished_run(store) == 0  # the marker is cleared


def test_nothing_to_do_after_a_clean_run(tmp_path: Path) -> None:
    assert recover_unfinished_run(StateStore(tmp_path / "state.sqlite")) == 0


def test_a_killed_runs_part_files_are_read_and_put_in_place(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    run_id, output = "2025-10-23T16-00-00-4711", tmp_path / "output"
    mark_run_open(store, run_id, output)
    part = part_path(output, "en", run_id)
    part.parent.mkdir(parents=True)
    part.write_bytes(_line(1) + _line(2)[:10])
    rejects = part_path(output, "rejects", run_id)
    rejects.parent.mkdir(parents=True)
    rejects.write_bytes(b'{"reason": "http_404", "url": "x"}\n')

    assert recover_unfinished_run(store) == 1
    assert not part.exists() and not rejects.exists()
    assert output_path(output, "en", run_id).read_bytes() == _line(1)
    assert output_path(output, "rejects", run_id).exists()
    assert previous_run(store) == {"finished": False, "recovered_articles": 1}
    recover_unfinished_run(store)  # the next run: the one before it finished
    assert previous_run(store) == {"finished": True, "recovered_articles": 0}


def test_a_line_whose_state_row_was_locked_out_is_recorded_by_the_next_run(
    tmp_path: Path,
) -> None:
    """Another program locks the state during the run: the article's line is already in its
    file but its row cannot be written; the run stops (exit 75, walked ranges not recorded)
    and the next run's recovery records the line, so it is never written twice."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from newscrawl.run import EXIT_CODE_STAT, EXIT_STATE_LOCKED, Run
    from tests.test_run import _article

    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    settings = {
        "NEWSCRAWL_OUTPUT_DIR": str(output),
        "NEWSCRAWL_STATE": str(state),
        "NEWSCRAWL_STATE_LOCK_WAIT_SECONDS": 0.2,
        "NEWSCRAWL_HEALTH_ENABLED": False,
    }

    def opened(run_id: str) -> Run:
        run = Run(get_crawler(Spider, settings))
        run.run_id = run_id
        run.open(site="https://report.az")
        assert run.failure is None
        return run

    run = opened("2025-10-23T16-00-00-1")
    run.item_scraped(_article("en", url="https://report.az/en/a/1"))
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT OR REPLACE INTO meta VALUES ('held', 'by another program')")
    run.item_scraped(_article("en", url="https://report.az/en/a/2"))  # no traceback
    assert run.store.fault is not None and run.failure_reason == "state_locked"
    assert run.crawler is not None and run.crawler.stats is not None
    assert run.crawler.stats.get_value(EXIT_CODE_STAT) == EXIT_STATE_LOCKED
    holder.execute("ROLLBACK")
    holder.close()
    run.spider_closed(Spider(name="report"), "state_locked")
    written = output_path(output, "en", "2025-10-23T16-00-00-1").read_text().splitlines()
    assert [json.loads(line)["url"] for line in written] == [
        "https://report.az/en/a/1",
        "https://report.az/en/a/2",
    ]

    after = opened("2025-10-23T16-10-00-1")
    assert after.previous_run == {"finished": False, "recovered_articles": 1}
    assert after.store.get("https://report.az/en/a/2") is not None
    after.spider_closed(Spider(name="report"), "finished")
