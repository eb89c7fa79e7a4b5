"""Deduplication across runs: new, unchanged, updated (revision + 1), content duplicates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.items import Article, Reject
from newscrawl.pipelines.fingerprint import content_hash
from newscrawl.pipelines.state import StatePipeline
from newscrawl.state import StateStore
from tests.pipelines.conftest import make_article


def _hashed(**fields: object) -> Article:
    article = make_article(**fields)
    article.content_hash = content_hash(article.title, article.body)
    return article


def _export(pipeline: StatePipeline, article: Article) -> Article | Reject:
    """Pass an article through the pipeline and, like the feed exporter, report it scraped."""
    result = pipeline.process_item(article)
    pipeline.item_scraped(result)
    return result


def test_first_run_new_second_run_unchanged(make_crawler: Callable[..., Crawler]) -> None:
    first = StatePipeline(make_crawler())
    result = _export(first, _hashed())
    assert isinstance(result, Article) and result.revision == 1
    first.crawler.spider.closed("finished")

    second = StatePipeline(make_crawler())
    with pytest.raises(DropItem, match="unchanged"):
        second.process_item(_hashed())
    second.crawler.spider.closed("finished")


def test_edited_article_gets_next_revision(make_crawler: Callable[..., Crawler]) -> None:
    first = StatePipeline(make_crawler())
    _export(first, _hashed())
    first.crawler.spider.closed("finished")

    second = StatePipeline(make_crawler())
    edited = _export(second, _hashed(title="Zelenskyy and Macron agree on air defense support"))
    assert isinstance(edited, Article) and edited.revision == 2
    second.crawler.spider.closed("finished")

    third = StatePipeline(make_crawler())
    again = _export(third, _hashed(title="Zelenskyy and Macron: a third headline"))
    assert isinstance(again, Article) and again.revision == 3
    third.crawler.spider.closed("finished")


def test_whitespace_only_change_is_not_a_revision(make_crawler: Callable[..., Crawler]) -> None:
    first = StatePipeline(make_crawler())
    original = _hashed()
    _export(first, original)
    first.crawler.spider.closed("finished")
    second = StatePipeline(make_crawler())
    with pytest.raises(DropItem):
        second.process_item(_hashed(body=original.body.replace(" ", "  ")))


def test_republished_under_new_slug_is_a_duplicate(make_crawler: Callable[..., Crawler]) -> None:
    pipeline = StatePipeline(make_crawler())
    original = _export(pipeline, _hashed())
    copy = pipeline.process_item(
        _hashed(url="https://report.az/en/other-countries/zelenskyy-and-macron2", slug="x")
    )
    assert isinstance(copy, Reject)
    assert copy.reason == f"duplicate_of:{original.url}"


def test_in_run_duplicate_before_first_copy_is_written(
    make_crawler: Callable[..., Crawler],
) -> None:
    pipeline = StatePipeline(make_crawler())
    pipeline.process_item(_hashed())  # not yet exported
    copy = pipeline.process_item(_hashed(url="https://report.az/en/other-countries/other-slug"))
    assert isinstance(copy, Reject) and copy.reason.startswith("duplicate_of:")


def test_same_content_in_another_edition_is_not_a_duplicate(
    make_crawler: Callable[..., Crawler],
) -> None:
    pipeline = StatePipeline(make_crawler())
    _export(pipeline, _hashed())
    other = _export(pipeline, _hashed(url="https://report.az/ru/drugie-strany/x", language="ru"))
    assert isinstance(other, Article) and other.revision == 1


def test_state_is_written_only_when_the_item_reached_its_feed(
    make_crawler: Callable[..., Crawler], tmp_path: Path
) -> None:
    pipeline = StatePipeline(make_crawler())
    article = pipeline.process_item(_hashed())
    assert StateStore(tmp_path / "state.sqlite").get(article.url) is None
    pipeline.item_scraped(article)
    stored = StateStore(tmp_path / "state.sqlite").get(article.url)
    assert stored is not None and stored.revision == 1
    assert stored.content_hash == article.content_hash


def test_empty_state_path_keeps_state_in_memory(make_crawler: Callable[..., Crawler]) -> None:
    pipeline = StatePipeline(make_crawler(NEWSCRAWL_STATE=""))
    assert not pipeline.store.persistent
    assert isinstance(_export(pipeline, _hashed()), Article)


def test_content_duplicates_are_looked_for_on_the_same_site_only(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    common = {"language": "en", "article_id": None, "title": "T", "revision": 1}
    for url in ("https://report.az/en/a/original", "http://127.0.0.1:8765/en/a/original"):
        store.record(
            url=url, content_hash="h", published_at=None, seen_at="2025-10-23T20:00:00", **common
        )
    same_site = store.url_with_content("en", "h", "https://report.az/en/b/copy")
    assert same_site == "https://report.az/en/a/original"
    other_port = store.url_with_content("en", "h", "http://127.0.0.1:9999/en/b/copy")
    assert other_port is None
    assert store.url_with_content("ru", "h", "https://report.az/ru/b/copy") is None
    store.close()
