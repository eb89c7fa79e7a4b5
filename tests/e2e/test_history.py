"""A first run sets no limit: a fresh state must reach NEWSCRAWL_HISTORY_HOURS below the feed's
newest card. A first run cut short (SIGINT, as Ctrl-C or Scrapyd's cancel.json; ``-a
max_pages=1``) leaves a hole down to that floor, and the default runs after it walk it until
every article back to the floor is written, each once."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newscrawl.site import parse_iso
from tests.crawl import CrawlResult, read_output, run_crawl, start_crawl
from tests.e2e.test_crash import SLOW, _run_until
from tests.site.harness import ReplicaServer

HISTORY = {"NEWSCRAWL_HISTORY_HOURS": "12"}
ARGUMENTS = {"editions": "en"}


def _since_floor(truth: list[dict[str, Any]]) -> set[str]:
    """The URLs of the edition's articles no older than the history below its newest."""
    articles = [a for a in truth if a["language"] == "en" and not a.get("republished_from")]
    newest = max(parse_iso(a["published_at"]) for a in articles)
    floor = newest - timedelta(hours=12)
    return {a["url"] for a in articles if parse_iso(a["published_at"]) >= floor}


def _interrupted(replica: ReplicaServer, output: Path, state: Path) -> CrawlResult:
    """A first run stopped with one SIGINT once it wrote some articles (Scrapy closes
    gracefully)."""
    process = start_crawl(
        replica.base_url,
        output,
        state=state,
        arguments=ARGUMENTS,
        settings={**SLOW, **HISTORY},
    )
    log = _run_until(process, "Scraped from <200", 45)  # page 1 and 2 done
    process.send_signal(signal.SIGINT)
    assert process.stdout is not None
    log += process.stdout.read()
    process.wait(timeout=60)
    result = read_output(output)
    result.returncode, result.log = process.returncode, log
    return result


@pytest.mark.parametrize("first_run", ["sigint", "max_pages=1"])
def test_a_first_run_cut_short_leaves_a_hole_the_next_runs_fill(
    tmp_path: Path, first_run: str
) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    with ReplicaServer(articles=450, seed=12, days=3) as replica:
        expected = _since_floor(replica.truth())
        if first_run == "sigint":
            first = _interrupted(replica, output, state)
            assert "shutdown" in first.log, first.log[-3000:]
        else:
            first = run_crawl(
                replica.base_url,
                output,
                state=state,
                arguments={**ARGUMENTS, "max_pages": "1"},
                settings=HISTORY,
            )
        runs = [first]
        while len(runs) < 5 and (len(runs) == 1 or runs[-1].stats["editions"]["en"]["holes"]):
            runs.append(
                run_crawl(
                    replica.base_url, output, state=state, arguments=ARGUMENTS, settings=HISTORY
                )
            )
    first_written = {a["url"] for a in first.all_articles()}
    assert 0 < len(first_written) < len(expected)  # cut short
    if first_run == "max_pages=1":  # (SIGINT may land before page 1 is done: then the floor
        # alone is recorded, and the next top walk must reach it)
        assert first.stats["editions"]["en"]["holes"], "the first run left no hole"
    written = Counter(a["url"] for run in runs for a in run.all_articles())
    print(
        f"{first_run}: first run {len(first_written)} of {len(expected)} articles of the last "
        f"12 h; then {[len(r.all_articles()) for r in runs[1:]]} over {len(runs) - 1} runs"
    )
    assert not runs[-1].stats["editions"]["en"]["holes"]
    assert runs[-1].returncode == 0, runs[-1].log[-3000:]
    missed = expected - set(written)
    assert not missed, f"{len(missed)} of {len(expected)} never written"
    assert [url for url, n in written.items() if n > 1] == []
