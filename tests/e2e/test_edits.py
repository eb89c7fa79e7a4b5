"""Hourly runs while the site edits recent articles, headline and body or the body alone, up to
20 feed positions deep (and, now and then, older ones: the replica's own edits).

What is asserted, run by run (the crawler's clock follows the replica's, ``NEWSCRAWL_NOW``):
- every new article is written;
- every edit of the headline of an article whose card is on the first feed page (20 cards)
  is a new revision in the *next run* (its card shows another headline: fetched at once);
- every other edit (the body alone, or an article deeper in the feed) is a new revision by
  the *stated latency bound* of the revisit schedule, not "the next run": it is written by the
  first run at which the article is due again after the edit, i.e. when the time since its
  last fetch exceeds half its age (``NEWSCRAWL_REVISIT_SHARE`` 0.5, within the 48 h horizon):
  an edit made at age A waits at most A + one run interval. The replica's edits are not
  placed for the schedule: they fall at ages from minutes to a day, and the test computes, for
  each, the run the bound names from the fetches in the replica's request log;
- no unchanged article is written again (a revisit of an unchanged article is answered 304);
- each run's requests, counted from the replica's request log, are the feed pages (no more
  than two per edition: no walk through an edit horizon), robots.txt, the RSS cross-check and
  article pages that are new, show an edited headline, or are due by the rule. Nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newscrawl.site import parse_iso
from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HOURS = 4
DEPTH = 20
SHARE, HORIZON = 0.5, timedelta(hours=48)
FEED_PATHS = ("/son-xeberler", "/en/news-feed", "/ru/lenta")


def _truth(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in replica.truth()}


def _key(article: dict[str, Any]) -> tuple[Any, Any]:
    return article["title"], article["body"]


def _positions(truth: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Where each article sits in its edition's feed (0: the newest card)."""
    seen: dict[str, int] = {}
    out = {}
    for url, article in truth.items():  # newest first per edition
        out[url] = seen.get(article["language"], 0)
        seen[article["language"]] = out[url] + 1
    return out


def _due(published: datetime, fetched: datetime, now: datetime) -> bool:
    """The revisit rule, as docs/operations.md states it."""
    return now - published <= HORIZON and now - fetched > SHARE * (now - published)


def _kind(path: str, articles: set[str]) -> str:
    """What a request of the crawler asked for (``articles``: the paths of the articles)."""
    bare = path.split("?", 1)[0]
    if bare == "/robots.txt":
        return "robots"
    if bare in FEED_PATHS or bare.endswith("/infinity/index"):
        return "feed"
    if bare.endswith("/rss/"):
        return "rss"
    return "article" if bare.rstrip("/") in articles else "other"


