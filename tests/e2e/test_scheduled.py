"""Scheduled runs: the request budget of incremental runs, and the lock that stops two runs
over one state from overlapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newscrawl.sqlitestore import StateLock
from tests.crawl import CrawlResult, run_crawl
from tests.site.harness import ReplicaServer

EDITIONS = 3


def _requests(result: CrawlResult) -> int:
    """Requests to the site, robots.txt included, from the run's own accounting."""
    return int(result.stats["site_requests"])


def _visible(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in replica.truth()}


def _new_urls(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> set[str]:
    return set(after) - set(before)


def _advance_until(replica: ReplicaServer, before: dict[str, dict[str, Any]], k: int) -> set[str]:
    """Move the clock until at least ``k`` new articles appeared (exactly one for k = 1)."""
    step = 1 if k <= 1 else 5
    for _ in range(24 * 60 // step):
        replica.advance(step)
        new = _new_urls(before, _visible(replica))
        if len(new) >= k:
            return new
    raise AssertionError(f"the replica never published {k} new articles")


@pytest.mark.parametrize("k", [0, 1, 50])
def test_incremental_run_stays_within_the_request_budget(tmp_path: Path, k: int) -> None:
    """A run that finds k articles makes at most k + 2 x editions requests (+ robots.txt)."""
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    # A day of articles is still to be published after the start clock.
    with ReplicaServer(articles=80, seed=5, extra_args=["--future-hours", "24"]) as replica:
        full = run_crawl(replica.base_url, output, state=state, arguments={"max_pages": "100"})
        assert full.returncode == 0, full.log[-3000:]
        before = _visible(replica)
        new = _advance_until(replica, before, k) if k else set()
        result = run_crawl(replica.base_url, output, state=state, arguments={"max_pages": "100"})
    assert result.returncode == 0, result.log[-3000:]
    duplicates = {r["url"] for r in result.rejects if r["reason"] == "duplicate_of"}
    found = {a["url"] for a in result.all_articles()} | duplicates
    assert new <= found, f"new articles missed: {sorted(new - found)[:5]}"
    assert len(new) >= k
    # home or feed, one scroll batch and the RSS cross-check per edition, + robots.txt
    assert _requests(result) <= len(found) + 3 * EDITIONS + 1


def test_second_run_over_a_locked_state_exits_at_once(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    state = tmp_path / "state.sqlite"
    lock = StateLock(state)
    lock.acquire()
    try:
        result = run_crawl(replica.base_url, tmp_path / "output", state=state)
    finally:
        lock.release()
    assert result.returncode == 75
    assert "another crawl is using the state" in result.log
    assert result.all_articles() == []
    assert result.stats["finish_reason"] == "state_locked"
    assert _requests(result) == 0
