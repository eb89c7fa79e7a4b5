"""A real ``scrapy crawl report`` of the replica: every published article arrives once, in the
file of its edition, with the values the replica generated."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from newscrawl.items import ARTICLE_FIELDS, Article
from tests.crawl import CrawlResult
from tests.site.harness import ReplicaServer

#: Fields compared with the replica's ground truth (the rest are crawl-time values).
COMPARED = (
    "url",
    "language",
    "article_id",
    "slug",
    "title",
    "lead",
    "body",
    "published_at",
    "published_at_raw",
    "modified_at",
    "category",
    "category_slug",
    "tags",
    "images",
    "translations",
    "badges",
    "layout",
    "dateline",
)


def test_crawl_succeeds_and_writes_three_files(full_crawl: CrawlResult) -> None:
    assert full_crawl.returncode == 0, full_crawl.log[-3000:]
    for language in ("az", "en", "ru"):
        assert len(full_crawl.files[language]) == 1, language
        assert full_crawl.articles[language], f"no {language} articles"


def test_every_line_is_a_complete_article_of_its_file(full_crawl: CrawlResult) -> None:
    for language, items in full_crawl.articles.items():
        for item in items:
            assert tuple(item)[: len(ARTICLE_FIELDS)] == ARTICLE_FIELDS
            Article.model_validate(item, strict=True)  # the declared Article schema
            assert item["language"] == language
            assert item["revision"] == 1


def test_files_are_utf8_without_escapes(full_crawl: CrawlResult) -> None:
    for language in ("az", "ru"):
        text = full_crawl.files[language][0].read_text(encoding="utf-8")
        assert "\\u0" not in text
        assert any(letter in text for letter in ("ə", "ş", "Б", "и"))


def test_no_article_twice(full_crawl: CrawlResult) -> None:
    urls = Counter(item["url"] for item in full_crawl.all_articles())
    assert [url for url, count in urls.items() if count > 1] == []


def _truth_by_url(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {article["url"]: article for article in replica.truth()}


def test_every_published_article_arrives_with_the_generated_values(
    full_crawl: CrawlResult, replica: ReplicaServer
) -> None:
    truth = _truth_by_url(replica)
    crawled = {item["url"]: item for item in full_crawl.all_articles()}
    expected_urls = {url for url, article in truth.items() if not article.get("republished_from")}
    missing = sorted(expected_urls - set(crawled))
    assert not missing, f"{len(missing)} articles missing, e.g. {missing[:5]}"
    unexpected = sorted(set(crawled) - set(truth))
    assert not unexpected, f"articles the replica never published: {unexpected[:5]}"
    mismatches: list[dict[str, Any]] = []
    for url in sorted(expected_urls):
        for name in COMPARED:
            if crawled[url].get(name) != truth[url].get(name):
                mismatches.append(
                    {
                        "url": url,
                        "field": name,
                        "expected": truth[url].get(name),
                        "actual": crawled[url].get(name),
                    }
                )
    assert not mismatches, json.dumps(mismatches[:10], ensure_ascii=False, indent=1)


def test_stats_file_reports_each_edition(full_crawl: CrawlResult) -> None:
    editions = full_crawl.stats["editions"]
    assert set(editions) == {"az", "en", "ru"}
    for language, figures in editions.items():
        assert figures["new"] == len(full_crawl.articles[language])
        assert figures["found"] >= figures["new"]
        assert figures["requests"] > figures["found"]
        assert figures["coverage"]["title"] == 1.0
        assert figures["coverage"]["body"] == 1.0
    assert full_crawl.stats["finish_reason"] == "finished"


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_layouts_of_each_edition_are_all_exercised(full_crawl: CrawlResult, language: str) -> None:
    layouts = {item["layout"] for item in full_crawl.articles[language]}
    assert {"current", "2019", "oldest"} <= layouts
