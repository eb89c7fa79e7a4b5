"""The spider arguments on the replica: one edition, since, max_pages, follow_translations,
and a bad argument that stops the crawl with a clear message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer


def test_single_edition(replica: ReplicaServer, tmp_path: Path) -> None:
    result = run_crawl(replica.base_url, tmp_path, arguments={"editions": "en", "max_pages": "2"})
    assert result.returncode == 0, result.log[-3000:]
    assert result.articles["en"]
    assert result.articles["az"] == [] and result.articles["ru"] == []
    assert result.files["az"] == [] and result.files["ru"] == []
    assert set(result.stats["editions"]) == {"en"}


def test_max_pages_bounds_the_feed_walk(replica: ReplicaServer, tmp_path: Path) -> None:
    result = run_crawl(replica.base_url, tmp_path, arguments={"editions": "ru", "max_pages": "2"})
    assert result.returncode == 0, result.log[-3000:]
    figures = result.stats["editions"]["ru"]
    assert figures["feed_pages"] == 2
    # two pages of 20 cards, the inclusive cursor repeating one of them, and the articles of
    # the RSS window the walk did not reach (the RSS cross-check fetches those)
    walked = len(result.articles["ru"]) - figures["rss_missed"]
    assert 20 < walked <= 40
    assert figures["cost"]["rss"] == 1


def test_since_keeps_only_newer_articles(replica: ReplicaServer, tmp_path: Path) -> None:
    truth = [a for a in replica.truth() if a["language"] == "az" and not a.get("republished_from")]
    times = sorted(datetime.fromisoformat(a["published_at"]) for a in truth)
    since = times[len(times) // 2]
    result = run_crawl(
        replica.base_url,
        tmp_path,
        arguments={"editions": "az", "since": since.isoformat(), "max_pages": "100"},
    )
    assert result.returncode == 0, result.log[-3000:]
    expected = {a["url"] for a in truth if datetime.fromisoformat(a["published_at"]) >= since}
    assert {a["url"] for a in result.articles["az"]} == expected


def test_follow_translations_fetches_the_other_editions(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    result = run_crawl(
        replica.base_url,
        tmp_path,
        arguments={"editions": "en", "max_pages": "1", "follow_translations": "1"},
    )
    assert result.returncode == 0, result.log[-3000:]
    linked = {url for a in result.articles["en"] for url in a["translations"].values()}
    assert linked
    fetched = {a["url"] for language in ("az", "ru") for a in result.articles[language]}
    assert linked <= fetched


def test_bad_argument_fails_with_a_clear_message(replica: ReplicaServer, tmp_path: Path) -> None:
    result = run_crawl(replica.base_url, tmp_path, arguments={"editions": "az,de"})
    assert result.returncode != 0
    assert "unknown edition 'de'" in result.log
