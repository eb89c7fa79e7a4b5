"""Backfills over one PostgreSQL state (issue 20): two nodes backfilling two days of one edition
at the same time each take their period's work unit, and the days they walked are merged under
the row's lock, so a later backfill of both days finds them walked and fetches nothing again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.crawl import read_jsonl, run_crawl, start_crawl
from tests.pg_server import PostgresServer
from tests.site.harness import ReplicaServer

DAYS = ("2025-10-21", "2025-10-22")


def test_two_nodes_backfill_two_days_at_once_and_a_third_run_finds_both_walked(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    state = pg_server.create_database()
    with ReplicaServer(articles=300, seed=8, days=3) as replica:
        crawls = [
            start_crawl(
                replica.base_url,
                tmp_path / f"node{n}",
                state=state,
                arguments={"mode": "archive", "since": day, "until": day, "editions": "en"},
                settings={"NEWSCRAWL_NODE": f"node{n}"},
            )
            for n, day in enumerate(DAYS, 1)
        ]
        logs = [crawl.communicate(timeout=240)[0] for crawl in crawls]
        assert [crawl.returncode for crawl in crawls] == [0, 0], logs[0][-3000:] + logs[1][-3000:]
        both = run_crawl(
            replica.base_url,
            tmp_path / "node3",
            state=state,
            arguments={"mode": "archive", "since": DAYS[0], "until": DAYS[-1], "editions": "en"},
            settings={"NEWSCRAWL_NODE": "node3"},
        )
        truth = [a for a in replica.truth("en") if not a.get("republished_from")]
    assert both.returncode == 0, both.log[-3000:]
    for n, day in enumerate(DAYS, 1):
        assert f"claimed work unit backfill:en:{day}" in logs[n - 1]
    expected = {a["url"] for a in truth if a["published_at"][:10] in DAYS}
    written = Counter(
        item["url"]
        for n in (1, 2)
        for path in (tmp_path / f"node{n}" / "en").glob("report-*.jsonl")
        for item in read_jsonl(path)
    )
    assert set(written) == expected and max(written.values()) == 1
    # the periods of both nodes are in the state: the whole span is walked already
    assert both.all_articles() == []
    assert "every day of the period was walked by earlier backfills" in both.log
