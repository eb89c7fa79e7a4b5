"""In-run deduplication: one item per canonical URL in a run."""

from __future__ import annotations

from scrapy.crawler import Crawler

from newscrawl.items import Article, Reject
from newscrawl.pipelines import ArticlePipeline
from newscrawl.seen import SeenUrls


class InRunDedupPipeline(ArticlePipeline):
    """Rejects a second article with a canonical URL already seen in this run."""

    stage = "dedup"

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen = SeenUrls()

    def process_article(self, article: Article) -> Article | Reject:
        if not self.seen.add(article.url):
            self.inc(article.language, "duplicates/url")
            return self.reject(
                article, ["duplicate_url"], f"{article.url} already exported in this run"
            )
        return article
