"""Backfill: ``mode=archive`` takes no listing to be whole. The replica's date archive shows only
the 12 latest cards of a day (as the live site's), so each period is walked from its newest
day's listing down through the scroll endpoint to the period's start; every article of those
days is written exactly once, and a re-run over the same state writes nothing again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

#: Two full days before the replica's clock (2025-10-23), about 200 articles a day per edition.
DAYS = ("2025-10-20", "2025-10-21")


def test_a_two_day_backfill_run_three_times_writes_every_article_once(tmp_path: Path) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    arguments = {"mode": "archive", "since": DAYS[0], "until": DAYS[-1], "editions": "en"}
    with ReplicaServer(articles=1000, seed=8, days=5) as replica:
        truth = [a for a in replica.truth() if not a.get("republished_from")]
        runs = [
            run_crawl(replica.base_url, output, state=state, arguments=arguments) for _ in range(3)
        ]
    expected = {a["url"] for a in truth if a["published_at"][:10] in DAYS and a["language"] == "en"}
    per_day = Counter(a["published_at"][:10] for a in truth if a["url"] in expected)
    assert min(per_day.values()) > 150, per_day  # far more than the 12 of a day's listing
    for run in runs:
        assert run.returncode == 0, run.log[-3000:]
    first = runs[0]
    written = Counter(a["url"] for run in runs for a in run.all_articles())
    assert set(written) == expected, (len(written), len(expected))
    assert max(written.values()) == 1
    assert runs[1].all_articles() == [] and runs[2].all_articles() == []
    days = first.stats["editions"]["en"]["days"]
    print(f"backfill: {len(expected)} articles of {DAYS}; per day {days['by_day']}")
    assert days["incomplete"] == 0 and days["complete"] == len(DAYS)
    for day in DAYS:
        figures = days["by_day"][day]
        assert figures["complete"] and figures["listing"] + figures["scroll"] == per_day[day]
    assert days["by_day"][DAYS[-1]]["listing"] == 12  # the newest day's listing, then scrolling
    # the re-runs find every day walked: only the newest day's listing is read, as a check
    assert runs[2].stats["editions"]["en"]["cost"]["feed_pages"] == 1
    assert runs[2].stats["site_requests"] <= 3  # robots.txt, the listing (no article)
    assert "every day of the period was walked by earlier backfills" in runs[2].log
