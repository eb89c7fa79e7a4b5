"""``content_hash``: a stable fingerprint of an article's normalised title and body."""

from __future__ import annotations

import hashlib
import unicodedata

from newscrawl.items import Article
from newscrawl.pipelines import ArticlePipeline


def content_hash(title: str, body: str) -> str:
    """SHA-256 of title and body after NFC, case folding and white-space collapsing.

    Formatting-only differences (spacing, line breaks, letter case) give the same hash; any
    change of words gives another.
    """
    parts = [
        " ".join(unicodedata.normalize("NFC", text).casefold().split()) for text in (title, body)
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class ContentHashPipeline(ArticlePipeline):
    """Sets ``content_hash`` on each article."""

    def process_article(self, article: Article) -> Article:
        article.content_hash = content_hash(article.title, article.body)
        return article