def test_hourly_edits_come_out_by_the_next_run_or_by_the_revisit_bound(tmp_path: Path) -> None:
    state, output, log = tmp_path / "state.sqlite", tmp_path / "output", tmp_path / "requests"
    start = (datetime.now(UTC) - timedelta(hours=HOURS, minutes=5)).replace(microsecond=0)
    extra = ["--future-hours", str(HOURS), "--hourly-edits", "4", "--edit-depth", str(DEPTH)]
    with ReplicaServer(
        articles=200,
        seed=9,
        days=1,
        now=start.isoformat(),
        extra_args=[*extra, "--body-edits", "0.5"],
        request_log=log,
    ) as replica:
        base = replica.base_url

        def crawl(now: datetime) -> Any:
            # the whole feed is history here (the replica's special articles are dated 2025)
            settings = {"NEWSCRAWL_NOW": now.isoformat(), "NEWSCRAWL_HISTORY_HOURS": "0"}
            run = run_crawl(base, output, state=state, settings=settings)
            assert run.returncode == 0, run.log[-3000:]
            return run

        def crawler_requests() -> list[dict[str, Any]]:
            """The request log without the test's own (clock, truth)."""
            return [r for r in replica.requests() if not r["path"].startswith("/__")]

        def fetched_in(requests: list[dict[str, Any]], known: set[str]) -> list[str]:
            paths = (r["path"].split("?", 1)[0].rstrip("/") for r in requests)
            return [base + p for p in paths if base + p in known]

        truth = _truth(replica)
        first = crawl(start)
        copies = {u for u, a in truth.items() if a.get("republished_from")}
        written = {a["url"]: a for a in first.all_articles()}
        assert set(written) == set(truth) - copies
        last_written = {u: _key(a) for u, a in written.items()}
        revision = {u: a["revision"] for u, a in written.items()}
        fetched = {u: start for u in fetched_in(crawler_requests(), set(truth))}
        #: the page as the last fetch found it (its translations may change, not its text)
        page = {u: truth[u] for u in fetched}
        #: edits not yet written: url -> (moment of the edit, headline edited)
        pending: dict[str, tuple[datetime, bool]] = {}
        tally = {"next_run": 0, "by_bound": 0, "not_modified": 0}
        seen_requests = len(crawler_requests())
        for hour in range(1, HOURS + 1):
            before = truth
            now = parse_iso(replica.advance(60))
            assert now == start + timedelta(hours=hour)
            truth = _truth(replica)
            copies |= {u for u, a in truth.items() if a.get("republished_from")}
            new = {u for u in truth if u not in before and u not in copies}
            positions = _positions(truth)
            for url in truth.keys() & before.keys() - copies:
                if _key(truth[url]) != _key(before[url]):
                    edited_at = parse_iso(truth[url]["modified_at"])
                    headline = truth[url]["title"] != before[url]["title"]
                    pending[url] = (edited_at, headline)
            shown = {u for u, (_, headline) in pending.items() if headline and positions[u] < DEPTH}
            due = {
                u
                for u, f in fetched.items()
                if u not in copies and _due(parse_iso(truth[u]["published_at"]), f, now)
            }

            run = crawl(now)

            requests = crawler_requests()[seen_requests:]
            seen_requests += len(requests)
            paths = {u.removeprefix(base) for u in truth}
            kinds = [_kind(r["path"], paths) for r in requests]
            assert "other" not in kinds, [
                r["path"] for r, k in zip(requests, kinds, strict=True) if k == "other"
            ]
            asked = fetched_in(requests, set(truth))
            assert len(asked) == len(set(asked)), "an article asked for twice in one run"
            # a republished copy is refused as a duplicate of its original and so not held: its
            # card is followed on every run that walks it (not an edit, not a revisit)
            allowed = new | shown | due | (copies & set(truth))
            assert set(asked) <= allowed, (
                f"hour {hour}: not due: {sorted(set(asked) - allowed)[:3]}"
            )
            assert kinds.count("feed") <= 2 * 3, f"hour {hour}: {kinds.count('feed')} feed pages"
            assert len(requests) <= len(allowed) + kinds.count("feed") + kinds.count("rss") + 1
            for request in requests:
                url = base + request["path"].split("?", 1)[0].rstrip("/")
                if url in fetched and url not in copies:
                    unchanged = truth[url] == page[url]
                    assert (request["status"] == 304) == unchanged, f"hour {hour}: {url}"
                    tally["not_modified"] += unchanged
            for url in asked:
                fetched[url], page[url] = now, truth[url]

            items = {a["url"]: a for a in run.all_articles() if a["url"] not in copies}
            assert new <= set(items), (
                f"hour {hour}: new articles missed: {sorted(new - set(items))[:3]}"
            )
            assert shown <= set(items), (
                f"hour {hour}: headline edits missed: {sorted(shown - set(items))[:3]}"
            )
            for url in set(items) - new:
                assert url in pending, f"hour {hour}: unchanged {url} written again"
                assert items[url]["revision"] == revision[url] + 1, url
                assert _key(items[url]) == _key(truth[url]), url
                tally["next_run" if url in shown else "by_bound"] += 1
                del pending[url]
            for url in pending:  # what is still owed must not be due yet by the bound
                assert url not in due, (
                    f"hour {hour}: edit of {url} due by the bound but not written"
                )
            for url, article in items.items():
                revision[url] = article["revision"]
                last_written[url] = _key(article)
            figures = run.stats["editions"]
            print(
                f"hour {hour}: {len(new)} new, {len(shown)} headline edits on page 1, "
                f"{len(due)} due, {len(requests)} requests ({kinds.count('feed')} feed pages, "
                f"{len(asked)} articles, "
                f"{sum(f['cost']['revisits_not_modified'] for f in figures.values())} of "
                f"{sum(f['cost']['revisits'] for f in figures.values())} revisits 304), "
                f"{len(pending)} edits owed"
            )
    print(tally)
    assert tally["next_run"] >= HOURS * 3, tally  # 4 edits an hour and edition, half headline
    assert tally["by_bound"] >= HOURS * 3, tally
    assert tally["not_modified"] >= HOURS * 10, tally
