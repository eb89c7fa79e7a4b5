"""Deduplication against earlier runs, revisions, and exact-content duplicates.

For each article, by canonical URL:
- never seen: exported with ``revision`` 1, unless another article of the same edition has
  exactly the same content (republished under a new slug): then it is rejected as
  ``duplicate_of``, the original's URL in the record's ``detail``;
- seen with the same content hash: unchanged, not exported again (counted as ``unchanged``);
- seen with another content hash: exported again with ``revision`` + 1
  (``revision_reason`` ``"crawl"``).

Under ``scrapy reparse`` (a spider with ``reparse = True``) "changed" means the whole record
would differ from the one last written (``record_hash``: a fixed extractor that finds tags
changes the record, not the content hash), and a new revision says ``"reparse"``. The state
row also keeps the archive record of the article's latest page (``article.archive``).

The state row is written when the item has reached its per-language file in
``output/<language>/`` (the ``item_scraped`` signal, handled after the feed exporter's, and
only when :class:`newscrawl.exports.ArticleLinesExporter` reports it wrote the line), never
before: an article that went only to a feed of the user's own (``-o``) stays unrecorded.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.exports import take_written
from newscrawl.extensions.state import CrawlState
from newscrawl.items import Article
from newscrawl.pipelines import ArticlePipeline
from newscrawl.pipelines.fingerprint import REVISED_WARNING, record_hash
from newscrawl.state.store import StateStore


class StatePipeline(ArticlePipeline):
    """Decides new / updated / unchanged / duplicate against the state store."""

    stage = "dedup"

    def __init__(self, crawler: Crawler, state: CrawlState | None = None) -> None:
        super().__init__(crawler)
        #: The run's state (opened, locked and closed by the extension).
        self.state = state if state is not None else CrawlState.of(crawler)
        #: Articles passed on to the feeds whose state row is not written yet, by URL.
        self.in_flight: dict[str, Article] = {}
        #: (language, content hash) -> URL of articles passed on in this run, for in-run
        #: content duplicates whose first copy has not reached the store yet.
        self.in_flight_content: dict[tuple[str, str], str] = {}
        #: URL -> record hash of the articles in flight.
        self.in_flight_hashes: dict[str, str] = {}

    @property
    def store(self) -> StateStore:
        return self.state.store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler, CrawlState.of(crawler))
        # Connected at spider_opened, after every extension (the feed exporter included) has
        # connected its own item_scraped handler: ours then runs after the item is written.
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self, spider: Any) -> None:
        self.crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @property
    def reparse(self) -> bool:
        """Whether this run re-extracts archived pages (``scrapy reparse``)."""
        return bool(getattr(self.crawler.spider, "reparse", False))

    def process_article(self, article: Article) -> Article:
        stored = self.store.get(article.url)
        digest = record_hash(article.model_dump())
        if self.reparse:
            # a row written before record hashes were kept cannot be proved unchanged
            unchanged = stored is not None and stored.record_hash == digest
        else:
            unchanged = stored is not None and stored.content_hash == article.content_hash
        if stored is not None and unchanged:
            if not self.reparse:
                self.store.touch(article.url, article.crawled_at, article.archive)
            self.inc(article.language, "unchanged")
            raise DropItem(
                f"unchanged since revision {stored.revision}: {article.url}", log_level="DEBUG"
            )
        if stored is None:
            original = self.in_flight_content.get(
                (article.language, article.content_hash)
            ) or self.store.url_with_content(article.language, article.content_hash, article.url)
            if original is not None and original != article.url:
                self.inc(article.language, "duplicates/content")
                raise self.reject(
                    article,
                    ["duplicate_of"],
                    f"same title and body as {original} (republished under another URL)",
                )
            article.revision = 1
            article.revision_reason = "reparse" if self.reparse else None
        else:
            article.revision = stored.revision + 1
            article.revision_reason = "reparse" if self.reparse else "crawl"
            what = "re-extracted record" if self.reparse else "content"
            article.warnings.append(
                f"{REVISED_WARNING} {what} changed since revision {stored.revision} "
                f"(first seen {stored.first_seen})"
            )
        self.in_flight[article.url] = article
        self.in_flight_hashes[article.url] = digest
        self.in_flight_content[(article.language, article.content_hash)] = article.url
        return article

    def item_scraped(self, item: Any) -> None:
        """The item is in its feed: record it in the state."""
        if not isinstance(item, Article) or item.url not in self.in_flight:
            return
        if not take_written(self.crawler, item.url):
            return  # not in output/<language>/: left in flight, reported at the close
        self.in_flight.pop(item.url)
        self.in_flight_content.pop((item.language, item.content_hash), None)
        digest = self.in_flight_hashes.pop(item.url, None) or record_hash(item.model_dump())
        self.store.record(
            url=item.url,
            language=item.language,
            article_id=item.article_id,
            content_hash=item.content_hash,
            title=item.title,
            revision=item.revision,
            published_at=item.published_at,
            seen_at=item.crawled_at,
            archive=item.archive,
            record_hash=digest,
        )

    def spider_closed(self, spider: Any) -> None:
        if self.in_flight:
            spider.logger.warning(
                "%d articles passed the pipelines but never reached output/<language>/; "
                "not recorded in the state (the next run fetches them again): %s",
                len(self.in_flight),
                ", ".join(sorted(self.in_flight)[:5]),
            )
