"""The records the crawl produces, one pydantic model each: :class:`Article` for the
per-language files, :class:`Reject` for everything that was dropped (written to the rejects
file with its reason).

Field order is the export order (DESIGN.md, contract); fields after ``layout`` extend it.
The JSON Schemas in ``docs/schemas/`` and the dataset's columns are generated from these
models (``tests/test_models.py`` fails when they drift).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Article(BaseModel):
    """One article of one edition, as written to ``output/<language>/``."""

    model_config = ConfigDict(validate_assignment=False, extra="forbid")

    url: str = Field(description="canonical URL")
    language: str = Field(description="az, en or ru: the edition it belongs to (from the crawl)")
    article_id: int | None = Field(description="numeric id from the short link")
    slug: str = Field(description="last path segment")
    title: str = Field(description="headline as shown on the page")
    lead: str | None = Field(description="lead when it is not just the first paragraph")
    body: str = Field(description="article text, paragraphs joined by a blank line")
    published_at: str = Field(description="ISO 8601 with offset")
    published_at_raw: str = Field(description="the text the date was read from")
    modified_at: str | None = Field(description="ISO 8601 with offset")
    category: str | None = Field(description="visible category label")
    category_slug: str | None = None
    tags: list[str] = Field(default_factory=list, description="in page order")
    images: list[dict[str, str | None]] = Field(
        default_factory=list, description="{url, caption}, main photo first"
    )
    translations: dict[str, str] = Field(
        default_factory=dict, description="language -> canonical URL in that edition"
    )
    badges: list[str] = Field(default_factory=list, description="from the feed card: photo, video")
    crawled_at: str = Field("", description="UTC, ISO 8601")
    content_hash: str = Field("", description="stable hash of the normalised title and body")
    revision: int = Field(1, description="1 when first seen; +1 each time the content changes")
    layout: str = Field("", description="which page layout produced it")
    # Extensions of the contract:
    dateline: str | None = Field(None, description="the dateline split off the first paragraph")
    warnings: list[str] = Field(default_factory=list, description="'<kind>: <text>' each")
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="field -> where its value came from: selector, jsonld, meta, generic, card",
    )
    revision_reason: Literal["crawl", "reparse"] | None = Field(
        None,
        description="None for a first revision from a crawl, crawl when a crawl found changed "
        "content, reparse when re-extraction from the archive changed the record",
    )
    archive: dict[str, Any] | None = Field(
        None,
        description="the raw-archive record it was extracted from: {file, offset}; None with "
        "the archive off",
    )


class Reject(BaseModel):
    """A page or item that did not become an exported article, with the reason why."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="the first reason, a stable code")
    url: str
    language: str | None = None
    detail: str = ""
    reasons: list[str] = Field(default_factory=list)
    stage: str = Field("", description="download | extract | validate | dedup")
    crawled_at: str = ""
    item: dict[str, Any] | None = Field(None, description="the article as it was, if any")


ARTICLE_FIELDS: tuple[str, ...] = tuple(Article.model_fields)
REJECT_FIELDS: tuple[str, ...] = tuple(Reject.model_fields)
#: Fields every exported article must have a non-empty value for.
REQUIRED_FIELDS: tuple[str, ...] = ("url", "language", "title", "body", "published_at")
