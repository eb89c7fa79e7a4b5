"""Pipelines under test get a real Scrapy crawler with the project's settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from newscrawl.items import Article, Reject
from newscrawl.pipelines import Rejected
from newscrawl.run import Run
from newscrawl.spiders.report import ReportSpider


@pytest.fixture
def make_crawler(tmp_path: Path) -> Iterator[Callable[..., Crawler]]:
    """Crawlers with the project's settings, the state in ``tmp_path``, and a spider."""

    def make(**settings: Any) -> Crawler:
        values = {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite"), **settings}
        crawler = get_crawler(ReportSpider, values)
        crawler.spider = ReportSpider.from_crawler(crawler)
        return crawler

    yield make


@pytest.fixture
def open_state(
    make_crawler: Callable[..., Crawler], tmp_path: Path
) -> Iterator[Callable[..., Run]]:
    """The run extension of one run, opened (lock taken, state read) as at spider_opened;
    every one still open is closed after the test."""
    opened: list[tuple[Run, Crawler]] = []

    def make(**settings: Any) -> Run:
        crawler = make_crawler(NEWSCRAWL_OUTPUT_DIR=str(tmp_path / "output"), **settings)
        run = Run(crawler)
        run.run_id = "2025-10-23T16-00-00-1"
        run.open(site="https://report.az")
        opened.append((run, crawler))
        return run

    yield make
    for run, crawler in opened:
        if not run.store.closed:
            assert crawler.spider is not None
            run.spider_closed(crawler.spider, "finished")


def make_article(**fields: Any) -> Article:
    """A valid English article; keyword arguments override its fields."""
    values: dict[str, Any] = {
        "url": "https://report.az/en/other-countries/zelenskyy-and-macron",
        "language": "en",
        "article_id": 1056732,
        "slug": "zelenskyy-and-macron",
        "title": "Zelenskyy and Macron discuss defense cooperation and support for Ukraine",
        "lead": None,
        "body": "President of Ukraine Volodymyr Zelenskyy discussed defense cooperation, "
        "Report informs.\n\nZelenskyy arrived in Brussels on Thursday.",
        "published_at": "2025-10-23T20:02:00+04:00",
        "published_at_raw": "23 October, 2025 20:02",
        "modified_at": None,
        "category": "Other countries",
        "category_slug": "other-countries",
        "crawled_at": "2025-10-23T16:30:00+00:00",
        "layout": "current",
    }
    values.update(fields)
    return Article(**values)


def reject_of(pipeline: Any, item: Any) -> Reject:
    """The reject record of an item ``pipeline`` drops as :class:`Rejected` (fails otherwise)."""
    with pytest.raises(Rejected) as dropped:
        pipeline.process_item(item)
    return dropped.value.reject
