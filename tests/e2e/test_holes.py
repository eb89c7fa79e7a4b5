"""The downtime story: a run, then more than a run's page budget of new articles while no run
happens, then runs on the usual schedule with the default arguments. The walk that hit
``max_pages`` leaves a hole (shown in the summary), the next runs walk into it from its cursor,
and in the end every article of the outage is written exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

OUTAGE_HOURS = 26


def _start_clock() -> str:
    """The replica's clock starts an outage before the real now (the crawler's edit horizon
    and date checks read the real clock)."""
    start = datetime.now(UTC) - timedelta(hours=OUTAGE_HOURS, minutes=5)
    return start.replace(microsecond=0).isoformat()


def _truth(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in replica.truth() if not a.get("republished_from")}


def test_an_outage_longer_than_the_page_budget_is_caught_up_exactly_once(tmp_path: Path) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    with ReplicaServer(
        articles=560,
        seed=21,
        days=1,
        now=_start_clock(),
        extra_args=["--future-hours", str(OUTAGE_HOURS)],
    ) as replica:
        first = run_crawl(replica.base_url, output, state=state)
        assert first.returncode == 0, first.log[-3000:]
        before = _truth(replica)
        replica.advance(OUTAGE_HOURS * 60)
        after = _truth(replica)
        runs = [run_crawl(replica.base_url, output, state=state) for _ in range(3)]
    for run in runs:
        assert run.returncode == 0, run.log[-3000:]
    outage = {url for url in after if url not in before}
    per_edition = Counter(after[url]["language"] for url in outage)
    assert min(per_edition.values()) > 200, per_edition  # more than max_pages=10 pages hold

    for number, run in enumerate(runs, start=2):
        print(
            f"run {number}: "
            + "; ".join(
                f"{code} {f['new']} new, {f['cost']['feed_pages']} feed + "
                f"{f['cost']['hole_pages']} hole pages, {len(f['holes'])} holes"
                for code, f in run.stats["editions"].items()
            )
        )
    print(f"outage: {dict(per_edition)} new articles per edition")
    # the run after the outage stopped at max_pages and showed the hole it left
    catch_up = runs[0].stats["editions"]
    for code in ("az", "en", "ru"):
        assert catch_up[code]["walk"]["stop_reason"] == "max_pages", catch_up[code]["walk"]
        assert catch_up[code]["holes"], f"{code}: no hole shown after the outage"
        assert "HOLE in the feed" in runs[0].log
    # ... and the runs after it walked into it until none was left
    assert all(not figures["holes"] for figures in runs[-1].stats["editions"].values())

    written = Counter(a["url"] for run in runs for a in run.all_articles())
    missed = outage - set(written)
    assert not missed, f"{len(missed)} articles of the outage never written: {sorted(missed)[:3]}"
    assert [url for url, n in written.items() if n > 1] == []
    # an article of the first run comes again only as a new revision of an edit (the first
    # run's own history hole, down to NEWSCRAWL_HISTORY_HOURS, brings older ones once)
    first_written = {a["url"] for a in first.all_articles()}
    for run in runs:
        for article in run.all_articles():
            if article["url"] in first_written:
                assert article["revision"] >= 2
                assert article["title"] == after[article["url"]]["title"]
