"""The article pipelines, run in order as one Scrapy item pipeline.

Each stage is its own small class (clean, validate, hash, in-run dedup, state) and works as a
Scrapy pipeline on its own, as the tests use them. Scrapy's machinery costs about 0.17 ms of
CPU per item for every registered pipeline (measured: docs/benchmarks.md), so the project
registers this one chain; the stages and their order are the setting
``NEWSCRAWL_ARTICLE_STAGES``.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler, load_object

#: The stages when ``NEWSCRAWL_ARTICLE_STAGES`` is not set.
DEFAULT_STAGES = (
    "newscrawl.pipelines.clean.CleanPipeline",
    "newscrawl.pipelines.validate.ValidatePipeline",
    "newscrawl.pipelines.fingerprint.ContentHashPipeline",
    "newscrawl.pipelines.dedup.InRunDedupPipeline",
    "newscrawl.pipelines.state.StatePipeline",
)


class ArticleChain:
    """Runs ``NEWSCRAWL_ARTICLE_STAGES`` in order; a stage's ``DropItem`` ends the chain."""

    def __init__(self, stages: list[Any]) -> None:
        self.stages = stages

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        paths = crawler.settings.getlist("NEWSCRAWL_ARTICLE_STAGES") or list(DEFAULT_STAGES)
        return cls([build_from_crawler(load_object(path), crawler) for path in paths])

    def process_item(self, item: Any, spider: Any = None) -> Any:
        for stage in self.stages:
            item = stage.process_item(item)
        return item
