"""``content_hash``: a stable fingerprint of an article's normalised title and body;
``record_hash``: one of the whole record as exported, for ``scrapy reparse``."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from newscrawl.items import ARTICLE_FIELDS, Article
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


#: Fields left out of :func:`record_hash`: what differs between two runs over the same page.
RUN_FIELDS = frozenset({"crawled_at", "revision", "revision_reason", "archive"})
#: The warning :class:`~newscrawl.pipelines.state.StatePipeline` adds to a new revision.
REVISED_WARNING = "revised:"


def record_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 of an exported article's fields, run-specific ones left out (``RUN_FIELDS``
    and the ``revised:`` warning): two extractions of one page give the same hash exactly when
    they would write the same record. ``scrapy reparse`` decides "changed" by it."""
    kept = {
        name: value
        for name, value in values.items()
        if name in ARTICLE_FIELDS and name not in RUN_FIELDS
    }
    kept["warnings"] = [
        w for w in kept.get("warnings") or [] if not str(w).startswith(REVISED_WARNING)
    ]
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
