"""Deduplication across runs (DedupPipeline): new, unchanged, updated (revision + 1), content
duplicates; the run extension writes the line, then the state row, in one handler."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem

from newscrawl.items import Article
from newscrawl.output import part_path
from newscrawl.pipelines import DedupPipeline, content_hash
from newscrawl.run import Run
from newscrawl.store import StateStore, record_hash
from tests.pipelines.conftest import make_article, reject_of


def _hashed(**fields: object) -> Article:
    article = make_article(**fields)
    article.content_hash = content_hash(article.title, article.body)
    return article


class _Pipeline(DedupPipeline):
    """The pipeline with the run it belongs to."""

    def __init__(self, run: Run) -> None:
        assert run.crawler is not None
        super().__init__(run.crawler, run.store)
        self.state = run

    def close(self) -> None:
        self.state.spider_closed(self.crawler.spider, "finished")  # type: ignore[arg-type]


def _export(pipeline: _Pipeline, article: Article) -> Article:
    """Pass an article through the pipeline, then the run's item_scraped, like Scrapy."""
    result = pipeline.process_item(article)
    pipeline.state.item_scraped(result)
    assert isinstance(result, Article)
    return result


def _pipeline(open_state: Callable[..., Run], **settings: object) -> _Pipeline:
    return _Pipeline(open_state(**settings))


def test_first_run_new_second_run_unchanged(open_state: Callable[..., Run]) -> None:
    first = _pipeline(open_state)
    result = _export(first, _hashed())
    assert isinstance(result, Article) and result.revision == 1
    first.close()

    second = _pipeline(open_state)
    with pytest.raises(DropItem, match="unchanged"):
        second.process_item(_hashed())
    second.close()


def test_edited_article_gets_next_revision(open_state: Callable[..., Run]) -> None:
    first = _pipeline(open_state)
    _export(first, _hashed())
    first.close()

    second = _pipeline(open_state)
    edited = _export(second, _hashed(title="Zelenskyy and Macron agree on air defense support"))
    assert isinstance(edited, Article) and edited.revision == 2
    second.close()

    third = _pipeline(open_state)
    again = _export(third, _hashed(title="Zelenskyy and Macron: a third headline"))
    assert isinstance(again, Article) and again.revision == 3
    third.close()


def test_whitespace_only_change_is_not_a_revision(open_state: Callable[..., Run]) -> None:
    first = _pipeline(open_state)
    original = _hashed()
    _export(first, original)
    first.close()
    second = _pipeline(open_state)
    with pytest.raises(DropItem):
        second.process_item(_hashed(body=original.body.replace(" ", "  ")))


def test_republished_under_new_slug_is_a_duplicate(open_state: Callable[..., Run]) -> None:
    pipeline = _pipeline(open_state)
    original = _export(pipeline, _hashed())
    copy = reject_of(
        pipeline,
        _hashed(url="https://report.az/en/other-countries/zelenskyy-and-macron2", slug="x"),
    )
    assert copy.reason == "duplicate_of" and copy.reasons == ["duplicate_of"]
    assert original.url in copy.detail


def test_in_run_duplicate_before_first_copy_is_written(
    open_state: Callable[..., Run],
) -> None:
    pipeline = _pipeline(open_state)
    pipeline.process_item(_hashed())  # not yet exported
    copy = reject_of(pipeline, _hashed(url="https://report.az/en/other-countries/other-slug"))
    assert copy.reason == "duplicate_of"


def test_same_content_in_another_edition_is_not_a_duplicate(
    open_state: Callable[..., Run],
) -> None:
    pipeline = _pipeline(open_state)
    _export(pipeline, _hashed())
    other = _export(pipeline, _hashed(url="https://report.az/ru/drugie-strany/x", language="ru"))
    assert isinstance(other, Article) and other.revision == 1


def test_state_row_is_written_right_after_the_line(
    open_state: Callable[..., Run], tmp_path: Path
) -> None:
    pipeline = _pipeline(open_state)
    article = pipeline.process_item(_hashed())
    assert StateStore(tmp_path / "state.sqlite").get(article.url) is None
    pipeline.state.item_scraped(article)
    line = part_path(tmp_path / "output", "en", pipeline.state.run_id).read_text("utf-8")
    assert article.url in line and line.endswith("\n")
    stored = StateStore(tmp_path / "state.sqlite").get(article.url)
    assert stored is not None and stored.revision == 1
    assert stored.content_hash == article.content_hash


def test_empty_state_path_keeps_state_in_memory(open_state: Callable[..., Run]) -> None:
    pipeline = _pipeline(open_state, NEWSCRAWL_STATE="")
    assert not pipeline.store.persistent
    assert isinstance(_export(pipeline, _hashed()), Article)


def test_content_duplicates_are_looked_for_on_the_same_site_only(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    for url in ("https://report.az/en/a/original", "http://127.0.0.1:8765/en/a/original"):
        store.record(
            url=url,
            language="en",
            article_id=None,
            title="T",
            revision=1,
            content_hash="h",
            published_at=None,
            seen_at="2025-10-23T20:00:00",
        )
    same_site = store.url_with_content("en", "h", "https://report.az/en/b/copy")
    assert same_site == "https://report.az/en/a/original"
    other_port = store.url_with_content("en", "h", "http://127.0.0.1:9999/en/b/copy")
    assert other_port is None
    assert store.url_with_content("ru", "h", "https://report.az/ru/b/copy") is None
    store.close()


def test_record_hash_leaves_out_what_differs_between_runs() -> None:
    first = _hashed()
    again = _hashed()
    again.crawled_at, again.revision, again.revision_reason = (
        "2030-01-01T00:00:00+00:00",
        5,
        "crawl",
    )
    again.archive = {"file": "f.warc.gz", "offset": 1}
    again.warnings = [*again.warnings, "revised: content changed since revision 4"]
    assert record_hash(first.model_dump()) == record_hash(again.model_dump())
    again.tags = ["New tag"]
    assert record_hash(first.model_dump()) != record_hash(again.model_dump())


def test_reparse_writes_only_a_changed_record(open_state: Callable[..., Run]) -> None:
    crawl = _pipeline(open_state)
    first = _export(crawl, _hashed(tags=[]))
    assert (first.revision, first.revision_reason) == (1, None)
    crawl.close()
    reparse = _pipeline(open_state)
    reparse.crawler.spider.reparse = True  # type: ignore[union-attr]
    with pytest.raises(DropItem):
        reparse.process_item(_hashed(tags=[]))  # same record: not written again
    fixed = _export(reparse, _hashed(tags=["Ukraine"]))  # same text, another record
    assert (fixed.revision, fixed.revision_reason) == (2, "reparse")
