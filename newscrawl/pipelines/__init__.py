"""Item pipelines, one small class per concern, in the order of ``ITEM_PIPELINES``.

An item that does not become an exported article leaves the pipelines through Scrapy's drop
mechanism: :class:`Rejected` (a ``DropItem``) carries its :class:`~newscrawl.items.Reject`
record, which :class:`newscrawl.extensions.rejects.RejectsExport` writes to the rejects file;
a plain ``DropItem`` (an unchanged article) is only counted. So Scrapy's
``item_scraped_count`` counts exported articles only, and ``item_dropped_count`` both kinds.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.dates import utc_now_iso
from newscrawl.items import Article, Reject


class Rejected(DropItem):
    """An item dropped with a reason worth a line in the rejects file."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(f"rejected ({reject.reason}): {reject.url}", log_level="DEBUG")
        self.reject = reject


class RejectsPipeline:
    """First of the pipelines: a :class:`Reject` the spider yielded (a page that failed to
    download or to extract) is dropped as :class:`Rejected`; articles go on."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Reject):
            raise Rejected(item)
        return item


class ArticlePipeline:
    """Base class: calls :meth:`process_article` for articles, passes anything else on."""

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

    def process_article(self, article: Article) -> Article:
        raise NotImplementedError

    def inc(self, language: str, key: str, count: int = 1) -> None:
        """Add to the stat ``newscrawl/<language>/<key>``."""
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{language}/{key}", count)

    def reject(self, article: Article, reasons: list[str], detail: str = "") -> Rejected:
        """The drop of ``article``: its reject record carries every reason and the item."""
        return Rejected(
            Reject(
                reason=reasons[0],
                reasons=reasons,
                url=article.url,
                language=article.language,
                detail=detail or "; ".join(reasons),
                stage=self.stage,
                crawled_at=utc_now_iso(),
                item=article.model_dump(),
            )
        )
