"""The harness itself: routes answer, the rest is the replica's, the sentinel logs, and a
measured crawl reports its exit status, time and peak memory."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.hostile.harness import MEMORY_BOUND_MB, Answer, HostileSite, Sentinel, measured_crawl
from tests.site.harness import ReplicaServer


def test_routes_answer_the_rest_is_the_replica_and_a_crawl_is_measured(tmp_path: Path) -> None:
    with (
        ReplicaServer(articles=20, seed=3) as replica,
        HostileSite(replica.base_url) as site,
        Sentinel() as sentinel,
    ):
        site.route(r"^/robots\.txt$", Answer(200, [("Content-Type", "text/plain")], b""))
        with urllib.request.urlopen(site.base_url + "/robots.txt") as answer:
            assert answer.read() == b""
        with urllib.request.urlopen(site.base_url + "/en/") as answer:
            assert b"news__item" in answer.read()
        outcome = measured_crawl(
            "harness: a plain crawl", site.base_url, tmp_path / "out", arguments={"editions": "en"}
        )
        assert outcome.returncode == 0, outcome.log[-2000:]
        assert outcome.result.articles["en"]
        assert 20 < outcome.peak_mb < MEMORY_BOUND_MB
        assert site.hits(r"^/en/news-feed") and not sentinel.seen
