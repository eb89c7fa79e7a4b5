"""Backfill: ``mode=archive`` walks each edition's date archive day by day and writes exactly
the articles of those days; a second backfill over the same days writes nothing again."""

from __future__ import annotations

from pathlib import Path

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

DAYS = ("2025-10-19", "2025-10-20", "2025-10-21")


def test_backfill_of_three_days_writes_exactly_their_articles(tmp_path: Path) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    arguments = {"mode": "archive", "since": DAYS[0], "until": DAYS[-1]}
    with ReplicaServer(articles=90, seed=8, days=6) as replica:
        truth = [a for a in replica.truth() if not a.get("republished_from")]
        first = run_crawl(replica.base_url, output, state=state, arguments=arguments)
        again = run_crawl(replica.base_url, output, state=state, arguments=arguments)
    assert first.returncode == 0, first.log[-3000:]
    expected = {a["url"] for a in truth if a["published_at"][:10] in DAYS}
    assert expected, "the replica should have articles on those days"
    written = [a["url"] for a in first.all_articles()]
    assert sorted(written) == sorted(expected)
    for language, figures in first.stats["editions"].items():
        assert figures["feed_pages"] == len(DAYS), language
    assert again.returncode == 0, again.log[-3000:]
    assert again.all_articles() == []
