"""Article pages: HTML in, :class:`ExtractedArticle` out, for every layout the site has had.

Each field is read from the page's layout first, then from meta tags and JSON-LD (see
``docs/site-markup.md``), so a markup change that empties one source falls back to the next.
A page that cannot yield an article raises :class:`ExtractionError` with a specific reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from newscrawl.cleaning.dateline import split_dateline
from newscrawl.extract import generic
from newscrawl.extract.errors import ExtractionError
from newscrawl.extract.feed import FeedCard
from newscrawl.extract.fields import (
    jsonld_paragraphs,
    read_category,
    read_images,
    read_lead,
    read_modified,
    read_published,
    read_tags,
    read_title,
)
from newscrawl.extract.jsonld import parse_jsonld
from newscrawl.extract.markup import links, script_texts
from newscrawl.extract.page import Page, detect_layout, parse_page
from newscrawl.extract.paragraphs import body_paragraphs
from newscrawl.extract.translations import discover_translations
from newscrawl.urls import ArticlePath, SiteUrls, article_id_from_short_link

#: Where a field's value came from (``ExtractedArticle.sources``): the layout's selectors, the
#: JSON-LD, the page head (meta tags, ``<title>``, hreflang alternates), the generic fallbacks
#: (``extract/generic.py``, ``extract/translations.py``) or the feed card.
SOURCES = ("selector", "jsonld", "meta", "generic", "card")
#: The fields ``sources`` names, in item order.
SOURCE_FIELDS = (
    "article_id",
    "title",
    "lead",
    "body",
    "published_at",
    "modified_at",
    "category",
    "tags",
    "images",
    "translations",
)

#: The short link of an article (its numeric id), in every layout.
SHORT_LINK = ".copy-url"


@dataclass
class ExtractedArticle:
    """The fields one article page yields (crawl-time fields are added by the spider)."""

    url: str
    article_id: int | None
    slug: str
    title: str
    lead: str | None
    body: str
    published_at: datetime
    published_at_raw: str
    modified_at: datetime | None
    category: str | None
    category_slug: str | None
    tags: list[str]
    images: list[dict[str, str | None]]
    translations: dict[str, str]
    layout: str
    dateline: str | None = None
    html_lang: str | None = None
    jsonld_language: str | None = None
    date_sources: dict[str, datetime] = field(default_factory=dict)
    other_titles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: field name -> where its value came from, one of :data:`SOURCES` (filled fields only)
    sources: dict[str, str] = field(default_factory=dict)


def _resolve_url(
    page: Page, url: str, site: SiteUrls, warnings: list[str]
) -> tuple[ArticlePath, str]:
    canonical_link = links(page.selector, "canonical").attrib.get("href")
    article = site.article_path(canonical_link) if canonical_link else None
    requested = site.article_path(url)
    if article is None or (requested is not None and article.edition != requested.edition):
        if canonical_link and article is None:
            warnings.append(f"canonical link {canonical_link[:200]!r} is not an article URL")
        article = requested
    elif requested is not None and article.url != requested.url:
        warnings.append(f"canonical URL differs from the requested {requested.url}")
    if article is None:
        raise ExtractionError("not_article_url", f"{url[:200]} is not an article URL of the site")
    return article, url


def _fallback_warnings(sources: dict[str, str]) -> list[str]:
    """``generic_fallback: body,title`` / ``card_fallback: published_at`` for the fields that
    no selector, JSON-LD or meta tag gave."""
    warnings = []
    for source in ("generic", "card"):
        names = [name for name, value in sources.items() if value == source]
        if names:
            warnings.append(f"{source}_fallback: {','.join(names)}")
    return warnings


def extract_article(
    html: str, url: str, site: SiteUrls, card: FeedCard | None = None
) -> ExtractedArticle:
    """Read one article page fetched from ``url`` on the configured ``site``.

    ``card`` is the feed card that led to the page, if any: its timestamp and category are the
    last fallbacks for the page's date and category (source ``card``).
    """
    card_category = card.category if card is not None else None
    if not html or not html.strip():
        raise ExtractionError("empty_page", "the response body is empty")
    page = parse_page(html)
    if not page.selector.css("head, body"):
        raise ExtractionError("not_html", "no <head> or <body> in the response")
    warnings: list[str] = []
    sources: dict[str, str] = {}
    jsonld = parse_jsonld(script_texts(page.selector, "application/ld+json"))
    warnings.extend(jsonld.errors)
    layout = detect_layout(page)

    paragraphs: list[str] = []
    if layout is not None:
        container = page.css(layout.body)
        paragraphs = body_paragraphs(container[0].root) if container else []
        if paragraphs:
            sources["body"] = "selector"
    if not paragraphs:
        paragraphs = jsonld_paragraphs(jsonld)
        if paragraphs:
            sources["body"] = "jsonld"
            if layout is not None:
                warnings.append(f"{layout.name} layout body empty; body taken from JSON-LD")
    layout_name = layout.name if layout is not None else "jsonld"

    title, other_titles = read_title(page, layout, jsonld, sources)
    article: ArticlePath | None = None
    if layout is None and not paragraphs:
        layout_name = "generic"
        if not title:
            raise ExtractionError(
                "no_title", "unknown layout, no JSON-LD articleBody, and no headline in the page"
            )
        article, _ = _resolve_url(page, url, site, warnings)
        tag_links = generic.tag_links(page.selector, site, article, url)
        headlines = {title, *(t for t in (page.meta("og:title"), jsonld.text("headline")) if t)}
        drop = {" ".join(tag_links)} if tag_links else set()
        paragraphs = generic.main_text(html, headlines, drop)
        if not paragraphs:
            raise ExtractionError(
                "no_body", "unknown layout, no JSON-LD articleBody, and no main text found"
            )
        sources["body"] = "generic"

    dateline: str | None = None
    if paragraphs and (layout is None or layout.has_dateline):
        dateline, rest = split_dateline(paragraphs[0])
        if dateline is not None:
            paragraphs = [rest, *paragraphs[1:]] if rest else paragraphs[1:]

    if not title:
        raise ExtractionError("no_title", f"{layout_name} layout: no headline in the page")
    if not paragraphs:
        raise ExtractionError("no_body", f"{layout_name} layout: the article body has no text")

    published_at, published_raw, date_sources = read_published(
        page, layout, jsonld, warnings, card, sources
    )
    if published_at is None or published_raw is None:
        raise ExtractionError("no_date", f"{layout_name} layout: no readable publication date")

    if article is None:  # resolved once: the generic path needed it already
        article, _ = _resolve_url(page, url, site, warnings)
    category = read_category(
        page, layout, jsonld, title, site, article, url, card_category, sources
    )
    translations = discover_translations(
        page.selector,
        layout.translations if layout is not None else (),
        site,
        article.edition.code,
        url,
        page.css,
    )
    if translations.source is not None:
        sources["translations"] = translations.source
    article_id = article_id_from_short_link(page.css(SHORT_LINK).attrib.get("data-url"))
    if article_id is not None:
        sources["article_id"] = "selector"
    tag_links = generic.tag_links(page.selector, site, article, url) if layout is None else []
    html_lang = page.selector.xpath("/html/@lang").get()
    lead = read_lead(page, jsonld, paragraphs, sources)
    modified_at = read_modified(page, jsonld, warnings, sources)
    tags = read_tags(page, layout, jsonld, tag_links, sources)
    images = read_images(page, layout, jsonld, site, url, sources)
    ordered = {name: sources[name] for name in SOURCE_FIELDS if name in sources}
    return ExtractedArticle(
        url=article.url,
        article_id=article_id,
        slug=article.slug,
        title=title,
        lead=lead,
        body="\n\n".join(paragraphs),
        published_at=published_at,
        published_at_raw=published_raw,
        modified_at=modified_at,
        category=category,
        category_slug=article.category_slug,
        tags=tags,
        images=images,
        translations=translations.urls,
        layout=layout_name,
        dateline=dateline,
        html_lang=html_lang.strip().lower() if html_lang else None,
        jsonld_language=jsonld.text("inLanguage"),
        date_sources=date_sources,
        other_titles=other_titles,
        warnings=warnings + _fallback_warnings(ordered),
        sources=ordered,
    )
