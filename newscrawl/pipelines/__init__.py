"""Item pipelines, one small class per concern. Each passes :class:`Reject` records through
untouched, so a dropped article still reaches the rejects feed with its reason.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Self

from scrapy.crawler import Crawler

from newscrawl.dates import utc_now_iso
from newscrawl.items import Article, Reject


class ArticlePipeline:
    """Base class: calls :meth:`process_article` for articles and lets rejects pass."""

    stage = "pipeline"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Article):
            return self.process_article(item)
        return item

    def process_article(self, article: Article) -> Article | Reject:
        raise NotImplementedError

    def inc(self, language: str, key: str, count: int = 1) -> None:
        """Add to the stat ``newscrawl/<language>/<key>``."""
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{language}/{key}", count)

    def reject(self, article: Article, reasons: list[str], detail: str = "") -> Reject:
        """A reject record for ``article`` carrying every reason and the item as it was."""
        return Reject(
            reason=reasons[0],
            reasons=reasons,
            url=article.url,
            language=article.language,
            detail=detail or "; ".join(reasons),
            stage=self.stage,
            crawled_at=utc_now_iso(),
            item=asdict(article),
        )
