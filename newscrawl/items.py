"""The items the crawl produces: :class:`Article` for the per-language feeds, :class:`Reject`
for everything that was dropped (written to the rejects feed with its reason).

Field order is the export order (DESIGN.md, contract); fields after ``layout`` extend it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Article:
    """One article of one edition, as written to ``output/<language>/``."""

    url: str
    language: str
    article_id: int | None
    slug: str
    title: str
    lead: str | None
    body: str
    published_at: str
    published_at_raw: str
    modified_at: str | None
    category: str | None
    category_slug: str | None
    tags: list[str] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    translations: dict[str, str] = field(default_factory=dict)
    badges: list[str] = field(default_factory=list)
    crawled_at: str = ""
    content_hash: str = ""
    revision: int = 1
    layout: str = ""
    # Extensions of the contract:
    dateline: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: field -> where its value came from: selector, jsonld, meta, generic or card
    sources: dict[str, str] = field(default_factory=dict)
    #: Why this revision was written: None for a first revision from a crawl, "crawl" when a
    #: crawl found changed content, "reparse" when re-extraction from the archive changed it.
    revision_reason: str | None = None
    #: The raw-archive record this article was extracted from: {"file": name relative to the
    #: archive directory, "offset": byte offset of its WARC record}; None with the archive off.
    archive: dict[str, Any] | None = None


@dataclass
class Reject:
    """A page or item that did not become an exported article, with the reason why."""

    reason: str
    url: str
    language: str | None = None
    detail: str = ""
    reasons: list[str] = field(default_factory=list)
    stage: str = ""  # download | extract | validate | dedup
    crawled_at: str = ""
    item: dict[str, Any] | None = None


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
REJECT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Reject))
#: Fields every exported article must have a non-empty value for.
REQUIRED_FIELDS: tuple[str, ...] = ("url", "language", "title", "body", "published_at")
