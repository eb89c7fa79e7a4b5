"""Hourly runs while the site edits articles published hours earlier (headline and body
changed, URL kept), up to 30 feed positions deep: every edit comes out as a new revision, no
unchanged article is written again, and each run's requests stay within new + edited +
re-checks + feed pages walked (+ robots.txt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

HOURS = 4


def _truth(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in replica.truth() if not a.get("republished_from")}


def _key(article: dict[str, Any]) -> tuple[Any, Any]:
    return article["title"], article["body"]


def _position(truth: dict[str, dict[str, Any]], url: str) -> int:
    """Where ``url`` sits in its edition's feed (0: the newest card)."""
    language = truth[url]["language"]
    return [u for u, a in truth.items() if a["language"] == language].index(url)


def test_hourly_edits_deep_in_the_feed_each_become_a_new_revision(tmp_path: Path) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    start = datetime.now(UTC) - timedelta(hours=HOURS, minutes=5)
    with ReplicaServer(
        articles=200,
        seed=9,
        days=1,
        now=start.replace(microsecond=0).isoformat(),
        extra_args=["--future-hours", str(HOURS), "--hourly-edits", "3", "--edit-depth", "30"],
    ) as replica:
        first = run_crawl(replica.base_url, output, state=state)
        assert first.returncode == 0, first.log[-3000:]
        revision = {a["url"]: a["revision"] for a in first.all_articles()}
        #: The text each article was last written with: an edit of the body alone may be
        #: written a run or two later (by the re-check rotation), never an unchanged article.
        last_written = {a["url"]: _key(a) for a in first.all_articles()}
        edits_seen = 0
        for hour in range(1, HOURS + 1):
            before = _truth(replica)
            replica.advance(60)
            after = _truth(replica)
            run = run_crawl(replica.base_url, output, state=state)
            assert run.returncode == 0, run.log[-3000:]
            new = {u for u in after if u not in before}
            edited = {u for u in after if u in before and _key(after[u]) != _key(before[u])}
            # the edits of the headline up to 30 feed positions deep (the replica also edits a
            # few older articles, some in the body only: the re-check rotation finds those in
            # a bounded time, not always within the hour)
            shallow = {
                u
                for u in edited
                if _position(after, u) < 30 and after[u]["title"] != before[u]["title"]
            }
            assert len(shallow) >= 2 * 3, f"hour {hour}: the replica made too few edits"
            # a republished copy (same text, new URL) is refused as a duplicate; once the site
            # edits its original it is an article of its own: neither is checked here
            copies = {a["url"] for a in replica.truth() if a.get("republished_from")}
            written = {a["url"]: a for a in run.all_articles() if a["url"] not in copies}
            missed = (new | shallow) - set(written)
            rejected = {r["url"]: r["reason"] for r in run.rejects if r["url"] in missed}
            assert not missed, f"hour {hour}: missed {sorted(missed)[:3]} (rejects: {rejected})"
            changed = {u for u in after if u in last_written and _key(after[u]) != last_written[u]}
            unexpected = set(written) - new - changed
            assert not unexpected, f"hour {hour}: unchanged written again: {sorted(unexpected)[:3]}"
            for url in set(written) & changed:
                assert written[url]["revision"] == revision[url] + 1, url
                assert _key(written[url]) == _key(after[url]), url
            for url, article in written.items():
                revision[url] = article["revision"]
                last_written[url] = _key(article)
            edits_seen += len(shallow)
            figures = run.stats["editions"]
            budget = sum(
                # new articles (a republished copy, refused as a duplicate, is one too), edits,
                # re-checks, feed pages and the RSS cross-check (one request per edition)
                f["new"]
                + f["dropped_total"]
                + f["updated"]
                + f["cost"]["rechecks"]
                + f["cost"]["feed_pages"]
                + f["cost"]["hole_pages"]
                + f["cost"]["rss"]
                for f in figures.values()
            )
            print(
                f"hour {hour}: {len(new)} new, {len(shallow)} edited up to 30 deep "
                f"({len(set(written) & edited)} of {len(edited)} edits written), "
                f"{run.stats['site_requests']} requests (budget {budget} + robots.txt)"
            )
            assert run.stats["site_requests"] <= budget + 1
    assert edits_seen >= 2 * 3 * HOURS
