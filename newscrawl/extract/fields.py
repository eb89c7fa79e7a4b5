"""Reading one field of an article page from its sources in order (the layout's selectors,
JSON-LD, meta tags, the generic fallbacks, the feed card), noting in ``sources`` which one
gave it (see ``docs/site-markup.md``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from newscrawl.dates import DateError, parse_iso, parse_site_date
from newscrawl.extract import generic
from newscrawl.extract.feed import FeedCard
from newscrawl.extract.jsonld import JsonLd
from newscrawl.extract.layouts import Layout
from newscrawl.extract.page import Page
from newscrawl.extract.text import element_text
from newscrawl.urls import ArticlePath, SiteUrls

SITE_NAME_SUFFIX = re.compile(r"\s*[-|–—]\s*(report\.az|report news agency)\s*$", re.IGNORECASE)

_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


def read_title(
    page: Page, layout: Layout | None, jsonld: JsonLd, sources: dict[str, str]
) -> tuple[str | None, list[str]]:
    title = page.first_text(layout.title) if layout is not None else None
    others = [element_text(n.root) for n in page.first(layout.other_titles)] if layout else []
    source = "selector"
    if not title and layout is None:
        title, source = generic.headline(page.selector), "generic"
    if not title:
        value, source = jsonld.text("headline"), "jsonld"
        if not value:
            value, source = page.meta("og:title"), "meta"
        title = " ".join(value.split()) if value else None
    if not title:
        tags = page.selector.css("title")
        title = SITE_NAME_SUFFIX.sub("", element_text(tags[0].root)) if tags else None
        source = "meta"
    title = title or None
    if title:
        sources["title"] = source
    return title, [t for t in others if t and t != title]


def read_published(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    warnings: list[str],
    card: FeedCard | None,
    sources: dict[str, str],
) -> tuple[datetime | None, str | None, dict[str, datetime]]:
    """The publication time with the text it came from, and every source's reading."""
    moment, raw, readings = _page_published(page, layout, jsonld, warnings, sources)
    if moment is None:
        found = generic.time_element(page.selector) or generic.visible_date(page.selector)
        if found is not None:
            moment, raw = found
            sources["published_at"] = "generic"
    if moment is None and card is not None and card.published_at is not None:
        moment = card.published_at
        raw = card.timestamp_raw or moment.isoformat(sep=" ", timespec="seconds")
        sources["published_at"] = "card"
    return moment, raw, readings


def _page_published(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    warnings: list[str],
    sources: dict[str, str],
) -> tuple[datetime | None, str | None, dict[str, datetime]]:
    readings: dict[str, datetime] = {}
    chosen: tuple[datetime, str] | None = None
    if layout is not None:
        raw = " ".join(p for p in (element_text(n.root) for n in page.first(layout.date)) if p)
        if raw:
            try:
                moment = parse_site_date(raw)
                chosen = (moment, raw)
                readings["header"] = moment
                sources["published_at"] = "selector"
            except DateError as exc:
                warnings.append(f"header date unreadable: {exc}")
    for source, value in (
        ("meta", page.meta("article:published_time")),
        ("jsonld", jsonld.text("datePublished")),
    ):
        if not value:
            continue
        try:
            moment = parse_iso(value)
        except DateError as exc:
            warnings.append(f"{source} date unreadable: {exc}")
            continue
        readings[source] = moment
        if chosen is None:
            chosen = (moment, value)
            sources["published_at"] = source
    if chosen is None:
        return None, None, readings
    return chosen[0], chosen[1], readings


def read_modified(
    page: Page, jsonld: JsonLd, warnings: list[str], sources: dict[str, str]
) -> datetime | None:
    for source, value in (
        ("meta", page.meta("article:modified_time")),
        ("jsonld", jsonld.text("dateModified")),
    ):
        if value:
            try:
                moment = parse_iso(value)
            except DateError as exc:
                warnings.append(f"{source} modified date unreadable: {exc}")
                continue
            sources["modified_at"] = source
            return moment
    return None


def _image_url(attributes: Mapping[str, str]) -> str | None:
    for attribute in ("data-src", "data-original", "data-lazy-src", "src"):
        value = (attributes.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def read_images(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    site: SiteUrls,
    page_url: str,
    sources: dict[str, str],
) -> list[dict[str, str | None]]:
    images: list[dict[str, str | None]] = []
    if layout is not None:
        for img in page.first(layout.photo)[:1]:
            url = _image_url(img.attrib)
            if url:
                caption = page.first_text(layout.caption)
                images.append({"url": site.absolute(url, page_url), "caption": caption})
                sources["images"] = "selector"
    if not images:
        fallback, source = page.meta("og:image"), "meta"
        if not fallback:
            fallback, source = next(iter(jsonld.images()), None), "jsonld"
        if fallback:
            images.append({"url": site.absolute(fallback, page_url), "caption": None})
            sources["images"] = source
    return images


def read_lead(
    page: Page, jsonld: JsonLd, paragraphs: list[str], sources: dict[str, str]
) -> str | None:
    description, source = page.meta("description", "og:description"), "meta"
    if not description:
        description, source = jsonld.text("description"), "jsonld"
    if not description:
        return None
    lead = " ".join(description.split())
    stem = _ELLIPSIS.sub("", lead).strip()
    if not stem:
        return None
    first = paragraphs[0] if paragraphs else ""
    body_start = " ".join(paragraphs)[: len(stem) + 1]
    if first.startswith(stem) or body_start.startswith(stem) or stem == first:
        return None
    sources["lead"] = source
    return lead


def read_tags(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    tag_links: list[str],
    sources: dict[str, str],
) -> list[str]:
    tags: list[str] = []
    for node in page.first(layout.tags) if layout is not None else []:
        text = element_text(node.root)
        if text and text not in tags:
            tags.append(text)
    candidates: tuple[tuple[list[str], str], ...] = (
        (tags, "selector"),
        (jsonld.keywords(), "jsonld"),
        (page.meta_all("article:tag"), "meta"),
        ([k.strip() for k in (page.meta("keywords") or "").split(",") if k.strip()], "meta"),
        (tag_links if layout is None else [], "generic"),
    )
    for found, source in candidates:
        if found:
            sources["tags"] = source
            return list(found)
    return []


def jsonld_paragraphs(jsonld: JsonLd) -> list[str]:
    article_body = jsonld.text("articleBody")
    if not article_body:
        return []
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", article_body)]
    return [p for p in paragraphs if p]


def read_category(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    title: str,
    site: SiteUrls,
    article: ArticlePath,
    url: str,
    card_category: str | None,
    sources: dict[str, str],
) -> str | None:
    candidates = (
        (lambda: page.first_text(layout.category) if layout is not None else None, "selector"),
        (lambda: page.meta("article:section"), "meta"),
        (lambda: jsonld.text("articleSection"), "jsonld"),
        (lambda: next(iter(jsonld.breadcrumb_names), None), "jsonld"),
        # page-wide guesses only where no layout is known (a known layout without a category
        # label keeps it empty, as before)
        (lambda: None if layout else generic.breadcrumb_category(page.selector, title), "generic"),
        (
            lambda: None if layout else generic.category_link(page.selector, site, article, url),
            "generic",
        ),
        (lambda: card_category, "card"),
    )
    for read, source in candidates:
        value = read()
        if value:
            sources["category"] = source
            return value
    return None
