"""In-run deduplication: one item per canonical URL in a run.

Scrapy's duplicate filter already asks for each article once; this catches two pages that
canonicalise to the same URL (an AMP copy and the article, a redirect onto a fetched page).
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from newscrawl.items import Article
from newscrawl.pipelines import ArticlePipeline


class InRunDedupPipeline(ArticlePipeline):
    """Rejects a second article with a canonical URL already seen in this run."""

    stage = "dedup"

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_article(self, article: Article) -> Article:
        if article.url in self.seen:
            self.inc(article.language, "duplicates/url")
            raise self.reject(
                article, ["duplicate_url"], f"{article.url} already exported in this run"
            )
        self.seen.add(article.url)
        return article
