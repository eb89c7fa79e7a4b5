"""Hostile dates: one feed card whose ``data-timestamp`` lies (1970, 2099). A card's date is a
claim: out of the plausible window it never ends, extends or seeds a walk, its article is still
fetched (the page's own date is kept), and the walked ranges hold only feed time the walk
passed through."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newscrawl.site import parse_iso
from tests.hostile.harness import MEMORY_BOUND_MB, HostileSite, Outcome, measured_crawl
from tests.site.harness import ReplicaServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: The RSS cross-check would bring back the newest of what a walk misses (its window is the
#: feed's newest items): off, so that the walk alone must lose nothing.
WALK_ONLY = {"NEWSCRAWL_RSS_CROSSCHECK": "0"}
#: A generous bound: each of these crawls takes a few seconds on a quiet machine.
TIME_BOUND_S = 90


def _lie_about(path: str, stamp: str) -> Any:
    """A body change that gives the card linking to ``path`` the ``data-timestamp`` ``stamp``."""
    card = re.compile(
        rb'data-timestamp="[^"]*"(>\s*<a class="news__item" href="(?:/az)?'
        + re.escape(path.encode())
        + rb'[/?"])'
    )

    def change(body: bytes) -> bytes:
        return card.sub(b'data-timestamp="' + stamp.encode() + b'"\\1', body)

    return change


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _en(replica: ReplicaServer) -> list[dict[str, Any]]:
    """The en articles visible now, newest first (republished copies apart)."""
    truth = [a for a in replica.truth("en") if not a.get("republished_from")]
    return sorted(truth, key=lambda a: a["published_at"], reverse=True)


def _crawl(case: str, site: HostileSite, tmp_path: Path) -> Outcome:
    outcome = measured_crawl(
        case,
        site.base_url,
        tmp_path / "out",
        state=tmp_path / "state.sqlite",
        arguments={"editions": "en"},
        settings=WALK_ONLY,
    )
    assert outcome.returncode == 0, outcome.log[-3000:]
    assert outcome.peak_mb < MEMORY_BOUND_MB
    assert outcome.seconds < TIME_BOUND_S
    return outcome


def _walked(state: Path) -> list[tuple[datetime, datetime]]:
    """The en walked ranges the state holds: (top, bottom), newest first."""
    with sqlite3.connect(state) as db:
        rows = db.execute("SELECT value FROM meta WHERE key LIKE 'walks:en:%'").fetchall()

    (value,) = (row[0] for row in rows)
    return [(parse_iso(r["top"]), parse_iso(r["bottom"])) for r in json.loads(value)]


def _check(
    outcomes: list[Outcome], truth: list[dict[str, Any]], state: Path, tmp_path: Path
) -> None:
    written = Counter(_path(a["url"]) for o in outcomes for a in o.result.all_articles())
    missing = [_path(a["url"]) for a in truth if _path(a["url"]) not in written]
    assert not missing, f"{len(missing)} of {len(truth)} articles never written: {missing[:3]}"
    assert [url for url, n in written.items() if n > 1] == []
    # the lying card's article keeps the page's own date
    for outcome in outcomes:
        for article in outcome.result.all_articles():
            assert article["published_at"].startswith("2025-"), article["published_at"]
    # walked ranges hold only feed time the walks passed through
    newest, oldest = (parse_iso(truth[i]["published_at"]) for i in (0, -1))
    for top, bottom in _walked(state):  # the first run's floor is 48 h below its newest card
        assert top <= newest, (top, newest)
        assert bottom >= oldest - timedelta(hours=48), (bottom, oldest)
    assert all(p.is_relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert "implausible date" in outcomes[-1].log, "the lying card is not flagged"
    assert "'newscrawl/en/cards/implausible_date': " in outcomes[-1].log  # counted


def test_a_1970_card_on_a_first_run_loses_nothing(tmp_path: Path) -> None:
    with (
        ReplicaServer(articles=60, seed=5, days=2) as replica,
        HostileSite(replica.base_url) as site,
    ):
        truth = _en(replica)
        site.rewrite(r"^/en/", _lie_about(_path(truth[9]["url"]), "1970-01-01 00:00:00"))
        outcome = _crawl("dates: 1970 card, first run", site, tmp_path)
    _check([outcome], truth, tmp_path / "state.sqlite", tmp_path)


def test_a_1970_card_30_hours_after_a_complete_run_loses_nothing(tmp_path: Path) -> None:
    with (
        ReplicaServer(articles=100, seed=5, days=1, extra_args=["--future-hours", "30"]) as replica,
        HostileSite(replica.base_url) as site,
    ):
        first = _crawl_plain(site, tmp_path)
        replica.advance(30 * 60)
        truth = _en(replica)
        assert len(truth) - len(first.result.all_articles()) > 25  # more than a feed page
        site.rewrite(r"^/en/", _lie_about(_path(truth[5]["url"]), "1970-01-01 00:00:00"))
        second = _crawl("dates: 1970 card, 30 h after a complete run", site, tmp_path)
    _check([first, second], truth, tmp_path / "state.sqlite", tmp_path)


def test_a_2099_card_then_a_30_hour_gap_loses_nothing(tmp_path: Path) -> None:
    with (
        ReplicaServer(articles=100, seed=5, days=1, extra_args=["--future-hours", "30"]) as replica,
        HostileSite(replica.base_url) as site,
    ):
        early = _en(replica)
        site.rewrite(r"^/en/", _lie_about(_path(early[3]["url"]), "2099-01-01 00:00:00"))
        first = _crawl("dates: 2099 card, first run", site, tmp_path)
        replica.advance(30 * 60)
        truth = _en(replica)
        second = _crawl("dates: 2099 card, the run 30 h later", site, tmp_path)
    _check([first, second], truth, tmp_path / "state.sqlite", tmp_path)


def _crawl_plain(site: HostileSite, tmp_path: Path) -> Outcome:
    outcome = measured_crawl(
        "dates: a complete run before the 1970 card",
        site.base_url,
        tmp_path / "out",
        state=tmp_path / "state.sqlite",
        arguments={"editions": "en"},
        settings=WALK_ONLY,
    )
    assert outcome.returncode == 0, outcome.log[-3000:]
    return outcome
