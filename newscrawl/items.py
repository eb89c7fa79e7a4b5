"""The records the crawl produces, one pydantic model each: :class:`Article` for the
per-language files, :class:`Reject` for everything that was dropped (written to the rejects
file with its reason).

Field order is the export order (DESIGN.md, contract); fields after ``layout`` extend it.
The JSON Schemas in ``docs/schemas/`` and the dataset's columns are generated from these
models (``tests/test_models.py`` fails when they drift).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

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
#: Fields whose coverage (share of exported articles with a non-empty value) is reported.
COVERAGE_FIELDS: tuple[str, ...] = (
    "url",
    "title",
    "body",
    "published_at",
    "article_id",
    "lead",
    "modified_at",
    "category",
    "tags",
    "images",
    "translations",
    "badges",
)
#: Fields every exported article must have a non-empty value for.
REQUIRED_FIELDS: tuple[str, ...] = ("url", "language", "title", "body", "published_at")


# -- the stats file: output/stats/report-<run_id>.json ---------------------------------------
Count = Annotated[int, Field(ge=0)]
Counts = dict[str, Count]


class Walk(BaseModel):
    """Why and where an edition's feed walk stopped."""

    stop_reason: str | None
    stop_cursor: str | None


class Cost(BaseModel):
    """What each part of the run cost in requests."""

    feed_pages: Count
    hole_pages: Count
    edited_cards: Count
    revisits: Count = Field(description="known articles fetched again by the revisit schedule")
    revisits_not_modified: Count = Field(description="revisits answered 304 Not Modified")
    revisits_changed: Count = Field(description="revisits that found new content")
    rss: Count = Field(description="RSS requests (the cross-check, and RSS as a discovery source)")
    sitemap: Count


class DayFigures(BaseModel):
    """Cards of one Baku day a backfill or hole walk saw, and whether it reached the day's start."""

    listing: Count = Field(description="cards first seen on the day's date-archive listing")
    scroll: Count = Field(description="cards first seen in scroll batches")
    complete: bool = Field(description="the walk reached the day's start, every article handled")


class Days(BaseModel):
    """The days walked by this run's backfill and hole walks."""

    complete: Count
    incomplete: Count
    by_day: dict[str, DayFigures] = Field(description="the newest 62 days, by ISO date")


class EditionStats(BaseModel):
    """One edition's figures in the stats file."""

    model_config = ConfigDict(extra="forbid")

    found: Count
    exported: Count
    new: Count
    updated: Count
    unchanged: Count
    not_requested_known: Count
    dropped: Counts = Field(description="rejects by reason kind")
    dropped_total: Count
    duplicates: Counts
    flagged: Count = Field(description="articles written with warnings")
    warnings: Counts
    layouts: Counts
    fallback_share: Annotated[float, Field(ge=0, le=1)] = Field(
        0.0, description="share of exported articles by fallback layouts (jsonld, generic)"
    )
    coverage: dict[str, Annotated[float, Field(ge=0, le=1)]]
    feed_pages: Count
    requests: Count
    responses: Counts
    retries: Count
    errors: Count
    transient_errors: Count
    walk: Walk
    holes: list[dict[str, Any]]
    window: dict[str, Any] | None
    trend: dict[str, Any] | None
    cost: Cost
    feed_source: str | None = Field(description="where the edition's articles were found")
    rss_missed: Count = Field(description="articles of the RSS cross-check the walk did not reach")
    unreachable: str | None = Field(
        None, description="why the site never answered in this run (nothing more was sent)"
    )
    days: Days
    gave_up: list[str] = Field(description="article URLs given up in this run (failure budget)")


class HealthEntry(BaseModel):
    """One failed or warning health check."""

    model_config = ConfigDict(extra="forbid")

    edition: str
    check: str
    message: str
    figures: dict[str, Any]
    level: Literal["fail", "warn"]


class Health(BaseModel):
    """The health checks' verdict on the run."""

    model_config = ConfigDict(extra="forbid")

    checked: bool
    ok: bool | None
    failures: list[HealthEntry]
    warnings: list[HealthEntry]


class OutputFile(BaseModel):
    """One file the run wrote under the output directory."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["az", "en", "ru", "rejects"]
    path: str = Field(pattern=r"^(az|en|ru|rejects)/report-[^/]+\.jsonl$")
    lines: Count
    bytes: Count
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class RunStats(BaseModel):
    """The stats file of one run: ``output/stats/report-<run_id>.json`` (DESIGN.md, contract)."""

    spider: str = Field(description="report, or reparse for scrapy reparse")
    kind: Literal["crawl", "reparse", "canary"] = Field(
        "crawl", description="a crawl of the site, a re-extraction from the archive, a canary"
    )
    run_id: str
    job_id: str | None
    version: dict[str, str | None]
    arguments: dict[str, Any]
    base_url: str | None
    mode: Literal["latest", "archive"] | None
    started_at: str
    finished_at: str
    duration_seconds: float
    finish_reason: str = Field(
        description="finished, state_locked, output_unwritable, write_failed, shutdown, ..."
    )
    exit_code: Literal[0, 1, 3, 73, 74, 75]
    site_requests: Count
    state: dict[str, Any]
    previous_run: dict[str, Any]
    editions: dict[str, EditionStats]
    files: list[OutputFile]
    retention: dict[str, Any]
    health: Health


SCHEMAS: dict[str, type[BaseModel]] = {"article": Article, "reject": Reject, "stats": RunStats}


def write_schemas(folder: Path) -> list[Path]:
    """Write ``<name>.schema.json`` of each record model into ``folder`` (docs/schemas/)."""
    written = []
    for name, model in SCHEMAS.items():
        path = folder / f"{name}.schema.json"
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        schema.update(model.model_json_schema())
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m newscrawl.items docs/schemas
    for written_path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(written_path)
