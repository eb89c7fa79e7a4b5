"""The article stages run as one Scrapy pipeline, in the order the setting gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.items import Article, Reject
from newscrawl.pipelines.chain import ArticleChain
from tests.pipelines.conftest import make_article


def test_chain_cleans_validates_hashes_and_records(make_crawler: Callable[..., Crawler]) -> None:
    crawler = make_crawler()
    chain = ArticleChain.from_crawler(crawler)
    assert [type(stage).__name__ for stage in chain.stages] == [
        "CleanPipeline",
        "ValidatePipeline",
        "ContentHashPipeline",
        "InRunDedupPipeline",
        "StatePipeline",
    ]
    article = chain.process_item(make_article(title="Oil  prices\u00a0rise - Report.az"))
    assert isinstance(article, Article)
    assert article.title == "Oil prices rise" and len(article.content_hash) == 64
    again = chain.process_item(make_article(title="Oil prices rise"))
    assert isinstance(again, Reject) and again.reason == "duplicate_url"


def test_rejects_pass_through_and_drops_end_the_chain(make_crawler: Callable[..., Crawler]) -> None:
    crawler = make_crawler()
    chain = ArticleChain.from_crawler(crawler)
    reject = Reject(reason="http_404", url="https://report.az/en/a/b")
    assert chain.process_item(reject) is reject
    invalid = chain.process_item(make_article(title=""))
    assert isinstance(invalid, Reject) and "missing:title" in invalid.reasons
    first = chain.process_item(make_article())
    chain.stages[-1].item_scraped(first)  # reached its feed: recorded in the state
    crawler.spider.closed("finished")  # the run ends: its lock on the state is released
    second_run = ArticleChain.from_crawler(make_crawler())
    with pytest.raises(DropItem, match="unchanged"):
        second_run.process_item(make_article())
