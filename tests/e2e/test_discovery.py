"""Discovery that survives unknown paths: the feed through an article page's link, RSS when
the feed cannot be read, and the RSS cross-check of a healthy run."""

from __future__ import annotations

from pathlib import Path

from tests.crawl import CrawlResult, run_crawl
from tests.site.harness import ReplicaServer

ARTICLES = 40  # fewer than the RSS window (50 items): RSS alone names every article


def _found(result: CrawlResult, edition: str) -> set[str]:
    urls = {a["url"] for a in result.articles.get(edition, [])}
    return urls | {r["url"] for r in result.rejects if r.get("language") == edition}


def _truth(replica: ReplicaServer, edition: str) -> set[str]:
    return {item["url"] for item in replica.truth(edition=edition)}


def test_feed_found_through_an_article_page(tmp_path: Path) -> None:
    with ReplicaServer(articles=ARTICLES, seed=5, faults=["no_feed_link,edition=en"]) as replica:
        result = run_crawl(replica.base_url, tmp_path / "output", arguments={"max_pages": "20"})
        truth = _truth(replica, "en")
    assert result.returncode == 0, result.log[-3000:]
    figures = result.stats["editions"]
    assert figures["en"]["feed_source"] == "article_link"
    assert figures["az"]["feed_source"] == figures["ru"]["feed_source"] == "home_link"
    assert truth <= _found(result, "en")


def test_articles_from_rss_when_the_feed_is_gone(tmp_path: Path) -> None:
    faults = ["404,path=^/en/news-feed", "404,path=^/en/latest-news"]
    with ReplicaServer(articles=ARTICLES, seed=5, faults=faults) as replica:
        result = run_crawl(replica.base_url, tmp_path / "output", arguments={"max_pages": "20"})
        truth = _truth(replica, "en")
    assert "Traceback" not in result.log, result.log[-3000:]
    figures = result.stats["editions"]
    assert figures["en"]["feed_source"] == "rss"
    assert figures["en"]["exported"] > 0
    assert truth <= _found(result, "en")
    assert figures["az"]["feed_source"] == "home_link"


def test_healthy_runs_name_their_source_and_miss_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with ReplicaServer(articles=ARTICLES, seed=5) as replica:
        first = run_crawl(
            replica.base_url, tmp_path / "output", state=state, arguments={"max_pages": "20"}
        )
        second = run_crawl(
            replica.base_url, tmp_path / "output", state=state, arguments={"max_pages": "20"}
        )
    for run, source in ((first, "home_link"), (second, "remembered")):
        assert run.returncode == 0, run.log[-3000:]
        for code, figures in run.stats["editions"].items():
            assert figures["feed_source"] == source, code
            assert figures["rss_missed"] == 0, code
            assert figures["cost"]["rss"] == 1, code
    assert "feed source: home_link" in first.log
